import { describe, expect, it } from 'vitest';
import { forwardLabel, forwardStateFor, type ForwardHealth, type SessionHealth } from './health';

const base: Omit<ForwardHealth, 'state'> = {
  pond: 'alpha',
  member: 'web',
  leaseID: 'cbx_1',
  remotePort: 8080,
  localPort: 51820,
  activeConnections: 0,
  bytesIn: 0,
  bytesOut: 0,
  remote: 'unknown',
  lastError: null,
  moved: null,
};

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
});

describe('forwardLabel', () => {
  it('never calls a closed remote port up', () => {
    expect(forwardLabel({ ...base, state: 'ready', remote: 'closed' })).toBe('remote port closed');
    expect(forwardLabel({ ...base, state: 'ready', remote: 'open' })).toBe('ready');
    expect(forwardLabel({ ...base, state: 'failed', reason: 'host-key-changed' })).toBe('host key changed');
    expect(forwardLabel({ ...base, state: 'failed', reason: 'retries-exhausted' })).toBe('failed');
    expect(forwardLabel({ ...base, state: 'reconnecting', retryAt: null })).toBe('reconnecting');
  });
});
