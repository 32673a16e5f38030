import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from './proxy';
import { closedPort, exchange, startEcho, type TestService } from './services';
import { until } from './wait';

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
    const ignored = net.connect({ host: '127.0.0.1', port: proxy.port });
    let ignoredGot = 0;
    ignored.on('data', (d: Buffer) => (ignoredGot += d.length));
    ignored.write('two');
    await until(() => proxy.accepted() === 3, 'the proxy to accept a connection while blackholed');

    proxy.restore();
    expect((await exchange(proxy.port, 'three', 5)).toString()).toBe('three');
    // The connections made while blackholed got nothing, even after a later one was answered.
    expect([heldGot, heldClosed, ignoredGot, ignored.destroyed]).toEqual([0, false, 0, false]);
    held.write('still lost');
    await until(() => proxy.dropped() === 'lost'.length + 'still lost'.length, 'the proxy to drop what the held connection sent');
    expect(heldGot).toBe(0);
    expect(proxy.accepted()).toBe(4);
    held.destroy();
    ignored.destroy();
    await proxy.stop();
  });

  it('listens on the port it is given', async () => {
    const port = await closedPort();
    const proxy = await startProxy(echo.port, { port });
    expect(proxy.port).toBe(port);
    expect((await exchange(port, 'here', 4)).toString()).toBe('here');
    await proxy.stop();
  });
});
