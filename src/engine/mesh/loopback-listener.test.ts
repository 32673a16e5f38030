import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { LOCAL_SOCKET_BUFFER_BYTES, listenLoopback } from './loopback-listener';
import { freePort } from './testing/ports';
import { until } from './testing/wait';

describe('listenLoopback', () => {
  it('binds 127.0.0.1 exactly, hands connections over paused with room for a batch of packets, and frees the port on close', async () => {
    const port = await freePort();
    const accepted: net.Socket[] = [];
    const bound = await listenLoopback(port, (socket) => accepted.push(socket));
    if (!bound.ok) throw new Error(bound.code);
    expect(bound.listener.server.address()).toMatchObject({ address: '127.0.0.1', port });
    expect(await listenLoopback(port, () => {})).toEqual({ ok: false, code: 'EADDRINUSE' });
    const client = net.connect({ host: '127.0.0.1', port });
    await until(() => accepted.length === 1, 'the connection handed over');
    expect(accepted[0]!.isPaused()).toBe(true);
    expect(accepted[0]!.writableHighWaterMark).toBe(LOCAL_SOCKET_BUFFER_BYTES);
    client.destroy();
    accepted[0]!.destroy();
    await bound.listener.close();
    const again = await listenLoopback(port, () => {});
    expect(again.ok).toBe(true);
    if (again.ok) await again.listener.close();
  });
});
