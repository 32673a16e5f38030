import { describe, expect, it } from 'vitest';
import type { BridgeTarget, PeerRow } from '../contract/index';
import type { BridgeLoader } from '../providers/bridge/registry';
import { BridgeError, BridgeNotImplementedError, type BridgeAdapter, type TailnetMetadata } from '../providers/bridge/types';
import { claimSchema, type Claim } from './claim';
import { resolvePondPeers } from './peers-resolve';

const ZERO = '0001-01-01T00:00:00Z';

function claim(fields: Record<string, unknown>): Claim {
  return claimSchema.parse({ repoRoot: '/r', ...fields });
}

function target(port: number, url: string, shareID?: string): BridgeTarget {
  return shareID ? { port, url, shareID, expiresAt: ZERO } : { port, url, expiresAt: ZERO };
}

/** crabbox's fakeBridgeProvider, with optional tailnet validation. */
class FakeAdapter implements BridgeAdapter {
  calls: string[] = [];
  listed: Record<string, BridgeTarget[]> = {};
  published: Record<string, BridgeTarget> = {};
  listErr?: Error;
  listErrs: Record<string, Error> = {};
  pubErr?: Error;
  closed = false;
  validateTailnetPeer?: (leaseID: string, signal: AbortSignal) => Promise<TailnetMetadata>;

  constructor(
    readonly provider = 'islo',
    validation?: { meta?: TailnetMetadata; error?: Error },
  ) {
    if (validation) {
      this.validateTailnetPeer = async (leaseID) => {
        this.calls.push(`validate ${leaseID}`);
        if (validation.error) throw validation.error;
        return validation.meta!;
      };
    }
  }

  async publish(leaseID: string, port: number, ttl: number): Promise<BridgeTarget> {
    this.calls.push(`publish ${leaseID} ${port} ${ttl}`);
    if (this.pubErr) throw this.pubErr;
    return { ...(this.published[leaseID] ?? target(0, '')), port };
  }

  async list(leaseID: string): Promise<BridgeTarget[]> {
    this.calls.push(`list ${leaseID}`);
    const err = this.listErrs[leaseID] ?? this.listErr;
    if (err) throw err;
    return this.listed[leaseID] ?? [];
  }

  close(): void {
    this.closed = true;
  }
}

function loader(adapters: Record<string, BridgeAdapter | null | Error>): BridgeLoader & { loads: string[] } {
  const loads: string[] = [];
  const fn = (provider: string) => {
    loads.push(provider);
    const a = adapters[provider];
    if (a === undefined) throw new Error(`unexpected bridge load for ${provider}`);
    if (a instanceof Error) throw a;
    return a;
  };
  return Object.assign(fn, { loads });
}

const signal = new AbortController().signal;
const opts = (over: Partial<Parameters<typeof resolvePondPeers>[2]> = {}) => ({ pond: 'demo', signal, ...over });

async function rejection(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error('expected an error');
}

const bySlug = (rows: PeerRow[]) => Object.fromEntries(rows.map((r) => [r.slug, r]));

