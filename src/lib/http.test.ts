import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretSet } from './redact';
import { HttpClient, HttpError, effectiveOrigin, retryAfterMs, type HttpClientOptions } from './http';
import { rejection } from '../providers/testing/rejection';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
const clients: HttpClient[] = [];

async function serve(handler: Handler): Promise<{ url: string; hits: Array<{ method: string; url: string; body: string }> }> {
  const hits: Array<{ method: string; url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function client(options: HttpClientOptions = {}): { client: HttpClient; waits: number[]; logs: string[] } {
  const waits: number[] = [];
  const logs: string[] = [];
  const c = new HttpClient({
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (line) => logs.push(line),
    ...options,
  });
  clients.push(c);
  return { client: c, waits, logs };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

const failure = (promise: Promise<unknown>) => rejection(promise, HttpError);

describe('HttpClient', () => {
  it('returns status line, headers and body', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(404, 'Not Found', { 'x-next-token': 'abc' });
      res.end('{"message":"no"}');
    });
    const res = await client().client.request({ method: 'GET', url: `${srv.url}/a` });
    expect(res.status).toBe(404);
    expect(res.statusLine).toBe('404 Not Found');
    expect(res.headers['x-next-token']).toBe('abc');
    expect(res.body).toBe('{"message":"no"}');
  });

  it('retries 503 honouring Retry-After seconds, then succeeds', async () => {
    let n = 0;
    const srv = await serve((_req, res) => {
      n++;
      if (n < 3) {
        res.writeHead(503, { 'retry-after': '2' });
        res.end('busy');
      } else res.end('ok');
    });
    const { client: c, waits, logs } = client();
    const res = await c.request({ method: 'GET', url: srv.url });
    expect(res.body).toBe('ok');
    expect(srv.hits).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
    expect(logs[0]).toContain('503 Service Unavailable; retry 1/3 in 2 s');
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const now = Date.parse('2026-06-10T12:00:00Z');
    let n = 0;
    const srv = await serve((_req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(429, { 'retry-after': 'Wed, 10 Jun 2026 12:00:05 GMT' });
        res.end();
      } else res.end('ok');
    });
    const { client: c, waits } = client({ now: () => now });
    await c.request({ method: 'GET', url: srv.url });
    expect(waits).toEqual([5000]);
  });

  it('backs off exponentially without Retry-After and gives up after 3 retries', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(500);
      res.end('boom');
    });
    const { client: c, waits } = client();
    const res = await c.request({ method: 'GET', url: srv.url });
    expect(res.status).toBe(500);
    expect(srv.hits).toHaveLength(4);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('does not retry when the server asks for a wait beyond the deadline', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end();
    });
    const { client: c, waits } = client();
    const res = await c.request({ method: 'GET', url: srv.url });
    expect(res.status).toBe(429);
    expect(srv.hits).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a state-creating POST only on 429/503', async () => {
    const srv500 = await serve((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const { client: c } = client();
    expect((await c.request({ method: 'POST', url: srv500.url, body: '{}', idempotent: false })).status).toBe(500);
    expect(srv500.hits).toHaveLength(1);
    let n = 0;
    const srv429 = await serve((_req, res) => {
      res.writeHead(n++ === 0 ? 429 : 201);
      res.end();
    });
    expect((await c.request({ method: 'POST', url: srv429.url, body: '{}', idempotent: false })).status).toBe(201);
    expect(srv429.hits).toHaveLength(2);
  });

  it('fails with a timeout when the response never arrives', async () => {
    const srv = await serve(() => {});
    const { client: c } = client({ timeoutMs: 200 });
    const err = await failure(c.request({ method: 'GET', url: `${srv.url}/slow` }));
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toBe(`GET ${srv.url}/slow: no response within 0.2 s`);
  });

  it('fails with a connect timeout when the connection is never made', async () => {
    const { client: c } = client({ connectTimeoutMs: 100, lookup: () => {} });
    const err = await failure(c.request({ method: 'GET', url: 'http://localhost:9/x' }));
    expect(err.kind).toBe('connect-timeout');
    expect(err.message).toBe('GET http://localhost:9/x: could not connect to localhost:9 within 0.1 s');
  });

  it('reports a refused connection as a network error', async () => {
    const srv = await serve(() => {});
    const port = new URL(srv.url).port;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const err = await failure(client().client.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('is cancelled by the caller signal while waiting for a response', async () => {
    const srv = await serve(() => {});
    const controller = new AbortController();
    const pending = client().client.request({ method: 'GET', url: srv.url, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const err = await failure(pending);
    expect(err.kind).toBe('cancelled');
    expect(err.name).toBe('AbortError');
    expect(err.code).toBe('CANCELLED');
  });

  it('is cancelled during a retry wait', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '20' });
      res.end();
    });
    const controller = new AbortController();
    const c = new HttpClient();
    clients.push(c);
    const pending = c.request({ method: 'GET', url: srv.url, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await failure(pending);
    expect(err.kind).toBe('cancelled');
    expect(srv.hits).toHaveLength(1);
  });

  it('follows same-origin redirects and turns a 303 after POST into GET', async () => {
    const srv = await serve((req, res) => {
      if (req.url === '/start') {
        res.writeHead(303, { location: '/done' });
        res.end();
      } else res.end(`${req.method} ${req.url}`);
    });
    const res = await client().client.request({ method: 'POST', url: `${srv.url}/start`, body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(res.body).toBe('GET /done');
  });

  it('keeps method and body across a 307', async () => {
    const srv = await serve((req, res, body) => {
      if (req.url === '/start') {
        res.writeHead(307, { location: '/again' });
        res.end();
      } else res.end(`${req.method} ${body}`);
    });
    const res = await client().client.request({ method: 'POST', url: `${srv.url}/start`, body: 'payload' });
    expect(res.body).toBe('POST payload');
  });

  it('refuses a redirect to another origin without revealing its path or query', async () => {
    const other = await serve((_req, res) => res.end('elsewhere'));
    const srv = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal?token=sekrit` });
      res.end();
    });
    const err = await failure(client().client.request({ method: 'GET', url: srv.url }));
    expect(err.kind).toBe('redirect');
    expect(err.message).toBe(`refusing redirect from ${srv.url} to ${other.url}`);
    expect(err.message).not.toContain('sekrit');
    expect(other.hits).toHaveLength(0);
  });

  it('stops after 10 redirects', async () => {
    const srv = await serve((req, res) => {
      const n = Number(req.url?.slice(1) || '0');
      res.writeHead(302, { location: `/${n + 1}` });
      res.end();
    });
    const err = await failure(client().client.request({ method: 'GET', url: `${srv.url}/0` }));
    expect(err.message).toBe('stopped after 10 redirects');
    expect(srv.hits).toHaveLength(11);
  });

  it('caps response bodies: an oversized success fails, an oversized error is cut', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 500);
      res.end('z'.repeat(5000));
    });
    const { client: c } = client({ maxRetries: 0 });
    const err = await failure(c.request({ method: 'GET', url: `${srv.url}/ok`, maxBodyBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    const res = await c.request({ method: 'GET', url: `${srv.url}/bad`, maxBodyBytes: 1000 });
    expect(res.truncated).toBe(true);
    expect(res.body).toHaveLength(1000);
  });

  it('never puts a configured secret into an error or a log line', async () => {
    const secret = 'tok_ABCDEF123456';
    const srv = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '1' });
      res.end();
    });
    const { client: c, logs } = client({ secrets: new SecretSet([secret]), maxRetries: 1, timeoutMs: 5000 });
    await c.request({ method: 'GET', url: `${srv.url}/sandboxes/${secret}` });
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.join('\n')).toContain('[redacted]');
    const port = new URL(srv.url).port;
    await new Promise<void>((resolve) => {
      const s = servers.pop()!;
      s.closeAllConnections();
      s.close(() => resolve());
    });
    const err = await failure(c.request({ method: 'GET', url: `http://127.0.0.1:${port}/x/${secret}` }));
    expect(err.message).not.toContain(secret);
    expect(err.message).toContain('/x/[redacted]');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-06-10T12:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Wed, 10 Jun 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Wed, 10 Jun 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-3', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('effectiveOrigin', () => {
  it('fills in default ports and lowercases', () => {
    expect(effectiveOrigin(new URL('HTTPS://API.Islo.dev/x'))).toBe('https://api.islo.dev:443');
    expect(effectiveOrigin(new URL('http://127.0.0.1:8080/x'))).toBe('http://127.0.0.1:8080');
  });
});
