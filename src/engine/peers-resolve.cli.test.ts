/**
 * `pond peers` with the URL bridge, run in-process against local Islo/E2B/Railway
 * servers: `--share-port`, `--share-ttl`, crabbox's messages and exit codes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeE2B, FakeIslo, FakeRailway, type LocalServer } from '../providers/bridge/testing/servers';
import { run } from '../cli/main';
import { testIO, type TestIO } from '../cli/testing/test-io';
import { claimText } from './testing/claims-fixtures';
import { claimsDir } from '../lib/paths';

const ISLO_KEY = 'isk_cli_key_0000111122223333';
const servers: LocalServer[] = [];
const ios: TestIO[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const io of ios.splice(0)) fs.rmSync(io.root, { recursive: true, force: true });
});

async function setup(env: Record<string, string> = {}) {
  const islo = await new FakeIslo(ISLO_KEY).start();
  const e2b = await new FakeE2B('e2b_cli_key').start();
  const railway = await new FakeRailway('rw_cli_token').start();
  servers.push(islo, e2b, railway);
  const io = testIO({
    env: {
      ISLO_API_KEY: ISLO_KEY,
      ISLO_BASE_URL: islo.url,
      E2B_API_KEY: 'e2b_cli_key',
      E2B_API_URL: e2b.url,
      RAILWAY_API_TOKEN: 'rw_cli_token',
      RAILWAY_API_URL: `${railway.url}/graphql/v2`,
      RAILWAY_PROJECT_ID: 'p',
      RAILWAY_ENVIRONMENT_ID: 'e',
      ...env,
    },
  });
  ios.push(io);
  const dir = claimsDir(io.pathEnv);
  fs.mkdirSync(dir, { recursive: true });
  const claims = [
    { leaseID: 'isb_crabbox-web-1', slug: 'web', provider: 'islo', pond: 'demo' },
    { leaseID: 'cbx_e2b1', slug: 'sbx', provider: 'e2b', pond: 'demo' },
    { leaseID: 'cbx_h1', slug: 'db', provider: 'hetzner', pond: 'demo', tailscaleIPv4: '100.64.0.2' },
  ];
  for (const c of claims) fs.writeFileSync(path.join(dir, `${c.leaseID}.json`), claimText(c));
  islo.sandbox('crabbox-web-1', [{ share_id: 'shr_1', url: 'https://web.share.islo.test', port: 8080, created_at: '2026-06-10T11:00:00Z', expires_at: null }]);
  e2b.sandboxes.push({ sandboxID: 'sbx-9', metadata: { provider: 'e2b', crabbox: 'true', lease: 'cbx_e2b1' } });
  return { io, islo, e2b, railway };
}

describe('pond peers with the URL bridge', () => {
  it('lists Islo shares and E2B members next to tailnet members (72)', async () => {
    const { io } = await setup();
    expect(await run(['peers', '--pond', 'demo', '--json'], io)).toBe(0);
    expect(io.stdout()).toBe(
      '{"members":[' +
        '{"slug":"db","leaseID":"cbx_h1","provider":"hetzner","pond":"demo","transport":"tailnet","transports":["tailnet","ssh"],"endpoint":"100.64.0.2"},' +
        '{"slug":"sbx","leaseID":"cbx_e2b1","provider":"e2b","pond":"demo","transport":"url","transports":["url"],"endpoint":""},' +
        '{"slug":"web","leaseID":"isb_crabbox-web-1","provider":"islo","pond":"demo","transport":"url","transports":["url"],"endpoint":"https://web.share.islo.test","targets":[{"port":8080,"url":"https://web.share.islo.test","shareID":"shr_1","expiresAt":"0001-01-01T00:00:00Z"}]}' +
        ']}\n',
    );
  });

  it('--share-port publishes on every URL member; --share-ttl sets the Islo share lifetime', async () => {
    const { io, islo } = await setup();
    expect(await run(['peers', '--pond', 'demo', '--share-port', '3000', '--share-ttl', '90m'], io)).toBe(0);
    expect(io.stdout()).toContain('sbx\tlease=cbx_e2b1\tprovider=e2b\tpond=demo\ttransport=url\tendpoint=https://3000-sbx-9.e2b.app\n  bridge target port=3000 url=https://3000-sbx-9.e2b.app\n');
    expect(io.stdout()).toMatch(/web\tlease=isb_crabbox-web-1\tprovider=islo\tpond=demo\ttransport=url\tendpoint=https:\/\/new-1\.share\.islo\.test\n {2}bridge target port=3000 url=https:\/\/new-1\.share\.islo\.test share=shr_new_1 expires=\S+\n/);
    const create = islo.requests.find((r) => r.method === 'POST' && r.path.endsWith('/shares'))!;
    expect(JSON.parse(create.body)).toEqual({ port: 3000, ttl_seconds: 5400 });
  });

  it('rejects bad --share-port and --share-ttl values with exit 2', async () => {
    const { io } = await setup();
    const cases: Array<[string[], string]> = [
      [['--share-port', '70000'], '--share-port must be between 1 and 65535'],
      [['--share-port=-1'], '--share-port must be between 1 and 65535'],
      [['--share-port', 'abc'], '--share-port must be between 1 and 65535'],
      [['--share-ttl', '1d'], 'invalid value "1d" for flag --share-ttl: time: unknown unit "d" in duration "1d"'],
      [['--share-ttl', '10'], 'invalid value "10" for flag --share-ttl: time: missing unit in duration "10"'],
    ];
    for (const [flags, message] of cases) {
      const before = io.stderr().length;
      expect(await run(['peers', '--pond', 'demo', ...flags], io)).toBe(2);
      expect(io.stderr().slice(before)).toContain(`pond peers: ${message}`);
    }
    expect(await run(['peers', '--share-port', '70000'], io)).toBe(2);
    expect(io.stderr()).toContain('pond peers: --pond is required');
  });

  it('--share-port 0 only lists', async () => {
    const { io, islo } = await setup();
    expect(await run(['peers', '--pond', 'demo', '--share-port', '0'], io)).toBe(0);
    expect(islo.count((r) => r.method === 'POST' && r.path.endsWith('/shares'))).toBe(0);
  });

  it('fails with the provider-prefixed error and crabbox exit code when the only provider fails', async () => {
    const { io } = await setup({ ISLO_API_KEY: '' });
    expect(await run(['peers', '--pond', 'demo', '--provider', 'islo', '--share-port', '8080'], io)).toBe(2);
    expect(io.stderr()).toContain('pond peers: islo: publish peer isb_crabbox-web-1 port=8080: provider=islo requires ISLO_API_KEY');
    expect(io.stdout()).toBe('');
  });

  it('keeps other providers when one fails, with the failure on its member', async () => {
    const { io } = await setup({ ISLO_API_KEY: '' });
    expect(await run(['peers', '--pond', 'demo'], io)).toBe(0);
    expect(io.stdout()).toContain('web\tlease=isb_crabbox-web-1\tprovider=islo\tpond=demo\ttransport=none\tbridge=error\tnote="list bridge targets failed: provider=islo requires ISLO_API_KEY"\n');
    expect(io.stdout()).toContain('db\tlease=cbx_h1');
  });
});
