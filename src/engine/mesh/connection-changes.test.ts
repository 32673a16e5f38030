import { describe, expect, it } from 'vitest';
import { ConnectionChanges } from './connection-changes';
import type { ForwardHealth, MemberHealth, PondHealth, SessionHealth } from './health';

const forward = (state: 'ready' | 'connecting', member: string, bytesIn = 0): ForwardHealth => ({
  state,
  pond: 'alpha',
  member,
  leaseID: `cbx_${member}`,
  remotePort: 8080,
  localPort: 51820,
  activeConnections: 0,
  bytesIn,
  bytesOut: 0,
  remote: 'open',
  lastError: null,
  moved: null,
});

const member = (name: string, session: SessionHealth, forwards: ForwardHealth[] = []): MemberHealth => ({
  pond: 'alpha',
  member: name,
  leaseID: `cbx_${name}`,
  provider: 'hetzner',
  target: null,
  session,
  forwards,
});

const pond = (...members: MemberHealth[]): PondHealth => ({ pond: 'alpha', members });
const ready: SessionHealth = { state: 'ready', port: 22, since: 0 };
const connecting: SessionHealth = { state: 'connecting', attempt: 1, retryAt: null, lastError: null };
const refused: SessionHealth = { state: 'failed', reason: 'retries-exhausted', lastError: 'connection refused', hostKey: null };

describe('ConnectionChanges', () => {
  it('reports a pond once per change of its connection, with the previous one', () => {
    const changes = new ConnectionChanges();
    expect(changes.update(pond(member('web', { state: 'stopped' })))).toBeNull();
    expect(changes.update(pond(member('web', connecting, [forward('connecting', 'web')])))).toEqual({
      pond: 'alpha',
      connection: 'connecting',
      previous: 'not-connected',
      forwardsReady: 0,
      forwardsTotal: 1,
      failed: [],
    });
    expect(changes.update(pond(member('web', ready, [forward('ready', 'web')])))).toMatchObject({ connection: 'connected', previous: 'connecting' });
    // Bytes moving is not a change anyone would notice.
    expect(changes.update(pond(member('web', ready, [forward('ready', 'web', 4096)])))).toBeNull();
    expect(changes.update(pond(member('web', { state: 'stopped' })))).toMatchObject({ connection: 'not-connected', previous: 'connected' });
    expect(changes.update(pond(member('web', { state: 'stopped' })))).toBeNull();
  });

  it('reports a second member failing although the pond stays degraded, naming the failed ones', () => {
    const changes = new ConnectionChanges();
    const web = forward('ready', 'web');
    changes.update(pond(member('web', ready, [web]), member('api', ready), member('db', ready)));
    expect(changes.update(pond(member('web', ready, [web]), member('api', refused), member('db', ready)))).toMatchObject({
      connection: 'degraded',
      previous: 'connected',
      failed: [{ member: 'api', reason: 'retries-exhausted', lastError: 'connection refused' }],
    });
    expect(changes.update(pond(member('web', ready, [web]), member('api', refused), member('db', refused)))).toMatchObject({
      connection: 'degraded',
      previous: 'degraded',
      failed: [{ member: 'api' }, { member: 'db' }],
    });
    expect(changes.update(pond(member('web', refused), member('api', refused), member('db', refused)))).toMatchObject({
      connection: 'failed',
      previous: 'degraded',
    });
  });
});
