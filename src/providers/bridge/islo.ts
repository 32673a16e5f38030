/**
 * Islo bridge adapter (spec §4.1): per-port public HTTPS shares on an Islo sandbox.
 * Publishing is idempotent: a still-valid share for the same port is reused, because
 * every created share counts as a published URL on the user's tenant.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { goQuote } from '../../lib/go-quote';
import { normalizeSlug } from '../../lib/names';
import type { HttpClient, HttpResponse } from '../../lib/http';
import { bodySnippet } from '../../lib/redact';
import { adapterHttpClient, assertBridgePort, type BridgeContext, envSetting } from './context';
import { ZERO_TIME, parseRfc3339 } from '../../lib/go-time';
import { BridgeError, isAbort, wrapError, type BridgeAdapter, type BridgeTarget } from './types';

export const ISLO_DEFAULT_BASE_URL = 'https://api.islo.dev';
export const ISLO_LEASE_PREFIX = 'isb_';
export const ISLO_NAME_PREFIX = 'crabbox-';
export const SHARE_REUSE_SKEW_MS = 30_000;
export const MIN_SHARE_TTL_SECONDS = 60;
export const MAX_SHARE_TTL_SECONDS = 7 * 24 * 3600;
const TOKEN_REFRESH_MARGIN_MS = 60_000;

/** isloSandboxNameFromLeaseID: `isb_<name>` or a bare name, Crabbox-owned only. */
export function isloSandboxName(leaseID: string): string {
  const id = leaseID.trim();
  if (id === '') throw new BridgeError('islo bridge: missing lease id', 2, 'INVALID_INPUT');
  const owned = (name: string) => name === normalizeSlug(name) && name.startsWith(ISLO_NAME_PREFIX);
  if (id.startsWith(ISLO_LEASE_PREFIX)) {
    const name = id.slice(ISLO_LEASE_PREFIX.length);
    if (!owned(name)) throw new BridgeError(`islo bridge: lease ${goQuote(id)} is not a Crabbox-owned sandbox`, 2, 'INVALID_INPUT');
    return name;
  }
  if (owned(id)) return id;
  throw new BridgeError(`islo bridge: lease ${goQuote(id)} is not a Crabbox-owned islo sandbox`, 2, 'INVALID_INPUT');
}

/** The `ttl_seconds` Islo is sent: omitted for ttl ≤ 0, else whole seconds clamped to 60 s–7 days. */
export function shareTtlSeconds(ttlSeconds: number): number | undefined {
  if (!(ttlSeconds > 0)) return undefined;
  return Math.min(MAX_SHARE_TTL_SECONDS, Math.max(MIN_SHARE_TTL_SECONDS, Math.trunc(ttlSeconds)));
}

const shareSchema = z.object({
  share_id: z.string().nullish(),
  url: z.string().nullish(),
  port: z.number().int().nullish(),
  created_at: z.string().nullish(),
  expires_at: z.string().nullish(),
});
type ShareResponse = z.infer<typeof shareSchema>;

export interface IsloShare {
  shareID: string;
  url: string;
  port: number;
  expiry: { kind: 'none' } | { kind: 'invalid' } | { kind: 'at'; epochMs: number; json: string };
}

/** isloShareFromAPI: an unparseable (or zero) expiry counts as "set", so the share is never reused. */
export function shareFromApi(raw: ShareResponse): IsloShare {
  const share = { shareID: raw.share_id ?? '', url: raw.url ?? '', port: raw.port ?? 0 };
  const expires = raw.expires_at ?? '';
  if (expires === '') return { ...share, expiry: { kind: 'none' } };
  const parsed = parseRfc3339(expires);
  if (!parsed || parsed.isZero) return { ...share, expiry: { kind: 'invalid' } };
  return { ...share, expiry: { kind: 'at', epochMs: parsed.epochMs, json: parsed.json } };
}

export function shareReusable(share: IsloShare, port: number, now: number): boolean {
  if (share.port !== port || share.url === '') return false;
  if (share.expiry.kind === 'none') return true;
  if (share.expiry.kind === 'invalid') return false;
  return share.expiry.epochMs > now + SHARE_REUSE_SKEW_MS;
}

