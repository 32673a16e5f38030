/**
 * The one HTTP client every provider call goes through (node:http/https, so the connect
 * phase can be timed separately). Each call gets a connect timeout, an overall deadline
 * covering every attempt, up to three retries on 429/5xx that honour Retry-After, the
 * caller's AbortSignal, an origin-locked redirect policy, a response size cap, and
 * redaction of every configured secret in anything it reports.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { SecretSet, redactSecrets } from './redact';

export const CONNECT_TIMEOUT_MS = 10_000;
export const TIMEOUT_MS = 30_000;
export const MAX_RETRIES = 3;
export const MAX_REDIRECTS = 10;
export const MAX_BODY_BYTES = 1 << 20;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Whether sending the request twice is harmless. A request that creates something
   * (an Islo share) is retried only on 429/503, which mean "not processed".
   */
  idempotent?: boolean;
  /** `same-origin`: follow redirects that stay on the request's scheme+host+port. `manual`: return 3xx as is. */
  redirect?: 'same-origin' | 'manual';
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Go's `resp.Status`, e.g. `404 Not Found`. */
  statusLine: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body was cut at the size cap (only ever for error statuses). */
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: string;
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

/** A request that produced no usable response. `code` is an API error code (preload/api.ts). */
export class HttpError extends Error {
  readonly code: 'TIMEOUT' | 'UNAVAILABLE' | 'CANCELLED';

  constructor(
    readonly kind: HttpFailureKind,
    message: string,
  ) {
    super(message);
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
  secrets?: SecretSet;
  log?: (line: string) => void;
  maxRedirects?: number;
  /** Name resolution (tests use it to hold a connection in its connect phase). */
  lookup?: LookupFunction;
}

export function defaultBackoffMs(retry: number): number {
  return Math.min(500 * 2 ** (retry - 1), 4_000);
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, at - now);
}

/** scheme://host:port with the default port filled in, lowercase: what "same origin" compares. */
export function effectiveOrigin(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const port = url.port || (scheme === 'https' ? '443' : scheme === 'http' ? '80' : '');
  return `${scheme}://${url.hostname.toLowerCase()}:${port}`;
}

function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function retryable(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && status >= 500 && status <= 599;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class HttpClient {
  readonly secrets: SecretSet;
  private readonly connectTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRedirects: number;
  private readonly backoffMs: (retry: number) => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly lookup: LookupFunction | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  constructor(options: HttpClientOptions = {}) {
    this.secrets = options.secrets ?? new SecretSet();
    this.connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? MAX_RETRIES;
    this.maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.lookup = options.lookup;
  }

  /** Text with every secret this client knows about replaced by `[redacted]`. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets.values());
  }

  /** Drops idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new HttpError('timeout', `${req.method} ${this.redact(describe(url))}: no response within ${seconds(this.timeoutMs)}`)),
      this.timeoutMs,
    );
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    const started = this.now();
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'HEAD');
    try {
      for (let retry = 0; ; retry++) {
        const response = await this.follow(req, url, signal);
        if (retry >= this.maxRetries || !retryable(response.status, idempotent)) return response;
        const hinted = retryAfterMs(headerValue(response.headers['retry-after']), this.now());
        const wait = hinted ?? this.backoffMs(retry + 1);
        if (this.now() - started + wait >= this.timeoutMs) return response;
        this.log(`${req.method} ${this.redact(describe(url))}: ${response.statusLine}; retry ${retry + 1}/${this.maxRetries} in ${seconds(wait)}`);
        await this.sleep(wait, signal).catch(() => {
          throw this.abortError(req, url, signal);
        });
      }
    } catch (error) {
      if (signal.aborted) throw this.abortError(req, url, signal);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private abortError(req: HttpRequest, url: URL, signal: AbortSignal): HttpError {
    if (signal.reason instanceof HttpError) return signal.reason;
    return new HttpError('cancelled', `${req.method} ${this.redact(describe(url))}: cancelled`);
  }

  private async follow(req: HttpRequest, start: URL, signal: AbortSignal): Promise<HttpResponse> {
    let url = start;
    let method = req.method;
    let body = req.body;
    let headers = { ...req.headers };
    for (let hops = 0; ; hops++) {
      const response = await this.send(method, url, headers, body, req.maxBodyBytes ?? MAX_BODY_BYTES, signal);
      const location = headerValue(response.headers.location);
      if ((req.redirect ?? 'same-origin') === 'manual' || !REDIRECTS.has(response.status) || !location) return response;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new HttpError('redirect', `${method} ${this.redact(describe(url))}: redirect to an unreadable location`);
      }
      if (effectiveOrigin(next) !== effectiveOrigin(start)) {
        throw new HttpError('redirect', `refusing redirect from ${effectiveOrigin(start)} to ${this.redact(effectiveOrigin(next))}`);
      }
      if (hops + 1 > this.maxRedirects) throw new HttpError('redirect', `stopped after ${this.maxRedirects} redirects`);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
      }
      url = next;
    }
  }

  private send(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    maxBodyBytes: number,
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const isHttps = url.protocol === 'https:';
      if (!isHttps && url.protocol !== 'http:') {
        return reject(new HttpError('network', `unsupported URL scheme ${url.protocol} in ${this.redact(describe(url))}`));
      }
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const outgoing: Record<string, string> = { ...headers };
      if (payload) outgoing['Content-Length'] = String(payload.length);
      const request = (isHttps ? https : http).request(url, {
        method,
        headers: outgoing,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        signal,
        ...(this.lookup ? { lookup: this.lookup } : {}),
      });
      let connectTimer: NodeJS.Timeout | undefined;
      const clearConnectTimer = () => {
        if (connectTimer) clearTimeout(connectTimer);
        connectTimer = undefined;
      };
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          request.destroy(new HttpError('connect-timeout', `${method} ${this.redact(describe(url))}: could not connect to ${url.host} within ${seconds(this.connectTimeoutMs)}`));
        }, this.connectTimeoutMs);
        socket.once('connect', clearConnectTimer);
      });
      request.on('close', clearConnectTimer);
      request.on('error', (error) => {
        clearConnectTimer();
        if (error instanceof HttpError) return reject(error);
        if (signal.aborted) return reject(signal.reason);
        reject(new HttpError('network', `${method} ${this.redact(describe(url))}: ${this.redact(error.message)}`));
      });
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (truncated: boolean) => {
          if (done) return;
          done = true;
          resolve({
            status,
            statusLine: `${status} ${res.statusMessage || http.STATUS_CODES[status] || ''}`.trimEnd(),
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            url: url.href,
          });
        };
        const fail = (error: Error) => {
          if (done) return;
          done = true;
          reject(error);
        };
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          if (size + chunk.length <= maxBodyBytes) {
            chunks.push(chunk);
            size += chunk.length;
            return;
          }
          if (status < 400) {
            fail(new HttpError('too-large', `${method} ${this.redact(describe(url))}: response is larger than ${maxBodyBytes} bytes`));
          } else {
            chunks.push(chunk.subarray(0, maxBodyBytes - size));
            finish(true);
          }
          request.destroy();
        });
        res.on('end', () => finish(false));
        res.on('error', (error) => {
          if (signal.aborted) return fail(signal.reason);
          fail(new HttpError('network', `${method} ${this.redact(describe(url))}: response interrupted: ${this.redact(error.message)}`));
        });
        res.on('close', () => {
          if (!done && signal.aborted) fail(signal.reason);
          else if (!done && !res.complete) fail(new HttpError('network', `${method} ${this.redact(describe(url))}: connection closed before the response was complete`));
        });
      });
      request.end(payload);
    });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