describe('resolvePondPeers: single provider', () => {
  it('lists targets, sorts by slug and carries the pond (55)', async () => {
    const fake = new FakeAdapter();
    fake.listed = { isb_web: [target(8080, 'https://web.share.islo.dev', 'shr_web')] };
    const rows = await resolvePondPeers(
      [
        claim({ leaseID: 'isb_web', slug: 'bridge-web', provider: 'islo', pond: 'demo' }),
        claim({ leaseID: 'isb_client', slug: 'bridge-client', provider: 'islo', pond: 'demo' }),
        claim({ leaseID: 'isb_other', slug: 'noise', provider: 'islo', pond: 'other' }),
      ],
      loader({ islo: fake }),
      opts({ provider: 'islo' }),
    );
    expect(rows.map((r) => r.slug)).toEqual(['bridge-client', 'bridge-web']);
    expect(rows[1]).toEqual({
      slug: 'bridge-web',
      leaseID: 'isb_web',
      provider: 'islo',
      pond: 'demo',
      transport: 'url',
      transports: ['url'],
      endpoint: 'https://web.share.islo.dev',
      targets: [target(8080, 'https://web.share.islo.dev', 'shr_web')],
    });
    expect(rows[0]).toEqual({ slug: 'bridge-client', leaseID: 'isb_client', provider: 'islo', pond: 'demo', transport: 'url', transports: ['url'], endpoint: '' });
    expect(fake.closed).toBe(true);
  });

  it('publishes once per member with the TTL (56)', async () => {
    const fake = new FakeAdapter();
    fake.published = { isb_w: target(0, 'https://abc.share.islo.dev', 'shr_w') };
    const rows = await resolvePondPeers([claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo' })], loader({ islo: fake }), opts({ provider: 'islo', sharePort: 8080, shareTtlSeconds: 3600 }));
    expect(rows[0]?.targets).toEqual([target(8080, 'https://abc.share.islo.dev', 'shr_w')]);
    expect(rows[0]?.endpoint).toBe('https://abc.share.islo.dev');
    expect(fake.calls).toEqual(['publish isb_w 8080 3600']);
  });

  it('defaults the share TTL to 24 h', async () => {
    const fake = new FakeAdapter();
    await resolvePondPeers([claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo' })], loader({ islo: fake }), opts({ sharePort: 80 }));
    expect(fake.calls).toEqual(['publish isb_w 80 86400']);
  });

  it('keeps Islo URL-primary with an outbound-only tailnet, publishing and listing (57, 58, 83)', async () => {
    const c = claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo', tailscaleIPv4: '100.64.7.7' });
    const fake = new FakeAdapter();
    fake.published = { isb_w: target(0, 'https://abc.share.islo.dev', 'shr_w') };
    fake.listed = { isb_w: [target(8080, 'https://abc.share.islo.dev', 'shr_w')] };
    for (const sharePort of [8080, 0]) {
      const [row] = await resolvePondPeers([c], loader({ islo: fake }), opts({ provider: 'islo', sharePort }));
      expect(row).toMatchObject({ transport: 'url', transports: ['url'], endpoint: 'https://abc.share.islo.dev', note: 'tailnet available for outbound proxy traffic only' });
      expect(row?.targets).toHaveLength(1);
    }
  });

  it('fails without partial output when the adapter cannot load (59)', async () => {
    const rows = resolvePondPeers(
      [claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo', tailscaleIPv4: '100.64.7.7' })],
      loader({ islo: new BridgeError('missing Islo API key', 2) }),
      opts({ provider: 'islo' }),
    );
    const err = await rejection(rows);
    expect(err.message).toBe('islo: missing Islo API key');
    expect(err.exitCode).toBe(2);
  });

  it('fails when every Islo member fails to list (60, 71)', async () => {
    const fake = new FakeAdapter();
    fake.listErr = new Error('Islo API unavailable');
    const err = await rejection(
      resolvePondPeers(
        [
          claim({ leaseID: 'isb_tailnet', slug: 'tailnet', provider: 'islo', pond: 'demo', tailscaleIPv4: '100.64.7.7' }),
          claim({ leaseID: 'isb_url', slug: 'url', provider: 'islo', pond: 'demo' }),
        ],
        loader({ islo: fake }),
        opts({ provider: 'islo' }),
      ),
    );
    expect(err.message).toBe('islo: list peer targets isb_url: Islo API unavailable');
  });

  it('keeps a healthy URL member when another fails, degrading the failed one in place (61)', async () => {
    const fake = new FakeAdapter();
    fake.listed = { isb_healthy: [target(8080, 'https://healthy.share.islo.dev')] };
    fake.listErrs = { isb_failed: new Error('Islo API unavailable') };
    const rows = bySlug(
      await resolvePondPeers(
        [claim({ leaseID: 'isb_healthy', slug: 'healthy', provider: 'islo', pond: 'demo' }), claim({ leaseID: 'isb_failed', slug: 'failed', provider: 'islo', pond: 'demo' })],
        loader({ islo: fake }),
        opts({ provider: 'islo' }),
      ),
    );
    expect(rows.healthy).toMatchObject({ transport: 'url', endpoint: 'https://healthy.share.islo.dev' });
    expect(rows.failed).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: Islo API unavailable' });
  });

  it('falls back to the URL row and strips tailnet labels when validation fails (62)', async () => {
    const fake = new FakeAdapter('islo', { error: new Error('daemon unavailable') });
    fake.listed = { isb_w: [target(8080, 'https://abc.share.islo.dev')] };
    const c = claim({
      leaseID: 'isb_w',
      slug: 'w',
      provider: 'islo',
      pond: 'demo',
      tailscaleIPv4: '100.64.7.7',
      labels: { tailscale: 'true', tailscale_state: 'ready', tailscale_ipv4: '100.64.7.7', keep: 'me' },
    });
    const [row] = await resolvePondPeers([c], loader({ islo: fake }), opts({ provider: 'islo' }));
    expect(row).toMatchObject({ transport: 'url', endpoint: 'https://abc.share.islo.dev', note: 'tailnet validation failed: daemon unavailable', labels: { keep: 'me' } });
    expect(c.labels?.tailscale_ipv4).toBe('100.64.7.7');
  });

  it('fails when the only tailnet member is stale and its listing fails too (63)', async () => {
    const fake = new FakeAdapter('islo', { error: new Error('daemon unavailable') });
    fake.listErr = new Error('Islo API unavailable');
    const err = await rejection(
      resolvePondPeers([claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo', tailscaleIPv4: '100.64.7.7' })], loader({ islo: fake }), opts({ provider: 'islo' })),
    );
    expect(err.message).toBe('islo: list peer targets isb_w: Islo API unavailable');
  });

  it('revalidates a persisted enrollment into labels while the row stays URL (64)', async () => {
    const fake = new FakeAdapter('islo', { meta: { ipv4: '100.64.7.8', fqdn: '', hostname: 'node-a' } });
    fake.listed = { isb_w: [target(8080, 'https://abc.share.islo.dev')] };
    const [row] = await resolvePondPeers([claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo', tailscaleHostname: 'node-a' })], loader({ islo: fake }), opts());
    expect(row).toMatchObject({ transport: 'url', endpoint: 'https://abc.share.islo.dev', labels: { tailscale: 'true', tailscale_state: 'ready', tailscale_ipv4: '100.64.7.8' } });
    expect(fake.calls).toEqual(['validate isb_w', 'list isb_w']);
  });

  it('marks members of a provider without an adapter unsupported-provider, never pending a URL (65)', async () => {
    const rows = await resolvePondPeers([claim({ leaseID: 'isb_w', slug: 'w', provider: 'islo', pond: 'demo' })], loader({ islo: null }), opts({ provider: 'islo' }));
    expect(rows).toEqual([
      { slug: 'w', leaseID: 'isb_w', provider: 'islo', pond: 'demo', transport: 'none', transports: ['url'], endpoint: '', bridgeState: 'unsupported-provider', note: 'no bridge adapter for provider islo' },
    ]);
  });

  it('marks "not implemented" from list or publish as unsupported (66, 67)', async () => {
    const c = claim({ leaseID: 'isb_islo', slug: 'fn', provider: 'islo', pond: 'demo' });
    const lister = new FakeAdapter();
    lister.listErr = new BridgeNotImplementedError();
    const [listed] = await resolvePondPeers([c], loader({ islo: lister }), opts({ provider: 'islo' }));
    expect(listed).toMatchObject({ bridgeState: 'unsupported', transport: 'none', note: 'bridge adapter for provider islo reports unsupported' });
    expect(listed?.targets).toBeUndefined();
    const publisher = new FakeAdapter();
    publisher.pubErr = new BridgeNotImplementedError();
    const [published] = await resolvePondPeers([c], loader({ islo: publisher }), opts({ provider: 'islo', sharePort: 8080 }));
    expect(published).toMatchObject({ bridgeState: 'unsupported', transport: 'none' });
  });

  it('fails the group on a publish error, creating nothing for later members', async () => {
    const fake = new FakeAdapter();
    fake.pubErr = new BridgeError('islo create share 500 Internal Server Error: boom');
    const err = await rejection(
      resolvePondPeers(
        [claim({ leaseID: 'isb_a', slug: 'a', provider: 'islo', pond: 'demo' }), claim({ leaseID: 'isb_b', slug: 'b', provider: 'islo', pond: 'demo' })],
        loader({ islo: fake }),
        opts({ sharePort: 8080 }),
      ),
    );
    expect(err.message).toBe('islo: publish peer isb_a port=8080: islo create share 500 Internal Server Error: boom');
    expect(fake.calls).toEqual(['publish isb_a 8080 86400']);
  });

  it('returns no rows and no error when nothing matches', async () => {
    expect(await resolvePondPeers([claim({ leaseID: 'x', provider: 'islo', pond: 'other' })], loader({}), opts())).toEqual([]);
    expect(await resolvePondPeers([claim({ leaseID: 'x', provider: 'islo', pond: 'demo' })], loader({}), opts({ provider: 'e2b' }))).toEqual([]);
  });
});

describe('resolvePondPeers: fan-out across providers', () => {
  it('uses each provider its own adapter; modal stays none without a bridge state (68)', async () => {
    const islo = new FakeAdapter('islo');
    islo.listed = { isb_islo1: [target(80, 'https://islo-a.share.islo.dev')] };
    const e2b = new FakeAdapter('e2b');
    e2b.listed = { cbx_e2b1: [target(8080, 'https://8080-sbx.e2b.app')] };
    const load = loader({ islo, e2b });
    const rows = await resolvePondPeers(
      [
        claim({ leaseID: 'isb_islo1', slug: 'islo-a', provider: 'islo', pond: 'demo' }),
        claim({ leaseID: 'cbx_e2b1', slug: 'e2b-a', provider: 'e2b', pond: 'demo' }),
        claim({ leaseID: 'cbx_modal1', slug: 'modal-a', provider: 'modal', pond: 'demo' }),
        claim({ leaseID: 'isb_other', slug: 'noise', provider: 'islo', pond: 'other' }),
      ],
      load,
      opts(),
    );
    expect(rows.map((r) => r.slug)).toEqual(['e2b-a', 'islo-a', 'modal-a']);
    const by = bySlug(rows);
    expect(by['islo-a']?.targets).toHaveLength(1);
    expect(by['e2b-a']?.targets).toHaveLength(1);
    expect(by['modal-a']).toEqual({ slug: 'modal-a', leaseID: 'cbx_modal1', provider: 'modal', pond: 'demo', transport: 'none', endpoint: '', note: 'no advertised pond transport for provider modal' });
    expect(load.loads.sort()).toEqual(['e2b', 'islo']);
  });

  it('keeps a failed provider row and succeeds when another provider works (69)', async () => {
    const e2b = new FakeAdapter('e2b');
    e2b.listed = { cbx_e2b1: [target(8080, 'https://8080-sbx.e2b.app')] };
    const islo = new FakeAdapter('islo');
    islo.listErr = new Error('islo api down');
    const by = bySlug(
      await resolvePondPeers(
        [claim({ leaseID: 'cbx_e2b1', slug: 'e2b-a', provider: 'e2b', pond: 'demo' }), claim({ leaseID: 'isb_islo1', slug: 'islo-a', provider: 'islo', pond: 'demo' })],
        loader({ e2b, islo }),
        opts(),
      ),
    );
    expect(by['e2b-a']?.targets).toHaveLength(1);
    expect(by['islo-a']).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: islo api down' });
  });

  it('fails naming the first provider when every provider fails (70)', async () => {
    const make = (p: string) => {
      const a = new FakeAdapter(p);
      a.listErr = new Error(`${p} api down`);
      return a;
    };
    const err = await rejection(
      resolvePondPeers(
        [claim({ leaseID: 'cbx_e2b1', slug: 'e2b-a', provider: 'e2b', pond: 'demo' }), claim({ leaseID: 'isb_islo1', slug: 'islo-a', provider: 'islo', pond: 'demo' })],
        loader({ e2b: make('e2b'), islo: make('islo') }),
        opts(),
      ),
    );
    expect(err.message).toBe('e2b: list peer targets cbx_e2b1: e2b api down');
  });

  it('lists a tailnet member without loading any adapter (81)', async () => {
    const load = loader({});
    const rows = await resolvePondPeers([claim({ leaseID: 'cbx_web', slug: 'web', provider: 'hetzner', pond: 'demo', tailscaleIPv4: '100.64.1.3' })], load, opts());
    expect(rows[0]).toMatchObject({ transport: 'tailnet', endpoint: '100.64.1.3', transports: ['tailnet', 'ssh'] });
    expect(load.loads).toEqual([]);
  });

  it('mixes an Islo URL member with a Hetzner tailnet member (82)', async () => {
    const islo = new FakeAdapter();
    islo.listed = { isb_islo1: [target(8080, 'https://sandbox.share.islo.dev', 'shr_islo')] };
    const load = loader({ islo });
    const by = bySlug(
      await resolvePondPeers(
        [claim({ leaseID: 'isb_islo1', slug: 'sandbox', provider: 'islo', pond: 'demo' }), claim({ leaseID: 'cbx_web', slug: 'web', provider: 'hetzner', pond: 'demo', tailscaleIPv4: '100.64.1.3' })],
        load,
        opts(),
      ),
    );
    expect(by.sandbox).toMatchObject({ transport: 'url', targets: [target(8080, 'https://sandbox.share.islo.dev', 'shr_islo')] });
    expect(by.web).toMatchObject({ transport: 'tailnet', endpoint: '100.64.1.3' });
    expect(load.loads).toEqual(['islo']);
  });

  it('lists an SSH lease and a pending lease without any adapter call (84, 85, 86)', async () => {
    const rows = bySlug(
      await resolvePondPeers(
        [
          claim({ leaseID: 'cbx_rp', slug: 'gpu', provider: 'runpod', pond: 'demo', sshHost: '1.2.3.4', sshPort: 2200 }),
          claim({ leaseID: 'cbx_aws', slug: 'aws', provider: 'aws', pond: 'demo' }),
          claim({ leaseID: 'cbx_bs', slug: 'bs', provider: 'blacksmith', pond: 'demo' }),
        ],
        loader({}),
        opts(),
      ),
    );
    expect(rows.gpu).toMatchObject({ transport: 'ssh', endpoint: 'ssh://1.2.3.4:2200' });
    expect(rows.aws).toMatchObject({ transport: 'pending', endpoint: '', note: 'ssh endpoint not yet recorded for this lease' });
    expect(rows.bs).toMatchObject({ transport: 'none', note: 'blacksmith owns connectivity', endpoint: '' });
  });

  it('in single-provider mode, aborts on the first failing group', async () => {
    const islo = new FakeAdapter();
    islo.listErr = new Error('down');
    const err = await rejection(resolvePondPeers([claim({ leaseID: 'isb_a', slug: 'a', provider: 'islo', pond: 'demo' })], loader({ islo }), opts({ provider: 'islo' })));
    expect(err.message).toBe('islo: list peer targets isb_a: down');
  });

  it('records an adapter load error on the member and keeps other providers (bridge lookup failed)', async () => {
    const e2b = new FakeAdapter('e2b');
    const by = bySlug(
      await resolvePondPeers(
        [claim({ leaseID: 'isb_a', slug: 'a', provider: 'islo', pond: 'demo' }), claim({ leaseID: 'cbx_b', slug: 'b', provider: 'e2b', pond: 'demo' })],
        loader({ islo: new BridgeError('boom'), e2b }),
        opts(),
      ),
    );
    expect(by.a).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'bridge lookup failed for provider islo: boom' });
    expect(by.b).toMatchObject({ transport: 'url' });
  });

  it('sorts by slug in byte order, then lease ID', async () => {
    const rows = await resolvePondPeers(
      [
        claim({ leaseID: 'cbx_2', slug: 'b', provider: 'aws', pond: 'demo' }),
        claim({ leaseID: 'cbx_1', slug: 'b', provider: 'aws', pond: 'demo' }),
        claim({ leaseID: 'cbx_3', slug: 'B', provider: 'aws', pond: 'demo' }),
        claim({ leaseID: 'cbx_4', slug: 'a', provider: 'aws', pond: 'demo' }),
      ],
      loader({}),
      opts(),
    );
    expect(rows.map((r) => `${r.slug}/${r.leaseID}`)).toEqual(['B/cbx_3', 'a/cbx_4', 'b/cbx_1', 'b/cbx_2']);
  });

  it('stops with a cancellation instead of degrading rows when the caller goes away', async () => {
    const controller = new AbortController();
    const slow: BridgeAdapter = {
      provider: 'islo',
      publish: async () => target(0, ''),
      list: (_l, s) =>
        new Promise((_, reject) => {
          s.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })));
        }),
    };
    const pending = resolvePondPeers([claim({ leaseID: 'isb_a', slug: 'a', provider: 'islo', pond: 'demo' })], loader({ islo: slow }), opts({ signal: controller.signal }));
    controller.abort();
    const err = await rejection(pending);
    expect(err.name).toBe('AbortError');
  });
});
