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

const member = (name: string, session: Session, forwards: Member['forwards']): Member => ({
  pond: 'p',
  member: name,
  leaseID: 'l',
  provider: 'hetzner',
  target: null,
  session,
  forwards,
});

const ready: Session = { state: 'ready', port: 22, since: 0 };
const app = { version: '1.2.3', startAtLogin: true, notifications: false };

const overview = {
  revision: 1,
  claimsDir: '/c',
  claimsDirState: 'present' as const,
  ponds: [
    { name: 'alpha', memberCount: 3, counts: { tailnet: 1, url: 1, ssh: 1, pending: 0, none: 0 }, crabbox: 3, manual: 0 },
    { name: 'beta', memberCount: 1, counts: { tailnet: 0, url: 0, ssh: 1, pending: 0, none: 0 }, crabbox: 0, manual: 1 },
    { name: 'gamma', memberCount: 2, counts: { tailnet: 0, url: 0, ssh: 2, pending: 0, none: 0 }, crabbox: 0, manual: 2 },
  ],
  unassigned: 0,
  problems: [{ file: '/c/x.json', code: 'invalid-json', message: 'x' }],
} as ChannelOutput<'ponds:list'>;

describe('tray state', () => {
  it('lists every pond with its member count, its connection and its members that are not up', () => {
    const state = trayStateFrom(
      overview,
      {
        ponds: [
          { pond: 'beta', members: [member('web', ready, [forward('ready')])] },
          {
            pond: 'gamma',
            members: [
              member('web', { state: 'reconnecting', attempt: 3, retryAt: 5, lastError: 'connection refused' }, [forward('connecting')]),
              member('db', { state: 'failed', reason: 'host-key-changed', lastError: 'changed', hostKey: null }, [forward('connecting')]),
            ],
          },
        ],
      },
      app,
    );
    expect(state.ponds).toEqual([
      { name: 'alpha', members: 3, connection: 'not-connected', forwardsReady: 0, forwardsTotal: 0, trouble: [], retryable: false },
      { name: 'beta', members: 1, connection: 'connected', forwardsReady: 1, forwardsTotal: 1, trouble: [], retryable: false },
      {
        name: 'gamma',
        members: 2,
        connection: 'degraded',
        forwardsReady: 0,
        forwardsTotal: 2,
        trouble: ['web — reconnecting', 'db — host key changed'],
        retryable: true,
      },
    ]);
    expect(state).toMatchObject(app);
  });

  it('surfaces claim problems', () => {
    expect(trayStateFrom(overview, { ponds: [] }, app).problem).toBe('1 claim file(s) have problems — open Pond Desktop');
    expect(trayStateFrom({ ...overview, claimsDirState: 'unreadable' }, { ponds: [] }, app).problem).toMatch(/cannot be read/);
  });

  it('has nothing to retry while members are connecting for the first time without an error', () => {
    const connecting = (lastError: string | null) =>
      trayStateFrom(
        overview,
        { ponds: [{ pond: 'alpha', members: [member('web', { state: 'connecting', attempt: 2, retryAt: null, lastError }, [forward('connecting')])] }] },
        app,
      ).ponds[0];
    expect(connecting(null)).toMatchObject({ connection: 'connecting', trouble: ['web — connecting'], retryable: false });
    expect(connecting('connection refused')).toMatchObject({ retryable: true });
  });
});
