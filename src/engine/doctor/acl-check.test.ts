import { afterEach, describe, expect, it } from 'vitest';
import { claimSchema, type Claim } from '../claim';
import { doctorPondCheck, pondClaimSummary, renderPondCheckLine, type PondCheckInput } from './acl-check';
import { startPolicyServer, type PolicyServer } from './testing/policy-server';

const TAG = 'tag:cbx-pond-alice-alpha';
const KEY = 'tskey-api-test';
let server: PolicyServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const claim = (data: Record<string, unknown>): Claim => claimSchema.parse({ leaseID: 'cbx_1', slug: 'web', pond: 'alpha', ...data });
const hetzner = claim({ provider: 'hetzner' });

function input(over: Partial<PondCheckInput> = {}): PondCheckInput {
  return {
    pond: 'alpha',
    claims: [hetzner],
    identity: 'alice@example.com',
    env: { TS_API_KEY: KEY, CRABBOX_TS_API_URL: server?.url ?? 'http://127.0.0.1:9' },
    ...over,
  };
}

const present = `{"tagOwners": {"${TAG}": ["autogroup:admin"]}, "grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}]}`;

describe('doctorPondCheck (spec §7.2)', () => {
  it('does not apply without a pond', async () => {
    expect(await doctorPondCheck(input({ pond: ' !! ' }))).toBeNull();
  });

  it('skips without local claims in the pond', async () => {
    for (const claims of [[], null, [claim({ provider: 'hetzner', pond: 'beta' })]]) {
      const check = await doctorPondCheck(input({ claims }));
      expect(check).toMatchObject({
        status: 'skip',
        message: 'pond "alpha": no local lease claims found; create or claim a pond member before checking Tailscale policy',
        details: { pond: 'alpha', tag: TAG, plane: 'tailscale', reason: 'no_pond_claims' },
      });
    }
  });

  it('skips a pond with no Tailscale-capable member, without calling the API', async () => {
    server = await startPolicyServer({ policy: present, apiKey: KEY });
    for (const claims of [[claim({ provider: 'e2b' })], [claim({ provider: 'islo' })]]) {
      const check = await doctorPondCheck(input({ claims, configuredProvider: 'e2b' }));
      expect(check).toMatchObject({
        status: 'skip',
        message: 'pond "alpha": no Tailscale-capable provider found; pond networking unavailable',
        details: { provider: 'e2b', pond: 'alpha', tag: TAG, plane: 'tailscale', reason: 'no_tailscale_capable_provider' },
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('counts Islo members with tailnet metadata (IPv4 or a persisted hostname)', async () => {
    server = await startPolicyServer({ policy: present, apiKey: KEY });
    for (const extra of [{ tailscaleIPv4: '100.64.0.3' }, { tailscaleHostname: 'crabbox-web' }]) {
      const check = await doctorPondCheck(input({ claims: [claim({ provider: 'islo', ...extra })] }));
      expect(check?.status).toBe('ok');
    }
    expect(pondClaimSummary('alpha', [hetzner])).toEqual({ hasClaims: true, hasTailscale: true });
  });

  it('skips when TS_API_KEY is missing', async () => {
    const check = await doctorPondCheck(input({ env: { TS_API_KEY: '  ' } }));
    expect(check).toMatchObject({
      status: 'skip',
      message: 'TS_API_KEY missing; skipped ACL verification',
      details: { pond: 'alpha', tag: TAG, reason: 'ts_api_key_missing' },
    });
  });

  it('is ok when the rows are present', async () => {
    server = await startPolicyServer({ policy: present, apiKey: KEY });
    const check = await doctorPondCheck(input({ env: { TS_API_KEY: KEY, CRABBOX_TS_API_URL: server.url, TS_TAILNET: ' example.com ' } }));
    expect(check).toMatchObject({
      status: 'ok',
      message: `pond "alpha": Tailscale plane auto-managed (${TAG})`,
      details: { pond: 'alpha', tag: TAG, tailnet: 'example.com', mode: 'auto-managed' },
      shape: 'grants',
    });
    expect(server.requests[0]?.path).toBe('/api/v2/tailnet/example.com/acl');
    expect(renderPondCheckLine(check!)).toBe(`ok      pond     pond "alpha": Tailscale plane auto-managed (${TAG})\n`);
  });

  it('fails when the rows are missing, naming the opt-in variable, with the snippet in the policy shape', async () => {
    server = await startPolicyServer({ policy: '{"acls": []}', apiKey: KEY });
    const check = await doctorPondCheck(input());
    expect(check).toMatchObject({
      status: 'failed',
      message: `pond "alpha": tailnet policy row missing for ${TAG}. Set TS_API_KEY plus CRABBOX_POND_ACL_BOOTSTRAP=1 to auto-install, or apply the snippet from docs/features/pond.md`,
      details: { pond: 'alpha', tag: TAG, tailnet: '-', remedy: 'see_docs_features_pond_md' },
      shape: 'acls',
      canBootstrap: true,
    });
    expect(check?.snippet).toContain(`"dst": ["${TAG}:*"]`);
  });

  it('fails as "missing" for a policy it cannot read safely, and says why', async () => {
    server = await startPolicyServer({ policy: '{"tagOwners": {}, "tagOwners": {}}', apiKey: KEY });
    const check = await doctorPondCheck(input());
    expect(check).toMatchObject({ status: 'failed', canBootstrap: false, problem: 'pond acl: duplicate top-level policy field "tagOwners"' });
  });

  it('fails when the lookup fails, without the key in the text', async () => {
    server = await startPolicyServer({ policy: present, apiKey: 'another-key' });
    const check = await doctorPondCheck(input());
    expect(check).toMatchObject({
      status: 'failed',
      message: 'tailscale policy lookup failed: tailscale api 401: API token invalid',
      details: { pond: 'alpha', tag: TAG, tailnet: '-', error: 'tailscale api 401: API token invalid' },
    });
  });

  it('skips a control plane without the policy API, naming its URL', async () => {
    server = await startPolicyServer({ policy: present, status: 404 });
    const check = await doctorPondCheck(input());
    expect(check).toMatchObject({
      status: 'skip',
      message: `pond "alpha": control plane at ${server.url} does not expose a Tailscale-compatible policy API; apply the snippet from docs/features/pond.md (e.g. Headscale: \`headscale policy set --file ./policy.hujson\`)`,
      details: { pond: 'alpha', tag: TAG, tailnet: '-', api_url: server.url, reason: 'control_plane_incompatible' },
    });
    expect(check?.snippet).toContain(TAG);
  });

  it('keeps the key out of the skip however it is spelled, even inside the API URL', async () => {
    server = await startPolicyServer({ policy: present, status: 404 });
    const key = 'tskey-api-a/b+c';
    const apiURL = `${server.url}/via/${encodeURIComponent(key)}`;
    const check = await doctorPondCheck(input({ env: { TS_API_KEY: key, CRABBOX_TS_API_URL: apiURL } }));
    expect(check?.message).toBe(
      `pond "alpha": control plane at ${server.url}/via/[redacted] does not expose a Tailscale-compatible policy API; apply the snippet from docs/features/pond.md (e.g. Headscale: \`headscale policy set --file ./policy.hujson\`)`,
    );
    expect(check?.details.api_url).toBe(`${server.url}/via/[redacted]`);
    expect(server.requests[0]?.path).toBe(`/via/${encodeURIComponent(key)}/api/v2/tailnet/-/acl`);
  });
});
