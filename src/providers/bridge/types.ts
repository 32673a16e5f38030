/**
 * The URL-bridge contract (spec §4): a provider adapter publishes a public URL for one
 * port of a lease, or lists the URLs that already exist, without the resolver knowing
 * which provider primitive (Islo share, E2B preview, Railway deployment) is behind it.
 */
import type { BridgeTarget } from '../../contract/index';
import type { ErrorCode } from '../../contract/index';

export type { BridgeTarget };

/** What a tailnet revalidation found (crabbox TailscaleMetadata, the parts the resolver reads). */
export interface TailnetMetadata {
  ipv4: string;
  fqdn: string;
  hostname: string;
}

export interface BridgeAdapter {
  readonly provider: string;
  /** Returns a URL for `port`, creating provider state if needed (idempotent where the provider allows). */
  publish(leaseID: string, port: number, ttlSeconds: number, signal: AbortSignal): Promise<BridgeTarget>;
  /** The URLs that already exist for the lease; never creates anything. */
  list(leaseID: string, signal: AbortSignal): Promise<BridgeTarget[]>;
  /** Re-checks a lease's tailnet enrollment (only dual-plane providers implement it). */
  validateTailnetPeer?(leaseID: string, signal: AbortSignal): Promise<TailnetMetadata>;
  /** Releases idle connections once the caller is done with the adapter. */
  close?(): void;
}

/**
 * An adapter failure. `exitCode` is what crabbox would exit with (2 bad input/config,
 * 4 not found, 1 otherwise); `code` is the API error code the UI sees.
 */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 4 = 1,
    readonly code: ErrorCode = 'UNAVAILABLE',
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export const NOT_IMPLEMENTED_MESSAGE = 'pond bridge plane not implemented for this provider';

/** crabbox's ErrBridgeNotImplemented: the provider has no way to publish or list URLs. */
export class BridgeNotImplementedError extends BridgeError {
  constructor() {
    super(NOT_IMPLEMENTED_MESSAGE, 1, 'UNAVAILABLE');
    this.name = 'BridgeNotImplementedError';
  }
}

/**
 * `prefix: cause` keeping the cause's exit code, API code and kind (Go's `%w`), so a
 * wrapped cancellation is still a cancellation and a wrapped "not implemented" is still
 * recognised.
 */
export function wrapError(prefix: string, cause: unknown): BridgeError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const exitCode = cause instanceof BridgeError ? cause.exitCode : 1;
  const code = errorCodeOf(cause);
  const wrapped = new BridgeError(`${prefix}: ${message}`, exitCode, code);
  if (cause instanceof Error && cause.name === 'AbortError') wrapped.name = 'AbortError';
  (wrapped as { cause?: unknown }).cause = cause;
  return wrapped;
}

function errorCodeOf(cause: unknown): ErrorCode {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? (code as ErrorCode) : 'UNAVAILABLE';
}

/** errors.Is(err, ErrBridgeNotImplemented) through any number of wraps. */
export function isNotImplemented(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof BridgeNotImplementedError) return true;
  }
  return false;
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
