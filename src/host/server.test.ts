import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WsMessage } from '../contract/index';
import { createHandlers } from '../api/handlers';
import { createEngine } from '../api/engine';
import { openConfBackend } from '../engine/settings-store';
import { tempDir } from '../lib/testing/temp-dir';
import { startHost, type RunningHost } from './server';

let host: RunningHost;
let root: string;
let engine: ReturnType<typeof createEngine>;
let logged: string[];

beforeEach(async () => {
  root = tempDir('pond-host-');
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Pond</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside');
  const env = { HOME: path.join(root, 'home'), XDG_STATE_HOME: path.join(root, 'state') };
  engine = createEngine({
    app: { name: 'Pond Desktop', version: '9.9.9' },
    pathEnv: { platform: 'linux', env, home: env.HOME },
    userDataDir: path.join(root, 'data'),
    settings: openConfBackend(path.join(root, 'data')),
    log: () => {},
  });
  logged = [];
  host = await startHost({ handlers: createHandlers(engine), bus: engine.bus, rendererDir, log: (m) => logged.push(m) });
});

afterEach(async () => {
  await host.close();
});

function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: urlPath, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, origin = host.origin): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends raw bytes and returns everything the host answers until it closes the connection. */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: host.port }, () => socket.end(bytes));
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function next(ws: WebSocket): Promise<WsMessage> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as WsMessage)));
}

describe('web host', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.url).toBe(`${host.origin}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with a CSP and nothing outside its directory', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Pond</title>');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).headers['content-type']).toContain('text/javascript');
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'attacker.example' })).status).toBe(421);
  });

  it('answers app:info over the WebSocket with the right token and origin', async () => {
    const ws = await connect(`?token=${host.token}`);
    const reply = next(ws);
    ws.send(JSON.stringify({ id: 7, channel: 'app:info' }));
    const message = await reply;
    expect(message).toMatchObject({ kind: 'response', id: 7, envelope: { result: { version: '9.9.9', transport: 'websocket' } } });
    ws.close();
  });

  it('refuses a wrong token, a missing token and a foreign origin', async () => {
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect(`?token=${host.token}`, 'http://evil.example')).rejects.toThrow('HTTP 403');
  });

  it('returns errors as envelopes naming the problem', async () => {
    const ws = await connect(`?token=${host.token}`);
    let reply = next(ws);
    ws.send(JSON.stringify({ id: 1, channel: 'nope:nothing' }));
    expect(await reply).toMatchObject({ envelope: { error: { code: 'UNKNOWN_CHANNEL' } } });
    reply = next(ws);
    ws.send(JSON.stringify({ id: 2, channel: 'app:openExternal', input: { url: 'not a url' } }));
    const invalid = await reply;
    expect(invalid).toMatchObject({ envelope: { error: { code: 'INVALID_INPUT' } } });
    expect(JSON.stringify(invalid)).toContain('url');
    reply = next(ws);
    ws.send(JSON.stringify({ id: 3, channel: 'app:openExternal', input: { url: 'https://example.com/' } }));
    expect(await reply).toMatchObject({ envelope: { error: { code: 'INVALID_INPUT', message: expect.stringContaining('only http(s) links') } } });
    ws.close();
  });

  it('pushes engine events to connected pages', async () => {
    const ws = await connect(`?token=${host.token}`);
    const event = next(ws);
    engine.bus.emit('app:notice', { level: 'info', message: 'hello', at: '2026-11-22T00:00:00Z' });
    expect(await event).toEqual({ kind: 'event', event: 'app:notice', payload: { level: 'info', message: 'hello', at: '2026-11-22T00:00:00Z' } });
    ws.close();
  });

  it('answers a request line that is not a URL with 400 and stays up', async () => {
    const hostHeader = `Host: 127.0.0.1:${host.port}`;
    expect(await raw(`GET http://[ HTTP/1.1\r\n${hostHeader}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    const upgrade = `GET http://[ HTTP/1.1\r\n${hostHeader}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await raw(upgrade)).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(await raw('\u0000\u0001 nonsense\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(`GET / HTTP/1.1\r\n${hostHeader}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    expect((await get('/')).status).toBe(200);
    expect(logged.some((l) => l.includes('which is not a path'))).toBe(true);
  });

  it('closes a WebSocket that sends a frame over 1 MiB (1009) or text that is not UTF-8 (1007), and stays up', async () => {
    const big = await connect(`?token=${host.token}`);
    const bigClosed = closeCode(big);
    big.on('error', () => {});
    big.send('x'.repeat(1024 * 1024 + 1));
    expect(await bigClosed).toBe(1009);

    const broken = await connect(`?token=${host.token}`);
    const brokenClosed = closeCode(broken);
    broken.on('error', () => {});
    broken.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await brokenClosed).toBe(1007);

    const fine = await connect(`?token=${host.token}`);
    const reply = next(fine);
    fine.send(JSON.stringify({ id: 1, channel: 'app:info' }));
    expect(await reply).toMatchObject({ kind: 'response', id: 1 });
    fine.close();
  });

  it('logs refused attempts a few times a minute, however many arrive', async () => {
    for (let i = 0; i < 40; i += 1) await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
    expect(logged.filter((l) => l.includes('wrong token'))).toHaveLength(3);
  });
});

