/**
 * Origins, for the HTTP client's redirect policy and the callers' plain-HTTP rule: what
 * "same origin" compares, which hosts are this machine, and an undici interceptor that
 * vets every redirect before undici's redirect interceptor follows it.
 */
import type { Dispatcher } from 'undici';

/** scheme://host:port with the default port filled in, lowercase: what "same origin" compares. */
export function effectiveOrigin(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const port = url.port || (scheme === 'https' ? '443' : scheme === 'http' ? '80' : '');
  return `${scheme}://${url.hostname.toLowerCase()}:${port}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host) || host === '0:0:0:0:0:0:0:1';
}

/** The provider API rule (E2B, Railway): HTTPS, or plain HTTP to this machine for development. */
export function httpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** A redirect the policy does not follow: to another origin, or to a Location that is not a URL. */
export class RedirectRefusedError extends Error {
  constructor(
    readonly from: URL,
    /** Undefined when the Location could not be read as a URL. */
    readonly to: URL | undefined,
  ) {
    super(to ? `refusing redirect from ${effectiveOrigin(from)} to ${effectiveOrigin(to)}` : `redirect from ${from.href} to an unreadable location`);
    this.name = 'RedirectRefusedError';
  }
}

const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

export type RedirectScope = 'same-origin' | 'any';

/**
 * Composed below `interceptors.redirect`, so it sees every hop: a redirect whose Location
 * leaves the hop's origin (with `same-origin`; every earlier hop stayed, so that is the
 * first request's origin) or is not a URL aborts the request instead of being followed.
 */
export function redirectGuard(scope: RedirectScope): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => dispatch(opts, new RedirectVetting(handler, new URL(opts.path, opts.origin), scope));
}

function refusal(here: URL, scope: RedirectScope, status: number, location: string | string[] | undefined): RedirectRefusedError | undefined {
  const target = Array.isArray(location) ? location[0] : location;
  if (!isRedirect(status) || !target) return undefined;
  let next: URL;
  try {
    next = new URL(target, here);
  } catch {
    return new RedirectRefusedError(here, undefined);
  }
  return scope === 'same-origin' && effectiveOrigin(next) !== effectiveOrigin(here) ? new RedirectRefusedError(here, next) : undefined;
}

type Headers = Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2];

/** Passes everything on to undici's redirect handler, except a refused redirect. */
class RedirectVetting implements Dispatcher.DispatchHandler {
  constructor(
    private readonly next: Dispatcher.DispatchHandler,
    private readonly here: URL,
    private readonly scope: RedirectScope,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.next.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>): void {
    this.next.onRequestUpgrade?.(...args);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Headers, statusMessage?: string): void {
    const refused = refusal(this.here, this.scope, status, headers.location);
    if (refused) controller.abort(refused);
    else this.next.onResponseStart?.(controller, status, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.next.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    this.next.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.next.onResponseError?.(controller, error);
  }
}
