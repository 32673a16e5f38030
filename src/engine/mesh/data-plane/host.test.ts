import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type TestKey } from '../testing/keys';
import { closedPort, startEcho, type TestService } from '../testing/services';
import { startSsh2Server, type TestSsh2Server } from '../testing/ssh2-server';
import { freePort } from '../testing/ports';
import { until } from '../testing/wait';
import { PlaneHost } from './host';
import { BYTES_IN, BYTES_OUT, COUNTER_SLOTS, type FromPlane, type ToPlane } from './protocol';

let dir: string;
let clientKey: TestKey;
let server: TestSsh2Server;
let echo: TestService;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'plane-host-'));
  clientKey = generateKey(dir, 'client');
  server = await startSsh2Server({ hostKey: generateKey(dir, 'host'), authorized: [clientKey] });
  echo = await startEcho();
});

afterAll(async () => {
  await server.stop();
  await echo.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The host in this thread, with the main thread's side played by the test. */
function host() {
  const events: FromPlane[] = [];
  const plane = new PlaneHost((message) => events.push(message));
  const next = async <E extends FromPlane['ev']>(ev: E, match: (event: Extract<FromPlane, { ev: E }>) => boolean = () => true) => {
    let found: Extract<FromPlane, { ev: E }> | undefined;
    await until(() => {
      const index = events.findIndex((e) => e.ev === ev && match(e as Extract<FromPlane, { ev: E }>));
      if (index >= 0) found = events.splice(index, 1)[0] as Extract<FromPlane, { ev: E }>;
      return found !== undefined;
    }, `a ${ev} event`);
    return found!;
  };
  return { plane, events, next, send: (message: ToPlane) => plane.handle(message) };
}

function counters(): { buffer: SharedArrayBuffer; view: BigInt64Array } {
  const buffer = new SharedArrayBuffer(COUNTER_SLOTS * 8);
  return { buffer, view: new BigInt64Array(buffer) };
}

/** Takes connection `id` through TCP and the SSH handshake, answering as the main thread would. */
async function connected(send: (message: ToPlane) => void, next: ReturnType<typeof host>['next'], id: number): Promise<void> {
  const parsed = ssh2.utils.parseKey(readFileSync(clientKey.privatePath));
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('the test key cannot be read');
  send({ op: 'tcp', id, host: '127.0.0.1', port: server.port });
  expect(await next('tcp')).toEqual({ ev: 'tcp', id, error: null });
  send({
    op: 'ssh',
    id,
    config: { host: '127.0.0.1', port: server.port, username: 'tester', auth: { kind: 'key', publicKey: parsed.getPublicSSH() }, readyTimeout: 10_000, keepaliveInterval: 0, keepaliveCountMax: 3, algorithms: {} },
  });
  const verify = await next('verify');
  // Only the key's bytes cross, not the socket's read buffer it was parsed from.
  expect(verify.key.buffer.byteLength).toBe(verify.key.byteLength);
  send({ op: 'verified', id, request: verify.request, ok: true });
  const sign = await next('sign');
  expect(sign.data.buffer.byteLength).toBe(sign.data.byteLength);
  send({ op: 'signed', id, request: sign.request, signature: parsed.sign(Buffer.from(sign.data), sign.hash ?? undefined), error: null });
  await next('ready');
}

/**
 * A local connection piped to the echo service: SSH connection 1, listener 2, channel 3,
 * each step answered as the main thread would.
 */
async function pipedClient(t: ReturnType<typeof host>, counterBuffer: SharedArrayBuffer) {
  const { send, next } = t;
  await connected(send, next, 1);
  const port = await freePort();
  send({ op: 'listen', listener: 2, port, counters: counterBuffer });
  expect(await next('listening')).toEqual({ ev: 'listening', listener: 2, code: null });
  const client = net.connect({ host: '127.0.0.1', port });
  const accepted = await next('accepted');
  send({ op: 'open', id: 1, channel: 3, sourcePort: accepted.sourcePort, remotePort: echo.port });
  expect(await next('opened')).toEqual({ ev: 'opened', channel: 3, error: null });
  send({ op: 'pipe', local: accepted.local, channel: 3 });
  return { port, client, accepted };
}

describe('PlaneHost', () => {
  it('connects, asks the main thread to check the host key and to sign, opens a channel and pipes an accepted connection to it, counting bytes', async () => {
    const t = host();
    const { send, next } = t;
    const { buffer, view } = counters();
    const { client, accepted } = await pipedClient(t, buffer);
    const reply = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
    client.write('through the thread');
    expect(await reply).toBe('through the thread');
    expect([view[BYTES_IN], view[BYTES_OUT]]).toEqual([18n, 18n]);

    client.end();
    expect(await next('local-closed')).toEqual({ ev: 'local-closed', listener: 2, local: accepted.local });
    send({ op: 'unlisten', listener: 2, keep: false });
    await next('unlistened');
    send({ op: 'end', id: 1 });
    await next('close', (e) => e.id === 1);
  });

  it('resets the local connections of an SSH connection that is lost, instead of ending them as if the remote side had finished', async () => {
    const t = host();
    const { send, next } = t;
    const { client } = await pipedClient(t, counters().buffer);
    const seen: string[] = [];
    client.on('data', (d: Buffer) => seen.push(`data ${d}`));
    client.on('end', () => seen.push('end'));
    client.on('error', (error: NodeJS.ErrnoException) => seen.push(`error ${error.code}`));
    const closed = new Promise((r) => client.once('close', r));
    client.write('before');
    await until(() => seen.length > 0, 'the echo');
    server.dropClients();
    await next('close', (e) => e.id === 1);
    await closed;
    expect(seen).toEqual(['data before', 'error ECONNRESET']);
    send({ op: 'unlisten', listener: 2, keep: false });
    await next('unlistened');
  });

  it('lets go of a listener: the port refuses new connections at once, a piped one keeps going until it closes', async () => {
    const t = host();
    const { send, next } = t;
    const { buffer, view } = counters();
    const { port, client, accepted } = await pipedClient(t, buffer);
    send({ op: 'unlisten', listener: 2, keep: true });
    expect(await next('unlistened')).toEqual({ ev: 'unlistened', listener: 2 });
    await expect(new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port }).once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    const reply = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
    client.write('still piped');
    expect(await reply).toBe('still piped');
    expect(view[BYTES_IN]).toBe(11n);
    client.end();
    expect(await next('local-closed')).toEqual({ ev: 'local-closed', listener: 2, local: accepted.local });
    send({ op: 'end', id: 1 });
    await next('close', (e) => e.id === 1);
  });

  it('reports a refused TCP connect with its errno, then frees the id', async () => {
    const { send, next } = host();
    send({ op: 'tcp', id: 7, host: '127.0.0.1', port: await closedPort() });
    expect(await next('tcp')).toMatchObject({ id: 7, error: { code: 'ECONNREFUSED' } });
    expect(await next('close')).toEqual({ ev: 'close', id: 7 });
  });

  it('reports a port it cannot bind by its errno, and refuses channels without a session', async () => {
    const { send, next } = host();
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    send({ op: 'listen', listener: 1, port: (taken.address() as net.AddressInfo).port, counters: counters().buffer });
    expect(await next('listening')).toEqual({ ev: 'listening', listener: 1, code: 'EADDRINUSE' });
    send({ op: 'open', id: 99, channel: 2, sourcePort: 0, remotePort: echo.port });
    expect(await next('opened')).toEqual({ ev: 'opened', channel: 2, error: 'not-connected' });
    await new Promise((r) => taken.close(r));
  });

  it('resets an accepted connection that is dropped, or piped to a channel it does not hold', async () => {
    const { send, next } = host();
    const port = await freePort();
    send({ op: 'listen', listener: 1, port, counters: counters().buffer });
    await next('listening');
    for (const op of ['drop', 'pipe'] as const) {
      const client = net.connect({ host: '127.0.0.1', port });
      client.on('error', () => {});
      const closed = new Promise((r) => client.once('close', r));
      const { local } = await next('accepted');
      send(op === 'drop' ? { op, local } : { op, local, channel: 404 });
      await closed;
      expect(await next('local-closed')).toMatchObject({ local });
    }
    send({ op: 'unlisten', listener: 1, keep: false });
    await next('unlistened');
  });

  it('closes every connection a listener accepted when it stops listening', async () => {
    const { send, next } = host();
    const port = await freePort();
    send({ op: 'listen', listener: 1, port, counters: counters().buffer });
    await next('listening');
    const client = net.connect({ host: '127.0.0.1', port });
    client.on('error', () => {});
    const closed = new Promise((r) => client.once('close', r));
    await next('accepted');
    send({ op: 'unlisten', listener: 1, keep: false });
    await next('unlistened');
    await closed;
    await expect(new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port }).once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});
