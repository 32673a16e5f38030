import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload, PeerRow } from '../../contract/index';
import { claimSchema } from '../claim';
import { PondError } from '../../lib/errors';
import { buildMatrix } from './matrix';
import { DoctorService, matrixView, type DoctorServiceDeps } from './service';
import { member, testCheckDeps } from './testing/check-deps';
import { startPolicyServer, type PolicyServer } from './testing/policy-server';

let server: PolicyServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const rows: PeerRow[] = [member('api', { transport: 'pending', note: 'tailnet endpoint not yet recorded for this lease' }).row];
const claims = [claimSchema.parse({ leaseID: 'cbx_api', slug: 'api', pond: 'alpha', provider: 'hetzner' })];

function service(env: Record<string, string>, events: string[] = []): DoctorService {
  const deps: DoctorServiceDeps = {
    env,
    rows: async () => ({ rows, problems: ['islo: 401'] }),
    claims: async () => claims,
    targets: async () => new Map(),
    forwards: () => [],
    identity: async () => 'alice@x',
    checkDeps: () => testCheckDeps(),
    onPlan: (e: EventPayload<'doctor:plan'>) => events.push(`plan ${e.runId} ${e.checks.length}`),
    onCheck: (e: EventPayload<'doctor:check'>) => events.push(`check ${e.runId} ${e.result.id}`),
  };
  return new DoctorService(deps);
}

describe('matrixView', () => {
  it('carries the exact text, marks contradicted cells and names the members as the live checks do', () => {
    const matrix = buildMatrix('p', [member('a', { transport: 'tailnet' }).row, member('b', { transport: 'tailnet' }).row]);
    const view = matrixView(matrix, [{ from: 'tailnet', to: 'tailnet', expected: 'ok', note: 'expected OK, a → b failed: x' }]);
    expect(view).toEqual({
      pond: 'p',
      memberCount: 2,
      breakdown: { tailnet: 2 },
      transports: ['tailnet'],
      cells: [{ from: 'tailnet', to: 'tailnet', state: 'ok', contradiction: 'expected OK, a → b failed: x' }],
      members: [
        { name: 'a', transport: 'tailnet', provider: expect.any(String) },
        { name: 'b', transport: 'tailnet', provider: expect.any(String) },
      ],
      text: 'pond "p": 2 members\n  transport breakdown: tailnet=2\n  reachability:\n    tailnet -> tailnet : OK\n',
    });
  });
});

describe('DoctorService', () => {
  it('emits the plan before the checks and returns the report with provider problems', async () => {
    const events: string[] = [];
    const report = await service({}, events).run({ pond: 'Alpha', live: true, runId: 'r' }, new AbortController().signal);
    expect(events).toEqual(['plan r 1', 'check r missing-endpoint:api']);
    expect(report).toMatchObject({ runId: 'r', pond: 'alpha', ok: true, problems: ['islo: 401'], acl: { status: 'skip' } });
    expect(report.live).toHaveLength(1);
  });

  it('makes up a run ID and plans nothing without --live', async () => {
    const events: string[] = [];
    const report = await service({}, events).run({ pond: 'alpha' }, new AbortController().signal);
    expect(report.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.live).toBeNull();
    expect(events).toEqual([`plan ${report.runId} 0`]);
  });

  it('turns a policy it cannot edit into INVALID_INPUT with the rows to paste', async () => {
    server = await startPolicyServer({ policy: '{"acls": null}' });
    const error = await service({ TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: server.url })
      .aclPreview('alpha', new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PondError);
    expect((error as PondError).code).toBe('INVALID_INPUT');
    expect((error as Error).message).toContain('pond acl: acls must be an array Add these rows by hand instead:\n"tagOwners"');
  });

  it('maps an unavailable control plane to UNAVAILABLE', async () => {
    server = await startPolicyServer({ policy: '{}', status: 501 });
    const error = await service({ TS_API_KEY: 'tskey-api-test', CRABBOX_TS_API_URL: server.url })
      .bootstrapAcl({ pond: 'alpha', expectedEtag: '"x"' }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect((error as PondError).code).toBe('UNAVAILABLE');
  });
});