export function targetFromShare(share: IsloShare): BridgeTarget {
  const target: BridgeTarget = { port: share.port, url: share.url, expiresAt: share.expiry.kind === 'at' ? share.expiry.json : ZERO_TIME };
  if (share.shareID !== '') target.shareID = share.shareID;
  return target;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Session tokens per (base URL, API key), shared by every adapter in the process as the
 * Islo SDK does, and refreshed 60 s before the cookie max-age runs out.
 */
export class IsloTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  static key(baseURL: string, apiKey: string): string {
    return `${baseURL}\n${createHash('sha256').update(apiKey).digest('hex')}`;
  }

  async get(key: string, now: number, exchange: () => Promise<{ token: string; maxAgeSeconds: number }>, clock: () => number): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && now < cached.expiresAt) return cached.token;
    const inflight = this.pending.get(key);
    if (inflight) return inflight;
    const request = exchange()
      .then(({ token, maxAgeSeconds }) => {
        this.tokens.set(key, { token, expiresAt: clock() + Math.max(0, maxAgeSeconds * 1000 - TOKEN_REFRESH_MARGIN_MS) });
        return token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  forget(key: string): void {
    this.tokens.delete(key);
  }
}

export const sharedIsloTokens = new IsloTokenCache();

const tokenSchema = z.object({ session_token: z.string().nullish(), cookie_max_age: z.number().nullish() });

function decodeJson(body: string, what: string): unknown {
  if (body.trim() === '') throw new BridgeError(`decode ${what}: empty body`);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BridgeError(`decode ${what}: ${(error as Error).message}`);
  }
}

export interface IsloOptions {
  tokens?: IsloTokenCache;
}

export class IsloAdapter implements BridgeAdapter {
  readonly provider = 'islo';
  private client: { http: HttpClient; baseURL: string; apiKey: string } | undefined;
  private readonly tokens: IsloTokenCache;
  private readonly now: () => number;

  constructor(
    private readonly ctx: BridgeContext,
    options: IsloOptions = {},
  ) {
    this.tokens = options.tokens ?? sharedIsloTokens;
    this.now = ctx.now ?? Date.now;
  }

  async publish(leaseID: string, port: number, ttlSeconds: number, signal: AbortSignal): Promise<BridgeTarget> {
    assertBridgePort('islo', port);
    const name = isloSandboxName(leaseID);
    const existing = await this.listShares(name, signal);
    const now = this.now();
    const reusable = existing.find((share) => shareReusable(share, port, now));
    if (reusable) return targetFromShare(reusable);
    return targetFromShare(await this.createShare(name, port, ttlSeconds, signal));
  }

  async list(leaseID: string, signal: AbortSignal): Promise<BridgeTarget[]> {
    const name = isloSandboxName(leaseID);
    const shares = await this.listShares(name, signal);
    return shares.filter((share) => share.url !== '').map(targetFromShare);
  }

  close(): void {
    void this.client?.http.close();
  }

  private connect(): { http: HttpClient; baseURL: string; apiKey: string } {
    if (this.client) return this.client;
    const apiKey = this.ctx.credentials.get('ISLO_API_KEY');
    if (!apiKey) throw new BridgeError('provider=islo requires ISLO_API_KEY', 2, 'UNAUTHORIZED');
    const baseURL = envSetting(this.ctx.env, 'ISLO_BASE_URL', ISLO_DEFAULT_BASE_URL).replace(/\/+$/, '');
    let parsed: URL | undefined;
    try {
      parsed = new URL(baseURL);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !parsed.protocol || !parsed.host) throw new BridgeError('islo base URL must include scheme and host', 1, 'INVALID_INPUT');
    this.client = { http: adapterHttpClient(this.ctx, [apiKey]), baseURL, apiKey };
    return this.client;
  }

