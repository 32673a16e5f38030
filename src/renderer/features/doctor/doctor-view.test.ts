import { describe, expect, it } from 'vitest';
import type { DoctorCheckResultShape, DoctorReportShape, MatrixShape } from '../../../contract/index';
import { applyCheck, applyPlan, applyReport, badgeClass, breakdownText, canFix, checkRows, diffLineKind, grid, newRun, progress, verdict } from './doctor-view';

const matrix: MatrixShape = {
  pond: 'p',
  memberCount: 2,
  breakdown: { tailnet: 1, url: 1 },
  transports: ['tailnet', 'url'],
  cells: [
    { from: 'tailnet', to: 'tailnet', state: 'ok' },
    { from: 'tailnet', to: 'url', state: 'ok', note: 'via outbound HTTPS', contradiction: 'expected OK, api → web failed: connection refused' },
    { from: 'url', to: 'tailnet', state: 'no', note: 'no public endpoint on tailnet members' },
    { from: 'url', to: 'url', state: 'ok' },
  ],
  text: '',
};
const planned = [
  { id: 'tailnet-reach:api', check: 'tailnet-reach', title: 'tailnet reachability', member: 'api', transport: 'tailnet' as const },
  { id: 'url-head:web', check: 'url-head', title: 'HTTPS HEAD', member: 'web', transport: 'url' as const },
];
const result = (id: string, status: DoctorCheckResultShape['status']): DoctorCheckResultShape => ({
  ...planned.find((p) => p.id === id)!,
  status,
  summary: `${id} ${status}`,
  fixes: [],
  durationMs: 1,
});

describe('a streamed run', () => {
  it('fills in as the plan and results arrive, ignoring other runs', () => {
    let state = newRun('r1', true);
    state = applyPlan(state, { runId: 'other', pond: 'p', matrix, checks: [] });
    expect(state.planned).toEqual([]);
    state = applyPlan(state, { runId: 'r1', pond: 'p', matrix, checks: planned });
    expect(checkRows(state).map((r) => [r.id, r.result?.status])).toEqual([
      ['tailnet-reach:api', undefined],
      ['url-head:web', undefined],
    ]);
    expect(verdict(state)).toBe('Checking… 0 of 2 checks done');
    state = applyCheck(state, { runId: 'r1', result: result('url-head:web', 'fail') });
    state = applyCheck(state, { runId: 'r2', result: result('tailnet-reach:api', 'ok') });
    expect(progress(state)).toEqual({ done: 1, total: 2 });
    const report: DoctorReportShape = { runId: 'r1', pond: 'p', ok: false, matrix, acl: null, live: [result('tailnet-reach:api', 'ok'), result('url-head:web', 'fail')], problems: [] };
    state = applyReport(state, report);
    expect(progress(state)).toEqual({ done: 2, total: 2 });
    expect(verdict(state)).toBe('Problems found: 1 live check failed.');
    expect(applyReport(state, { ...report, runId: 'old' })).toBe(state);
  });

  it('takes the checks from the report when no plan event came', () => {
    const report: DoctorReportShape = { runId: 'r', pond: 'p', ok: true, matrix, acl: null, live: [result('url-head:web', 'ok')], problems: [] };
    const state = applyReport(newRun('r', true), report);
    expect(checkRows(state).map((r) => r.result?.status)).toEqual(['ok']);
    expect(verdict(state)).toBe('No problems found: every live check passed or had nothing to check.');
  });

  it('names a failed policy check', () => {
    const acl = { status: 'failed' as const, message: 'm', details: {}, tag: 't', canBootstrap: true };
    const state = applyReport(newRun('r', false), { runId: 'r', pond: 'p', ok: false, matrix, acl, live: null, problems: [] });
    expect(verdict(state)).toBe('Problems found: the tailnet policy check failed.');
    const fixed = { ...state, report: { ...state.report!, acl: { ...acl, status: 'ok' as const } } };
    expect(verdict(fixed)).toBe('No problems found in the policy check. Run the live checks to test each member.');
    expect(canFix(acl)).toBe(true);
    expect(canFix({ ...acl, canBootstrap: false })).toBe(false);
    expect(canFix({ ...acl, status: 'skip' })).toBe(false);
  });
});

describe('the matrix grid', () => {
  it('lays cells out as rows of columns in transport order', () => {
    const rows = grid(matrix);
    expect(rows.map((r) => [r.from, r.cells.map((c) => `${c.to}:${c.state}`)])).toEqual([
      ['tailnet', ['tailnet:ok', 'url:ok']],
      ['url', ['tailnet:no', 'url:ok']],
    ]);
    expect(rows[0]?.cells[1]?.contradiction).toContain('api → web');
    expect(breakdownText(matrix)).toBe('tailnet 1 · url 1');
    expect(breakdownText({ ...matrix, breakdown: {} })).toBe('no members');
  });

  it('maps states to badge classes and diff lines to kinds', () => {
    expect([badgeClass('ok'), badgeClass('warn'), badgeClass('no'), badgeClass('fail'), badgeClass('failed'), badgeClass('skip')]).toEqual(['ok', 'warn', 'bad', 'bad', 'bad', 'stopped']);
    expect(['--- a', '+++ b', '@@ -1 +1 @@', '+x', '-y', ' z'].map(diffLineKind)).toEqual(['header', 'header', 'hunk', 'add', 'remove', 'context']);
  });
});
