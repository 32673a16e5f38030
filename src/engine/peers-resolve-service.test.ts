import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cipher } from '../providers/credentials-store';
import { FakeE2B, FakeIslo, FakeRailway, type LocalServer } from '../providers/bridge/testing/servers';
import { ProducedUrls } from './produced-urls';
import { claimText } from './testing/claims-fixtures';
import { PondError } from '../lib/errors';
import { claimsDir, type PathEnv } from '../lib/paths';
import { listClaims } from './claims';
import { BridgeService, browserUrl } from './peers-resolve-service';
import { openConfBackend, SettingsStore } from './settings-store';
import { until } from './mesh/testing/wait';

const ISLO_KEY = 'isk_service_key_abcdefabcdef';
const xor: Cipher = {
  isAvailable: () => true,
  encrypt: (p) => Buffer.from([...Buffer.from(p)].map((b) => b ^ 0x33)).toString('base64'),
  decrypt: (c) => Buffer.from([...Buffer.from(c, 'base64')].map((b) => b ^ 0x33)).toString(),
};

const servers: LocalServer[] = [];
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

async function setup(options: { env?: Record<string, string>; cipher?: Cipher | null } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-bridge-svc-'));
  roots.push(root);
  const islo = await new FakeIslo(ISLO_KEY).start();
  const e2b = await new FakeE2B('e2b_svc_key').start();
  const railway = await new FakeRailway('rw_svc_token').start();
  servers.push(islo, e2b, railway);
  const env: Record<string, string> = {
    HOME: path.join(root, 'home'),
    XDG_STATE_HOME: path.join(root, 'state'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    ISLO_BASE_URL: islo.url,
    E2B_API_URL: e2b.url,
    E2B_API_KEY: 'e2b_svc_key',
    RAILWAY_API_URL: `${railway.url}/graphql/v2`,
    RAILWAY_API_TOKEN: 'rw_svc_token',
    RAILWAY_PROJECT_ID: 'p',
    RAILWAY_ENVIRONMENT_ID: 'e',
    ...options.env,
  };
  const pathEnv: PathEnv = { platform: 'linux', env, home: env.HOME! };
  const dir = claimsDir(pathEnv);
  fs.mkdirSync(dir, { recursive: true });
  const write = (c: Record<string, unknown> & { leaseID: string }) => fs.writeFileSync(path.join(dir, `${c.leaseID}.json`), claimText(c));
  write({ leaseID: 'isb_crabbox-web-1', slug: 'web', provider: 'islo', pond: 'demo', labels: { crabbox_exposed_ports: '3000-8080' } });
  write({ leaseID: 'cbx_e2b1', slug: 'sbx', provider: 'e2b', pond: 'demo' });
  write({ leaseID: 'svc_rw', slug: 'api', provider: 'railway', pond: 'demo' });
  write({ leaseID: 'cbx_h', slug: 'db', provider: 'hetzner', pond: 'demo', tailscaleIPv4: '100.64.0.2' });
  write({ leaseID: 'cbx_other', slug: 'x', provider: 'islo', pond: 'other' });
  islo.sandbox('crabbox-web-1', [{ share_id: 'shr_1', url: 'https://web.share.islo.test', port: 8080, created_at: '2026-06-10T11:00:00Z', expires_at: null }]);
  e2b.sandboxes.push({ sandboxID: 'sbx-9', metadata: { provider: 'e2b', crabbox: 'true', lease: 'cbx_e2b1' } });
  railway.deployments.set('svc_rw', { status: 'SUCCESS', url: 'api.up.railway.app' });
  const settings = new SettingsStore(openConfBackend(path.join(root, 'userData')));
  const produced = new ProducedUrls();
  const service = new BridgeService({
    claims: async () => (await listClaims(dir)).claims.map((l) => l.claim),
    manualMembers: () => [],
    env,
    settings,
    ...(options.cipher === null ? {} : { cipher: options.cipher ?? xor }),
    producedUrls: produced,
    http: { sleep: async () => {}, timeoutMs: 2000 },
  });
  return { service, islo, e2b, railway, settings, produced };
}

const signal = () => new AbortController().signal;

describe('BridgeService.members', () => {
  it("lists the pond's URL members with their URLs, ports and what can be opened", async () => {
    const { service, islo, produced } = await setup();
    service.setCredential('ISLO_API_KEY', ISLO_KEY);
    const view = await service.members('demo', signal());
    expect(view.problems).toEqual([]);
    expect(view.members.map((m) => m.slug)).toEqual(['api', 'sbx', 'web']);
    const [api, sbx, web] = view.members;
    expect(web).toMatchObject({
      leaseID: 'isb_crabbox-web-1',
      transport: 'url',
      endpoint: 'https://web.share.islo.test',
      ports: [3000, 8080],
      publishable: true,
      targets: [{ port: 8080, url: 'https://web.share.islo.test', shareID: 'shr_1', openUrl: 'https://web.share.islo.test' }],
    });
    expect(api?.targets).toEqual([{ port: 0, url: 'api.up.railway.app', expiresAt: '0001-01-01T00:00:00Z', openUrl: 'https://api.up.railway.app' }]);
    expect(sbx).toMatchObject({ transport: 'url', endpoint: '', targets: [], ports: [] });
    expect(produced.has('https://web.share.islo.test')).toBe(true);
    expect(produced.has('https://api.up.railway.app')).toBe(true);
    expect(islo.requests[0]!.body).toContain(ISLO_KEY);
  });

  it('degrades a member whose provider fails and still lists the rest', async () => {
    const { service, railway } = await setup();
    railway.fail('/graphql', { kind: 'status', status: 500, body: 'down' });
    const view = await service.members('demo', signal());
    const byslug = Object.fromEntries(view.members.map((m) => [m.slug, m]));
    expect(byslug.web).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: provider=islo requires ISLO_API_KEY' });
    expect(byslug.api).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: railway deployments query: 500 Internal Server Error: down' });
    expect(byslug.sbx).toMatchObject({ transport: 'url' });
    expect(view.problems).toEqual([
      'islo: list peer targets isb_crabbox-web-1: provider=islo requires ISLO_API_KEY',
      'railway: list peer targets svc_rw: railway deployments query: 500 Internal Server Error: down',
    ]);
  });

  it('is cancelled by the caller', async () => {
    const { service, islo } = await setup({ env: { ISLO_API_KEY: ISLO_KEY } });
    islo.fail('/shares', { kind: 'hang' });
    const controller = new AbortController();
    const pending = service.members('demo', controller.signal);
    await until(() => islo.count((r) => r.path.includes('/shares')) > 0, 'the request that hangs');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('is cancelled when the app stops', async () => {
    const { service, islo } = await setup({ env: { ISLO_API_KEY: ISLO_KEY } });
    islo.fail('/shares', { kind: 'hang' });
    const pending = service.members('demo', signal());
    await until(() => islo.count((r) => r.path.includes('/shares')) > 0, 'the request that hangs');
    service.cancelAll();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('BridgeService.publish', () => {
  it('publishes an Islo share and registers the URL for opening', async () => {
    const { service, islo, produced } = await setup({ env: { ISLO_API_KEY: ISLO_KEY } });
    const { target } = await service.publish({ pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 3000, ttlSeconds: 600 }, signal());
    expect(target).toMatchObject({ port: 3000, url: 'https://new-1.share.islo.test', shareID: 'shr_new_1', openUrl: 'https://new-1.share.islo.test' });
    expect(JSON.parse(islo.requests.find((r) => r.method === 'POST' && r.path.endsWith('/shares'))!.body)).toEqual({ port: 3000, ttl_seconds: 600 });
    expect(produced.has('https://new-1.share.islo.test')).toBe(true);
    const again = await service.publish({ pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 8080 }, signal());
    expect(again.target.shareID).toBe('shr_1');
  });

  it('synthesizes the E2B preview URL', async () => {
    const { service } = await setup();
    expect((await service.publish({ pond: 'demo', leaseID: 'cbx_e2b1', port: 8080 }, signal())).target.url).toBe('https://8080-sbx-9.e2b.app');
  });

  it('refuses members that are not in the pond or not URL members, naming them', async () => {
    const { service } = await setup();
    await expect(service.publish({ pond: 'demo', leaseID: 'cbx_other', port: 80 }, signal())).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'pond demo has no member with lease cbx_other; it may have been released, refresh the pond',
    });
    await expect(service.publish({ pond: 'demo', leaseID: 'cbx_h', port: 80 }, signal())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'db (hetzner) is not reached through provider URLs, so there is no URL to publish; Publish URL is for Islo, E2B and Railway members',
    });
  });

  it('turns provider failures into a clear error with the secret redacted', async () => {
    const { service, islo } = await setup({ env: { ISLO_API_KEY: ISLO_KEY } });
    islo.fail((r) => r.method === 'POST' && r.path.endsWith('/shares'), { kind: 'status', status: 403, body: `{"detail":"key ${ISLO_KEY} may not share"}` });
    const err = await service.publish({ pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 3000 }, signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PondError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', message: 'publish web port 3000: islo create share 403 Forbidden: {"detail":"key [redacted] may not share"}' });
  });

  it('reports a Railway deployment that is not ready', async () => {
    const { service, railway } = await setup();
    railway.deployments.set('svc_rw', { status: 'DEPLOYING', url: '' });
    await expect(service.publish({ pond: 'demo', leaseID: 'svc_rw', port: 80 }, signal())).rejects.toThrow(
      'publish api port 80: railway bridge: deployment for "svc_rw" is not ready (status=DEPLOYING)',
    );
  });
});

describe('BridgeService credentials', () => {
  it('saves encrypted, lists sources only, and lets the environment win', async () => {
    const { service, settings } = await setup({ env: { E2B_API_KEY: 'e2b_env_value' } });
    const listed = service.setCredential('E2B_API_KEY', 'e2b_app_value');
    const e2b = listed.credentials.find((c) => c.name === 'E2B_API_KEY');
    expect(e2b).toMatchObject({ source: 'environment', envVar: 'E2B_API_KEY', shadowed: true });
    expect(JSON.stringify(listed)).not.toMatch(/e2b_env_value|e2b_app_value/);
    expect(fs.readFileSync(settings.path, 'utf8')).not.toContain('e2b_app_value');
    expect(listed.storageAvailable).toBe(true);
    const cleared = service.clearCredential('E2B_API_KEY');
    expect(cleared.credentials.find((c) => c.name === 'E2B_API_KEY')?.shadowed).toBe(false);
  });

  it('without encrypted storage, refuses to save and says to use the environment', async () => {
    const { service } = await setup({ cipher: null });
    expect(service.listCredentials().storageAvailable).toBe(false);
    expect(() => service.setCredential('ISLO_API_KEY', 'x')).toThrow(/set CRABBOX_ISLO_API_KEY or ISLO_API_KEY in the environment instead/);
  });
});

describe('browserUrl', () => {
  it('keeps http(s) URLs, adds https to bare hosts, refuses the rest', () => {
    expect(browserUrl('https://a.share.islo.dev/x')).toBe('https://a.share.islo.dev/x');
    expect(browserUrl('web.up.railway.app')).toBe('https://web.up.railway.app');
    expect(browserUrl('javascript:alert(1)')).toBeUndefined();
    expect(browserUrl('file:///etc/passwd')).toBeUndefined();
    expect(browserUrl('')).toBeUndefined();
    expect(browserUrl('not a url')).toBeUndefined();
  });
});
