import { describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../contract/index';
import { trayStateFrom } from './tray-state';

type MeshPond = ChannelOutput<'mesh:status'>['ponds'][number];
type Member = MeshPond['members'][number];
type Session = Member['session'];

const forward = (state: 'ready' | 'connecting', remote: 'open' | 'closed' | 'unknown' = 'open') =>
  ({
    state,
    pond: 'p',
    member: 'm',
    leaseID: 'l',
    remotePort: 8080,
    localPort: 51820,
    activeConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    remote,
    lastError: null,
    moved: null,
  }) as Member['forwards'][number];

const member = (session: Session, forwards: Member['forwards']): Member => ({
  pond: 'p',
  member: 'm',
  leaseID: 'l',
  provider: 'hetzner',
  target: null,
  session,
  forwards,
});

const ready: Session = { state: 'ready', port: 22, since: 0 };

describe('tray state', () => {
  it('lists every pond with its member count and surfaces claim problems', () => {
    const overview = {
      revision: 1,
      claimsDir: '/c',
      claimsDirState: 'present' as const,
      ponds: [
        { name: 'alpha', memberCount: 3, counts: { tailnet: 1, url: 1, ssh: 1, pending: 0, none: 0 }, crabbox: 3, manual: 0 },
        { name: 'beta', memberCount: 1, counts: { tailnet: 0, url: 0, ssh: 1, pending: 0, none: 0 }, crabbox: 0, manual: 1 },
      ],
      unassigned: 0,
      problems: [{ file: '/c/x.json', code: 'invalid-json', message: 'x' }],
    } as ChannelOutput<'ponds:list'>;
    const state = trayStateFrom(overview, { ponds: [{ pond: 'beta', members: [member(ready, [forward('ready')])] }] });
    expect(state.ponds).toEqual([
      { name: 'alpha', members: 3, connection: 'not-connected', forwardsReady: 0, forwardsTotal: 0 },
      { name: 'beta', members: 1, connection: 'connected', forwardsReady: 1, forwardsTotal: 1 },
    ]);
    expect(state.problem).toBe('1 claim file(s) have problems — open Pond Desktop');
    expect(trayStateFrom({ ...overview, claimsDirState: 'unreadable' }, { ponds: [] }).problem).toMatch(/cannot be read/);
  });
});
