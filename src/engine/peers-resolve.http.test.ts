/**
 * The resolver end to end: real adapters from the registry, the real HTTP client, and
 * local servers speaking the Islo, E2B and Railway APIs, some of them misbehaving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../providers/credentials';
import type { BridgeContext } from '../providers/bridge/context';
import { bridgeLoader } from '../providers/bridge/registry';
import { FakeE2B, FakeIslo, FakeRailway, type LocalServer } from '../providers/bridge/testing/servers';
import type { PeerRow } from '../contract/index';
import { claimSchema, type Claim } from './claim';
import { resolvePondPeers } from './peers-resolve';

const ISLO_KEY = 'isk_live_resolver_key_1234';
const E2B_KEY = 'e2b_resolver_key_5678';
const RAILWAY_TOKEN = 'rw_resolver_token_9012';
const NOW = Date.parse('2026-06-10T12:00:00Z');

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function claim(fields: Record<string, unknown>): Claim {
  return claimSchema.parse({ pond: 'demo', repoRoot: '/r', ...fields });
}

async function world() {
  const islo = await new FakeIslo(ISLO_KEY, () => NOW).start();
  const e2b = await new FakeE2B(E2B_KEY).start();
  const railway = await new FakeRailway(RAILWAY_TOKEN).start();
  servers.push(islo, e2b, railway);
  const env = {
    ISLO_API_KEY: ISLO_KEY,
    ISLO_BASE_URL: islo.url,
    E2B_API_KEY: E2B_KEY,
    E2B_API_URL: e2b.url,
    RAILWAY_API_TOKEN: RAILWAY_TOKEN,
    RAILWAY_API_URL: `${railway.url}/graphql/v2`,
    RAILWAY_PROJECT_ID: 'proj',
    RAILWAY_ENVIRONMENT_ID: 'env',
  };
  const waits: number[] = [];
  const ctx: BridgeContext = {
    env,
    credentials: new Credentials(env),
    now: () => NOW,
    http: {
      timeoutMs: 400,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  };
  return { islo, e2b, railway, ctx, waits };
}

const bySlug = (rows: PeerRow[]) => Object.fromEntries(rows.map((r) => [r.slug, r]));
const share = (n: string, port = 8080) => ({ share_id: `shr_${n}`, url: `https://${n}.share.islo.test`, port, created_at: '2026-06-10T11:00:00Z', expires_at: null });

describe('resolvePondPeers against local provider APIs', () => {
  it('turns every Islo failure into a per-member error while every other member is listed', async () => {
    const { islo, e2b, railway, ctx } = await world();
    for (const name of ['ok', 'unauth', 'busy', 'broken', 'garbled', 'stuck']) islo.sandbox(`crabbox-${name}`, [share(name)]);
    islo.fail('/sandboxes/crabbox-unauth/', { kind: 'status', status: 401, body: `{"detail":"token ${[...islo.validTokens][0] ?? 'sess_1_tttttttttttt'} rejected"}` });
    islo.fail('/sandboxes/crabbox-busy/', { kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    islo.fail('/sandboxes/crabbox-broken/', { kind: 'status', status: 503, body: 'upstream down' });
    islo.fail('/sandboxes/crabbox-garbled/', { kind: 'malformed' });
    islo.fail('/sandboxes/crabbox-stuck/', { kind: 'hang' });
    e2b.sandboxes.push({ sandboxID: 'sbx-1', metadata: { provider: 'e2b', crabbox: 'true', lease: 'cbx_e2b' } });
    railway.deployments.set('svc_rw', { status: 'SUCCESS', url: 'rw.up.railway.app' });

    const rows = await resolvePondPeers(
      [
        ...['ok', 'unauth', 'missing', 'busy', 'broken', 'garbled', 'stuck'].map((n) => claim({ leaseID: `isb_crabbox-${n}`, slug: `islo-${n}`, provider: 'islo' })),
        claim({ leaseID: 'cbx_e2b', slug: 'e2b', provider: 'e2b' }),
        claim({ leaseID: 'svc_rw', slug: 'rw', provider: 'railway' }),
        claim({ leaseID: 'cbx_h', slug: 'hz', provider: 'hetzner', tailscaleIPv4: '100.64.0.9' }),
      ],
      bridgeLoader(ctx),
      { pond: 'demo', signal: new AbortController().signal },
    );
    const by = bySlug(rows);
    expect(rows.map((r) => r.slug)).toEqual(['e2b', 'hz', 'islo-broken', 'islo-busy', 'islo-garbled', 'islo-missing', 'islo-ok', 'islo-stuck', 'islo-unauth', 'rw']);
    expect(by['islo-ok']).toMatchObject({ transport: 'url', endpoint: 'https://ok.share.islo.test', targets: [{ port: 8080, shareID: 'shr_ok', expiresAt: '0001-01-01T00:00:00Z' }] });
    expect(by['islo-missing']).toMatchObject({ transport: 'url', endpoint: '' });
    expect(by['islo-missing']?.bridgeState).toBeUndefined();
    const failed = (slug: string) => {
      expect(by[slug]?.transport, slug).toBe('none');
      expect(by[slug]?.bridgeState, slug).toBe('error');
      return by[slug]!.note!;
    };
    expect(failed('islo-unauth')).toMatch(/^list bridge targets failed: islo list shares 401 Unauthorized: \{"detail":"token \[redacted\] rejected"\}$/);
    expect(failed('islo-busy')).toBe('list bridge targets failed: islo list shares 429 Too Many Requests');
    expect(failed('islo-broken')).toBe('list bridge targets failed: islo list shares 503 Service Unavailable: upstream down');
    expect(failed('islo-garbled')).toMatch(/^list bridge targets failed: decode share list response: /);
    expect(failed('islo-stuck')).toBe(`list bridge targets failed: islo list shares: GET ${islo.url}/sandboxes/crabbox-stuck/shares: no response within 0.4 s`);
    expect(by.e2b).toMatchObject({ transport: 'url', endpoint: '' });
    expect(by.rw).toMatchObject({ transport: 'url', endpoint: 'rw.up.railway.app', targets: [{ port: 0, url: 'rw.up.railway.app' }] });
    expect(by.hz).toMatchObject({ transport: 'tailnet', endpoint: '100.64.0.9' });
    expect(JSON.stringify(rows)).not.toMatch(/sess_\d|isk_live|e2b_resolver|rw_resolver/);
    expect(islo.count((r) => r.path === '/sandboxes/crabbox-busy/shares')).toBe(4);
  });

  it('fails an Islo-only pond whose every member fails, naming the provider', async () => {
    const { islo, ctx } = await world();
    islo.sandbox('crabbox-a', []);
    islo.fail('/sandboxes/', { kind: 'status', status: 500, body: 'boom' });
    await expect(
      resolvePondPeers([claim({ leaseID: 'isb_crabbox-a', slug: 'a', provider: 'islo' })], bridgeLoader(ctx), { pond: 'demo', signal: new AbortController().signal }),
    ).rejects.toThrow('islo: list peer targets isb_crabbox-a: islo list shares 500 Internal Server Error: boom');
  });

  it('reports a missing credential on the member, not as a crash', async () => {
    const { islo, ctx } = await world();
    const env = { ...ctx.env, ISLO_API_KEY: '' };
    const rows = await resolvePondPeers(
      [claim({ leaseID: 'isb_crabbox-a', slug: 'a', provider: 'islo' }), claim({ leaseID: 'cbx_h', slug: 'hz', provider: 'hetzner', tailscaleIPv4: '100.64.0.9' })],
      bridgeLoader({ ...ctx, env, credentials: new Credentials(env) }),
      { pond: 'demo', signal: new AbortController().signal },
    );
    expect(bySlug(rows).a).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: provider=islo requires ISLO_API_KEY' });
    expect(islo.requests).toHaveLength(0);
  });

  it('publishes across providers with --share-port: Islo share, E2B preview, Railway URL', async () => {
    const { islo, e2b, railway, ctx } = await world();
    islo.sandbox('crabbox-web', [share('stale', 8080)]);
    islo.shares.get('crabbox-web')![0]!.expires_at = '2026-06-10T12:00:10Z';
    e2b.sandboxes.push({ sandboxID: 'sbx-abc123', metadata: { provider: 'e2b', crabbox: 'true', lease: 'cbx_e2b' } });
    railway.deployments.set('svc_rw', { status: 'SLEEPING', url: 'rw.up.railway.app' });
    const rows = bySlug(
      await resolvePondPeers(
        [
          claim({ leaseID: 'isb_crabbox-web', slug: 'web', provider: 'islo' }),
          claim({ leaseID: 'cbx_e2b', slug: 'e2b', provider: 'e2b' }),
          claim({ leaseID: 'svc_rw', slug: 'rw', provider: 'railway' }),
        ],
        bridgeLoader(ctx),
        { pond: 'demo', sharePort: 8080, shareTtlSeconds: 7200, signal: new AbortController().signal },
      ),
    );
    expect(rows.web?.targets).toEqual([{ port: 8080, url: 'https://new-1.share.islo.test', shareID: 'shr_new_1', expiresAt: '2026-06-10T14:00:00Z' }]);
    expect(rows.e2b).toMatchObject({ endpoint: 'https://8080-sbx-abc123.e2b.app', targets: [{ port: 8080, url: 'https://8080-sbx-abc123.e2b.app' }] });
    expect(rows.rw).toMatchObject({ endpoint: 'rw.up.railway.app', targets: [{ port: 8080, url: 'rw.up.railway.app' }] });
    const create = islo.requests.find((r) => r.method === 'POST' && r.path.endsWith('/shares'))!;
    expect(JSON.parse(create.body)).toEqual({ port: 8080, ttl_seconds: 7200 });
  });

  it('drops a provider whose publish fails while the others still publish', async () => {
    const { islo, railway, ctx } = await world();
    islo.sandbox('crabbox-web', []);
    railway.deployments.set('svc_rw', { status: 'BUILDING', url: '' });
    const opts = { pond: 'demo', sharePort: 8080, signal: new AbortController().signal };
    const claims = [claim({ leaseID: 'isb_crabbox-web', slug: 'web', provider: 'islo' }), claim({ leaseID: 'svc_rw', slug: 'rw', provider: 'railway' })];
    const rows = await resolvePondPeers(claims, bridgeLoader(ctx), opts);
    expect(rows.map((r) => r.slug)).toEqual(['web']);
    await expect(resolvePondPeers(claims, bridgeLoader(ctx), { ...opts, provider: 'railway' })).rejects.toThrow(
      'railway: publish peer svc_rw port=8080: railway bridge: deployment for "svc_rw" is not ready (status=BUILDING)',
    );
  });

  it('shares one Islo session token across the members of a resolution', async () => {
    const { islo, ctx } = await world();
    for (const n of ['a', 'b', 'c']) islo.sandbox(`crabbox-${n}`, [share(n)]);
    await resolvePondPeers(
      ['a', 'b', 'c'].map((n) => claim({ leaseID: `isb_crabbox-${n}`, slug: n, provider: 'islo' })),
      bridgeLoader(ctx),
      { pond: 'demo', signal: new AbortController().signal },
    );
    expect(islo.count((r) => r.path === '/auth/token')).toBe(1);
  });
});
