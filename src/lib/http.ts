/**
 * The one HTTP client: provider bridge adapters, the Tailscale policy API and the doctor's
 * URL probe all go through it. Built on an undici Agent (keep-alive pool, connect timeout)
 * composed with undici's retry and redirect interceptors; each request gets a deadline
 * (AbortSignal.timeout linked to the caller's signal with AbortSignal.any), retries that
 * honour Retry-After (http-retry.ts), the redirect policy its caller needs (http-origin.ts),
 * a response size cap, and every secret redacted from anything it reports.
 */
import { STATUS_CODES } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { RedirectRefusedError, effectiveOrigin, isRedirect, redirectGuard } from './http-origin';
import { abortableSleep, defaultBackoffMs, retryCallback } from './http-retry';
import { SecretSet, redactSecrets } from './redact';

const CONNECT_TIMEOUT_MS = 10_000;
const TIMEOUT_MS = 30_000;
const MAX_RETRIES = 3;
const MAX_REDIRECTS = 10;
const MAX_BODY_BYTES = 1 << 20;

type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `same-origin`: follow redirects that stay on the request's scheme+host+port (Islo's
 * client, spec §4.1). `follow`: follow any redirect; undici drops Authorization and
 * cookies when one leaves the origin, as Go's client and fetch do. `manual`: return 3xx as is.
 */
export type RedirectPolicy = 'same-origin' | 'follow' | 'manual';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Whether sending the request twice is harmless (default: GET and HEAD). A request that
   * creates something (an Islo share) is retried only on 429/503, which mean "not processed".
   */
  idempotent?: boolean;
  /** Default `same-origin`. */
  redirect?: RedirectPolicy;
  maxBodyBytes?: number;
  /**
   * Cut any body at maxBodyBytes and keep the rest unread, as Go's io.LimitReader does.
   * Without it only an error status's body is cut; a larger success body is a failure.
   */
  truncate?: boolean;
  /** This request's deadline and retries, instead of the client's. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Secrets of this request alone, redacted along with the client's own. */
  secrets?: readonly string[];
}

type HttpHeaders = Record<string, string | string[] | undefined>;

export interface HttpResponse {
  status: number;
  /** Go's `resp.Status`, e.g. `404 Not Found`. */
  statusLine: string;
  headers: HttpHeaders;
  body: string;
  /** The body was cut at the size cap. */
  truncated: boolean;
}

export type HttpFailureKind = 'connect-timeout' | 'timeout' | 'network' | 'redirect' | 'too-large' | 'cancelled';

const KIND_CODES: Record<HttpFailureKind, 'TIMEOUT' | 'UNAVAILABLE' | 'CANCELLED'> = {
  'connect-timeout': 'TIMEOUT',
  timeout: 'TIMEOUT',
  network: 'UNAVAILABLE',
  redirect: 'UNAVAILABLE',
  'too-large': 'UNAVAILABLE',
  cancelled: 'CANCELLED',
};

/** A request that produced no usable response. `code` is an API error code (contract). */
export class HttpError extends Error {
  readonly code: 'TIMEOUT' | 'UNAVAILABLE' | 'CANCELLED';

  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    /** The underlying error (a socket's ECONNREFUSED …), for callers that name causes their own way. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = kind === 'cancelled' ? 'AbortError' : 'HttpError';
    this.code = KIND_CODES[kind];
  }
}

export interface HttpClientOptions {
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Wait before retry n (1-based) when the server gave no Retry-After. */
  backoffMs?: (retry: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Wall clock in ms, for Retry-After dates and the retry budget. */
  now?: () => number;
  /** The signal that ends a request after `ms` (AbortSignal.timeout); tests pass one they abort themselves. */
  deadline?: (ms: number) => AbortSignal;
  secrets?: SecretSet;
  log?: (line: string) => void;
  maxRedirects?: number;
  /** Name resolution (tests use it to hold a connection in its connect phase). */
  lookup?: LookupFunction;
}

/** The URL without userinfo, query or fragment: what messages name. */
function describe(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** undici refuses a redirect to a URL the chain already visited, with advice meant for its own users. */
function isRedirectLoop(error: unknown): boolean {
  return codeOf(error) === 'UND_ERR_INVALID_ARG' && error instanceof Error && error.message.startsWith('Redirect loop detected');
}

/** Reads at most `limit` bytes; `over` says whether more was sent (the rest is left unread). */
async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<{ bytes: Buffer; over: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      return { bytes: Buffer.concat(chunks), over: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), over: false };
}

export class HttpClient {
  readonly secrets: SecretSet;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRedirects: number;
  private readonly backoffMs: (retry: number) => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly deadline: (ms: number) => AbortSignal;
  private readonly log: (line: string) => void;
  private readonly agent: Agent;
  private readonly dispatchers: Record<RedirectPolicy, Dispatcher>;

