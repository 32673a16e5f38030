import { describe, expect, it } from 'vitest';
import type { DoctorCheckResultShape, DoctorReportShape, MatrixShape, PondCheckShape } from '../../../contract/index';
import { applyCheck, applyPlan, applyReport, canFix, checkView, contradictions, diffLineKind, memberGrid, memberGroups, newRun, pairWords, policyView, progress, verdict } from './doctor-view';

const matrix: MatrixShape = {
  pond: 'p',
  memberCount: 3,
  breakdown: { tailnet: 1, ssh: 2 },
  transports: ['tailnet', 'ssh'],
  cells: [
    { from: 'tailnet', to: 'tailnet', state: 'ok' },
    { from: 'tailnet', to: 'ssh', state: 'warn', note: 'requires operator-side bridge — see SSH-mesh DRAFT PR' },
    { from: 'ssh', to: 'tailnet', state: 'warn', note: 'requires operator-side bridge' },
    { from: 'ssh', to: 'ssh', state: 'warn', note: 'requires operator-side bridge — peers do not share a mesh' },
  ],
  members: [
    { name: 'db', transport: 'ssh', provider: 'aws' },
    { name: 'ts', transport: 'tailnet', provider: 'hetzner' },
    { name: 'web', transport: 'ssh', provider: 'aws' },
  ],
  text: '',
};
const planned = [
  { id: 'tailnet-reach:ts', check: 'tailnet-reach', title: 'tailnet reachability', member: 'ts', transport: 'tailnet' as const },
  { id: 'ssh-handshake:db', check: 'ssh-handshake', title: 'SSH handshake', member: 'db', transport: 'ssh' as const },
  { id: 'ssh-handshake:web', check: 'ssh-handshake', title: 'SSH handshake', member: 'web', transport: 'ssh' as const },
  { id: 'forward-probe:web', check: 'forward-probe', title: 'forward channel', member: 'web', transport: 'ssh' as const },
];
const result = (id: string, status: DoctorCheckResultShape['status'], more: Partial<DoctorCheckResultShape> = {}): DoctorCheckResultShape => ({
  ...planned.find((p) => p.id === id)!,
  status,
  summary: `${id} ${status}`,
  fixes: ['the CLI’s advice'],
  durationMs: 1,
  ...more,
});
const live = [
  result('tailnet-reach:ts', 'ok'),
  result('ssh-handshake:db', 'fail', { reason: 'connection refused' }),
  result('ssh-handshake:web', 'ok'),
  result('forward-probe:web', 'fail', { reason: 'the member closed the channel to port 8080 at once (is anything listening there?)', appFixes: ['Start the service on web.'] }),
];
const report = (over: Partial<DoctorReportShape> = {}): DoctorReportShape => ({ runId: 'r1', pond: 'p', ok: false, matrix, acl: null, live, problems: [], ...over });

function finished(): ReturnType<typeof newRun> {
  let state = newRun('r1', true);
  state = applyPlan(state, { runId: 'r1', pond: 'p', matrix, checks: planned });
  return applyReport(state, report());
}

describe('a streamed run', () => {
  it('fills in as the plan and results arrive, ignoring other runs', () => {
    let state = newRun('r1', true);
    state = applyPlan(state, { runId: 'other', pond: 'p', matrix, checks: [] });
    expect(state.planned).toEqual([]);
    state = applyPlan(state, { runId: 'r1', pond: 'p', matrix, checks: planned });
    expect(verdict(state)).toBe('Checking… 0 of 4 checks done');
    state = applyCheck(state, { runId: 'r1', result: live[1]! });
    state = applyCheck(state, { runId: 'r2', result: live[0]! });
    expect(progress(state)).toEqual({ done: 1, total: 4 });
    state = applyReport(state, report());
    expect(progress(state)).toEqual({ done: 4, total: 4 });
    expect(applyReport(state, report({ runId: 'old' }))).toBe(state);
  });

  it('takes the checks from the report when no plan event came', () => {
    const state = applyReport(newRun('r1', true), report({ ok: true, live: [live[0]!] }));
    expect(state.planned.map((p) => p.id)).toEqual(['tailnet-reach:ts']);
    expect(verdict(state)).toBe('No problems found: every member that could be checked answered.');
  });
});

