/**
 * The doctor panel's state, kept apart from React so it is tested in plain Node: a run's
 * plan and results as they stream in, the matrix as a grid, and the words shown.
 */
import type { DoctorCheckResultShape, DoctorReportShape, EventPayload, MatrixShape, PondCheckShape } from '../../../contract/index';

type Planned = EventPayload<'doctor:plan'>['checks'][number];

export interface RunState {
  runId: string;
  live: boolean;
  matrix?: MatrixShape;
  planned: Planned[];
  results: Record<string, DoctorCheckResultShape>;
  report?: DoctorReportShape;
}

export function newRun(runId: string, live: boolean): RunState {
  return { runId, live, planned: [], results: {} };
}

export function applyPlan(state: RunState, event: EventPayload<'doctor:plan'>): RunState {
  if (event.runId !== state.runId) return state;
  return { ...state, matrix: state.report?.matrix ?? event.matrix, planned: event.checks };
}

export function applyCheck(state: RunState, event: EventPayload<'doctor:check'>): RunState {
  if (event.runId !== state.runId) return state;
  return { ...state, results: { ...state.results, [event.result.id]: event.result } };
}

export function applyReport(state: RunState, report: DoctorReportShape): RunState {
  if (report.runId !== state.runId) return state;
  const results = { ...state.results };
  for (const result of report.live ?? []) results[result.id] = result;
  const planned = state.planned.length > 0 ? state.planned : (report.live ?? []);
  return { ...state, matrix: report.matrix, planned, results, report };
}

export interface CheckRow {
  id: string;
  member: string;
  title: string;
  result?: DoctorCheckResultShape;
}

/** One row per planned check; a row without a result is still running. */
export function checkRows(state: RunState): CheckRow[] {
  return state.planned.map((p) => ({ id: p.id, member: p.member, title: p.title, result: state.results[p.id] }));
}

export function progress(state: RunState): { done: number; total: number } {
  return { done: state.planned.filter((p) => state.results[p.id]).length, total: state.planned.length };
}

export type Cell = MatrixShape['cells'][number];

/** The matrix as rows (from) of columns (to), in the order the transports are listed. */
export function grid(matrix: MatrixShape): Array<{ from: string; cells: Cell[] }> {
  return matrix.transports.map((from) => ({
    from,
    cells: matrix.transports.map((to) => matrix.cells.find((c) => c.from === from && c.to === to)).filter((c): c is Cell => c !== undefined),
  }));
}

export const CELL_WORDS: Record<Cell['state'], string> = { ok: 'OK', warn: 'WARN', no: 'NO' };

/** The badge class for a status (styles.css: ok, warn, bad, stopped). */
export function badgeClass(status: DoctorCheckResultShape['status'] | PondCheckShape['status'] | Cell['state']): string {
  switch (status) {
    case 'ok':
      return 'ok';
    case 'warn':
      return 'warn';
    case 'skip':
      return 'stopped';
    default:
      return 'bad';
  }
}

export function breakdownText(matrix: MatrixShape): string {
  const parts = Object.entries(matrix.breakdown)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([t, n]) => `${t} ${n}`);
  return parts.length > 0 ? parts.join(' · ') : 'no members';
}

/** "Fix it" is offered only when the rows are missing from a policy that could be read. */
export function canFix(acl: PondCheckShape | null | undefined): boolean {
  return acl?.status === 'failed' && acl.canBootstrap;
}

/** A diff line's kind, for colouring. */
export function diffLineKind(line: string): 'add' | 'remove' | 'hunk' | 'header' | 'context' {
  if (line.startsWith('+++') || line.startsWith('---')) return 'header';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'remove';
  return 'context';
}

/** What the run found, in one sentence. */
export function verdict(state: RunState): string {
  const report = state.report;
  if (!report) {
    const { done, total } = progress(state);
    return total > 0 ? `Checking… ${done} of ${total} checks done` : 'Checking…';
  }
  const failed = (report.live ?? []).filter((r) => r.status === 'fail').length;
  // The policy check may have been fixed after the run, so the verdict is recomputed.
  const aclFailed = report.acl?.status === 'failed';
  if (!aclFailed && failed === 0) return report.live ? 'No problems found: every live check passed or had nothing to check.' : 'No problems found in the policy check. Run the live checks to test each member.';
  const parts: string[] = [];
  if (aclFailed) parts.push('the tailnet policy check failed');
  if (failed > 0) parts.push(`${failed} live check${failed === 1 ? '' : 's'} failed`);
  return `Problems found: ${parts.join(' and ')}.`;
}
