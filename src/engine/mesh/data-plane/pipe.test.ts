import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from '../testing/sshd';
import { listenLoopback } from '../loopback-listener';
import { until } from '../testing/wait';
import { pipeChannel } from './pipe';
import { BYTES_IN, BYTES_OUT, COUNTER_SLOTS } from './protocol';

let dir: string;
/** OpenSSH, whose channels half-close (ssh2.Server's close as soon as either side ends). */
let sshd: Sshd;
let client: InstanceType<typeof ssh2.Client>;
/** What the member runs: each connection the SSH server forwards to it is handed to the test. */
let upstream: net.Server;
const upstreamSockets: net.Socket[] = [];
const localServers: net.Server[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'plane-pipe-'));
  sshd = await startSshd({ dir: path.join(dir, 'sshd') });
  upstream = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {});
    upstreamSockets.push(socket);
  });
  await new Promise<void>((r) => upstream.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({ host: '127.0.0.1', port: sshd.port, username: sshd.user, privateKey: readFileSync(sshd.clientKeyPath) });
  });
});

afterEach(async () => {
  for (const socket of upstreamSockets.splice(0)) socket.destroy();
  await Promise.all(localServers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

afterAll(async () => {
  client.end();
  await sshd.stop();
  await new Promise((r) => upstream.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** A real SSH channel to the upstream server, and the upstream's end of it. */
async function channelPair(): Promise<{ channel: ClientChannel; remote: net.Socket }> {
  const seen = upstreamSockets.length;
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', (upstream.address() as net.AddressInfo).port, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  await until(() => upstreamSockets.length > seen, 'the upstream connection');
  return { channel, remote: upstreamSockets[seen]! };
}

/** A local connection as a forward's listener accepts it (paused), and the program's end of it. */
async function localPair(): Promise<{ local: net.Socket; app: net.Socket }> {
  let accept!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (accept = resolve));
  const bound = await listenLoopback(0, accept);
  if (!bound.ok) throw new Error(bound.code);
  localServers.push(bound.listener.server);
  const app = net.connect({ host: '127.0.0.1', port: (bound.listener.server.address() as net.AddressInfo).port, allowHalfOpen: true });
  app.on('error', () => {});
  return { local: await accepted, app };
}

function collect(socket: net.Socket): { bytes(): Buffer; text(): string; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString(), ended: new Promise((r) => socket.once('end', () => r())) };
}

/** Numbered 32-bit words from `seed`: a lost, doubled or reordered chunk shows. */
function pattern(bytes: number, seed: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4) buffer.writeUInt32BE((seed * 0x1000000 + i / 4) >>> 0, i);
  return buffer;
}

function counters(): BigInt64Array {
  return new BigInt64Array(new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT));
}

describe('pipeChannel', () => {
  it('copies both ways (bytes sent before the pipe included), counts them, and ends the local connection at the remote EOF', async () => {
    const { channel, remote } = await channelPair();
    const { local, app } = await localPair();
    const counted = counters();
    app.write('up');
    const atRemote = collect(remote);
    const atApp = collect(app);
    pipeChannel(local, channel, counted);
    remote.end('down');
    await atApp.ended;
    expect(atApp.text()).toBe('down');
    app.end();
    await atRemote.ended;
    expect(atRemote.text()).toBe('up');
    expect([counted[BYTES_IN], counted[BYTES_OUT]]).toEqual([4n, 2n]);
  });

  it('holds each side back while the other does not read, then delivers every byte in order both ways', async () => {
    const { channel, remote } = await channelPair();
    const { local, app } = await localPair();
    const counted = counters();
    pipeChannel(local, channel, counted);
    // Far more than the SSH window and the sockets' buffers hold, so both directions stall.
    const size = 32 * 1024 * 1024;
    const down = pattern(size, 1);
    const up = pattern(size, 2);
    remote.write(down);
    app.write(up);
    await until(() => channel.isPaused() && local.isPaused(), 'both directions held back');
    const atApp = collect(app);
    const atRemote = collect(remote);
    remote.end();
    await atApp.ended;
    app.end();
    await atRemote.ended;
    expect(atApp.bytes().equals(down)).toBe(true);
    expect(atRemote.bytes().equals(up)).toBe(true);
    expect([counted[BYTES_IN], counted[BYTES_OUT]]).toEqual([BigInt(size), BigInt(size)]);
  });

  it('keeps a connection half-open: a program that ends its side still gets the whole reply', async () => {
    const { channel, remote } = await channelPair();
    const { local, app } = await localPair();
    pipeChannel(local, channel, counters());
    const atRemote = collect(remote);
    const atApp = collect(app);
    app.end('question');
    await atRemote.ended;
    expect(atRemote.text()).toBe('question');
    const reply = pattern(1024 * 1024, 3);
    remote.end(reply);
    await atApp.ended;
    expect(atApp.bytes().equals(reply)).toBe(true);
  });
});
