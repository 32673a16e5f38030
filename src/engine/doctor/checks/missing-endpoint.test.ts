import { describe, expect, it } from 'vitest';
import { claimSchema } from '../../claim';
import { basePeerRow } from '../../rows';
import { testCheckDeps } from '../testing/check-deps';
import { missingEndpoint } from './missing-endpoint';

const rowFor = (data: Record<string, unknown>) => basePeerRow(claimSchema.parse({ leaseID: 'cbx_1', slug: 'm', pond: 'alpha', ...data }));
const run = (row: ReturnType<typeof rowFor>) =>
  missingEndpoint.run({ pond: 'alpha', member: { name: 'm', row, forwards: [] }, deps: testCheckDeps() }, new AbortController().signal);

describe('pending and none members', () => {
  it('applies only to pending and none rows', () => {
    const deps = testCheckDeps();
    expect(missingEndpoint.applies({ pond: 'alpha', member: { name: 'm', row: rowFor({ provider: 'aws' }), forwards: [] }, deps })).toBe(true);
    expect(missingEndpoint.applies({ pond: 'alpha', member: { name: 'm', row: rowFor({ provider: 'hetzner', tailscaleIPv4: '100.64.0.1' }), forwards: [] }, deps })).toBe(false);
  });

  it('explains a tailnet member without an address', async () => {
    const result = await run(rowFor({ provider: 'hetzner' }));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('m: tailnet endpoint not yet recorded for this lease');
    expect(result.fixes.join(' ')).toContain('CRABBOX_TAILSCALE_AUTH_KEY');
  });

  it('explains an SSH member without a host or port', async () => {
    expect(await run(rowFor({ provider: 'aws' }))).toMatchObject({ status: 'warn', summary: 'm: ssh endpoint not yet recorded for this lease' });
    expect(await run(rowFor({ provider: 'aws', sshHost: '1.2.3.4' }))).toMatchObject({ summary: 'm: ssh port not yet recorded for this lease' });
  });

  it('skips members whose provider owns connectivity', async () => {
    expect(await run(rowFor({ provider: 'blacksmith' }))).toMatchObject({ status: 'skip', summary: 'm: blacksmith owns connectivity' });
    expect(await run(rowFor({ provider: 'modal' }))).toMatchObject({ status: 'skip', summary: 'm: no advertised pond transport for provider modal' });
  });

  it('fails a member whose bridge lookup failed', async () => {
    const row = { ...rowFor({ provider: 'islo' }), transport: 'none' as const, bridgeState: 'error' as const, note: 'bridge lookup failed for provider islo: 401' };
    expect(await run(row)).toMatchObject({
      status: 'fail',
      reason: 'bridge lookup failed for provider islo: 401',
      appFixes: ['Check the islo credentials in Settings and that the sandbox still exists, then choose Check every member now again.'],
    });
  });
});
