import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from './proxy';
import { exchange, startEcho, type TestService } from './services';

let echo: TestService;
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(() => echo.stop());

describe('startProxy', () => {
  it('relays, then blackholes open and new connections without closing them, then relays new ones again', async () => {
    const proxy = await startProxy(echo.port);
    expect((await exchange(proxy.port, 'one', 3)).toString()).toBe('one');

    const held = net.connect({ host: '127.0.0.1', port: proxy.port });
    await new Promise((r) => held.once('connect', r));
    proxy.blackhole();
    let heldGot = 0;
    let heldClosed = false;
    held.on('data', (d: Buffer) => (heldGot += d.length));
    held.on('close', () => (heldClosed = true));
    held.write('lost');
    await expect(exchange(proxy.port, 'two', 3, 300)).rejects.toThrow(/no 3-byte answer/);
    expect([heldGot, heldClosed]).toEqual([0, false]);

    proxy.restore();
    expect((await exchange(proxy.port, 'three', 5)).toString()).toBe('three');
    held.write('still lost');
    await new Promise((r) => setTimeout(r, 100));
    expect(heldGot).toBe(0);
    expect(proxy.accepted()).toBe(4);
    held.destroy();
    await proxy.stop();
  });
});
