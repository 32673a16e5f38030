import { describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../contract/index';
import { pondConnection, trayStateFrom } from './tray-state';

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
const failed: Session = { state: 'failed', reason: 'retries-exhausted', lastError: 'refused', hostKey: null };
const reconnecting: Session = { state: 'reconnecting', attempt: 2, retryAt: null, lastError: 'reset' };

describe('tray state', () => {
  it('is disconnected when the mesh holds nothing for the pond or every member is stopped', () => {
    expect(pondConnection(undefined)).toEqual({ connection: 'disconnected', forwardsReady: 0, forwardsTotal: 0 });
    expect(pondConnection({ pond: 'p', members: [member({ state: 'stopped' }, [forward('ready')])] }).connection).toBe('disconnected');
  });

  it('is connected only when every active member is ready and no remote port is closed', () => {
    expect(pondConnection({ pond: 'p', members: [member(ready, [forward('ready'), forward('ready')])] })).toEqual({
      connection: 'connected',
      forwardsReady: 2,
      forwardsTotal: 2,
    });
    expect(pondConnection({ pond: 'p', members: [member(ready, [forward('ready', 'closed')])] }).connection).toBe('degraded');
  });

  it('is degraded when some members are up and others failed or reconnecting; failed when all failed', () => {
    expect(pondConnection({ pond: 'p', members: [member(ready, [forward('ready')]), member(failed, [])] }).connection).toBe('degraded');
    expect(pondConnection({ pond: 'p', members: [member(ready, []), member(reconnecting, [forward('connecting')])] })).toEqual({
      connection: 'degraded',
      forwardsReady: 0,
      forwardsTotal: 1,
    });
    expect(pondConnection({ pond: 'p', members: [member(failed, []), member(failed, [])] }).connection).toBe('failed');
    expect(pondConnection({ pond: 'p', members: [member(reconnecting, [])] }).connection).toBe('connecting');
  });

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
      { name: 'alpha', members: 3, connection: 'disconnected', forwardsReady: 0, forwardsTotal: 0 },
      { name: 'beta', members: 1, connection: 'connected', forwardsReady: 1, forwardsTotal: 1 },
    ]);
    expect(state.problem).toBe('1 claim file(s) have problems — open Pond Desktop');
    expect(trayStateFrom({ ...overview, claimsDirState: 'unreadable' }, { ponds: [] }).problem).toMatch(/cannot be read/);
  });
});
