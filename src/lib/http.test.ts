import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretSet } from './redact';
import { HttpClient, HttpError, defaultHttpClient, type HttpClientOptions } from './http';
import { abortableSleep } from './http-retry';
import { ManualDeadlines } from './testing/manual-deadlines';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
interface Hit {
  method: string;
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

const servers: http.Server[] = [];
const clients: HttpClient[] = [];

/** A local server recording every request; `arrived(n)` resolves once it has seen n of them. */
async function serve(handler: Handler): Promise<{ url: string; hits: Hit[]; arrived: (n: number) => Promise<void> }> {
  const hits: Hit[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      for (const w of waiters.filter((w) => hits.length >= w.n)) w.resolve();
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const arrived = (n: number) => (hits.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, arrived };
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
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
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map(stop));
});

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => new Error('expected an HttpError, but the request succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

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

  it("keeps the server's own reason phrase in the status line, as Go's resp.Status does", async () => {
    const srv = await serve((_req, res) => res.writeHead(418, 'Short And Stout').end());
    expect((await client().client.request({ method: 'GET', url: srv.url })).statusLine).toBe('418 Short And Stout');
  });

  it('sends method, headers and body as given', async () => {
    const srv = await serve((_req, res) => res.end());
    await client().client.request({ method: 'PUT', url: `${srv.url}/p?q=1`, headers: { 'X-Api-Key': 'k', 'Content-Type': 'text/plain' }, body: 'héllo' });
    expect(srv.hits).toMatchObject([{ method: 'PUT', url: '/p?q=1', body: 'héllo', headers: { 'x-api-key': 'k', 'content-type': 'text/plain', 'content-length': '6' } }]);
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
    expect(logs).toEqual([`GET ${srv.url}/: 503 Service Unavailable; retry 1/3 in 2 s`, `GET ${srv.url}/: 503 Service Unavailable; retry 2/3 in 2 s`]);
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
    expect(res.body).toBe('boom');
    expect(srv.hits).toHaveLength(4);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('sends the body again on every retry', async () => {
    let n = 0;
    const srv = await serve((_req, res) => res.writeHead(n++ === 0 ? 502 : 200).end());
    const { client: c } = client();
    expect((await c.request({ method: 'POST', url: srv.url, body: '{"q":1}', idempotent: true })).status).toBe(200);
    expect(srv.hits.map((h) => h.body)).toEqual(['{"q":1}', '{"q":1}']);
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

  it('counts the time already spent against the deadline before waiting again', async () => {
    let now = 0;
    const srv = await serve((_req, res) => {
      now += 4_000;
      res.writeHead(503, { 'retry-after': '1' }).end();
    });
    const { client: c, waits } = client({ now: () => now, timeoutMs: 10_000 });
    expect((await c.request({ method: 'GET', url: srv.url })).status).toBe(503);
    // 4 s + 1 s fits, 8 s + 1 s fits, 12 s + 1 s does not.
    expect(waits).toEqual([1000, 1000]);
    expect(srv.hits).toHaveLength(3);
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

  it('does not retry statuses that will not change, nor a refused connection', async () => {
    const srv = await serve((req, res) => res.writeHead(req.url === '/gone' ? 404 : 501).end());
    const { client: c, waits } = client();
    expect((await c.request({ method: 'GET', url: `${srv.url}/gone` })).status).toBe(404);
    expect((await c.request({ method: 'GET', url: `${srv.url}/nope` })).status).toBe(501);
    expect(srv.hits).toHaveLength(2);
    const port = new URL(srv.url).port;
    await stop(servers.pop()!);
    await failure(c.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(waits).toEqual([]);
  });

  it('honours maxRetries given with the request', async () => {
    const srv = await serve((_req, res) => res.writeHead(503).end());
    const { client: c, waits } = client();
    expect((await c.request({ method: 'GET', url: srv.url, maxRetries: 0 })).status).toBe(503);
    expect(srv.hits).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('fails with a timeout when the response never arrives', async () => {
    const srv = await serve(() => {});
    const clock = new ManualDeadlines();
    const { client: c } = client({ timeoutMs: 200, deadline: clock.deadline });
    const pending = failure(c.request({ method: 'GET', url: `${srv.url}/slow` }));
    await srv.arrived(1);
    clock.expire();
    const err = await pending;
    expect(clock.asked).toEqual([200]);
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toBe(`GET ${srv.url}/slow: no response within 0.2 s`);
  });

  it('takes the deadline given with the request over the client default', async () => {
    const srv = await serve(() => {});
    const clock = new ManualDeadlines();
    const { client: c } = client({ deadline: clock.deadline });
    const pending = failure(c.request({ method: 'GET', url: srv.url, timeoutMs: 4000 }));
    await srv.arrived(1);
    clock.expire();
    expect((await pending).message).toBe(`GET ${srv.url}/: no response within 4 s`);
    expect(clock.asked).toEqual([4000]);
  });

  it('ends a retry wait at the deadline: one budget covers every attempt', async () => {
    const srv = await serve((_req, res) => res.writeHead(503, { 'retry-after': '3' }).end());
    const clock = new ManualDeadlines();
    const c = new HttpClient({
      deadline: clock.deadline,
      sleep: (ms, signal) => {
        clock.expire();
        return abortableSleep(ms, signal);
      },
    });
    clients.push(c);
    const err = await failure(c.request({ method: 'GET', url: srv.url }));
    expect(err.kind).toBe('timeout');
    expect(srv.hits).toHaveLength(1);
  });

  it('fails with a connect timeout when the connection is never made', async () => {
    // undici's own connect timer (an Agent option) ends this; there is no clock to inject.
    const { client: c } = client({ connectTimeoutMs: 100, lookup: () => {} });
    const err = await failure(c.request({ method: 'GET', url: 'http://localhost:9/x' }));
    expect(err.kind).toBe('connect-timeout');
    expect(err.message).toBe('GET http://localhost:9/x: could not connect to localhost:9 within 0.1 s');
  });

  it('reports a refused connection as a network error, keeping the socket error as its cause', async () => {
    const srv = await serve(() => {});
    const port = new URL(srv.url).port;
    await stop(servers.pop()!);
    const err = await failure(client().client.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toBe(`GET http://127.0.0.1:${port}/: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('refuses URLs it cannot send', async () => {
    const { client: c } = client();
    expect((await failure(c.request({ method: 'GET', url: 'ftp://files.example/x' }))).message).toBe('unsupported URL scheme ftp: in ftp://files.example/x');
    expect((await failure(c.request({ method: 'GET', url: 'web.up.railway.app' }))).message).toBe('GET web.up.railway.app: not a URL');
  });

  it('is cancelled by the caller signal while waiting for a response', async () => {
    const srv = await serve(() => {});
    const controller = new AbortController();
    const pending = failure(client().client.request({ method: 'GET', url: srv.url, signal: controller.signal }));
    await srv.arrived(1);
    controller.abort();
    const err = await pending;
    expect(err.kind).toBe('cancelled');
    expect(err.name).toBe('AbortError');
    expect(err.code).toBe('CANCELLED');
  });

  it('is cancelled before sending anything when the caller signal is already aborted', async () => {
    const srv = await serve((_req, res) => res.end());
    const err = await failure(client().client.request({ method: 'GET', url: srv.url, signal: AbortSignal.abort() }));
    expect(err.kind).toBe('cancelled');
    expect(srv.hits).toHaveLength(0);
  });

  it('is cancelled during a retry wait', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '20' });
      res.end();
    });
    const controller = new AbortController();
    const waits: number[] = [];
    const c = new HttpClient({
      sleep: (ms, signal) => {
        waits.push(ms);
        controller.abort();
        return abortableSleep(ms, signal);
      },
    });
    clients.push(c);
    const err = await failure(c.request({ method: 'GET', url: srv.url, signal: controller.signal }));
    expect(err.kind).toBe('cancelled');
    expect(waits).toEqual([20_000]);
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
    expect(srv.hits[1]?.headers['content-type']).toBeUndefined();
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

  it('follows 10 redirects and takes the answer after them', async () => {
    const srv = await serve((req, res) => {
      const n = Number(req.url?.slice(1) || '0');
      if (n < 10) res.writeHead(302, { location: `/${n + 1}` }).end();
      else res.end('arrived');
    });
    expect((await client().client.request({ method: 'GET', url: `${srv.url}/0` })).body).toBe('arrived');
  });

  it('says so when redirects go round in a loop', async () => {
    const srv = await serve((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    const err = await failure(client().client.request({ method: 'GET', url: `${srv.url}/a` }));
    expect(err.kind).toBe('redirect');
    expect(err.message).toBe(`GET ${srv.url}/a: the redirects loop back to a URL already visited`);
  });

  it('refuses a redirect to a Location that is not a URL', async () => {
    const srv = await serve((_req, res) => res.writeHead(302, { location: 'http://[::1' }).end());
    const err = await failure(client().client.request({ method: 'GET', url: `${srv.url}/p`, redirect: 'follow' }));
    expect(err.message).toBe(`GET ${srv.url}/p: redirect to an unreadable location`);
  });

  it('follows a redirect to another origin when asked to, without the credentials', async () => {
    const other = await serve((_req, res) => res.end('elsewhere'));
    const srv = await serve((_req, res) => res.writeHead(302, { location: `${other.url}/landing` }).end());
    const res = await client().client.request({ method: 'GET', url: srv.url, redirect: 'follow', headers: { Authorization: 'Basic c2VjcmV0Og==', Accept: 'text/plain' } });
    expect(res.body).toBe('elsewhere');
    expect(srv.hits[0]?.headers.authorization).toBe('Basic c2VjcmV0Og==');
    expect(other.hits[0]?.headers.authorization).toBeUndefined();
    expect(other.hits[0]?.headers.accept).toBe('text/plain');
  });

  it('returns a redirect as it is with redirect: manual', async () => {
    const srv = await serve((_req, res) => res.writeHead(301, { location: '/moved' }).end());
    const res = await client().client.request({ method: 'HEAD', url: srv.url, redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/moved');
    expect(srv.hits).toHaveLength(1);
  });

  it('caps response bodies: an oversized success fails, an oversized error is cut', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 500);
      res.end('z'.repeat(5000));
    });
    const { client: c } = client({ maxRetries: 0 });
    const err = await failure(c.request({ method: 'GET', url: `${srv.url}/ok`, maxBodyBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`GET ${srv.url}/ok: response is larger than 1000 bytes`);
    const res = await c.request({ method: 'GET', url: `${srv.url}/bad`, maxBodyBytes: 1000 });
    expect(res.truncated).toBe(true);
    expect(res.body).toHaveLength(1000);
  });

  it('cuts any body at the cap with truncate, leaving the rest unread', async () => {
    const srv = await serve((_req, res) => res.end('y'.repeat(300_000)));
    const res = await client().client.request({ method: 'GET', url: srv.url, maxBodyBytes: 256 * 1024, truncate: true });
    expect(res.status).toBe(200);
    expect(res.truncated).toBe(true);
    expect(res.body).toBe('y'.repeat(256 * 1024));
    const whole = await client().client.request({ method: 'GET', url: srv.url, maxBodyBytes: 300_000, truncate: true });
    expect(whole).toMatchObject({ truncated: false, body: 'y'.repeat(300_000) });
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
    await stop(servers.pop()!);
    const err = await failure(c.request({ method: 'GET', url: `http://127.0.0.1:${port}/x/${secret}` }));
    expect(err.message).not.toContain(secret);
    expect(err.message).toContain('/x/[redacted]');
  });

  it("redacts a request's own secrets, however spelled, and credential-shaped text from every message", async () => {
    const srv = await serve(() => {});
    const clock = new ManualDeadlines();
    const { client: c } = client({ deadline: clock.deadline });
    const key = 'tskey-api-k123';
    const pending = failure(c.request({ method: 'GET', url: `${srv.url}/t/${encodeURIComponent(key)}/acl`, secrets: [key] }));
    await srv.arrived(1);
    clock.expire();
    expect((await pending).message).toBe(`GET ${srv.url}/t/[redacted]/acl: no response within 30 s`);
    const scheme = await failure(c.request({ method: 'GET', url: `gopher://h/${key}`, secrets: [key] }));
    expect(scheme.message).toBe('unsupported URL scheme gopher: in gopher://h/[redacted]');
    const unreadable = await failure(c.request({ method: 'GET', url: `Bearer ${key}x`, secrets: [key] }));
    expect(unreadable.message).toBe('GET Bearer [redacted]: not a URL');
  });
});

describe('defaultHttpClient', () => {
  it('is one client for the whole process', () => {
    expect(defaultHttpClient()).toBe(defaultHttpClient());
  });
});
