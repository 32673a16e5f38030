import { describe, expect, it } from 'vitest';
import type { PeerRow } from '../../contract/index';
import { appDoctorDeps, pondRows } from './app-deps';
import type { Pond } from '../ponds';

const pond: Pond = {
  name: 'alpha',
  counts: { tailnet: 0, url: 1, ssh: 1, pending: 0, none: 0 },
  members: [
    { origin: 'crabbox', file: 'a.json', slug: 'app', leaseID: 'isb_app', provider: 'islo', pond: 'alpha', transport: 'url', endpoint: '' },
    { origin: 'crabbox', file: 'b.json', slug: 'db', leaseID: 'cbx_db', provider: 'aws', pond: 'alpha', transport: 'ssh', endpoint: 'ssh://1.2.3.4:22' },
  ],
};

const bridged: PeerRow[] = [
  { slug: 'app', leaseID: 'isb_app', provider: 'islo', pond: 'alpha', transport: 'url', endpoint: 'https://s.example', targets: [{ port: 80, url: 'https://s.example', expiresAt: '0001-01-01T00:00:00Z' }] },
  { slug: 'db', leaseID: 'cbx_db', provider: 'aws', pond: 'alpha', transport: 'ssh', endpoint: 'ssh://1.2.3.4:22' },
];

describe('pondRows', () => {
  it('takes the rows `pond peers` gives, URL members completed by their provider', async () => {
    const { rows, problems } = await pondRows({ pond: () => pond, peers: async () => bridged }, 'alpha', new AbortController().signal);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { slug: 'app', leaseID: 'isb_app', provider: 'islo', pond: 'alpha', transport: 'url', endpoint: 'https://s.example', targets: [{ port: 80, url: 'https://s.example', expiresAt: '0001-01-01T00:00:00Z' }] },
      { slug: 'db', leaseID: 'cbx_db', provider: 'aws', pond: 'alpha', transport: 'ssh', endpoint: 'ssh://1.2.3.4:22' },
    ]);
  });

  it('keeps the directory rows when the providers cannot be asked, and says so', async () => {
    const { rows, problems } = await pondRows(
      {
        pond: () => pond,
        peers: async () => {
          throw new Error('claims directory unreadable');
        },
      },
      'alpha',
      new AbortController().signal,
    );
    expect(rows.map((r) => r.endpoint)).toEqual(['', 'ssh://1.2.3.4:22']);
    expect(problems).toEqual(['provider lookups failed, URL members are shown without their URLs: claims directory unreadable']);
  });

  it('does not ask providers for a pond without URL members, and knows no rows for an unknown pond', async () => {
    let asked = false;
    const sources = {
      pond: (name: string) => (name === 'beta' ? { ...pond, members: pond.members.slice(1) } : undefined),
      peers: async () => {
        asked = true;
        return bridged;
      },
    };
    expect((await pondRows(sources, 'beta', new AbortController().signal)).rows).toHaveLength(1);
    expect((await pondRows(sources, 'zeta', new AbortController().signal)).rows).toEqual([]);
    expect(asked).toBe(false);
  });
});

describe('appDoctorDeps', () => {
  it('forwards events, claims and forwards from the app', async () => {
    const emitted: string[] = [];
    const deps = appDoctorDeps({
      pathEnv: { platform: 'linux', env: { HOME: '/h', CRABBOX_OWNER: 'o@x' }, home: '/h' },
      pond: () => undefined,
      claims: () => null,
      peers: async () => bridged,
      meshMembers: async () => ({ members: [], ineligible: [] }),
      forwards: () => [{ peer: 'db', remotePort: 5432, localPort: 51820, leaseID: 'cbx_db' }],
      emit: (event) => void emitted.push(event),
    });
    expect(await deps.claims()).toBeNull();
    expect(await deps.identity()).toBe('o@x');
    expect(deps.forwards('alpha')).toHaveLength(1);
    expect(deps.checkDeps().knownHostsFile).toBe('/h/.ssh/known_hosts');
    deps.onPlan({ runId: 'r', pond: 'p', matrix: { pond: 'p', memberCount: 0, breakdown: {}, transports: [], cells: [], members: [], text: '' }, checks: [] });
    expect(emitted).toEqual(['doctor:plan']);
  });
});
