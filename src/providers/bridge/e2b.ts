/**
 * E2B bridge adapter (spec §4.2). E2B serves every sandbox port at
 * `https://<port>-<sandboxID>.<domain>` while the sandbox runs, so publishing only has
 * to find the sandbox bound to the lease; there is no API listing previews, so `list`
 * checks the lease and returns nothing.
 */
import { z } from 'zod';
import { goQuote } from '../../lib/go-quote';
import type { HttpClient, HttpResponse } from '../../lib/http';
import { httpsOrLoopback } from '../../lib/http-origin';
import { bodySnippet, goQueryEscape } from '../../lib/redact';
import { adapterHttpClient, assertBridgePort, type BridgeContext, envSetting } from './context';
import { ZERO_TIME } from '../../lib/go-time';
import { BridgeError, wrapError, type BridgeAdapter, type BridgeTarget } from './types';

export const E2B_DEFAULT_API_URL = 'https://api.e2b.app';
export const E2B_DEFAULT_DOMAIN = 'e2b.app';
/** A lease with more sandboxes than this many pages is not something crabbox creates; stop instead of looping. */
const MAX_PAGES = 100;

const sandboxSchema = z.object({
  sandboxID: z.string().nullish(),
  domain: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
type Sandbox = z.infer<typeof sandboxSchema>;

/** url.Values.Encode: keys sorted, each key and value QueryEscaped. */
export function goFormEncode(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(values[key] ?? '')}`)
    .join('&');
}

/** The `/v2/sandboxes` query crabbox sends for one page of a lease lookup. */
export function sandboxListQuery(leaseID: string, nextToken: string): string {
  const query: Record<string, string> = {
    limit: '100',
    metadata: goFormEncode({ lease: leaseID, provider: 'e2b' }),
    state: 'running,paused',
  };
  if (nextToken !== '') query.nextToken = nextToken;
  return goFormEncode(query);
}

export function previewURL(port: number, sandboxID: string, domain: string): string {
  return `https://${port}-${sandboxID}.${domain.trim() || E2B_DEFAULT_DOMAIN}`;
}

/** validateE2BAPIURL: absolute, no userinfo/query/fragment, HTTPS unless loopback. */
export function validateApiURL(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new BridgeError('provider=e2b API URL must be an absolute HTTPS URL', 2, 'INVALID_INPUT');
  }
  if (!parsed.host) throw new BridgeError('provider=e2b API URL must be an absolute HTTPS URL', 2, 'INVALID_INPUT');
  if (parsed.username || parsed.password || parsed.search || raw.includes('?') || parsed.hash || raw.includes('#')) {
    throw new BridgeError('provider=e2b API URL must not contain userinfo, query parameters, or a fragment', 2, 'INVALID_INPUT');
  }
  if (!httpsOrLoopback(parsed)) {
    throw new BridgeError('provider=e2b API URL must use HTTPS except for loopback development endpoints', 2, 'INVALID_INPUT');
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}

function isCrabboxSandbox(sandbox: Sandbox): boolean {
  return sandbox.metadata?.provider === 'e2b' && sandbox.metadata?.crabbox === 'true';
}

/** summarizeJSON: compact JSON when it parses, cut at 500 characters. */
function summarize(body: string, secrets: string[]): string {
  let text = body.trim();
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON: keep the text as sent
  }
  const redacted = bodySnippet(text, secrets, 4096);
  return redacted.length > 500 ? `${redacted.slice(0, 500)}...` : redacted;
}

export class E2BAdapter implements BridgeAdapter {
  readonly provider = 'e2b';
  private client: { http: HttpClient; apiURL: string; apiKey: string } | undefined;

  constructor(private readonly ctx: BridgeContext) {}

  async publish(leaseID: string, port: number, _ttlSeconds: number, signal: AbortSignal): Promise<BridgeTarget> {
    assertBridgePort('e2b', port);
    const { sandboxID, domain } = await this.coords(leaseID, signal);
    return { port, url: previewURL(port, sandboxID, domain), expiresAt: ZERO_TIME };
  }

  async list(leaseID: string, signal: AbortSignal): Promise<BridgeTarget[]> {
    await this.coords(leaseID, signal);
    return [];
  }

  close(): void {
    void this.client?.http.close();
  }

  private connect(): { http: HttpClient; apiURL: string; apiKey: string } {
    if (this.client) return this.client;
    const apiKey = this.ctx.credentials.get('E2B_API_KEY');
    if (!apiKey) throw new BridgeError('provider=e2b requires E2B_API_KEY', 2, 'UNAUTHORIZED');
    const apiURL = validateApiURL(envSetting(this.ctx.env, 'E2B_API_URL', E2B_DEFAULT_API_URL));
    this.client = { http: adapterHttpClient(this.ctx, [apiKey]), apiURL, apiKey };
    return this.client;
  }

