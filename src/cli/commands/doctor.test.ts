import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClaimAtomic } from '../../engine/testing/claims-fixtures';
import { startPolicyServer, type PolicyServer } from '../../engine/doctor/testing/policy-server';
import { closedPort } from '../../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../../engine/mesh/testing/sshd';
import { run } from '../main';
import { testIO } from '../testing/test-io';

const TAG = 'tag:cbx-pond-alice-alpha';
let sshd: Sshd;
let deadPort = 0;
const POLICY = '// team\n{\n  "grants": [],\n}\n';
let sshdDir: string;

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-doctor-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  deadPort = await closedPort();
});
afterAll(async () => {
  await sshd?.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

/** Runs `body` against a fresh policy server holding POLICY. */
async function withPolicy(body: (policy: PolicyServer) => Promise<void>): Promise<void> {
  const server = await startPolicyServer({ policy: POLICY });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

function ioWith(claims: Array<{ leaseID: string } & Record<string, unknown>>, env: Record<string, string> = {}) {
  const io = testIO({ env: { CRABBOX_OWNER: 'alice@example.com', ...env } });
  const dir = path.join(io.env.XDG_STATE_HOME ?? '', 'crabbox', 'claims');
  for (const claim of claims) writeClaimAtomic(dir, { pond: 'alpha', ...claim });
  return io;
}

const tailnet = { leaseID: 'cbx_api', slug: 'api', provider: 'hetzner', tailscaleIPv4: '100.64.0.2' };
const ssh = (port: number) => ({ leaseID: 'cbx_db', slug: 'db', provider: 'aws', sshHost: '127.0.0.1', sshPort: port });

describe('pond doctor', () => {
  it('prints the breakdown and matrix exactly, then the policy check; exit 0 when nothing failed', async () => {
    const io = ioWith([tailnet, ssh(22), { leaseID: 'cbx_other', slug: 'x', provider: 'aws', pond: 'beta' }]);
    expect(await run(['doctor', 'Alpha'], io)).toBe(0);
    expect(io.stdout()).toBe(
      'pond "alpha": 2 members\n' +
        '  transport breakdown: ssh=1 tailnet=1\n' +
        '  reachability:\n' +
        '    tailnet -> tailnet : OK\n' +
        '    tailnet -> ssh     : WARN (requires operator-side bridge \u2014 see SSH-mesh DRAFT PR)\n' +
        '    ssh     -> tailnet : WARN (requires operator-side bridge)\n' +
        '    ssh     -> ssh     : WARN (requires operator-side bridge \u2014 peers do not share a mesh)\n' +
        '\ntailnet policy:\n' +
        'skip    pond     TS_API_KEY missing; skipped ACL verification\n' +
        `  rows to add by hand (${TAG}):\n` +
        '    "tagOwners": {\n' +
        `      "${TAG}": ["autogroup:admin"],\n` +
        '    },\n' +
        '    "grants": [\n' +
        `      {"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]},\n` +
        '    ],\n' +
        '\nno problems found\n',
    );
  });

  it('needs a pond name', async () => {
    const io = ioWith([]);
    expect(await run(['doctor'], io)).toBe(2);
    expect(io.stderr()).toContain('usage: pond doctor <name>');
  });

  it('fails when the policy rows are missing and shows the change consent would make, without making it', () =>
    withPolicy(async (policy) => {
      const io = ioWith([tailnet], { TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: policy.url });
      expect(await run(['doctor', 'alpha'], io)).toBe(1);
      const out = io.stdout();
      expect(out).toContain(`failed  pond     pond "alpha": tailnet policy row missing for ${TAG}.`);
      expect(out).toContain('with CRABBOX_POND_ACL_BOOTSTRAP=1 (and this TS_API_KEY) `pond doctor` makes this change');
      expect(out).toContain(`    -  "grants": [],\n    +  "grants": [{"src":["${TAG}"],"dst":["${TAG}"],"ip":["*"]}],\n`);
      expect(out.endsWith('\ndoctor found problems\n')).toBe(true);
      expect(policy.posts).toHaveLength(0);
    }));

  it('installs the rows with CRABBOX_POND_ACL_BOOTSTRAP=1 and then passes', () =>
    withPolicy(async (policy) => {
      const io = ioWith([tailnet], { TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: policy.url, CRABBOX_POND_ACL_BOOTSTRAP: '1' });
      expect(await run(['doctor', 'alpha', '--json'], io)).toBe(0);
      const json = JSON.parse(io.stdout()) as { ok: boolean; checks: { status: string }[]; bootstrap: { state: string; diff: string } };
      expect(json.ok).toBe(true);
      expect(json.checks[0]?.status).toBe('ok');
      expect(json.bootstrap.state).toBe('applied');
      expect(policy.posts).toHaveLength(1);
      const grant = `{"src":["${TAG}"],"dst":["${TAG}"],"ip":["*"]}`;
      expect(policy.policy).toBe(`// team\n{\n  "grants": [${grant}],\n  "tagOwners": {"${TAG}":["autogroup:admin"]},\n}\n`);
    }));

  it('checks members live: a real sshd passes, a closed port fails and contradicts the matrix', async () => {
    const io = ioWith([{ ...ssh(sshd.port) }, { leaseID: 'cbx_web', slug: 'web', provider: 'runpod', sshHost: '127.0.0.1', sshPort: deadPort }]);
    expect(await run(['doctor', '--live', 'alpha'], io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(new RegExp(`  ok    db · SSH handshake: SSH handshake with 127\\.0\\.0\\.1:${sshd.port} ok \\(OpenSSH`));
    expect(out).toContain(`  fail  web · SSH handshake: cannot connect to web: 127.0.0.1:${deadPort}: connection refused\n`);
    expect(out).toContain('  contradicted by live checks:\n    ssh     -> ssh     : expected WARN, db → web failed: connection refused\n');
  });
});