describe('reachability member by member', () => {
  it('groups members by transport in the matrix’s order', () => {
    expect(memberGroups(matrix)).toEqual([
      { transport: 'tailnet', label: 'Tailnet', members: ['ts'] },
      { transport: 'ssh', label: 'SSH', members: ['db', 'web'] },
    ]);
  });

  it('lays the destination’s reachability checks over the matrix, never a closed service port', () => {
    const rows = memberGrid(finished());
    expect(rows.map((r) => r.member)).toEqual(['ts', 'db', 'web']);
    const web = rows.find((r) => r.member === 'web')!;
    expect(web.cells).toEqual([
      { to: 'ts', state: 'warn', live: 'passed' },
      { to: 'db', state: 'warn', live: 'failed' },
      { to: 'web', state: 'self' },
    ]);
    // web's service port is closed, but web itself answered: others still reach it.
    expect(rows.find((r) => r.member === 'db')!.cells.find((c) => c.to === 'web')).toEqual({ to: 'web', state: 'warn', live: 'passed' });
    expect(memberGrid(newRun('x', false))).toEqual([]);
  });

  it('says a contradiction in one short line, with the check on demand', () => {
    const found = contradictions(finished());
    expect(found.map((c) => c.line)).toEqual(['2 members should reach db, but its SSH handshake failed: connection refused.']);
    expect(found[0]?.result.id).toBe('ssh-handshake:db');
  });

  it('explains each pair of transports without crabbox’s notes', () => {
    expect(pairWords('tailnet', 'ssh', 'warn')).toBe('only through a bridge you run');
    expect(pairWords('ssh', 'ssh', 'warn')).toBe('SSH members share no network; only through a bridge you run');
    expect(pairWords('ssh', 'url', 'ok')).toBe('over HTTPS, to its public URL');
    expect(pairWords('url', 'tailnet', 'no')).toBe('tailnet members have no public address');
    expect(pairWords('pending', 'ssh', 'no')).toBe('its address is not known yet');
    for (const from of ['tailnet', 'url', 'ssh', 'pending', 'none'] as const) {
      for (const to of ['tailnet', 'url', 'ssh', 'pending', 'none'] as const) expect(pairWords(from, to, 'warn')).not.toMatch(/DRAFT|PR|operator-side/);
    }
  });
});

describe('checks and verdict', () => {
  it('shows a closed service port as that, with the window’s advice', () => {
    const view = checkView(planned[3]!, live[3]);
    expect(view).toMatchObject({ label: 'service port closed', tone: 'warn', fixes: ['Start the service on web.'] });
    expect(checkView(planned[1]!, live[1])).toMatchObject({ label: 'failed', tone: 'bad', fixes: ['the CLI’s advice'] });
    expect(checkView(planned[0]!, undefined)).toMatchObject({ label: 'checking…', tone: 'pending' });
  });

  it('tells unreachable members from closed ports and a missing policy', () => {
    expect(verdict(finished())).toBe('Found: 1 member could not be reached; 1 member has a service port with nothing listening.');
    const acl: PondCheckShape = { status: 'failed', message: 'm', details: { tailnet: '-' }, tag: 'tag:t', canBootstrap: true };
    const state = applyReport(newRun('r1', false), report({ acl, live: null }));
    expect(verdict(state)).toBe('Found: the tailnet policy is missing the pond’s rows.');
    const fixed = { ...state, report: { ...state.report!, acl: { ...acl, status: 'ok' as const } } };
    expect(verdict(fixed)).toBe('No problems found in the policy check. Check every member now tests each one from here.');
  });
});

describe('the tailnet policy in the window’s words', () => {
  const acl = (over: Partial<PondCheckShape>): PondCheckShape => ({ status: 'failed', message: 'crabbox', details: {}, tag: 'tag:cbx-pond-a-demo', canBootstrap: false, ...over });

  it('names the Fix button where there is one, never environment variables or docs', () => {
    const missing = policyView(acl({ canBootstrap: true, snippet: 'rows' }));
    expect(missing).toEqual({
      tone: 'bad',
      text: 'The tailnet policy has no rows for tag:cbx-pond-a-demo, so members on the tailnet cannot reach each other. Fix it… shows the change before anything is written.',
      pasteRows: true,
    });
    expect(missing.text).not.toMatch(/TS_API_KEY|CRABBOX_|docs\//);
    expect(policyView(acl({ problem: 'the policy has no grants or acls section' })).text).toContain('It cannot be changed automatically: the policy has no grants or acls section. Add the rows below by hand.');
    expect(policyView(acl({ details: { error: 'HTTP 403' } }))).toMatchObject({ tone: 'bad', text: 'The tailnet policy could not be read: HTTP 403.' });
    expect(canFix(acl({ canBootstrap: true }))).toBe(true);
    expect(canFix(acl({ status: 'skip', canBootstrap: true }))).toBe(false);
  });

  it('explains every skip', () => {
    expect(policyView(acl({ status: 'ok' })).tone).toBe('ok');
    expect(policyView(acl({ status: 'skip', details: { reason: 'no_pond_claims' } })).text).toMatch(/^No crabbox member of this pond/);
    expect(policyView(acl({ status: 'skip', details: { reason: 'no_tailscale_capable_provider' } })).pasteRows).toBe(false);
    expect(policyView(acl({ status: 'skip', details: { reason: 'ts_api_key_missing' } }))).toMatchObject({ tone: 'neutral', pasteRows: true });
    expect(policyView(acl({ status: 'skip', details: { reason: 'control_plane_incompatible', api_url: 'https://hs.example' } })).text).toContain('https://hs.example');
  });

  it('colours diff lines by kind', () => {
    expect(['--- a', '+++ b', '@@ -1 +1 @@', '+x', '-y', ' z'].map(diffLineKind)).toEqual(['header', 'header', 'hunk', 'add', 'remove', 'context']);
  });
});