  /** bridgeSandboxCoords: the sandbox ID and preview domain for a Crabbox E2B lease. */
  private async coords(rawLeaseID: string, signal: AbortSignal): Promise<{ sandboxID: string; domain: string }> {
    const leaseID = rawLeaseID.trim();
    if (leaseID === '') throw new BridgeError('e2b bridge: missing lease id', 2, 'INVALID_INPUT');
    if (!leaseID.startsWith('cbx_') && !leaseID.startsWith('e2b_')) {
      throw new BridgeError(`e2b bridge: lease ${goQuote(leaseID)} is not an E2B-claimed Crabbox lease`, 2, 'INVALID_INPUT');
    }
    const client = this.connect();
    let sandbox: Sandbox;
    if (leaseID.startsWith('e2b_') && leaseID.length > 'e2b_'.length) {
      sandbox = await this.getSandbox(client, leaseID.slice('e2b_'.length), signal);
      if (!isCrabboxSandbox(sandbox)) throw new BridgeError(`e2b sandbox ${goQuote(leaseID)} is not claimed by Crabbox`, 4, 'NOT_FOUND');
    } else {
      sandbox = await this.findByLease(client, leaseID, signal);
    }
    const sandboxID = sandbox.sandboxID ?? '';
    if (sandboxID === '') throw new BridgeError(`e2b bridge: no sandbox bound to lease ${goQuote(leaseID)}`, 4, 'NOT_FOUND');
    const domain = (sandbox.domain ?? '').trim() || envSetting(this.ctx.env, 'E2B_DOMAIN', '') || E2B_DEFAULT_DOMAIN;
    return { sandboxID, domain };
  }

  private async call(client: { http: HttpClient; apiURL: string; apiKey: string }, action: string, path: string, signal: AbortSignal): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await client.http.request({
        method: 'GET',
        url: `${client.apiURL}${path}`,
        headers: { 'X-API-Key': client.apiKey, Accept: 'application/json' },
        signal,
      });
    } catch (error) {
      throw wrapError(`e2b ${action}`, error);
    }
    if (res.status < 200 || res.status >= 300) {
      const detail = summarize(res.body, client.http.secrets.values());
      const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : res.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE';
      throw new BridgeError(`e2b ${action}: ${res.statusLine}${detail ? `: ${detail}` : ''}`, 1, code);
    }
    return res;
  }

  private decode<T>(action: string, body: string, schema: z.ZodType<T>): T {
    let raw: unknown;
    try {
      raw = body.trim() === '' ? null : JSON.parse(body);
    } catch (error) {
      throw new BridgeError(`e2b ${action}: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new BridgeError(`e2b ${action}: unexpected response shape`);
    return parsed.data;
  }

  private async getSandbox(client: { http: HttpClient; apiURL: string; apiKey: string }, sandboxID: string, signal: AbortSignal): Promise<Sandbox> {
    const res = await this.call(client, 'get sandbox', `/sandboxes/${encodeURIComponent(sandboxID)}`, signal);
    return this.decode('get sandbox', res.body, sandboxSchema.nullable()) ?? {};
  }

  private async findByLease(client: { http: HttpClient; apiURL: string; apiKey: string }, leaseID: string, signal: AbortSignal): Promise<Sandbox> {
    let nextToken = '';
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.call(client, 'list sandboxes', `/v2/sandboxes?${sandboxListQuery(leaseID, nextToken)}`, signal);
      const sandboxes = this.decode('list sandboxes', res.body, z.array(sandboxSchema).nullable()) ?? [];
      const found = sandboxes.find(isCrabboxSandbox);
      if (found) return found;
      const header = res.headers['x-next-token'];
      nextToken = (Array.isArray(header) ? header[0] : header) ?? '';
      if (nextToken === '') throw new BridgeError(`e2b lease ${goQuote(leaseID)} was not found`, 4, 'NOT_FOUND');
      if (seen.has(nextToken)) throw new BridgeError('e2b list sandboxes: the API repeated a page token; stopped paginating');
      seen.add(nextToken);
    }
    throw new BridgeError(`e2b list sandboxes: more than ${MAX_PAGES} pages; stopped paginating`);
  }
}

export function e2bAdapter(ctx: BridgeContext): BridgeAdapter {
  return new E2BAdapter(ctx);
}
