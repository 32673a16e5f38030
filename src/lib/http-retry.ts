/**
 * When the HTTP client asks again, as the `retry` callback of undici's retry interceptor:
 * only on statuses that mean "try later" (all of 429/502/503/504 and 500 for a request that
 * is safe to repeat, only 429/503 — "not processed" — for one that creates something),
 * waiting what Retry-After says or backing off, and never past the request's deadline.
 */
import { STATUS_CODES } from 'node:http';
import type { RetryHandler } from 'undici';

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

export function retryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && (status === 500 || status === 502 || status === 504);
}

export interface RetryPlan {
  idempotent: boolean;
  maxRetries: number;
  /** The request's whole budget, and when it started (`now()` time). */
  timeoutMs: number;
  started: number;
  now: () => number;
  backoffMs: (retry: number) => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  signal: AbortSignal;
  /** Told before each wait, e.g. to log `503 Service Unavailable; retry 1/3 in 2 s`. */
  onRetry: (statusLine: string, retry: number, waitMs: number) => void;
}

/** A status the interceptor saw: its RequestRetryError carries the code and headers. */
interface StatusError {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * The callback undici calls for every status ≥ 300 and every network error. Calling
 * `proceed(error)` hands the response (or error) to the caller as it is; `proceed(null)`
 * sends the request again.
 */
export function retryCallback(plan: RetryPlan): RetryHandler.RetryCallback {
  return (error, { state }, proceed) => {
    const { statusCode, headers } = error as StatusError;
    if (statusCode === undefined || !retryableStatus(statusCode, plan.idempotent) || state.counter > plan.maxRetries) return proceed(error);
    const header = headers?.['retry-after'];
    const wait = retryAfterMs(Array.isArray(header) ? header[0] : header, plan.now()) ?? plan.backoffMs(state.counter);
    if (plan.now() - plan.started + wait >= plan.timeoutMs) return proceed(error);
    plan.onRetry(`${statusCode} ${STATUS_CODES[statusCode] ?? ''}`.trimEnd(), state.counter, wait);
    plan.sleep(wait, plan.signal).then(
      () => {
        if (!plan.signal.aborted) proceed(null);
      },
      // Aborted: undici has already failed the request with the signal's reason.
      () => undefined,
    );
  };
}
