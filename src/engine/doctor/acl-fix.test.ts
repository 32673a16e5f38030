import { afterEach, describe, expect, it } from 'vitest';
import { claimSchema } from '../claim';
import { doctorPondCheck, type PondCheck } from './acl-check';
import { bootstrapFromEnv, consentFromEnv, policyTarget } from './acl-fix';
import { runDoctor } from './doctor';
import { testCheckDeps } from './testing/check-deps';
import { startPolicyServer, type PolicyServer } from './testing/policy-server';

const TAG = 'tag:cbx-pond-alice-alpha';
let server: PolicyServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const claims = [claimSchema.parse({ leaseID: 'cbx_1', slug: 'web', pond: 'alpha', provider: 'hetzner' })];
const envFor = (s: PolicyServer, extra: Record<string, string> = {}) => ({ TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: s.url, ...extra });
const check = (env: Record<string, string>) => doctorPondCheck({ pond: 'alpha', claims, identity: 'alice@x', env }) as Promise<PondCheck>;

describe('policyTarget / consentFromEnv', () => {
  it('needs TS_API_KEY, and only a truthy CRABBOX_POND_ACL_BOOTSTRAP is consent', () => {
    expect(policyTarget({})).toBeNull();
    expect(policyTarget({ TS_API_KEY: ' k ', TS_TAILNET: 't' })).toEqual({ apiKey: 'k', apiURL: 'https://api.tailscale.com', tailnet: 't' });
    expect(consentFromEnv({ CRABBOX_POND_ACL_BOOTSTRAP: ' Yes ' })).toBe(true);
    expect(consentFromEnv({ CRABBOX_POND_ACL_BOOTSTRAP: '0' })).toBe(false);
    expect(consentFromEnv({ TS_API_KEY: 'k' })).toBe(false);
  });
});

describe('bootstrapFromEnv', () => {
  it('only shows the change when TS_API_KEY is set without consent', async () => {
    server = await startPolicyServer({ policy: '{"grants": []}' });
    const env = envFor(server);
    const outcome = await bootstrapFromEnv(await check(env), env);
    expect(outcome?.state).toBe('offered');
    expect(outcome?.state === 'offered' && outcome.diff).toContain(`+{"grants": [{"src":["${TAG}"]`);
    expect(server.posts).toHaveLength(0);
  });

  it('installs the rows with consent', async () => {
    server = await startPolicyServer({ policy: '{"grants": []}' });
    const env = envFor(server, { CRABBOX_POND_ACL_BOOTSTRAP: '1' });
    const outcome = await bootstrapFromEnv(await check(env), env);
    expect(outcome).toMatchObject({ state: 'applied', tag: TAG, attempts: 1 });
    expect((await check(env)).status).toBe('ok');
  });

  it('does nothing when the rows are present or the policy could not be read', async () => {
    server = await startPolicyServer({ policy: '{"tagOwners": {}, "tagOwners": {}}' });
    const env = envFor(server, { CRABBOX_POND_ACL_BOOTSTRAP: '1' });
    expect(await bootstrapFromEnv(await check(env), env)).toBeUndefined();
    expect(await bootstrapFromEnv(null, env)).toBeUndefined();
    expect(server.posts).toHaveLength(0);
  });

  it('reports a failed install', async () => {
    server = await startPolicyServer({ policy: '{"grants": []}', afterGet: (s) => (s.policy = `{"grants": [], "n": ${s.requests.length}}`) });
    const env = envFor(server, { CRABBOX_POND_ACL_BOOTSTRAP: 'on' });
    const outcome = await bootstrapFromEnv(await check(env), env);
    expect(outcome).toMatchObject({ state: 'failed', message: expect.stringContaining('ETag race persisted after 2 attempts') as unknown });
  });
});

describe('runDoctor with bootstrapFromEnv', () => {
  it('installs the rows and reports the refreshed check', async () => {
    server = await startPolicyServer({ policy: '{\n  "acls": [],\n}\n' });
    const report = await runDoctor(
      { pond: 'alpha', rows: [], claims, live: false },
      { env: envFor(server, { CRABBOX_POND_ACL_BOOTSTRAP: '1' }), identity: async () => 'alice@x', checkDeps: testCheckDeps(), bootstrapFromEnv: true },
    );
    expect(report.bootstrap).toMatchObject({ state: 'applied', tag: TAG });
    expect(report.acl?.status).toBe('ok');
    expect(report.ok).toBe(true);
  });
});
