import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import { E2BAdapter, goFormEncode, previewURL, sandboxListQuery, validateApiURL } from './e2b';
import { ZERO_TIME } from '../../lib/go-time';
import { FakeE2B, type E2BSandboxRecord } from './testing/servers';
import { BridgeError } from './types';
import { rejection } from '../testing/rejection';

const KEY = 'e2b_key_abcdef0123456789';
const signal = new AbortController().signal;
const servers: FakeE2B[] = [];
const adapters: E2BAdapter[] = [];

afterEach(async () => {
  for (const a of adapters.splice(0)) a.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const crabbox = (over: Partial<E2BSandboxRecord> & { lease?: string }): E2BSandboxRecord => ({
  sandboxID: 'sbx-abc123',
  metadata: { provider: 'e2b', crabbox: 'true', lease: over.lease ?? 'cbx_web1' },
  ...over,
});

async function fake(sandboxes: E2BSandboxRecord[]): Promise<FakeE2B> {
  const f = await new FakeE2B(KEY).start();
  f.sandboxes.push(...sandboxes);
  servers.push(f);
  return f;
}

function adapter(f: FakeE2B, env: Record<string, string> = {}): E2BAdapter {
  const full = { E2B_API_KEY: KEY, E2B_API_URL: f.url, ...env };
  const a = new E2BAdapter({ env: full, credentials: new Credentials(full), http: { sleep: async () => {} } });
  adapters.push(a);
  return a;
}

const failure = (promise: Promise<unknown>) => rejection(promise, BridgeError);

describe('E2B query encoding', () => {
  it('matches Go url.Values.Encode with the metadata filter form-encoded twice', () => {
    expect(sandboxListQuery('cbx_web1', '')).toBe('limit=100&metadata=lease%3Dcbx_web1%26provider%3De2b&state=running%2Cpaused');
    expect(sandboxListQuery('cbx_a b', 'tok/1')).toBe('limit=100&metadata=lease%3Dcbx_a%2Bb%26provider%3De2b&nextToken=tok%2F1&state=running%2Cpaused');
    expect(goFormEncode({ b: '2', a: '1' })).toBe('a=1&b=2');
  });

  it('builds the canonical preview URL', () => {
    expect(previewURL(8080, 'sbx-abc123', 'e2b.app')).toBe('https://8080-sbx-abc123.e2b.app');
    expect(previewURL(3000, 'sbx_1', ' ')).toBe('https://3000-sbx_1.e2b.app');
  });
});

describe('E2BAdapter.publish', () => {
  it('finds the sandbox by lease through the v2 list and synthesizes the URL', async () => {
    const f = await fake([crabbox({})]);
    expect(await adapter(f).publish('cbx_web1', 8080, 3600, signal)).toEqual({ port: 8080, url: 'https://8080-sbx-abc123.e2b.app', expiresAt: ZERO_TIME });
    const req = f.requests[0]!;
    expect(req.path).toBe('/v2/sandboxes');
    expect(req.rawQuery).toBe('limit=100&metadata=lease%3Dcbx_web1%26provider%3De2b&state=running%2Cpaused');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers.accept).toBe('application/json');
  });

  it('follows x-next-token pages and picks the first Crabbox sandbox', async () => {
    const f = await fake([
      { sandboxID: 'sbx-foreign', metadata: { provider: 'e2b', lease: 'cbx_web1' } },
      { sandboxID: 'sbx-foreign2', metadata: { provider: 'e2b', lease: 'cbx_web1', crabbox: 'false' } },
      crabbox({ sandboxID: 'sbx-third' }),
      crabbox({ sandboxID: 'sbx-fourth' }),
    ]);
    f.pageSize = 1;
    expect((await adapter(f).publish('cbx_web1', 3000, 0, signal)).url).toBe('https://3000-sbx-third.e2b.app');
    expect(f.requests.map((r) => r.query.get('nextToken'))).toEqual([null, '1', '2']);
  });

  it('looks up e2b_<id> leases directly and requires Crabbox metadata', async () => {
    const f = await fake([crabbox({ sandboxID: 'sbx_1' }), { sandboxID: 'sbx_2', metadata: { provider: 'e2b' } }]);
    const a = adapter(f);
    expect((await a.publish('e2b_sbx_1', 3000, 0, signal)).url).toBe('https://3000-sbx_1.e2b.app');
    expect(f.requests[0]!.path).toBe('/sandboxes/sbx_1');
    const err = await failure(a.publish('e2b_sbx_2', 3000, 0, signal));
    expect(err.message).toBe('e2b sandbox "e2b_sbx_2" is not claimed by Crabbox');
    expect(err.exitCode).toBe(4);
  });

  it('prefers the sandbox domain, then E2B_DOMAIN, then e2b.app', async () => {
    const f = await fake([crabbox({ lease: 'cbx_a', domain: 'eu.e2b.dev' }), crabbox({ lease: 'cbx_b', domain: '  ', sandboxID: 'sbx-b' })]);
    expect((await adapter(f, { E2B_DOMAIN: 'custom.example' }).publish('cbx_a', 80, 0, signal)).url).toBe('https://80-sbx-abc123.eu.e2b.dev');
    expect((await adapter(f, { CRABBOX_E2B_DOMAIN: 'custom.example' }).publish('cbx_b', 80, 0, signal)).url).toBe('https://80-sbx-b.custom.example');
    expect((await adapter(f).publish('cbx_b', 80, 0, signal)).url).toBe('https://80-sbx-b.e2b.app');
  });

  it('rejects bad input with crabbox messages before calling the API', async () => {
    const f = await fake([]);
    const a = adapter(f);
    expect((await failure(a.publish('cbx_web1', 0, 0, signal))).message).toBe('e2b bridge: port 0 out of range');
    expect((await failure(a.publish(' ', 80, 0, signal))).message).toBe('e2b bridge: missing lease id');
    const foreign = await failure(a.publish('isb_x', 80, 0, signal));
    expect(foreign.message).toBe('e2b bridge: lease "isb_x" is not an E2B-claimed Crabbox lease');
    expect(foreign.exitCode).toBe(2);
    expect(f.requests).toHaveLength(0);
  });

  it('reports a lease with no sandbox, and a sandbox without an ID', async () => {
    const f = await fake([crabbox({ lease: 'cbx_empty', sandboxID: '' })]);
    const a = adapter(f);
    const missing = await failure(a.publish('cbx_gone', 80, 0, signal));
    expect(missing.message).toBe('e2b lease "cbx_gone" was not found');
    expect(missing.exitCode).toBe(4);
    expect((await failure(a.publish('cbx_empty', 80, 0, signal))).message).toBe('e2b bridge: no sandbox bound to lease "cbx_empty"');
  });

  it('surfaces API errors with the status and a redacted body', async () => {
    const f = await fake([]);
    const wrong = 'e2b_wrong_key_555555';
    const full = { E2B_API_KEY: wrong, E2B_API_URL: f.url };
    const a = new E2BAdapter({ env: full, credentials: new Credentials(full), http: { sleep: async () => {} } });
    adapters.push(a);
    const err = await failure(a.publish('cbx_web1', 80, 0, signal));
    expect(err.message).toBe('e2b list sandboxes: 401 Unauthorized: {"code":401,"message":"Invalid API key [redacted]"}');
    expect(err.code).toBe('UNAUTHORIZED');
  });

  it('requires an API key and a safe API URL', async () => {
    const f = await fake([]);
    expect((await failure(adapter(f, { E2B_API_KEY: '' }).publish('cbx_web1', 80, 0, signal))).message).toBe('provider=e2b requires E2B_API_KEY');
    expect((await failure(adapter(f, { E2B_API_URL: 'http://api.example.com' }).publish('cbx_web1', 80, 0, signal))).message).toBe(
      'provider=e2b API URL must use HTTPS except for loopback development endpoints',
    );
  });
});

describe('E2BAdapter.list', () => {
  it('checks the lease and returns no targets (E2B has no list-previews API)', async () => {
    const f = await fake([crabbox({})]);
    expect(await adapter(f).list('cbx_web1', signal)).toEqual([]);
    expect(f.requests).toHaveLength(1);
    expect((await failure(adapter(f).list('cbx_nope', signal))).message).toBe('e2b lease "cbx_nope" was not found');
  });
});

describe('validateApiURL', () => {
  it('normalizes and enforces the E2B rules', () => {
    expect(validateApiURL('https://API.e2b.app/')).toBe('https://api.e2b.app');
    expect(validateApiURL('http://127.0.0.1:8080/base/')).toBe('http://127.0.0.1:8080/base');
    expect(validateApiURL('http://localhost:1')).toBe('http://localhost:1');
    expect(() => validateApiURL('api.e2b.app')).toThrow('must be an absolute HTTPS URL');
    expect(() => validateApiURL('https://u:p@api.e2b.app')).toThrow('must not contain userinfo');
    expect(() => validateApiURL('https://api.e2b.app?x=1')).toThrow('must not contain userinfo');
    expect(() => validateApiURL('https://api.e2b.app#f')).toThrow('must not contain userinfo');
  });
});
