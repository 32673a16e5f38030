import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import type { BridgeContext } from './context';
import { ZERO_TIME } from '../../lib/go-time';
import { ManualDeadlines } from '../../lib/testing/manual-deadlines';
import { IsloAdapter, IsloTokenCache, isloSandboxName, shareTtlSeconds } from './islo';
import { FakeIslo, LocalServer, type IsloShareRecord } from './testing/servers';
import { BridgeError } from './types';
import { rejection } from '../testing/rejection';

const KEY = 'isk_live_0123456789abcdef';
const NOW = Date.parse('2026-06-10T12:00:00Z');
const LEASE = 'isb_crabbox-web-abc123';
const NAME = 'crabbox-web-abc123';
const signal = new AbortController().signal;

const servers: LocalServer[] = [];
const adapters: IsloAdapter[] = [];

afterEach(async () => {
  for (const a of adapters.splice(0)) a.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(shares: IsloShareRecord[] | null = []): Promise<FakeIslo> {
  const f = await new FakeIslo(KEY, () => NOW).start();
  if (shares) f.sandbox(NAME, shares);
  servers.push(f);
  return f;
}

function adapter(
  f: LocalServer,
  options: { now?: () => number; env?: Record<string, string>; timeoutMs?: number; waits?: number[]; tokens?: IsloTokenCache; deadlines?: ManualDeadlines } = {},
) {
  const env = { ISLO_API_KEY: KEY, ISLO_BASE_URL: `${f.url}/`, ...options.env };
  const ctx: BridgeContext = {
    env,
    credentials: new Credentials(env),
    now: options.now ?? (() => NOW),
    http: {
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.deadlines ? { deadline: options.deadlines.deadline } : {}),
      sleep: async (ms) => {
        options.waits?.push(ms);
      },
    },
  };
  const a = new IsloAdapter(ctx, { tokens: options.tokens ?? new IsloTokenCache() });
  adapters.push(a);
  return a;
}

const failure = (promise: Promise<unknown>) => rejection(promise, BridgeError);

const share = (over: Partial<IsloShareRecord>): IsloShareRecord => ({
  share_id: 'shr_existing',
  url: 'https://existing.share.islo.test',
  port: 8080,
  created_at: '2026-06-10T11:00:00Z',
  ...over,
});

describe('isloSandboxName', () => {
  it('accepts isb_<name> and bare Crabbox-owned names', () => {
    expect(isloSandboxName(' isb_crabbox-web-abc123 ')).toBe(NAME);
    expect(isloSandboxName(NAME)).toBe(NAME);
  });

  it('rejects everything else with crabbox messages (exit 2)', () => {
    const cases: Array<[string, string]> = [
      ['', 'islo bridge: missing lease id'],
      ['   ', 'islo bridge: missing lease id'],
      ['isb_random-stranger', 'islo bridge: lease "isb_random-stranger" is not a Crabbox-owned sandbox'],
      ['isb_Crabbox-Web', 'islo bridge: lease "isb_Crabbox-Web" is not a Crabbox-owned sandbox'],
      ['isb_crabbox-web x', 'islo bridge: lease "isb_crabbox-web x" is not a Crabbox-owned sandbox'],
      ['isb_crabbox-web/../x', 'islo bridge: lease "isb_crabbox-web/../x" is not a Crabbox-owned sandbox'],
      ['isb_crabbox-web?x=1', 'islo bridge: lease "isb_crabbox-web?x=1" is not a Crabbox-owned sandbox'],
      ['isb_crabbox--web', 'islo bridge: lease "isb_crabbox--web" is not a Crabbox-owned sandbox'],
      ['isb_', 'islo bridge: lease "isb_" is not a Crabbox-owned sandbox'],
      ['stranger', 'islo bridge: lease "stranger" is not a Crabbox-owned islo sandbox'],
      ['CRABBOX-web', 'islo bridge: lease "CRABBOX-web" is not a Crabbox-owned islo sandbox'],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        isloSandboxName(input);
      } catch (error) {
        caught = error;
      }
      expect(caught, input).toBeInstanceOf(BridgeError);
      expect((caught as BridgeError).message).toBe(message);
      expect((caught as BridgeError).exitCode).toBe(2);
    }
  });
});

