import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfBackend, SettingsStore } from '../settings-store';
import { LOCAL_SOCKET_BUFFER_BYTES, listenLoopback } from './loopback-listener';
import { type BoundPort, FORWARD_PORT_MAX, FORWARD_PORT_MIN, forwardPortKey, inMemoryPortMemory, PortAllocator, settingsPortMemory } from './port-allocator';
import { findFreePortRange } from './testing/ports';
import { until } from './testing/wait';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function listenForeign(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  });
}

function track<B extends BoundPort>(allocator: PortAllocator, bound: B): B {
  cleanups.push(() => allocator.release(bound));
  return bound;
}

/** Binds in this thread, resetting whatever connects. */
const here = (port: number) => listenLoopback(port, (socket) => socket.destroy());

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const web = { pond: 'alpha', member: 'web', remotePort: 8080 };

describe('PortAllocator', () => {
  it('uses 51820–52819 by default and names keys <pond>/<member>/<remotePort>', () => {
    expect([FORWARD_PORT_MIN, FORWARD_PORT_MAX]).toEqual([51820, 52819]);
    expect(forwardPortKey(web)).toBe('alpha/web/8080');
  });

  it('binds 127.0.0.1 only, hands connections over paused with room for a batch of packets, and remembers the port', async () => {
    const { min, max } = await findFreePortRange(4);
    const memory = inMemoryPortMemory();
    const allocator = new PortAllocator({ memory, min, max });
    const accepted: net.Socket[] = [];
    const bound = track(allocator, await allocator.bind(web, (port) => listenLoopback(port, (s) => accepted.push(s))));
    expect(bound.port).toBe(min);
    expect(bound.moved).toBeNull();
    expect(bound.listener.server.address()).toMatchObject({ address: '127.0.0.1', port: min });
    expect(memory.all()).toEqual({ 'alpha/web/8080': min });
    const client = await connect(bound.port);
    await until(() => accepted.length > 0, 'the connection handed over');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.isPaused()).toBe(true);
    expect(accepted[0]!.writableHighWaterMark).toBe(LOCAL_SOCKET_BUFFER_BYTES);
    client.destroy();
    accepted[0]!.destroy();
  });

  it('gets the remembered port back after a restart', async () => {
    const { min, max } = await findFreePortRange(4);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min + 2 });
    const first = new PortAllocator({ memory, min, max });
    const a = await first.bind(web, here);
    expect(a.port).toBe(min + 2);
    await first.release(a);
    const second = new PortAllocator({ memory, min, max });
    const b = track(second, await second.bind(web, here));
    expect(b.port).toBe(min + 2);
    expect(b.moved).toBeNull();
  });

  it('moves off a port a foreign program holds and says so', async () => {
    const { min, max } = await findFreePortRange(4);
    await listenForeign(min);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min });
    const allocator = new PortAllocator({ memory, min, max });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.port).toBe(min + 1);
    expect(bound.moved).toEqual({ from: min, to: min + 1, reason: `port ${min} is in use by another program` });
    expect(memory.all()['alpha/web/8080']).toBe(min + 1);
  });

  it('leaves ports other forwards remember for last', async () => {
    const { min, max } = await findFreePortRange(3);
    const memory = inMemoryPortMemory({ 'alpha/api/9090': min });
    const allocator = new PortAllocator({ memory, min, max });
    const first = track(allocator, await allocator.bind(web, here));
    expect(first.port).toBe(min + 1);
    const api = track(allocator, await allocator.bind({ pond: 'alpha', member: 'api', remotePort: 9090 }, here));
    expect(api.port).toBe(min);
    const third = track(allocator, await allocator.bind({ pond: 'alpha', member: 'db', remotePort: 5432 }, here));
    expect(third.port).toBe(min + 2);
  });

  it('gives concurrent binds distinct ports and reports exhaustion with crabbox-style wording', async () => {
    const { min } = await findFreePortRange(3);
    const allocator = new PortAllocator({ memory: inMemoryPortMemory(), min, max: min + 2 });
    const bound = await Promise.all([1, 2, 3].map((n) => allocator.bind({ pond: 'p', member: `m${n}`, remotePort: 80 }, here)));
    bound.forEach((b) => track(allocator, b));
    expect(new Set(bound.map((b) => b.port))).toEqual(new Set([min, min + 1, min + 2]));
    await expect(allocator.bind({ pond: 'p', member: 'm4', remotePort: 80 }, here)).rejects.toThrow(
      `no free loopback ports between ${min} and ${min + 2} for SSH-mesh forwards`,
    );
  });

  it('remembers ports in the settings file under forwardPorts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'port-settings-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { min, max } = await findFreePortRange(2);
    const allocator = new PortAllocator({ memory: settingsPortMemory(new SettingsStore(openConfBackend(dir))), min, max });
    track(allocator, await allocator.bind(web, here));
    const reopened = new SettingsStore(openConfBackend(dir));
    expect(reopened.get('forwardPorts')).toEqual({ 'alpha/web/8080': min });
  });
});
