import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimText } from '../engine/testing/claims-fixtures';
import { startPolicyServer } from '../engine/doctor/testing/policy-server';
import { closedPort } from '../engine/mesh/testing/services';
import { claimsDir } from '../lib/paths';
import { createTestEngine } from './testing/test-engine';

const TAG = 'tag:cbx-pond-alice-demo';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(env: Record<string, string> = {}) {
  const policy = await startPolicyServer({ policy: '{\n  "acls": [],\n}\n' });
  const dead = await closedPort();
  const t = createTestEngine({
    env: { PATH: process.env.PATH, CRABBOX_OWNER: 'alice@example.com', TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: policy.url, ...env },
    transport: 'ipc',
  });
  cleanups.push(() => policy.stop(), () => t.dispose());
  const dir = claimsDir(t.engine.deps.pathEnv);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cbx_db.json'), claimText({ leaseID: 'cbx_db', slug: 'db', provider: 'aws', pond: 'demo', sshHost: '127.0.0.1', sshPort: dead }));
  fs.writeFileSync(path.join(dir, 'cbx_api.json'), claimText({ leaseID: 'cbx_api', slug: 'api', provider: 'hetzner', pond: 'demo' }));
  await t.engine.start();
  t.events.length = 0;
  return { call: t.call, policy, events: t.events, dead };
}

describe('doctor handlers', () => {
  it('runs the doctor, streaming the plan and each check with the caller’s run ID', async () => {
    const { call, events, dead } = await setup();
    const answer = await call('doctor:run', { pond: 'demo', live: true, runId: 'run-1' });
    expect('result' in answer).toBe(true);
    const report = (answer as { result: { runId: string; ok: boolean; matrix: { text: string; cells: { from: string; to: string; contradiction?: string }[] }; acl: { status: string; canBootstrap: boolean }; live: { id: string; status: string }[] } }).result;
    expect(report.runId).toBe('run-1');
    expect(report.ok).toBe(false);
    expect(report.matrix.text).toBe(
      'pond "demo": 2 members\n  transport breakdown: pending=1 ssh=1\n  reachability:\n' +
        '    ssh     -> ssh     : WARN (requires operator-side bridge \u2014 peers do not share a mesh)\n' +
        '    ssh     -> pending : NO (destination has no published endpoint)\n' +
        '    pending -> ssh     : NO (endpoint not yet discovered)\n' +
        '    pending -> pending : NO (endpoint not yet discovered)\n',
    );
    expect(report.acl).toMatchObject({ status: 'failed', canBootstrap: true });
    expect(report.live.map((r) => [r.id, r.status])).toEqual([
      ['missing-endpoint:api', 'warn'],
      ['ssh-handshake:db', 'fail'],
    ]);
    const doctorEvents = events.filter((e) => e.event.startsWith('doctor:'));
    expect(doctorEvents[0]).toMatchObject({ event: 'doctor:plan', payload: { runId: 'run-1', pond: 'demo', checks: [{ id: 'missing-endpoint:api' }, { id: 'ssh-handshake:db' }] } });
    const checks = doctorEvents.filter((e) => e.event === 'doctor:check').map((e) => e.payload as { runId: string; result: { id: string; summary: string } });
    expect(checks.map((c) => c.runId)).toEqual(['run-1', 'run-1']);
    expect(checks.find((c) => c.result.id === 'ssh-handshake:db')?.result.summary).toBe(`cannot connect to db: 127.0.0.1:${dead}: connection refused`);
  });

  it('previews the policy fix, applies exactly the reviewed version, and reports the check afterwards', async () => {
    const { call, policy } = await setup();
    const preview = (await call('doctor:aclPreview', { pond: 'demo' })) as { result: { etag: string; diff: string; tag: string; shape: string } };
    expect(preview.result).toMatchObject({ tag: TAG, etag: policy.etag, shape: 'acls', alreadyPresent: false });
    expect(preview.result.diff).toContain(`+  "tagOwners": {"${TAG}":["autogroup:admin"]},`);
    expect(policy.posts).toHaveLength(0);

    const stale = await call('doctor:bootstrapAcl', { pond: 'demo', expectedEtag: '"not-it"' });
    expect(stale).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(policy.posts).toHaveLength(0);

    const applied = await call('doctor:bootstrapAcl', { pond: 'demo', expectedEtag: preview.result.etag });
    expect(applied).toMatchObject({ result: { outcome: 'updated', tag: TAG, acl: { status: 'ok' } } });
    expect(policy.posts).toHaveLength(1);
  });

  it('says what to do without TS_API_KEY, and refuses bad input', async () => {
    const { call } = await setup({ TS_API_KEY: '' });
    const preview = await call('doctor:aclPreview', { pond: 'demo' });
    expect(preview).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringContaining('TS_API_KEY is not set') as unknown } });
    expect(await call('doctor:run', { pond: '' })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(await call('doctor:run', { pond: '!!' })).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'pond name "!!" has no letter or digit, so it names no pond' } });
    expect(await call('doctor:aclPreview', { pond: ' ' })).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'pond name " " has no letter or digit, so it names no pond' } });
  });
});
