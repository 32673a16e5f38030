import { describe, expect, it } from 'vitest';
import type { MeshMemberShape } from '../contract/index';
import { EventLogLines } from './event-log';

const health = (session: MeshMemberShape['session']): MeshMemberShape => ({
  pond: 'demo',
  member: 'web',
  leaseID: 'l',
  provider: 'ssh',
  target: null,
  session,
  forwards: [],
});

describe('event log lines', () => {
  it('logs a member only when its session or its error changes, with the cause, from its first start', () => {
    const lines = new EventLogLines(() => 0);
    const events = [
      health({ state: 'stopped' }),
      health({ state: 'connecting', attempt: 1, retryAt: null, lastError: null }),
      health({ state: 'ready', port: 22, since: 0 }),
      health({ state: 'ready', port: 22, since: 0 }),
      health({ state: 'reconnecting', attempt: 1, retryAt: null, lastError: 'connection reset' }),
      health({ state: 'reconnecting', attempt: 2, retryAt: 2000, lastError: 'connection refused' }),
      health({ state: 'failed', reason: 'retries-exhausted', lastError: 'connection refused (gave up)', hostKey: null }),
      health({ state: 'stopped' }),
    ].map((payload) => lines.lineFor('mesh:health', payload));
    expect(events).toEqual([
      null,
      { level: 'info', text: 'demo/web: connecting' },
      { level: 'info', text: 'demo/web: connected on port 22' },
      null,
      { level: 'warn', text: 'demo/web: reconnecting (connection reset)' },
      { level: 'warn', text: 'demo/web: reconnecting in 2 s (connection refused)' },
      { level: 'error', text: 'demo/web: failed: connection refused (gave up)' },
      { level: 'info', text: 'demo/web: disconnected' },
    ]);
  });

  it('logs connection changes, passphrase requests without any answer, and warnings', () => {
    const lines = new EventLogLines(() => 0);
    expect(
      lines.lineFor('mesh:connection', {
        pond: 'demo',
        connection: 'degraded',
        previous: 'connected',
        forwardsReady: 1,
        forwardsTotal: 2,
        failed: [{ member: 'api', reason: 'host-key-changed', lastError: 'host key changed for 127.0.0.1:22' }],
      }),
    ).toEqual({ level: 'warn', text: 'pond demo: connected → degraded, 1/2 forwards up; api failed: host key changed for 127.0.0.1:22' });
    expect(lines.lineFor('mesh:passphraseRequest', { requestId: 'r', pond: 'demo', member: 'api', keyPath: '/k/id', problem: 'wrong passphrase' })).toEqual({
      level: 'info',
      text: 'demo/api: asking for the passphrase of /k/id (wrong passphrase)',
    });
    expect(lines.lineFor('app:notice', { level: 'error', message: 'Connect failed', at: '' })).toEqual({ level: 'error', text: 'notice: Connect failed' });
    expect(lines.lineFor('exports:changed', { pond: 'demo' })).toBeNull();
  });
});