describe('shareTtlSeconds', () => {
  it('omits non-positive TTLs and clamps the rest to 60 s..7 days, truncating fractions', () => {
    expect(shareTtlSeconds(0)).toBeUndefined();
    expect(shareTtlSeconds(-5)).toBeUndefined();
    expect(shareTtlSeconds(0.5)).toBe(60);
    expect(shareTtlSeconds(10)).toBe(60);
    expect(shareTtlSeconds(90.9)).toBe(90);
    expect(shareTtlSeconds(86400)).toBe(86400);
    expect(shareTtlSeconds(30 * 86400)).toBe(604800);
  });
});

describe('IsloAdapter.publish', () => {
  it('reuses an existing share for the port without creating one', async () => {
    const f = await fake([share({})]);
    const target = await adapter(f).publish(LEASE, 8080, 3600, signal);
    expect(target).toEqual({ port: 8080, url: 'https://existing.share.islo.test', shareID: 'shr_existing', expiresAt: ZERO_TIME });
    expect(f.count((r) => r.method === 'POST' && r.path.endsWith('/shares'))).toBe(0);
  });

  it('reuses non-expiring and later-than-30s shares; replaces expired, imminent and unparseable ones', async () => {
    const cases: Array<[string, string | null | undefined, boolean]> = [
      ['absent', undefined, false],
      ['null', null, false],
      ['empty', '', false],
      ['future', '2026-06-10T13:00:00Z', false],
      ['31s away', '2026-06-10T12:00:31Z', false],
      ['expired', '2026-06-10T11:59:59Z', true],
      ['imminent', '2026-06-10T12:00:15Z', true],
      ['exactly 30s', '2026-06-10T12:00:30Z', true],
      ['unparseable', 'tomorrow', true],
      ['zero time', ZERO_TIME, true],
    ];
    for (const [label, expires, wantCreate] of cases) {
      const record = share({});
      if (expires !== undefined) record.expires_at = expires;
      const f = await fake([record]);
      const target = await adapter(f).publish(LEASE, 8080, 3600, signal);
      expect(target.shareID, label).toBe(wantCreate ? 'shr_new_1' : 'shr_existing');
      expect(f.count((r) => r.method === 'POST' && r.path.endsWith('/shares')), label).toBe(wantCreate ? 1 : 0);
    }
  });

  it('picks the first reusable share in API order and ignores other ports and blank URLs', async () => {
    const f = await fake([
      share({ share_id: 'other-port', port: 9090 }),
      share({ share_id: 'blank', url: '' }),
      share({ share_id: 'first', url: 'https://first.share.islo.test' }),
      share({ share_id: 'second', url: 'https://second.share.islo.test' }),
    ]);
    expect((await adapter(f).publish(LEASE, 8080, 3600, signal)).shareID).toBe('first');
  });

  it('creates a share with the clamped TTL when none is reusable', async () => {
    const f = await fake([]);
    const a = adapter(f);
    const target = await a.publish(LEASE, 9090, 30 * 86400, signal);
    expect(target).toEqual({ port: 9090, url: 'https://new-1.share.islo.test', shareID: 'shr_new_1', expiresAt: '2026-06-17T12:00:00Z' });
    const post = f.requests.find((r) => r.method === 'POST' && r.path === `/sandboxes/${NAME}/shares`)!;
    expect(JSON.parse(post.body)).toEqual({ port: 9090, ttl_seconds: 604800 });
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.authorization).toMatch(/^Bearer sess_1_/);
    await a.publish(LEASE, 7070, 0, signal);
    const second = f.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/shares'))[1]!;
    expect(JSON.parse(second.body)).toEqual({ port: 7070 });
  });

  it('is idempotent: publishing the same port twice creates one share', async () => {
    const f = await fake([]);
    const a = adapter(f);
    const first = await a.publish(LEASE, 8080, 3600, signal);
    const again = await a.publish(LEASE, 8080, 3600, signal);
    expect(again).toEqual(first);
    expect(f.count((r) => r.method === 'POST' && r.path.endsWith('/shares'))).toBe(1);
  });

  it('creates nothing when listing fails', async () => {
    const f = await fake([]);
    f.fail('/shares', { kind: 'status', status: 500, body: '{"detail":"db down"}' });
    const err = await failure(adapter(f).publish(LEASE, 8080, 3600, signal));
    expect(err.message).toBe('islo list shares 500 Internal Server Error: {"detail":"db down"}');
    expect(f.count((r) => r.method === 'POST' && r.path.endsWith('/shares'))).toBe(0);
    expect(f.count((r) => r.method === 'GET')).toBe(4);
  });

  it('validates port and lease before any HTTP call', async () => {
    const f = await fake([]);
    const a = adapter(f);
    expect((await failure(a.publish(LEASE, 0, 3600, signal))).message).toBe('islo bridge: port 0 out of range');
    expect((await failure(a.publish(LEASE, 70000, 3600, signal))).message).toBe('islo bridge: port 70000 out of range');
    expect((await failure(a.publish('isb_random-stranger', 8080, 3600, signal))).exitCode).toBe(2);
    expect((await failure(a.publish('', 8080, 3600, signal))).message).toBe('islo bridge: missing lease id');
    expect(f.requests).toHaveLength(0);
  });

  it('reports create-share failures with the status line and a redacted body', async () => {
    const f = await fake([]);
    f.fail((r) => r.method === 'POST' && r.path.endsWith('/shares'), { kind: 'status', status: 422, body: `{"detail":"bad ttl for key ${KEY}"}` });
    const err = await failure(adapter(f).publish(LEASE, 8080, 3600, signal));
    expect(err.message).toBe('islo create share 422 Unprocessable Entity: {"detail":"bad ttl for key [redacted]"}');
  });
});

