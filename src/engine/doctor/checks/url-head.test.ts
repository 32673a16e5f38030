import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../lib/http';
import { ManualDeadlines } from '../../../lib/testing/manual-deadlines';
import { closedPort } from '../../mesh/testing/services';
import { member, testCheckDeps } from '../testing/check-deps';
import { urlHead } from './url-head';

let server: http.Server;
let other: http.Server;
let base = '';
let otherBase = '';
const methods: string[] = [];
const paths: string[] = [];
let hung: () => void = () => {};

beforeAll(async () => {
  other = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  server = http.createServer((req, res) => {
    methods.push(req.method ?? '');
    paths.push(req.url ?? '');
    if (req.url === '/hang') return hung();
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/missing' }).end();
      return;
    }
    if (req.url === '/away') {
      res.writeHead(307, { Location: `${otherBase}/landing` }).end();
      return;
    }
    const status = req.url === '/missing' ? 404 : req.url === '/down' ? 503 : 200;
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  for (const s of [server, other]) {
    s.closeAllConnections();
    s.close();
  }
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

  it('follows a redirect to another host, as a share behind a login page does', async () => {
    expect(await run(urlMember(`${base}/away`))).toMatchObject({ status: 'ok', summary: `${base}/away answered HTTP 204` });
  });

  it('warns on a 5xx', async () => {
    const result = await run(urlMember(`${base}/down`));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('HTTP 503');
  });

  it('asks once: a 503 is a finding, not something to wait out', async () => {
    const before = paths.length;
    await run(urlMember(`${base}/down`));
    expect(paths.slice(before)).toEqual(['/down']);
  });

  it('fails with the short cause when the URL does not answer', async () => {
    const port = await closedPort();
    const result = await run(urlMember(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ status: 'fail', reason: 'connection refused', summary: `http://127.0.0.1:${port}/ is unreachable: connection refused` });
  });

  it('gives up at its timeout', async () => {
    const deadlines = new ManualDeadlines();
    const client = new HttpClient({ deadline: deadlines.deadline });
    hung = () => deadlines.expire();
    try {
      const result = await run(urlMember(`${base}/hang`), { urlTimeoutMs: 300, http: client });
      expect(result).toMatchObject({ status: 'fail', reason: 'no answer within 0.3 s' });
      expect(deadlines.asked).toEqual([300]);
    } finally {
      await client.close();
    }
  });

  it('uses the endpoint when there are no targets, and warns when there is no URL at all', async () => {
    expect(await run(urlMember('', { endpoint: `${base}/ok` }))).toMatchObject({ status: 'ok' });
    const none = await run(urlMember('', { bridgeState: 'unsupported' }));
    expect(none).toMatchObject({ status: 'warn', summary: 'app has no published URL yet (unsupported)' });
    expect(none.fixes[0]).toBe('Publish a port: crabbox pond peers --pond alpha --provider islo --share-port <port>');
    expect(none.appFixes).toEqual(['Publish a port of app: choose Publish URL in the URLs tab.', 'Or start the service on the member, then choose Refresh in the URLs tab.']);
  });
});
