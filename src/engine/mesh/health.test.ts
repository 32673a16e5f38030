import { describe, expect, it } from 'vitest';
import { forwardStateFor, type SessionHealth } from './health';

const changed: SessionHealth = {
  state: 'failed',
  reason: 'host-key-changed',
  lastError: 'host key changed',
  hostKey: {
    host: '10.0.0.5',
    port: 2222,
    knownHostsPath: '/k',
    knownFingerprints: ['SHA256:old'],
    presentedFingerprint: 'SHA256:new',
    presentedType: 'ssh-ed25519',
  },
};

describe('forwardStateFor', () => {
  it('follows the session while the listener is bound', () => {
    expect(forwardStateFor({ state: 'ready', port: 22, since: 0 }, 'bound')).toEqual({ state: 'ready' });
    expect(forwardStateFor({ state: 'reconnecting', attempt: 2, retryAt: 5, lastError: 'x' }, 'bound')).toEqual({ state: 'reconnecting', retryAt: 5 });
    expect(forwardStateFor({ state: 'connecting', attempt: 1, retryAt: null, lastError: null }, 'bound')).toEqual({ state: 'connecting' });
    expect(forwardStateFor(changed, 'bound')).toEqual({ state: 'failed', reason: 'host-key-changed' });
    expect(forwardStateFor({ state: 'stopped' }, 'bound')).toEqual({ state: 'stopped' });
  });

  it('is stopped when switched off and connecting until its listener is bound', () => {
    expect(forwardStateFor({ state: 'ready', port: 22, since: 0 }, 'stopped')).toEqual({ state: 'stopped' });
    expect(forwardStateFor({ state: 'ready', port: 22, since: 0 }, 'unbound')).toEqual({ state: 'connecting' });
    expect(forwardStateFor(changed, 'unbound')).toEqual({ state: 'failed', reason: 'host-key-changed' });
  });

  it('waits with a member that has no SSH address yet, bound or not, until it is switched off', () => {
    const waiting: SessionHealth = { state: 'waiting', detail: 'ssh endpoint not yet recorded for this lease' };
    expect(forwardStateFor(waiting, 'bound')).toEqual({ state: 'waiting' });
    expect(forwardStateFor(waiting, 'unbound')).toEqual({ state: 'waiting' });
    expect(forwardStateFor(waiting, 'stopped')).toEqual({ state: 'stopped' });
  });
});
