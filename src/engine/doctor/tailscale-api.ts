/**
 * The Tailscale policy-file API as crabbox calls it (spec §7.3): GET the HuJSON policy with
 * its ETag, POST it back with `If-Match`, through the shared HTTP client: one attempt within
 * the deadline (crabbox does not retry), redirects followed as Go's client does, the body
 * read up to 256 KiB. The API key travels only in the Authorization header and is
 * scrubbed from every error text.
 */
import { HttpError, defaultHttpClient, type HttpClient } from '../../lib/http';
import { redactSecrets } from '../../lib/redact';
import { describeNetError } from './net-errors';

export const DEFAULT_TAILNET_API_URL = 'https://api.tailscale.com';
export const MAX_POLICY_BYTES = 256 * 1024;
export const DOCTOR_TIMEOUT_MS = 4000;
export const BOOTSTRAP_TIMEOUT_MS = 6000;

const UNAVAILABLE_MESSAGE = 'pond acl: auto-bootstrap unavailable on this control plane';
const PRECONDITION_FAILED_MESSAGE = 'pond acl: tailnet policy changed during update (ETag mismatch)';

export type TailscaleApiErrorKind = 'unavailable' | 'precondition-failed' | 'http' | 'network' | 'timeout' | 'cancelled';

export class TailscaleApiError extends Error {
  constructor(
    readonly kind: TailscaleApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TailscaleApiError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** resolveTailnetAPIURL: CRABBOX_TS_API_URL, then TS_API_URL (trimmed, no trailing `/`), else the default. */
export function resolveTailnetAPIURL(env: Env): string {
  for (const name of ['CRABBOX_TS_API_URL', 'TS_API_URL']) {
    const value = (env[name] ?? '').trim().replace(/\/+$/, '');
    if (value !== '') return value;
  }
  return DEFAULT_TAILNET_API_URL;
}

/** `TS_TAILNET` trimmed, or `-` (the key's own tailnet). */
export function resolveTailnet(env: Env): string {
  return (env.TS_TAILNET ?? '').trim() || '-';
}

export interface PolicyClientOptions {
  apiKey: string;
  /** Base URL from resolveTailnetAPIURL. */
  apiURL: string;
  tailnet: string;
  timeoutMs: number;
  /** The process's shared client unless one is given (tests give one with their own deadline). */
  http?: HttpClient;
}

export interface Policy {
  body: string;
  /** Exactly as the server sent it, quotes included; '' when absent (doctor reads only). */
  etag: string;
}

export function policyURL(apiURL: string, tailnet: string): string {
  return `${apiURL}/api/v2/tailnet/${tailnet || '-'}/acl`;
}

function basicCredentials(apiKey: string): string {
  return Buffer.from(`${apiKey}:`, 'utf8').toString('base64');
}

/** The key, and the key as it travels (a server may echo the Authorization header). */
function secretsOf(options: PolicyClientOptions): string[] {
  return options.apiKey === '' ? [] : [options.apiKey, basicCredentials(options.apiKey)];
}

function redact(text: string, options: PolicyClientOptions): string {
  return redactSecrets(text, secretsOf(options));
}

/** tailscaleAPIError: `tailscale api <code>: <message>` when the body is a JSON envelope with one. */
export function apiErrorText(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const message = (parsed as Record<string, unknown>).message;
      if (typeof message === 'string' && message !== '') return `tailscale api ${status}: ${message}`;
    }
  } catch {
    // Not JSON: the status alone.
  }
  return `tailscale api ${status}`;
}

async function request(
  options: PolicyClientOptions,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ status: number; etag: string; text: string }> {
  const url = policyURL(options.apiURL, options.tailnet);
  try {
    const response = await (options.http ?? defaultHttpClient()).request({
      method,
      url,
      headers: { Authorization: `Basic ${basicCredentials(options.apiKey)}`, ...headers },
      body,
      signal,
      timeoutMs: options.timeoutMs,
      maxRetries: 0,
      redirect: 'follow',
      maxBodyBytes: MAX_POLICY_BYTES,
      truncate: true,
      secrets: secretsOf(options),
    });
    const etag = response.headers.etag;
    return { status: response.status, etag: (Array.isArray(etag) ? etag[0] : etag) ?? '', text: response.body };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.kind === 'timeout') throw new TailscaleApiError('timeout', redact(`${method} ${url}: no answer within ${options.timeoutMs / 1000} s`, options));
    if (error.kind === 'cancelled') throw new TailscaleApiError('cancelled', redact(`${method} ${url}: cancelled`, options));
    throw new TailscaleApiError('network', redact(`${method} ${url}: ${describeNetError(error)}`, options));
  }
}

/**
 * GET the policy. 404/501 mean the control plane (e.g. Headscale) has no such API. With
 * `requireETag` (bootstrap), a 2xx without an ETag is "unavailable" too: never write
 * without a compare-and-swap token.
 */
export async function getPolicy(options: PolicyClientOptions, requireETag: boolean, signal?: AbortSignal): Promise<Policy> {
  const url = policyURL(options.apiURL, options.tailnet);
  const { status, etag, text } = await request(options, 'GET', { Accept: 'application/hujson' }, undefined, signal);
  if (status === 404 || status === 501) {
    throw new TailscaleApiError('unavailable', redact(`${UNAVAILABLE_MESSAGE}: GET ${url} returned ${status}`, options), status);
  }
  if (status < 200 || status >= 300) throw new TailscaleApiError('http', redact(apiErrorText(status, text), options), status);
  if (requireETag && etag === '') {
    throw new TailscaleApiError('unavailable', redact(`${UNAVAILABLE_MESSAGE}: GET ${url} returned no ETag header`, options), status);
  }
  return { body: text, etag };
}

/** POST the policy with `If-Match: <etag>`; 412 means someone else changed it first. */
export async function postPolicy(options: PolicyClientOptions, body: string, etag: string, signal?: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/hujson', Accept: 'application/json' };
  if (etag !== '') headers['If-Match'] = etag;
  const { status, text } = await request(options, 'POST', headers, body, signal);
  if (status === 412) throw new TailscaleApiError('precondition-failed', PRECONDITION_FAILED_MESSAGE, status);
  if (status < 200 || status >= 300) throw new TailscaleApiError('http', redact(apiErrorText(status, text), options), status);
}
