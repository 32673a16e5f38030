import { afterEach, describe, expect, it } from 'vitest';
import type { PeerRow } from '../../contract/index';
import { ManualDeadlines } from '../../lib/testing/manual-deadlines';
import { probeBridgePeers } from './probe';
import { LocalServer } from './testing/servers';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const row = (over: Partial<PeerRow>): PeerRow => ({ slug: 'web', leaseID: 'isb_1', provider: 'islo', pond: 'demo', transport: 'url', endpoint: '', ...over });
const signal = new AbortController().signal;

describe('probeBridgePeers', () => {
  it('HEADs the first target: any status is reachable; no targets is no-targets (79)', async () => {
    const srv = await new LocalServer((r) => ({ status: r.path === '/teapot' ? 418 : 200 })).start();
    servers.push(srv);
    const results = await probeBridgePeers(
      [
        row({ targets: [{ port: 80, url: srv.url, expiresAt: '' }, { port: 81, url: `${srv.url}/never`, expiresAt: '' }] }),
        row({ slug: 'missing' }),
        row({ slug: 'tea', targets: [{ port: 80, url: `${srv.url}/teapot`, expiresAt: '' }] }),
        row({ slug: 'broken', bridgeState: 'error', transport: 'none' }),
      ],
      signal,
    );
    expect(results).toEqual([
      { slug: 'web', url: srv.url, port: 80, statusCode: 200, state: 'reachable' },
      { slug: 'missing', url: '', port: 0, state: 'no-targets' },
      { slug: 'tea', url: `${srv.url}/teapot`, port: 80, statusCode: 418, state: 'reachable' },
      { slug: 'broken', url: '', port: 0, state: 'error' },
    ]);
    expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /', 'HEAD /teapot']);
  });

  it('reports a target that does not answer as unreachable with the last part of the error (80)', async () => {
    const srv = await new LocalServer(() => ({ status: 200 })).start();
    const url = srv.url;
    await srv.close();
    const hang = await new LocalServer(() => ({ status: 200 })).start();
    servers.push(hang);
    hang.fail('/', { kind: 'hang' });
    const deadlines = new ManualDeadlines();
    const probing = probeBridgePeers(
      [row({ targets: [{ port: 80, url: `${url}/x`, expiresAt: '' }] }), row({ slug: 'slow', targets: [{ port: 80, url: hang.url, expiresAt: '' }] })],
      signal,
      { timeoutMs: 200, http: { deadline: deadlines.deadline } },
    );
    await hang.arrived(1);
    deadlines.expire();
    const [refused, slow] = await probing;
    expect(deadlines.asked).toEqual([200, 200]);
    expect(refused).toMatchObject({ state: 'unreachable' });
    expect(refused?.detail).toMatch(/ECONNREFUSED/);
    expect(slow).toMatchObject({ state: 'unreachable', detail: 'no response within 0.2 s' });
  });
});