  private async authorize(signal: AbortSignal): Promise<{ http: HttpClient; baseURL: string; headers: Record<string, string>; tokenKey: string }> {
    const { http, baseURL, apiKey } = this.connect();
    const tokenKey = IsloTokenCache.key(baseURL, apiKey);
    const fetchToken = () => this.tokens.get(tokenKey, this.now(), () => this.exchange(http, baseURL, apiKey, signal), this.now);
    let token: string;
    try {
      // Another caller's exchange may have been cancelled under us; that is not our cancellation.
      token = await fetchToken().catch((error: unknown) => {
        if (isAbort(error) && !signal.aborted) return fetchToken();
        throw error;
      });
    } catch (error) {
      throw wrapError('islo auth', error);
    }
    http.secrets.add(token);
    return { http, baseURL, tokenKey, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } };
  }

  private async exchange(http: HttpClient, baseURL: string, apiKey: string, signal: AbortSignal): Promise<{ token: string; maxAgeSeconds: number }> {
    const res = await http.request({
      method: 'POST',
      url: `${baseURL}/auth/token`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ access_key: apiKey }),
      idempotent: true,
      signal,
    });
    if (res.status >= 400) {
      const detail = bodySnippet(res.body, http.secrets.values(), 1024);
      const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'UNAVAILABLE';
      throw new BridgeError(`token exchange failed (${res.statusLine})${detail ? `: ${detail}` : ''}`, 1, code);
    }
    const parsed = tokenSchema.safeParse(decodeJson(res.body, 'token response'));
    if (!parsed.success) throw new BridgeError('decode token response: unexpected shape');
    const token = parsed.data.session_token ?? '';
    if (token === '') throw new BridgeError('token exchange response missing session_token');
    http.secrets.add(token);
    return { token, maxAgeSeconds: parsed.data.cookie_max_age ?? 0 };
  }

  private sharesURL(baseURL: string, name: string): string {
    return `${baseURL}/sandboxes/${encodeURIComponent(name)}/shares`;
  }

  private failure(action: string, res: HttpResponse, http: HttpClient, tokenKey: string): BridgeError {
    if (res.status === 401) this.tokens.forget(tokenKey);
    const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : res.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE';
    const detail = bodySnippet(res.body, http.secrets.values());
    return new BridgeError(`islo ${action} ${res.statusLine}${detail ? `: ${detail}` : ''}`, 1, code);
  }

  private async listShares(name: string, signal: AbortSignal): Promise<IsloShare[]> {
    const { http, baseURL, headers, tokenKey } = await this.authorize(signal);
    let res: HttpResponse;
    try {
      res = await http.request({ method: 'GET', url: this.sharesURL(baseURL, name), headers, signal });
    } catch (error) {
      throw wrapError('islo list shares', error);
    }
    if (res.status === 404) return [];
    if (res.status >= 400) throw this.failure('list shares', res, http, tokenKey);
    const raw = decodeJson(res.body, 'share list response');
    if (raw === null) return [];
    const parsed = z.array(shareSchema).safeParse(raw);
    if (!parsed.success) throw new BridgeError('decode share list response: expected a JSON array of shares');
    return parsed.data.map(shareFromApi);
  }

  private async createShare(name: string, port: number, ttlSeconds: number, signal: AbortSignal): Promise<IsloShare> {
    const { http, baseURL, headers, tokenKey } = await this.authorize(signal);
    const ttl = shareTtlSeconds(ttlSeconds);
    let res: HttpResponse;
    try {
      res = await http.request({
        method: 'POST',
        url: this.sharesURL(baseURL, name),
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(ttl === undefined ? { port } : { port, ttl_seconds: ttl }),
        idempotent: false,
        signal,
      });
    } catch (error) {
      throw wrapError('islo create share', error);
    }
    if (res.status >= 400) throw this.failure('create share', res, http, tokenKey);
    const parsed = shareSchema.safeParse(decodeJson(res.body, 'share response'));
    if (!parsed.success) throw new BridgeError('decode share response: expected a share object');
    return shareFromApi(parsed.data);
  }
}

export function isloAdapter(ctx: BridgeContext): BridgeAdapter {
  return new IsloAdapter(ctx);
}