  constructor(options: HttpClientOptions = {}) {
    this.secrets = options.secrets ?? new SecretSet();
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? MAX_RETRIES;
    this.maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.deadline = options.deadline ?? ((ms) => AbortSignal.timeout(ms));
    this.log = options.log ?? (() => {});
    this.agent = new Agent({ connect: { timeout: this.connectTimeoutMs, ...(options.lookup ? { lookup: options.lookup } : {}) } });
    // Last is outermost: a retry repeats the whole redirect chain, and the guard sees every hop.
    const retry = interceptors.retry({ throwOnError: false });
    const redirect = interceptors.redirect({ maxRedirections: this.maxRedirects });
    this.dispatchers = {
      'same-origin': this.agent.compose(redirectGuard('same-origin'), redirect, retry),
      follow: this.agent.compose(redirectGuard('any'), redirect, retry),
      manual: this.agent.compose(retry),
    };
  }

  /** Text with every secret this client knows about replaced by `[redacted]`. */
  redact(text: string, extra: readonly string[] = []): string {
    return redactSecrets(text, [...this.secrets.values(), ...extra]);
  }

  /** Closes the connection pool once the requests under way have finished. */
  close(): Promise<void> {
    return this.agent.close();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const redact = (text: string) => this.redact(text, req.secrets);
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (error) {
      throw new HttpError('network', `${req.method} ${redact(req.url)}: not a URL`, error);
    }
    const label = `${req.method} ${redact(describe(url))}`;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpError('network', `unsupported URL scheme ${url.protocol} in ${redact(describe(url))}`);
    }
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const deadline = this.deadline(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    const maxRetries = req.maxRetries ?? this.maxRetries;
    const retry = retryCallback({
      idempotent: req.idempotent ?? (req.method === 'GET' || req.method === 'HEAD'),
      maxRetries,
      timeoutMs,
      started: this.now(),
      now: this.now,
      backoffMs: this.backoffMs,
      sleep: this.sleep,
      signal,
      onRetry: (statusLine, n, wait) => this.log(`${label}: ${statusLine}; retry ${n}/${maxRetries} in ${seconds(wait)}`),
    });
    const policy = req.redirect ?? 'same-origin';
    try {
      if (signal.aborted) throw signal.reason;
      const options: Dispatcher.RequestOptions & { retryOptions: { retry: typeof retry } } = {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        retryOptions: { retry },
      };
      const res = await this.dispatchers[policy].request(options);
      const status = res.statusCode;
      if (policy !== 'manual' && isRedirect(status) && res.headers.location) {
        await res.body.dump();
        throw new HttpError('redirect', `stopped after ${this.maxRedirects} redirects`);
      }
      const limit = req.maxBodyBytes ?? MAX_BODY_BYTES;
      const { bytes, over } = await readCapped(res.body, limit);
      if (over && !req.truncate && status < 400) throw new HttpError('too-large', `${label}: response is larger than ${limit} bytes`);
      return {
        status,
        statusLine: `${status} ${res.statusText || STATUS_CODES[status] || ''}`.trimEnd(),
        headers: res.headers,
        body: bytes.toString('utf8'),
        truncated: over,
      };
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (req.signal?.aborted) throw new HttpError('cancelled', `${label}: cancelled`);
      if (deadline.aborted) throw new HttpError('timeout', `${label}: no response within ${seconds(timeoutMs)}`);
      if (error instanceof RedirectRefusedError) {
        if (!error.to) throw new HttpError('redirect', `${req.method} ${redact(describe(error.from))}: redirect to an unreadable location`);
        throw new HttpError('redirect', `refusing redirect from ${redact(effectiveOrigin(error.from))} to ${redact(effectiveOrigin(error.to))}`);
      }
      if (isRedirectLoop(error)) throw new HttpError('redirect', `${label}: the redirects loop back to a URL already visited`);
      if (codeOf(error) === 'UND_ERR_CONNECT_TIMEOUT') {
        throw new HttpError('connect-timeout', `${label}: could not connect to ${redact(url.host)} within ${seconds(this.connectTimeoutMs)}`, error);
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new HttpError('network', `${label}: ${redact(message)}`, error);
    }
  }
}

let shared: HttpClient | undefined;

/** The process's client for callers that were given none (like undici's global dispatcher). */
export function defaultHttpClient(): HttpClient {
  return (shared ??= new HttpClient());
}
