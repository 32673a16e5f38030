import { describe, expect, it } from 'vitest';
import { forwardShape as forward, memberShape as member } from './testing/mesh-shapes';
import type { MeshForwardShape, MeshMemberShape, MeshPondShape } from './mesh';
import { forwardBadge, pondConnection, pondSummary, sessionBadge, sessionLine, sessionText } from './mesh-words';

type Session = MeshMemberShape['session'];

const pond = (...members: MeshMemberShape[]): MeshPondShape => ({ pond: 'alpha', members });
const ready: Session = { state: 'ready', port: 2222, since: 0 };
const failed: Session = { state: 'failed', reason: 'retries-exhausted', lastError: 'refused', hostKey: null };
const reconnecting: Session = { state: 'reconnecting', attempt: 2, retryAt: null, lastError: 'reset' };
const connecting: Session = { state: 'connecting', attempt: 1, retryAt: null, lastError: null };
const waiting: Session = { state: 'waiting', detail: 'ssh endpoint not yet recorded for this lease' };
const changed: Session = {
  state: 'failed',
  reason: 'host-key-changed',
  lastError: 'host key changed',
  hostKey: { host: '10.0.0.5', port: 2222, knownHostsPath: '/k', knownFingerprints: ['SHA256:old'], presentedFingerprint: 'SHA256:new', presentedType: 'ssh-ed25519' },
};

describe('pondConnection', () => {
  it('is not connected when the mesh holds nothing for the pond or every member is stopped', () => {
    expect(pondConnection(undefined)).toEqual({ connection: 'not-connected', forwardsReady: 0, forwardsTotal: 0 });
    expect(pondConnection(pond(member('web', { state: 'stopped' }))).connection).toBe('not-connected');
  });

  it('is connected only when every active member is ready and no remote port is closed', () => {
    expect(pondConnection(pond(member('web', ready, [forward(), forward({ remotePort: 9090 })])))).toEqual({ connection: 'connected', forwardsReady: 2, forwardsTotal: 2 });
    expect(pondConnection(pond(member('web', ready, [forward({ remote: 'closed' })]))).connection).toBe('degraded');
  });

  it('is degraded when some members are up and others are not, failed when all failed', () => {
    expect(pondConnection(pond(member('web', ready), member('api', failed, []))).connection).toBe('degraded');
    expect(pondConnection(pond(member('web', ready, []), member('api', reconnecting, [forward({ state: 'connecting' })])))).toEqual({
      connection: 'degraded',
      forwardsReady: 0,
      forwardsTotal: 1,
    });
    expect(pondConnection(pond(member('web', failed, []), member('api', failed, []))).connection).toBe('failed');
  });

  it('counts a member waiting for its address as connecting, never as failed', () => {
    expect(pondConnection(pond(member('web', waiting, [forward({ state: 'waiting' } as Partial<MeshForwardShape>)])))).toEqual({
      connection: 'connecting',
      forwardsReady: 0,
      forwardsTotal: 1,
    });
    expect(pondConnection(pond(member('web', ready), member('api', waiting, []))).connection).toBe('degraded');
    expect(pondConnection(pond(member('web', failed, []), member('api', waiting, []))).connection).toBe('degraded');
  });

  it('tells reconnecting from connecting while nothing is up yet', () => {
    expect(pondConnection(pond(member('web', reconnecting, []), member('api', connecting, []))).connection).toBe('reconnecting');
    expect(pondConnection(pond(member('web', connecting, []))).connection).toBe('connecting');
  });
});