describe('IsloAdapter.list', () => {
  it('maps shares to targets, dropping blank URLs', async () => {
    const f = await fake([
      share({ share_id: 'a', url: 'https://a.share.islo.test', expires_at: '2026-06-11T12:00:00.250+02:00' }),
      share({ share_id: 'b', url: '', port: 9090 }),
      share({ share_id: '', url: 'https://c.share.islo.test', port: 5432, expires_at: null }),
    ]);
    expect(await adapter(f).list(LEASE, signal)).toEqual([
      { port: 8080, url: 'https://a.share.islo.test', shareID: 'a', expiresAt: '2026-06-11T12:00:00.25+02:00' },
      { port: 5432, url: 'https://c.share.islo.test', expiresAt: ZERO_TIME },
    ]);
    const get = f.requests.find((r) => r.method === 'GET')!;
    expect(get.path).toBe(`/sandboxes/${NAME}/shares`);
    expect(get.headers.accept).toBe('application/json');
  });

  it('treats 404 as no shares', async () => {
    const f = await fake(null);
    expect(await adapter(f).list(LEASE, signal)).toEqual([]);
  });

  it('redacts the session token an error body echoes, and forgets the token on 401', async () => {
    const f = await fake([]);
    const tokens = new IsloTokenCache();
    const a = adapter(f, { tokens });
    await a.list(LEASE, signal);
    f.validTokens.clear();
    const err = await failure(a.list(LEASE, signal));
    expect(err.message).toBe('islo list shares 401 Unauthorized: {"detail":"session [redacted] is not valid"}');
    expect(err.message).not.toMatch(/sess_/);
    expect(err.code).toBe('UNAUTHORIZED');
    await a.list(LEASE, signal);
    expect(f.count((r) => r.path === '/auth/token')).toBe(2);
  });

  it('redacts the API key a failed token exchange echoes', async () => {
    const f = await fake([]);
    const env = { ISLO_API_KEY: 'isk_wrong_key_987654', ISLO_BASE_URL: f.url };
    const a = new IsloAdapter({ env, credentials: new Credentials(env), http: { sleep: async () => {} } }, { tokens: new IsloTokenCache() });
    adapters.push(a);
    const err = await failure(a.list(LEASE, signal));
    expect(err.message).toBe('islo auth: token exchange failed (401 Unauthorized): {"detail":"invalid access_key [redacted]"}');
    expect(JSON.parse(f.requests[0]!.body)).toEqual({ access_key: 'isk_wrong_key_987654' });
  });

  it('requires an API key', async () => {
    const f = await fake([]);
    const err = await failure(adapter(f, { env: { ISLO_API_KEY: '' } }).list(LEASE, signal));
    expect(err.message).toBe('provider=islo requires ISLO_API_KEY');
    expect(err.exitCode).toBe(2);
    expect(f.requests).toHaveLength(0);
  });

  it('reports malformed JSON', async () => {
    const f = await fake([]);
    f.fail((r) => r.method === 'GET', { kind: 'malformed' });
    const err = await failure(adapter(f).list(LEASE, signal));
    expect(err.message).toMatch(/^decode share list response: /);
  });

  it('retries 429 honouring Retry-After, then lists', async () => {
    const f = await fake([share({})]);
    f.fail((r) => r.method === 'GET', { kind: 'status', status: 429, headers: { 'retry-after': '3' }, times: 2 });
    const waits: number[] = [];
    expect(await adapter(f, { waits }).list(LEASE, signal)).toHaveLength(1);
    expect(waits).toEqual([3000, 3000]);
  });

  it('times out a response that never arrives', async () => {
    const f = await fake([]);
    f.fail((r) => r.method === 'GET', { kind: 'hang' });
    const deadlines = new ManualDeadlines();
    const pending = failure(adapter(f, { timeoutMs: 300, deadlines }).list(LEASE, signal));
    await f.arrived(2);
    deadlines.expire();
    const err = await pending;
    expect(deadlines.asked).toEqual([300, 300]);
    expect(err.message).toBe(`islo list shares: GET ${f.url}/sandboxes/${NAME}/shares: no response within 0.3 s`);
    expect(err.code).toBe('TIMEOUT');
  });

  it('follows a same-origin redirect and refuses another origin', async () => {
    const other = await new LocalServer(() => ({ status: 200, body: [] })).start();
    servers.push(other);
    const f = await fake([share({})]);
    f.fail((r) => r.method === 'GET' && r.rawQuery === '', {
      kind: 'status',
      status: 307,
      headers: { location: `/sandboxes/${NAME}/shares?page=1` },
      times: 1,
    });
    expect(await adapter(f).list(LEASE, signal)).toHaveLength(1);
    expect(f.requests.filter((r) => r.method === 'GET').map((r) => r.rawQuery)).toEqual(['', 'page=1']);

    f.fail((r) => r.method === 'GET', { kind: 'status', status: 302, headers: { location: `${other.url}/steal?token=x` } });
    const err = await failure(adapter(f).list(LEASE, signal));
    expect(err.message).toBe(`islo list shares: refusing redirect from ${f.url} to ${other.url}`);
    expect(other.requests).toHaveLength(0);
  });
});

