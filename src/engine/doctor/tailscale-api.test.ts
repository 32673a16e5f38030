import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiErrorText,
  DEFAULT_TAILNET_API_URL,
  getPolicy,
  MAX_POLICY_BYTES,
  policyURL,
  postPolicy,
  resolveTailnet,
  resolveTailnetAPIURL,
  TailscaleApiError,
} from './tailscale-api';
import { HttpClient } from '../../lib/http';
import { ManualDeadlines } from '../../lib/testing/manual-deadlines';
import { etagOf, startPolicyServer, type PolicyServer } from './testing/policy-server';

const KEY = 'tskey-api-test';
let server: PolicyServer | undefined;
let raw: http.Server | undefined;
const clients: HttpClient[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (raw) {
    raw.closeAllConnections();
    await new Promise((r) => raw?.close(r));
    raw = undefined;
  }
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function rawServer(handler: http.RequestListener): Promise<string> {
  raw = http.createServer(handler);
  await new Promise<void>((r) => raw?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
}

function manualClient(): { http: HttpClient; deadlines: ManualDeadlines } {
  const deadlines = new ManualDeadlines();
  const client = new HttpClient({ deadline: deadlines.deadline });
  clients.push(client);
  return { http: client, deadlines };
}

const opts = (apiURL: string, extra = {}) => ({ apiKey: KEY, apiURL, tailnet: '-', timeoutMs: 4000, ...extra });

describe('resolveTailnetAPIURL / resolveTailnet', () => {
  it('defaults, trims, and lets CRABBOX_TS_API_URL win', () => {
    expect(resolveTailnetAPIURL({})).toBe(DEFAULT_TAILNET_API_URL);
    expect(resolveTailnetAPIURL({ TS_API_URL: ' https://headscale.example.com/ ' })).toBe('https://headscale.example.com');
    expect(resolveTailnetAPIURL({ TS_API_URL: 'https://h.example.com', CRABBOX_TS_API_URL: 'https://primary.example.com' })).toBe('https://primary.example.com');
    expect(resolveTailnetAPIURL({ TS_API_URL: 'https://h.example.com', CRABBOX_TS_API_URL: '  /' })).toBe('https://h.example.com');
    expect(resolveTailnet({})).toBe('-');
    expect(resolveTailnet({ TS_TAILNET: ' example.com ' })).toBe('example.com');
    expect(policyURL('https://x', '')).toBe('https://x/api/v2/tailnet/-/acl');
  });
});

describe('getPolicy', () => {
  it('sends Basic auth with the key as user and asks for HuJSON; keeps the ETag verbatim', async () => {
    server = await startPolicyServer({ policy: '// hi\n{}\n', apiKey: KEY });
    const policy = await getPolicy(opts(server.url), true);
    expect(policy).toEqual({ body: '// hi\n{}\n', etag: etagOf('// hi\n{}\n') });
    const req = server.requests[0];
    expect(req?.path).toBe('/api/v2/tailnet/-/acl');
    expect(req?.headers.accept).toBe('application/hujson');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
  });

  it.each([404, 501])('treats %i as "unavailable on this control plane"', async (status) => {
    server = await startPolicyServer({ policy: '{}', status });
    const error = await getPolicy(opts(server.url), false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TailscaleApiError);
    expect((error as TailscaleApiError).kind).toBe('unavailable');
    expect((error as Error).message).toBe(`pond acl: auto-bootstrap unavailable on this control plane: GET ${server.url}/api/v2/tailnet/-/acl returned ${status}`);
  });

  it('reports other statuses with the JSON message when there is one', async () => {
    server = await startPolicyServer({ policy: '{}', apiKey: 'other' });
    await expect(getPolicy(opts(server.url), false)).rejects.toThrow(/^tailscale api 401: API token invalid$/);
    expect(apiErrorText(500, 'oops')).toBe('tailscale api 500');
    expect(apiErrorText(403, '{"message":""}')).toBe('tailscale api 403');
  });

  it('is unavailable for a write when the 2xx has no ETag, but fine for a read', async () => {
    server = await startPolicyServer({ policy: '{}', omitETag: true });
    await expect(getPolicy(opts(server.url), false)).resolves.toEqual({ body: '{}', etag: '' });
    await expect(getPolicy(opts(server.url), true)).rejects.toThrow(`returned no ETag header`);
  });

  it('reads at most 256 KiB of the body', async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(200, { ETag: 'W/"big"' });
      res.end('x'.repeat(MAX_POLICY_BYTES + 1000));
    });
    const policy = await getPolicy(opts(url), true);
    expect(policy.body.length).toBe(MAX_POLICY_BYTES);
    expect(policy.etag).toBe('W/"big"');
  });

  it('gives up at its deadline', async () => {
    let arrived!: () => void;
    const request = new Promise<void>((resolve) => (arrived = resolve));
    const url = await rawServer(() => arrived());
    const client = manualClient();
    const pending = getPolicy(opts(url, { timeoutMs: 300, http: client.http }), false).catch((e: unknown) => e);
    await request;
    client.deadlines.expire();
    const error = await pending;
    expect(client.deadlines.asked).toEqual([300]);
    expect((error as TailscaleApiError).kind).toBe('timeout');
    expect((error as Error).message).toContain('no answer within 0.3 s');
    expect((error as Error).message).toBe(`GET ${url}/api/v2/tailnet/-/acl: no answer within 0.3 s`);
  });

  it("stops when the caller's signal is aborted", async () => {
    let arrived!: () => void;
    const request = new Promise<void>((resolve) => (arrived = resolve));
    const url = await rawServer(() => arrived());
    const controller = new AbortController();
    const pending = getPolicy(opts(url), false, controller.signal).catch((e: unknown) => e);
    await request;
    controller.abort();
    const error = await pending;
    expect((error as TailscaleApiError).kind).toBe('cancelled');
    expect((error as Error).message).toBe(`GET ${url}/api/v2/tailnet/-/acl: cancelled`);
  });

  it('makes one attempt, as crabbox does, even when the server asks to retry', async () => {
    let hits = 0;
    const url = await rawServer((_req, res) => {
      hits += 1;
      res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'application/json' }).end('{"message":"try later"}');
    });
    await expect(getPolicy(opts(url), false)).rejects.toThrow(/^tailscale api 503: try later$/);
    expect(hits).toBe(1);
  });

  it("follows redirects like Go's client: the key goes along on the same origin only", async () => {
    server = await startPolicyServer({ policy: '{"moved":true}' });
    const policyServer = server.url;
    const url = await rawServer((req, res) => {
      if (req.url === '/api/v2/tailnet/-/acl') res.writeHead(307, { Location: '/v2/acl' }).end();
      else if (req.url === '/v2/acl') res.writeHead(200, { ETag: `"${req.headers.authorization === `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`}"` }).end('{}');
      else res.writeHead(308, { Location: `${policyServer}/api/v2/tailnet/-/acl` }).end();
    });
    expect(await getPolicy(opts(url), true)).toEqual({ body: '{}', etag: '"true"' });
    await expect(getPolicy(opts(url, { tailnet: 'elsewhere' }), false)).rejects.toThrow(/^tailscale api 401: API token invalid$/);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it('says "connection refused" for a closed port', async () => {
    const url = await rawServer(() => {});
    const port = (raw?.address() as AddressInfo).port;
    raw?.close();
    raw = undefined;
    const error = await getPolicy(opts(url), false).catch((e: unknown) => e);
    expect((error as TailscaleApiError).kind).toBe('network');
    expect((error as Error).message).toBe(`GET http://127.0.0.1:${port}/api/v2/tailnet/-/acl: connection refused`);
  });

  it('redacts the key as it travels, when a server echoes the Authorization header', async () => {
    const url = await rawServer((req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `refused ${req.headers.authorization}` }));
    });
    const error = await getPolicy(opts(url), false).catch((e: unknown) => e);
    expect((error as Error).message).toBe('tailscale api 403: refused Basic [redacted]');
  });

  it('never puts the API key in an error, even when the server echoes it', async () => {
    const url = await rawServer((req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `bad credentials ${Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString()}` }));
    });
    const error = await getPolicy(opts(url), false).catch((e: unknown) => e);
    expect((error as Error).message).toBe('tailscale api 400: bad credentials [redacted]:');
    expect((error as Error).message).not.toContain(KEY);
  });
});

describe('postPolicy', () => {
  it('POSTs HuJSON with If-Match set to the ETag exactly as received', async () => {
    server = await startPolicyServer({ policy: '{}' });
    const { etag } = await getPolicy(opts(server.url), true);
    await postPolicy(opts(server.url), '{"x":1}', etag);
    const post = server.posts[0];
    expect(post?.headers['if-match']).toBe(etag);
    expect(post?.headers['content-type']).toBe('application/hujson');
    expect(post?.headers.accept).toBe('application/json');
    expect(server.policy).toBe('{"x":1}');
  });

  it('turns 412 into "precondition failed"', async () => {
    server = await startPolicyServer({ policy: '{}' });
    const error = await postPolicy(opts(server.url), '{"x":1}', '"stale"').catch((e: unknown) => e);
    expect((error as TailscaleApiError).kind).toBe('precondition-failed');
    expect((error as Error).message).toBe('pond acl: tailnet policy changed during update (ETag mismatch)');
    expect(server.policy).toBe('{}');
  });
});
