import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfBackend, SettingsStore } from '../settings-store';
import { LOCAL_SOCKET_BUFFER_BYTES, listenLoopback } from './loopback-listener';
import {
  type BoundPort,
  describeForwardKey,
  FORWARD_PORT_MAX,
  FORWARD_PORT_MIN,
  forwardPortKey,
  parseForwardPortKey,
  inMemoryPortMemory,
  PortAllocator,
  settingsPortChoices,
  settingsPortMemory,
} from './port-allocator';
import { startForeignListener } from './testing/listeners';
import { findFreePortRange } from './testing/ports';
import { until } from './testing/wait';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Another process listening on the port, as a program the user runs would. */
async function listenForeign(port: number): Promise<{ pid: number }> {
  const listener = await startForeignListener(port);
  cleanups.push(() => listener.stop());
  return listener;
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

  it('moves off a port a foreign program holds and says which program holds it', async () => {
    const { min, max } = await findFreePortRange(4);
    const holder = await listenForeign(min);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min });
    const allocator = new PortAllocator({ memory, min, max });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.port).toBe(min + 1);
    const reason = process.platform === 'linux' ? `port ${min} is held by node (pid ${holder.pid})` : expect.stringMatching(new RegExp(`^port ${min} is `));
    expect(bound.moved).toEqual({ from: min, to: min + 1, reason });
    expect(memory.all()['alpha/web/8080']).toBe(min + 1);
  });

  it('says so when the holder of a busy port cannot be identified', async () => {
    const { min, max } = await findFreePortRange(3);
    await listenForeign(min);
    const allocator = new PortAllocator({
      memory: inMemoryPortMemory({ 'alpha/web/8080': min }),
      holder: async () => ({ kind: 'unknown', why: 'lsof shows no listener this user may see; it may belong to another user' }),
      min,
      max,
    });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.moved?.reason).toBe(`port ${min} is in use by a program that cannot be identified (lsof shows no listener this user may see; it may belong to another user)`);
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

  it('remembers chosen ports in the settings file under chosenPorts, apart from the remembered ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'port-settings-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { min, max } = await findFreePortRange(3);
    const store = new SettingsStore(openConfBackend(dir));
    const allocator = new PortAllocator({ memory: settingsPortMemory(store), choices: settingsPortChoices(store), min, max: max - 1 });
    await allocator.choose(web, max);
    track(allocator, await allocator.bind(web, here));
    const reopened = new SettingsStore(openConfBackend(dir));
    expect(reopened.get('chosenPorts')).toEqual({ 'alpha/web/8080': max });
    expect(reopened.get('forwardPorts')).toEqual({});
  });
});

const api = { pond: 'alpha', member: 'api', remotePort: 9090 };

