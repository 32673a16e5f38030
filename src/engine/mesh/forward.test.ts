import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataPlane } from './data-plane/data-plane';
import { Forward } from './forward';
import { inMemoryPortMemory, PortAllocator } from './port-allocator';
import { DEFAULT_TUNING, MemberSession, systemClock } from './session';
import { KeyRing } from './session-keys';
import { findFreePortRange } from './testing/ports';
import { closedPort, exchange, startEcho, type TestService } from './testing/services';
import { startSshd, type Sshd } from './testing/sshd';
import { until } from './testing/wait';
import type { MeshMember, SshTarget } from './types';

let dir: string;
let sshd: Sshd;
let echo: TestService;
let session: MemberSession;
let allocator: PortAllocator;
let changes = 0;
const forwards: Forward[] = [];
const plane = new DataPlane(1);
/** The member's data-plane thread: its session's connection and its forwards' listeners. */
const lane = plane.lane();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'forward-'));
  sshd = await startSshd({ dir: path.join(dir, 'sshd') });
  echo = await startEcho();
  const target: SshTarget = {
    host: '127.0.0.1',
    port: sshd.port,
    fallbackPorts: [],
    user: sshd.user,
    auth: { kind: 'key', keyPath: sshd.clientKeyPath },
    knownHostsPath: path.join(dir, 'known_hosts'),
  };
  const member: MeshMember & { target: SshTarget } = { pond: 'alpha', name: 'web', leaseID: 'cbx_1', provider: 'hetzner', origin: 'crabbox', target, ports: [echo.port] };
  session = new MemberSession(member, { clock: systemClock, tuning: { ...DEFAULT_TUNING, backoffBaseMs: 100 }, keys: new KeyRing(), askPassphrase: async () => null, lane, onChange: () => {} });
  const { min, max } = await findFreePortRange(10);
  allocator = new PortAllocator({ memory: inMemoryPortMemory(), min, max });
  session.start();
  await until(() => session.health.state === 'ready', 'session ready');
});

afterEach(async () => {
  await Promise.all(forwards.splice(0).map((f) => f.stop()));
});

afterAll(async () => {
  session.stop();
  await plane.close();
  await sshd.stop();
  await echo.stop();
  rmSync(dir, { recursive: true, force: true });
});

function makeForward(remotePort: number, alloc = allocator): Forward {
  const forward = new Forward({ pond: 'alpha', member: 'web', leaseID: 'cbx_1', remotePort }, session, alloc, lane, () => (changes += 1));
  forwards.push(forward);
  return forward;
}

