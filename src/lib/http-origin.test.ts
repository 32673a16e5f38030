import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, interceptors } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RedirectRefusedError, effectiveOrigin, httpsOrLoopback, isLoopbackHost, redirectGuard } from './http-origin';

describe('effectiveOrigin', () => {
  it('fills in default ports and lowercases', () => {
    expect(effectiveOrigin(new URL('HTTPS://API.Islo.dev/x'))).toBe('https://api.islo.dev:443');
    expect(effectiveOrigin(new URL('http://127.0.0.1:8080/x'))).toBe('http://127.0.0.1:8080');
    expect(effectiveOrigin(new URL('http://example.com/x'))).toBe('http://example.com:80');
  });
});

describe('isLoopbackHost', () => {
  it('recognises loopback names and addresses only', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.5.6.7', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('httpsOrLoopback', () => {
  it('allows HTTPS anywhere and plain HTTP only to this machine', () => {
    expect(httpsOrLoopback(new URL('https://api.e2b.app'))).toBe(true);
    expect(httpsOrLoopback(new URL('http://127.0.0.1:9/graphql'))).toBe(true);
    expect(httpsOrLoopback(new URL('http://[::1]:9/'))).toBe(true);
    expect(httpsOrLoopback(new URL('http://railway.example/graphql'))).toBe(false);
    expect(httpsOrLoopback(new URL('ftp://localhost/'))).toBe(false);
  });
});

describe('redirectGuard', () => {
  const servers: http.Server[] = [];
  const agents: Agent[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  async function serve(handler: http.RequestListener): Promise<{ url: string; paths: string[] }> {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
  }

  function get(scope: 'same-origin' | 'any', url: string): Promise<{ status: number; body: string } | RedirectRefusedError> {
    const agent = new Agent();
    agents.push(agent);
    const dispatcher = agent.compose(redirectGuard(scope), interceptors.redirect({ maxRedirections: 5 }));
    const target = new URL(url);
    return dispatcher.request({ origin: target.origin, path: target.pathname, method: 'GET' }).then(
      async (res) => ({ status: res.statusCode, body: await res.body.text() }),
      (error: unknown) => {
        if (error instanceof RedirectRefusedError) return error;
        throw error;
      },
    );
  }

  it('lets undici follow a redirect on the same origin and refuses one that leaves it', async () => {
    const other = await serve((_req, res) => res.end('elsewhere'));
    const srv = await serve((req, res) => {
      if (req.url === '/here') res.writeHead(302, { location: '/there' }).end();
      else if (req.url === '/away') res.writeHead(307, { location: `${other.url}/x` }).end();
      else res.end(`at ${req.url}`);
    });
    expect(await get('same-origin', `${srv.url}/here`)).toEqual({ status: 200, body: 'at /there' });
    const refused = await get('same-origin', `${srv.url}/away`);
    expect(refused).toBeInstanceOf(RedirectRefusedError);
    expect((refused as RedirectRefusedError).message).toBe(`refusing redirect from ${srv.url} to ${other.url}`);
    expect(other.paths).toEqual([]);
    expect(await get('any', `${srv.url}/away`)).toEqual({ status: 200, body: 'elsewhere' });
    expect(other.paths).toEqual(['/x']);
  });

  it('refuses a Location that is not a URL whatever the scope', async () => {
    const srv = await serve((_req, res) => res.writeHead(301, { location: 'http://[::1' }).end());
    for (const scope of ['same-origin', 'any'] as const) {
      const refused = await get(scope, `${srv.url}/p`);
      expect(refused).toBeInstanceOf(RedirectRefusedError);
      expect((refused as RedirectRefusedError).to).toBeUndefined();
    }
  });
});