describe('session token cache', () => {
  it('reuses the token until max_age − 60 s, then exchanges again', async () => {
    const f = await fake([]);
    f.tokenMaxAge = 600;
    let now = NOW;
    const tokens = new IsloTokenCache();
    const a = adapter(f, { now: () => now, tokens });
    await a.list(LEASE, signal);
    await a.list(LEASE, signal);
    now += 539_000;
    await a.list(LEASE, signal);
    expect(f.count((r) => r.path === '/auth/token')).toBe(1);
    now += 2_000;
    await a.list(LEASE, signal);
    expect(f.count((r) => r.path === '/auth/token')).toBe(2);
  });

  it('is shared by adapters with the same base URL and key, and exchanged once for parallel calls', async () => {
    const f = await fake([]);
    const tokens = new IsloTokenCache();
    await Promise.all([adapter(f, { tokens }).list(LEASE, signal), adapter(f, { tokens }).list(LEASE, signal), adapter(f, { tokens }).list(LEASE, signal)]);
    expect(f.count((r) => r.path === '/auth/token')).toBe(1);
  });

  it('does not cache a token whose max age is within the refresh margin', async () => {
    const f = await fake([]);
    f.tokenMaxAge = 30;
    const a = adapter(f);
    await a.list(LEASE, signal);
    await a.list(LEASE, signal);
    expect(f.count((r) => r.path === '/auth/token')).toBe(2);
  });
});