describe('Forward', () => {
  it('carries data both ways and counts bytes and connections', async () => {
    const forward = makeForward(echo.port);
    await forward.start();
    const port = forward.localPort!;
    expect(forward.health()).toMatchObject({ state: 'ready', localPort: port, remote: 'unknown', activeConnections: 0, moved: null });

    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('0123456789');
    expect(await reply).toBe('0123456789');
    expect(forward.health()).toMatchObject({ activeConnections: 1, bytesOut: 10, bytesIn: 10, remote: 'open', lastError: null });
    socket.end();
    await until(() => forward.health().activeConnections === 0, 'connection closed');
    expect(forward.health().state).toBe('ready');
  });

  it('delivers a long download whole and in order to a reader that stalls (batched writes, backpressure)', async () => {
    const total = 8 * 1024 * 1024;
    const pattern = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) pattern.writeUInt32BE(i / 4, i);
    const source = net.createServer((s) => s.end(pattern));
    await new Promise<void>((r) => source.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const forward = makeForward((source.address() as net.AddressInfo).port);
    await forward.start();
    const socket = net.connect({ host: '127.0.0.1', port: forward.localPort! });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.pause();
    await until(() => socket.readableLength >= socket.readableHighWaterMark, 'the stalled reader to fill up');
    const ended = new Promise((r) => socket.once('end', r));
    socket.resume();
    await ended;
    expect(Buffer.concat(chunks).equals(pattern)).toBe(true);
    expect(forward.health().bytesIn).toBe(total);
    socket.destroy();
    await new Promise((r) => source.close(r));
  });

  it('shows a remote port nobody listens on as "remote port closed", not as up', async () => {
    const nothing = await closedPort();
    const forward = makeForward(nothing);
    await forward.start();
    expect(await forward.probe()).toBe('closed');
    const health = forward.health();
    expect(health).toMatchObject({ state: 'ready', remote: 'closed' });
    expect(health.lastError).toBe(`nothing listens on remote port ${nothing} of web (connection refused)`);
    await expect(exchange(forward.localPort!, 'x', 1, 5_000)).rejects.toThrow(/closed after 0 of 1 bytes|ECONNRESET/);
  });

  it('stop closes the listener and the connections through it', async () => {
    const forward = makeForward(echo.port);
    await forward.start();
    const port = forward.localPort!;
    const socket = net.connect({ host: '127.0.0.1', port });
    const closed = new Promise((r) => socket.once('close', r));
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    await until(() => forward.health().activeConnections === 1, 'connection counted');
    await forward.stop();
    await closed;
    expect(forward.health()).toMatchObject({ state: 'stopped', localPort: null, activeConnections: 0 });
    await expect(exchange(port, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports a forward without a free local port as failed', async () => {
    const { min } = await findFreePortRange(1);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: min }, () => r()));
    const forward = makeForward(echo.port, new PortAllocator({ memory: inMemoryPortMemory(), min, max: min }));
    await forward.start();
    expect(forward.health()).toMatchObject({
      state: 'failed',
      reason: 'port-unavailable',
      localPort: null,
      lastError: `no free loopback ports between ${min} and ${min} for SSH-mesh forwards`,
    });
    await new Promise((r) => blocker.close(r));
  });

  it('moves its listener to a newly chosen port while a connection through the old one keeps going', async () => {
    const { min, max } = await findFreePortRange(3);
    const choices = inMemoryPortMemory();
    const own = new PortAllocator({ memory: inMemoryPortMemory(), choices, min, max: max - 1 });
    const forward = makeForward(echo.port, own);
    await forward.start();
    expect(forward.localPort).toBe(min);
    const socket = net.connect({ host: '127.0.0.1', port: min });
    await new Promise((r) => socket.once('connect', r));

    await own.choose({ pond: 'alpha', member: 'web', remotePort: echo.port }, max);
    await forward.rebind();
    expect(forward.health()).toMatchObject({ state: 'ready', localPort: max, moved: null });
    expect((await exchange(max, 'new', 3)).toString()).toBe('new');
    await expect(exchange(min, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
    const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('old');
    expect(await reply).toBe('old');
    socket.destroy();
  });

  it('counts and reports a connection through the listener it moved off, and resets it when it stops', async () => {
    const { min, max } = await findFreePortRange(3);
    const own = new PortAllocator({ memory: inMemoryPortMemory(), min, max: max - 1 });
    const forward = makeForward(echo.port, own);
    await forward.start();
    const socket = net.connect({ host: '127.0.0.1', port: min });
    socket.on('error', () => {});
    const closed = new Promise((r) => socket.once('close', r));
    const echoed = (text: string) => {
      const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
      socket.write(text);
      return reply;
    };
    expect(await echoed('before')).toBe('before');

    await own.choose({ pond: 'alpha', member: 'web', remotePort: echo.port }, max);
    await forward.rebind();
    expect(await echoed('after')).toBe('after');
    expect(forward.health()).toMatchObject({ localPort: max, activeConnections: 1, bytesIn: 11, bytesOut: 11 });
    expect((await exchange(max, 'new', 3)).toString()).toBe('new');
    await until(() => forward.health().activeConnections === 1, 'the new connection gone');
    expect(forward.health()).toMatchObject({ bytesIn: 14, bytesOut: 14 });

    await forward.stop();
    await closed;
    expect(forward.health()).toMatchObject({ state: 'stopped', activeConnections: 0 });
  });

  it('takes a changed choice only when it starts, if it is not running', async () => {
    const { min, max } = await findFreePortRange(3);
    const own = new PortAllocator({ memory: inMemoryPortMemory(), min, max: max - 1 });
    const forward = makeForward(echo.port, own);
    await own.choose({ pond: 'alpha', member: 'web', remotePort: echo.port }, max);
    await forward.rebind();
    expect(forward.localPort).toBeNull();
    await forward.start();
    expect(forward.localPort).toBe(max);
  });
});