describe('PortAllocator: chosen ports', () => {
  it('binds the chosen port before the remembered one, outside the automatic range too, without remembering it', async () => {
    const { min, max } = await findFreePortRange(4);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min });
    const allocator = new PortAllocator({ memory, choices: inMemoryPortMemory({ 'alpha/web/8080': max }), min, max: max - 1 });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound).toMatchObject({ port: max, moved: null });
    expect(allocator.chosen(web)).toBe(max);
    expect(memory.all()).toEqual({ 'alpha/web/8080': min });
  });

  it('moves off a chosen port a program holds, to the remembered one, naming the holder', async () => {
    const { min, max } = await findFreePortRange(4);
    const holder = await listenForeign(max);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min + 1 });
    const allocator = new PortAllocator({ memory, choices: inMemoryPortMemory({ 'alpha/web/8080': max }), min, max: max - 1 });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.port).toBe(min + 1);
    const reason = process.platform === 'linux' ? `port ${max} is held by node (pid ${holder.pid})` : expect.stringMatching(new RegExp(`^port ${max} is `));
    expect(bound.moved).toEqual({ from: max, to: min + 1, reason });
  });

  it('moves off a busy chosen port to the first free one when nothing is remembered, and remembers that', async () => {
    const { min, max } = await findFreePortRange(4);
    await listenForeign(max);
    const memory = inMemoryPortMemory();
    const allocator = new PortAllocator({ memory, choices: inMemoryPortMemory({ 'alpha/web/8080': max }), min, max: max - 1 });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.port).toBe(min);
    expect(bound.moved?.from).toBe(max);
    expect(memory.all()).toEqual({ 'alpha/web/8080': min });
  });

  it('leaves a remembered port that another forward chose now, and ports chosen by others for last', async () => {
    const { min, max } = await findFreePortRange(4);
    const memory = inMemoryPortMemory({ 'alpha/web/8080': min });
    const allocator = new PortAllocator({ memory, choices: inMemoryPortMemory({ 'alpha/api/9090': min, 'alpha/db/5432': min + 1 }), min, max });
    const bound = track(allocator, await allocator.bind(web, here));
    expect(bound.port).toBe(min + 2);
    expect(bound.moved).toEqual({ from: min, to: min + 2, reason: `port ${min} is now chosen for api:9090 of pond alpha` });
  });

  it('refuses ports outside 1024–65535, naming the range', async () => {
    const allocator = new PortAllocator({ memory: inMemoryPortMemory() });
    await expect(allocator.choose(web, 80)).rejects.toThrow('port 80 cannot be chosen: local ports must be between 1024 and 65535 (lower ones need administrator rights)');
    await expect(allocator.choose(web, 70000)).rejects.toThrow('port 70000 cannot be chosen: local ports must be between 1024 and 65535');
  });

  it('refuses a port chosen for another forward, or used by one now', async () => {
    const { min, max } = await findFreePortRange(4);
    const allocator = new PortAllocator({ memory: inMemoryPortMemory(), choices: inMemoryPortMemory({ 'alpha/api/9090': max }), min, max: max - 1 });
    await expect(allocator.choose(web, max)).rejects.toMatchObject({ code: 'CONFLICT', message: `port ${max} cannot be chosen: it is already chosen for api:9090 of pond alpha` });
    const db = track(allocator, await allocator.bind({ pond: 'beta', member: 'db', remotePort: 5432 }, here));
    await expect(allocator.choose(web, db.port)).rejects.toThrow(`port ${db.port} cannot be chosen: it is used by the forward db:5432 of pond beta`);
  });

  it('refuses a port a program holds, naming the program', async () => {
    const { min, max } = await findFreePortRange(3);
    const holder = await listenForeign(max);
    const allocator = new PortAllocator({ memory: inMemoryPortMemory(), min, max: max - 1 });
    const named = process.platform === 'linux' ? `held by node (pid ${holder.pid})` : '';
    await expect(allocator.choose(web, max)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`port ${max} cannot be chosen: it is ${named}`) });
    expect(allocator.chosen(web)).toBeNull();
  });

  it('accepts the port the forward has now, and makes forwards that remembered a chosen port let it go', async () => {
    const { min, max } = await findFreePortRange(4);
    const memory = inMemoryPortMemory({ 'alpha/api/9090': min + 3 });
    const allocator = new PortAllocator({ memory, min, max });
    const bound = track(allocator, await allocator.bind(web, here));
    await allocator.choose(web, bound.port);
    expect(allocator.chosen(web)).toBe(bound.port);
    await allocator.choose(web, min + 3);
    expect(allocator.chosen(web)).toBe(min + 3);
    expect(memory.all()).toEqual({ 'alpha/web/8080': bound.port });
  });

  it('rebinds a forward to its new choice, and back to its remembered port when the choice is reset', async () => {
    const { min, max } = await findFreePortRange(4);
    const allocator = new PortAllocator({ memory: inMemoryPortMemory(), min, max: max - 1 });
    const first = await allocator.bind(web, here);
    expect(first.port).toBe(min);
    await allocator.choose(web, max);
    const chosen = await allocator.bind(web, here, first);
    expect(chosen).toMatchObject({ port: max, moved: null });
    expect(chosen.listener).not.toBe(first.listener);
    await allocator.release(first);
    track(allocator, chosen);
    allocator.unchoose([web]);
    const back = await allocator.bind(web, here, chosen);
    expect(back.port).toBe(min);
    await allocator.release(chosen);
    track(allocator, back);
    // Nothing changed: the forward keeps its listener.
    const same = await allocator.bind(web, here, back);
    expect(same.listener).toBe(back.listener);
  });

  it('previews choices without keeping them', async () => {
    const { min, max } = await findFreePortRange(4);
    const allocator = new PortAllocator({ memory: inMemoryPortMemory(), min, max: max - 1 });
    const preview = allocator.preview({ [forwardPortKey(api)]: max });
    const bound = await preview.bind(api, here);
    expect(bound.port).toBe(max);
    await preview.release(bound);
    expect(allocator.chosen(api)).toBeNull();
  });

  it('names forwards by member, remote port and pond', () => {
    expect(describeForwardKey('alpha/web-hetzner/8080')).toBe('web-hetzner:8080 of pond alpha');
  });

  it('reads a forward back from its settings key, and nothing from a key of another shape', () => {
    expect(parseForwardPortKey(forwardPortKey({ pond: 'alpha', member: 'web', remotePort: 8080 }))).toEqual({ pond: 'alpha', member: 'web', remotePort: 8080 });
    expect(parseForwardPortKey('alpha/web')).toBeNull();
    expect(parseForwardPortKey('alpha/web/http')).toBeNull();
  });
});