describe('session words', () => {
  it('explains every session state with what happens next', () => {
    expect(sessionText(connecting, 0)).toBe('Connecting…');
    expect(sessionText({ state: 'connecting', attempt: 3, retryAt: 5_000, lastError: 'connection refused' }, 1_000)).toBe(
      'Attempt 3 failed: connection refused. Next attempt in 4 s.',
    );
    expect(sessionText({ state: 'reconnecting', attempt: 2, retryAt: 2_500, lastError: 'connection reset' }, 1_000)).toBe(
      'Connection lost: connection reset. Local ports stay open; next attempt in 2 s.',
    );
    expect(sessionText(ready, 0)).toBe('Connected on SSH port 2222.');
    expect(sessionText({ state: 'stopped' }, 0)).toBe('Disconnected.');
  });

  it('adds what the window offers to a failure the engine words without naming a button', () => {
    const gaveUp = { ...failed, lastError: 'connection refused (gave up after 10 attempts in a row; checking about once a minute whether the server is back)' };
    expect(sessionText(gaveUp, 0)).toBe('connection refused (gave up after 10 attempts in a row; checking about once a minute whether the server is back). Retry now tries again at once.');
    expect(sessionLine(gaveUp, 0)).toBe('failed: connection refused (gave up after 10 attempts in a row; checking about once a minute whether the server is back)');
    const noPassphrase: Session = { state: 'failed', reason: 'key-unusable', lastError: 'no passphrase was given for /k/id_ed25519', hostKey: null };
    expect(sessionText(noPassphrase, 0)).toBe('no passphrase was given for /k/id_ed25519. Retry now asks again.');
    expect(sessionLine(noPassphrase, 0)).toBe('failed: no passphrase was given for /k/id_ed25519');
  });

  it('names a failure without numbers the settings can change', () => {
    expect(sessionBadge(changed)).toBe('host key changed');
    expect(sessionBadge(failed)).toBe('gave up reconnecting');
    expect(sessionBadge(reconnecting)).toBe('reconnecting');
  });

  it('says in one line what happens next, with a countdown', () => {
    expect(sessionLine({ state: 'reconnecting', attempt: 3, retryAt: 10_500, lastError: 'connection refused' }, 6_000)).toBe('reconnecting in 5 s (connection refused)');
    expect(sessionLine({ state: 'connecting', attempt: 1, retryAt: 3_000, lastError: 'connection refused' }, 1_000)).toBe(
      'connecting (attempt 2 in 2 s; last error: connection refused)',
    );
    expect(sessionLine(ready, 0)).toBe('connected on port 2222');
    expect(sessionLine({ state: 'stopped' }, 0)).toBe('disconnected');
    expect(sessionLine(changed, 0)).toBe('host key changed for 10.0.0.5:2222: known SHA256:old, presented SHA256:new; remove the old key to trust the new one');
  });
});

describe('forward words', () => {
  it('never shows a closed remote port as up', () => {
    expect(forwardBadge(forward({ remote: 'closed' }))).toEqual({ text: 'remote port closed', tone: 'warn' });
    expect(forwardBadge(forward())).toEqual({ text: 'ready', tone: 'ready' });
    expect(forwardBadge(forward({ state: 'failed', reason: 'port-unavailable' } as Partial<MeshForwardShape>))).toEqual({ text: 'no local port', tone: 'failed' });
    expect(forwardBadge(forward({ state: 'reconnecting', retryAt: null } as Partial<MeshForwardShape>))).toEqual({ text: 'reconnecting', tone: 'reconnecting' });
  });

  it('summarizes a pond', () => {
    expect(pondSummary(pond(member('web', ready), member('api', failed, [forward({ state: 'failed', reason: 'retries-exhausted' } as Partial<MeshForwardShape>)])))).toBe(
      '1 of 2 forwards up, 1 member failed',
    );
    expect(pondSummary(pond(member('web', ready)))).toBe('1 of 1 forward up');
    const waitingForward = forward({ state: 'waiting', member: 'db' } as Partial<MeshForwardShape>);
    expect(pondSummary(pond(member('web', ready), member('db', waiting, [waitingForward])))).toBe('1 of 2 forwards up, 1 member waiting for an address');
    expect(pondSummary(pond(member('web', failed, []), member('db', waiting, [waitingForward]), member('db2', waiting, [])))).toBe(
      '0 of 1 forward up, 1 member failed, 2 waiting for an address',
    );
  });

  it('says a member is waiting for its address, not that it failed', () => {
    expect(sessionBadge(waiting)).toBe('waiting for an address');
    expect(sessionText(waiting, 0)).toBe('Waiting for an address: ssh endpoint not yet recorded for this lease. It connects by itself once the address is known.');
    expect(sessionLine(waiting, 0)).toBe('waiting for an address (ssh endpoint not yet recorded for this lease)');
    expect(forwardBadge(forward({ state: 'waiting' } as Partial<MeshForwardShape>))).toEqual({ text: 'waiting for an address', tone: 'connecting' });
  });
});
