import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../api/handlers';
import { createTestEngine, type TestEngine } from '../api/testing/test-engine';
import { ControlClient } from './control-client';
import { MAX_FRAME_BYTES, OwnerRunningError, startControlServer, type ControlServer } from './control-server';
import type { ControlEndpoint } from './endpoint';

const run = promisify(execFile);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(): { t: TestEngine; endpoint: ControlEndpoint } {
  const t = createTestEngine();
  cleanups.push(() => t.dispose());
  const dir = path.join(t.root, 'run', 'pond-desktop');
  return { t, endpoint: { path: path.join(dir, 'control.sock'), dir } };
}

async function serve(t: TestEngine, endpoint: ControlEndpoint): Promise<ControlServer> {
  const server = await startControlServer({ endpoint, handlers: createHandlers(t.engine), bus: t.engine.bus, log: (m) => t.logs.push(m) });
  cleanups.push(() => server.close());
  return server;
}

async function client(endpoint: ControlEndpoint): Promise<ControlClient> {
  const c = await ControlClient.connect(endpoint.path);
  if (!c) throw new Error('nothing listens on the control socket');
  cleanups.push(() => c.close());
  return c;
}

/** A raw connection: what it was sent back, line by line. */
function raw(endpoint: ControlEndpoint): Promise<{ socket: net.Socket; lines: () => unknown[]; next: () => Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint.path);
    cleanups.push(() => void socket.destroy());
    const received: unknown[] = [];
    const waiters: Array<(frame: unknown) => void> = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const frame = JSON.parse(buffer.slice(0, i)) as unknown;
        buffer = buffer.slice(i + 1);
        const waiter = waiters.shift();
        if (waiter) waiter(frame);
        else received.push(frame);
      }
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        lines: () => received,
        next: () => (received.length > 0 ? Promise.resolve(received.shift()) : new Promise((r) => waiters.push(r))),
      }),
    );
  });
}

describe('control socket', () => {
  it('carries the contract: results, errors with their codes, and events', async () => {
    const { t, endpoint } = setup();
    await serve(t, endpoint);
    const c = await client(endpoint);
    expect(await c.call('app:info')).toMatchObject({ name: 'Pond Desktop', transport: 'control' });
    await expect(c.call('ponds:get', { name: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no pond "nope"') });
    const seen = new Promise((resolve) => c.onEvent((event, payload) => resolve({ event, payload })));
    t.engine.bus.emit('exports:changed', { pond: 'alpha' });
    expect(await seen).toEqual({ event: 'exports:changed', payload: { pond: 'alpha' } });
  });

  it('is private to this user: 0600 in a 0700 directory, whatever the umask', async () => {
    const { t, endpoint } = setup();
    const before = process.umask(0);
    try {
      await serve(t, endpoint);
    } finally {
      process.umask(before);
    }
    expect(fs.statSync(endpoint.path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(endpoint.dir!).mode & 0o777).toBe(0o700);
    expect(fs.statSync(endpoint.path).isSocket()).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('refuses another user (checked by connecting as nobody, which needs root)', async () => {
    const { t, endpoint } = setup();
    await serve(t, endpoint);
    const attempt = await run(process.execPath, ['-e', `require('net').connect(${JSON.stringify(endpoint.path)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',(e)=>{console.log(e.code);process.exit(0)})`], {
      uid: 65534,
      gid: 65534,
    });
    expect(attempt.stdout.trim()).toBe('EACCES');
  });

  it('has one owner: a second server is refused while the first answers, and a dead one’s socket is taken over', async () => {
    const { t, endpoint } = setup();
    const first = await serve(t, endpoint);
    await expect(startControlServer({ endpoint, handlers: createHandlers(t.engine), bus: t.engine.bus, log: () => {} })).rejects.toBeInstanceOf(OwnerRunningError);
    await first.close();

    // A process killed with SIGKILL leaves its socket file behind.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(endpoint.path)},()=>{console.log('up')})`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(fs.existsSync(endpoint.path)).toBe(true);
    await serve(t, endpoint);
    expect(await (await client(endpoint)).call('app:info')).toMatchObject({ transport: 'control' });
  });

  it('survives bad frames: each gets an error frame, an oversized one closes only its connection', async () => {
    const { t, endpoint } = setup();
    await serve(t, endpoint);
    const conn = await raw(endpoint);
    conn.socket.write('not json\n');
    expect(await conn.next()).toEqual({ kind: 'error', message: 'a frame was not valid JSON; each line must be one JSON request' });
    conn.socket.write('{"channel":"app:info"}\n');
    expect(await conn.next()).toMatchObject({ kind: 'error', message: expect.stringContaining('not a request') });
    conn.socket.write('{"id":7,"channel":"mesh:explode"}\n');
    expect(await conn.next()).toEqual({ kind: 'response', id: 7, envelope: { error: { code: 'UNKNOWN_CHANNEL', message: 'unknown channel "mesh:explode"' } } });
    conn.socket.write('{"id":8,"channel":"app:info"}\n');
    expect(await conn.next()).toMatchObject({ kind: 'response', id: 8, envelope: { result: { transport: 'control' } } });

    const big = await raw(endpoint);
    const closed = new Promise((resolve) => big.socket.once('close', resolve));
    big.socket.write(`{"id":1,"channel":"app:info","input":"${'x'.repeat(MAX_FRAME_BYTES)}"}\n`);
    expect(await big.next()).toEqual({ kind: 'error', message: `a frame was larger than ${MAX_FRAME_BYTES} bytes; closing the connection` });
    await closed;
    expect(await (await client(endpoint)).call('app:info')).toMatchObject({ transport: 'control' });
  });

  it('tells a client that nothing listens, and rejects its calls when the owner goes away', async () => {
    const { t, endpoint } = setup();
    expect(await ControlClient.connect(endpoint.path)).toBeNull();
    const server = await serve(t, endpoint);
    const c = await client(endpoint);
    await server.close();
    await c.closed;
    await expect(c.call('app:info')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('was lost') });
    expect(fs.existsSync(endpoint.path)).toBe(false);
  });
});
