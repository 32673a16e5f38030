import { describe, expect, it } from 'vitest';
import type { ToPlane } from './protocol';
import { channelOpenError, RemoteConnection, type PlaneLink } from './remote-connection';

/** A thread that only records what it is sent. */
function link(): PlaneLink & { sent: ToPlane[] } {
  const sent: ToPlane[] = [];
  return {
    sent,
    send: (message) => sent.push(message),
    openChannel: () => Promise.reject(channelOpenError('not-connected')),
    unlisten: async () => {},
    changed: () => {},
  };
}

const config = { host: 'h', port: 22, username: 'u', auth: { kind: 'agent' as const, socket: '/agent' }, readyTimeout: 1, keepaliveInterval: 1, keepaliveCountMax: 1, algorithms: {} };

describe('RemoteConnection', () => {
  it('resolves its TCP connect with null or the socket error, code included', async () => {
    const thread = link();
    const connection = new RemoteConnection(thread, 4);
    const connected = connection.tcp('127.0.0.1', 22);
    expect(thread.sent).toEqual([{ op: 'tcp', id: 4, host: '127.0.0.1', port: 22 }]);
    connection.receive({ ev: 'tcp', id: 4, error: null });
    expect(await connected).toBeNull();
    const refused = connection.tcp('127.0.0.1', 23);
    connection.receive({ ev: 'tcp', id: 4, error: { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' } });
    expect(await refused).toMatchObject({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
  });

  it('answers host-key checks and signatures with the hooks; a hook that throws answers no', async () => {
    const thread = link();
    const connection = new RemoteConnection(thread, 1);
    connection.handshake(config, {
      verify: async (key) => key.toString() === 'good',
      sign: (data) => {
        if (data.toString() === 'bad') throw new Error('cannot sign');
        return Buffer.from(`signed ${data}`);
      },
    });
    connection.receive({ ev: 'verify', id: 1, request: 1, key: Buffer.from('good') });
    connection.receive({ ev: 'verify', id: 1, request: 2, key: Buffer.from('evil') });
    connection.receive({ ev: 'sign', id: 1, request: 3, data: Buffer.from('data'), hash: null });
    connection.receive({ ev: 'sign', id: 1, request: 4, data: Buffer.from('bad'), hash: 'sha512' });
    await Promise.resolve();
    expect(thread.sent).toEqual([
      { op: 'ssh', id: 1, config },
      { op: 'signed', id: 1, request: 3, signature: Buffer.from('signed data'), error: null },
      { op: 'signed', id: 1, request: 4, signature: null, error: 'cannot sign' },
      { op: 'verified', id: 1, request: 1, ok: true },
      { op: 'verified', id: 1, request: 2, ok: false },
    ]);
  });

  it('emits ready, errors with ssh2 level and closes once; an error nobody listens to does not throw', () => {
    const connection = new RemoteConnection(link(), 1);
    connection.receive({ ev: 'error', id: 1, error: { message: 'unheard' } });
    const seen: string[] = [];
    connection.on('ready', () => seen.push('ready'));
    connection.on('error', (error: Error & { level?: string }) => seen.push(`error ${error.message} ${error.level}`));
    connection.on('close', () => seen.push('close'));
    connection.receive({ ev: 'ready', id: 1 });
    connection.receive({ ev: 'error', id: 1, error: { message: 'Keepalive timeout', level: 'client-timeout' } });
    connection.receive({ ev: 'close', id: 1 });
    connection.lose(new Error('the data-plane thread stopped'));
    expect(seen).toEqual(['ready', 'error Keepalive timeout client-timeout', 'close']);
    expect(connection.isClosed).toBe(true);
  });

  it('sends end and destroy only while open', () => {
    const thread = link();
    const connection = new RemoteConnection(thread, 2);
    connection.end();
    connection.destroy();
    connection.lose(new Error('gone'));
    connection.end();
    expect(thread.sent).toEqual([
      { op: 'end', id: 2 },
      { op: 'destroy', id: 2 },
    ]);
  });

  it('tells a channel that found no session from one the server refused', () => {
    expect(channelOpenError('not-connected')).toMatchObject({ notConnected: true });
    expect(channelOpenError({ message: '(SSH) Channel open failure: Connection refused', reason: 2 })).toMatchObject({ notConnected: false, reason: 2 });
  });
});
