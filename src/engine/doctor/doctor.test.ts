import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerRow } from '../../contract/index';
import { claimSchema } from '../claim';
import { closedPort, startEcho, type TestService } from '../mesh/testing/services';
import { basePeerRow } from '../rows';
import { runDoctor, type DoctorDeps } from './doctor';
import { renderReport, reportJSON } from './report';
import type { CheckResult } from './runner';
import { member, testCheckDeps } from './testing/check-deps';
import { startPolicyServer, type PolicyServer } from './testing/policy-server';

let web: http.Server;
let webURL = '';
let policy: PolicyServer;
let echo: TestService;
let deadPort = 0;

beforeAll(async () => {
  web = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webURL = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  policy = await startPolicyServer({ policy: '{"grants": []}' });
  echo = await startEcho();
  deadPort = await closedPort();
});
afterAll(async () => {
  web.closeAllConnections();
  web.close();
  await policy.stop();
  await echo.stop();
});

const claim = (data: Record<string, unknown>) => claimSchema.parse({ pond: 'alpha', ...data });
const claims = [
  claim({ leaseID: 'cbx_api', slug: 'api', provider: 'hetzner', tailscaleIPv4: '127.0.0.1' }),
  claim({ leaseID: 'cbx_db', slug: 'db', provider: 'aws', sshHost: '127.0.0.1', sshPort: 1 }),
  claim({ leaseID: 'cbx_q', slug: 'queue', provider: 'aws' }),
  claim({ leaseID: 'cbx_other', slug: 'other', provider: 'aws', pond: 'beta', sshHost: 'x', sshPort: 22 }),
];

function rows(): PeerRow[] {
  const base = claims.map(basePeerRow);
  const db = base.find((r) => r.slug === 'db');
  if (db) db.endpoint = `ssh://127.0.0.1:${deadPort}`;
  const app: PeerRow = { slug: 'app', leaseID: 'isb_app', provider: 'islo', pond: 'alpha', transport: 'url', endpoint: webURL, transports: ['url'], targets: [{ port: 80, url: webURL, expiresAt: '0001-01-01T00:00:00Z' }] };
  return [...base, app];
}

function deps(): DoctorDeps {
  return {
    env: { TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: policy.url },
    identity: async () => 'alice@example.com',
    checkDeps: testCheckDeps(),
  };
}

describe('runDoctor', () => {
  it('builds the matrix and the policy verdict without live checks', async () => {
    const report = await runDoctor({ pond: 'Alpha', rows: rows(), claims, live: false }, deps());
    expect(report.pond).toBe('alpha');
    expect(report.matrix.members.map((r) => r.slug)).toEqual(['api', 'db', 'queue', 'app']);
    expect(report.matrix.transports).toEqual(['tailnet', 'url', 'ssh', 'pending']);
    expect(report.acl).toMatchObject({ status: 'failed', tag: 'tag:cbx-pond-alice-alpha', shape: 'grants', canBootstrap: true });
    expect(report.live).toBeNull();
    expect(report.ok).toBe(false);
  });

  it('runs the live checks, streams them, and marks contradicted cells', async () => {
    const streamed: CheckResult[] = [];
    let aclSeen = false;
    const input = {
      pond: 'alpha',
      rows: rows(),
      claims,
      live: true,
      targets: new Map([['cbx_api', { host: '127.0.0.1', port: echo.port, fallbackPorts: [], user: 'crabbox', auth: { kind: 'agent' as const, socket: '' }, knownHostsPath: '' }]]),
      forwards: [{ peer: 'api', remotePort: 8080, localPort: echo.port, leaseID: 'cbx_api' }],
    };
    const report = await runDoctor(input, deps(), { onCheck: (r) => streamed.push(r), onAcl: () => (aclSeen = true) });
    expect(aclSeen).toBe(true);
    const byId = Object.fromEntries((report.live ?? []).map((r) => [r.id, r]));
    expect(Object.keys(byId)).toEqual(['tailnet-reach:api', 'forward-probe:api', 'ssh-handshake:db', 'missing-endpoint:queue', 'url-head:app']);
    expect(streamed.map((r) => r.id).sort()).toEqual(Object.keys(byId).sort());
    expect(byId['tailnet-reach:api']?.status).toBe('ok');
    expect(byId['forward-probe:api']?.status).toBe('ok');
    expect(byId['ssh-handshake:db']).toMatchObject({ status: 'fail', reason: 'connection refused' });
    expect(byId['missing-endpoint:queue']?.status).toBe('warn');
    expect(byId['url-head:app']).toMatchObject({ status: 'ok', summary: `${webURL} answered HTTP 204` });
    expect(report.contradictions).toEqual([
      { from: 'tailnet', to: 'ssh', expected: 'warn', note: 'expected WARN, api → db failed: connection refused' },
      { from: 'url', to: 'ssh', expected: 'warn', note: 'expected WARN, app → db failed: connection refused' },
    ]);
    expect(report.ok).toBe(false);

    const text = renderReport(report);
    expect(text.startsWith('pond "alpha": 4 members\n  transport breakdown: pending=1 ssh=1 tailnet=1 url=1\n  reachability:\n')).toBe(true);
    expect(text).toContain('  contradicted by live checks:\n    tailnet -> ssh     : expected WARN, api → db failed: connection refused\n');
    expect(text).toContain(`\ntailnet policy:\nfailed  pond     pond "alpha": tailnet policy row missing for tag:cbx-pond-alice-alpha.`);
    expect(text).toContain('  fail  db · SSH handshake: cannot connect to db: ');
    expect(text.endsWith('\ndoctor found problems\n')).toBe(true);

    const json = JSON.parse(reportJSON(report)) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 3)).toEqual(['ok', 'provider', 'checks']);
    expect(json.checks).toEqual([
      {
        status: 'failed',
        check: 'pond',
        message: expect.stringContaining('tailnet policy row missing') as unknown,
        details: { pond: 'alpha', remedy: 'see_docs_features_pond_md', tag: 'tag:cbx-pond-alice-alpha', tailnet: '-' },
      },
    ]);
    expect((json.matrix as { cells: unknown[] }).cells).toHaveLength(16);
  });

  it('is ok when the policy has the rows and nothing fails', async () => {
    const tag = 'tag:cbx-pond-alice-alpha';
    const good = await startPolicyServer({ policy: `{"tagOwners": {"${tag}": []}, "grants": [{"src": ["${tag}"], "dst": ["${tag}"], "ip": ["*"]}]}` });
    try {
      const only = [member('app', { transport: 'url', targets: [{ port: 80, url: webURL, expiresAt: '' }] }).row];
      const report = await runDoctor({ pond: 'alpha', rows: only, claims, live: true }, { ...deps(), env: { TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: good.url } });
      expect(report.acl?.status).toBe('ok');
      expect(report.ok).toBe(true);
      expect(renderReport(report).endsWith('\nno problems found\n')).toBe(true);
    } finally {
      await good.stop();
    }
  });
});
