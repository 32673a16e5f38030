import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../mesh/testing/services';
import { member, testCheckDeps } from '../testing/check-deps';
import { urlHead } from './url-head';

let server: http.Server;
let base = '';
const methods: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    methods.push(req.method ?? '');
    if (req.url === '/hang') return;
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/missing' }).end();
      return;
    }
    const status = req.url === '/missing' ? 404 : req.url === '/down' ? 503 : 200;
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const urlMember = (url: string, extra = {}) =>
  member('app', { transport: 'url', provider: 'islo', targets: url ? [{ port: 8080, url, expiresAt: '0001-01-01T00:00:00Z' }] : [], ...extra });
const run = (m: ReturnType<typeof urlMember>, over = {}) => urlHead.run({ pond: 'alpha', member: m, deps: testCheckDeps(over) }, new AbortController().signal);

describe('url HEAD check', () => {
  it('applies to url members only', () => {
    expect(urlHead.applies({ pond: 'alpha', member: urlMember(''), deps: testCheckDeps() })).toBe(true);
    expect(urlHead.applies({ pond: 'alpha', member: member('x', { transport: 'ssh' }), deps: testCheckDeps() })).toBe(false);
  });

  it('HEADs the first target and reports its status', async () => {
    const result = await run(urlMember(`${base}/ok`));
    expect(result).toMatchObject({ status: 'ok', summary: `${base}/ok answered HTTP 200` });
    expect(methods.at(-1)).toBe('HEAD');
  });

  it('counts any HTTP status as reachable, following redirects', async () => {
    expect(await run(urlMember(`${base}/missing`))).toMatchObject({ status: 'ok', summary: `${base}/missing answered HTTP 404` });
    expect(await run(urlMember(`${base}/redirect`))).toMatchObject({ status: 'ok', summary: `${base}/redirect answered HTTP 404` });
  });

  it('warns on a 5xx', async () => {
    const result = await run(urlMember(`${base}/down`));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('HTTP 503');
  });

  it('fails with the short cause when the URL does not answer', async () => {
    const port = await closedPort();
    const result = await run(urlMember(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ status: 'fail', reason: 'connection refused', summary: `http://127.0.0.1:${port}/ is unreachable: connection refused` });
  });

  it('gives up at its timeout', async () => {
    const result = await run(urlMember(`${base}/hang`), { urlTimeoutMs: 300 });
    expect(result).toMatchObject({ status: 'fail', reason: 'no answer within 0.3 s' });
  });

  it('uses the endpoint when there are no targets, and warns when there is no URL at all', async () => {
    expect(await run(urlMember('', { endpoint: `${base}/ok` }))).toMatchObject({ status: 'ok' });
    const none = await run(urlMember('', { bridgeState: 'unsupported' }));
    expect(none).toMatchObject({ status: 'warn', summary: 'app has no published URL yet (unsupported)' });
    expect(none.fixes[0]).toBe('Publish a port: crabbox pond peers --pond alpha --provider islo --share-port <port>');
  });
});
