/**
 * The doctor tab's state and words, kept apart from React so they are tested in plain Node:
 * a run's plan and results as they stream in, reachability member by member (grouped by
 * transport) with the transport matrix as its summary, and the verdict in one sentence.
 * crabbox's matrix notes and policy messages are the CLI's; the window says its own.
 */
import type { DoctorCheckResultShape, DoctorReportShape, EventPayload, MatrixShape, PeerRow, PondCheckShape } from '../../../contract/index';
import { TRANSPORT_LABELS } from '../ponds/members';

type Planned = EventPayload<'doctor:plan'>['checks'][number];
type Transport = PeerRow['transport'];
export type Cell = MatrixShape['cells'][number];
export type CellState = Cell['state'];

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

export function progress(state: RunState): { done: number; total: number } {
  return { done: state.planned.filter((p) => state.results[p.id]).length, total: state.planned.length };
}

/**
 * A forward probe that fails means the member is reached but nothing answers on that port:
 * a closed service port, not a reachability failure.
 */
const SERVICE_CHECKS = new Set(['forward-probe']);

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'pending';

export interface CheckView {
  id: string;
  title: string;
  /** ok, warning, failed, skipped, service port closed, checking… */
  label: string;
  tone: Tone;
  result?: DoctorCheckResultShape;
  /** What to do: the window's advice where the engine has it, else the engine's. */
  fixes: string[];
}

export function checkView(planned: Planned, result: DoctorCheckResultShape | undefined): CheckView {
  const base = { id: planned.id, title: planned.title, result, fixes: result ? (result.appFixes ?? result.fixes) : [] };
  if (!result) return { ...base, label: 'checking…', tone: 'pending' };
  if (result.status === 'fail' && SERVICE_CHECKS.has(result.check)) return { ...base, label: 'service port closed', tone: 'warn' };
  switch (result.status) {
    case 'ok':
      return { ...base, label: 'ok', tone: 'ok' };
    case 'warn':
      return { ...base, label: 'warning', tone: 'warn' };
    case 'skip':
      return { ...base, label: 'skipped', tone: 'neutral' };
    case 'fail':
      return { ...base, label: 'failed', tone: 'bad' };
  }
}

/** A reachability check (not a service port) of the member failed, with what it said. */
function reachFailure(state: RunState, member: string): DoctorCheckResultShape | undefined {
  return state.planned
    .map((p) => state.results[p.id])
    .find((r): r is DoctorCheckResultShape => r !== undefined && r.member === member && r.status === 'fail' && !SERVICE_CHECKS.has(r.check));
}

function reachChecked(state: RunState, member: string): boolean {
  const mine = state.planned.filter((p) => p.member === member && !SERVICE_CHECKS.has(p.check));
  return mine.length > 0 && mine.every((p) => state.results[p.id] !== undefined && state.results[p.id]?.status !== 'fail');
}

/** Short words for a matrix verdict, and what each means between two transports. */
export const STATE_WORDS: Record<CellState, string> = { ok: 'yes', warn: 'with a bridge', no: 'no' };

export function pairWords(from: Transport, to: Transport, state: CellState): string {
  if (from === 'pending') return 'its address is not known yet';
  if (from === 'none') return 'its provider handles its connectivity';
  if (to === 'pending' || to === 'none') return 'the other member has no address in the pond';
  if (state === 'ok') return from === 'tailnet' && to === 'tailnet' ? 'over the tailnet' : to === 'url' ? 'over HTTPS, to its public URL' : 'directly';
  if (from === 'url' && to === 'tailnet') return 'tailnet members have no public address';
  if (from === 'ssh' && to === 'ssh') return 'SSH members share no network; only through a bridge you run';
  return 'only through a bridge you run';
}

export interface MemberCell {
  to: string;
  state: CellState | 'self';
  /** The live checks of the destination: passed, or failed although the matrix expects a way. */
  live?: 'passed' | 'failed';
}

export interface MemberRow {
  member: string;
  transport: Transport;
  cells: MemberCell[];
}

export interface MemberGroup {
  transport: Transport;
  label: string;
  members: string[];
}

/** Members grouped by transport, in the matrix's transport order. */
export function memberGroups(matrix: MatrixShape): MemberGroup[] {
  return matrix.transports
    .map((transport) => ({ transport, label: TRANSPORT_LABELS[transport], members: matrix.members.filter((m) => m.transport === transport).map((m) => m.name) }))
    .filter((g) => g.members.length > 0);
}

function cellOf(matrix: MatrixShape, from: Transport, to: Transport): CellState {
  return matrix.cells.find((c) => c.from === from && c.to === to)?.state ?? 'no';
}

/** Reachability member by member: the matrix's verdict for each pair, with the destination's live checks laid over it. */
export function memberGrid(state: RunState): MemberRow[] {
  const matrix = state.matrix;
  if (!matrix) return [];
  const ordered = memberGroups(matrix).flatMap((g) => g.members.map((name) => matrix.members.find((m) => m.name === name)!));
  return ordered.map((from) => ({
    member: from.name,
    transport: from.transport,
    cells: ordered.map((to): MemberCell => {
      if (to.name === from.name) return { to: to.name, state: 'self' };
      const cell: MemberCell = { to: to.name, state: cellOf(matrix, from.transport, to.transport) };
      if (cell.state === 'no') return cell;
      if (reachFailure(state, to.name)) cell.live = 'failed';
      else if (reachChecked(state, to.name)) cell.live = 'passed';
      return cell;
    }),
  }));
}

export interface Contradiction {
  member: string;
  /** One short line. */
  line: string;
  /** On demand: what the check found and what to do. */
  result: DoctorCheckResultShape;
}

/** Members the matrix says others reach, whose own reachability check failed: one line each. */
export function contradictions(state: RunState): Contradiction[] {
  const matrix = state.matrix;
  if (!matrix) return [];
  return matrix.members.flatMap((to) => {
    const failed = reachFailure(state, to.name);
    if (!failed) return [];
    const expectedFrom = matrix.members.filter((from) => from.name !== to.name && cellOf(matrix, from.transport, to.transport) !== 'no');
    if (expectedFrom.length === 0) return [];
    const who = expectedFrom.length === 1 ? expectedFrom[0]!.name : `${expectedFrom.length} members`;
    return [{ member: to.name, line: `${who} should reach ${to.name}, but its ${failed.title} failed: ${failed.reason ?? failed.summary}.`, result: failed }];
  });
}

export interface PolicyView {
  tone: Tone;
  /** What the check found, in the window's words. */
  text: string;
  /** The rows can be pasted by hand (shown with Copy). */
  pasteRows: boolean;
}

/** The tailnet policy check in the window's words, from its status and reason (crabbox's message is the CLI's). */
export function policyView(acl: PondCheckShape): PolicyView {
  const tag = acl.tag;
  const reason = acl.details.reason ?? '';
  switch (acl.status) {
    case 'ok':
      return { tone: 'ok', text: `The tailnet policy lets members tagged ${tag} reach each other.`, pasteRows: false };
    case 'skip':
      if (reason === 'no_pond_claims') return { tone: 'neutral', text: 'No crabbox member of this pond is on this machine, so there is no tailnet policy to check.', pasteRows: false };
      if (reason === 'no_tailscale_capable_provider') return { tone: 'neutral', text: 'No member of this pond joins a tailnet, so the tailnet policy does not matter here.', pasteRows: false };
      if (reason === 'control_plane_incompatible') {
        return { tone: 'warn', text: `The control plane at ${acl.details.api_url ?? 'the configured address'} has no policy the app can read. Add the rows below to its policy by hand.`, pasteRows: true };
      }
      if (reason === 'ts_api_key_missing') {
        return {
          tone: 'neutral',
          text: 'The tailnet policy was not checked: reading it needs a Tailscale API access token, given to Pond Desktop as TS_API_KEY when it starts. You can add the rows below by hand instead.',
          pasteRows: true,
        };
      }
      return { tone: 'neutral', text: 'The tailnet policy was not checked.', pasteRows: Boolean(acl.snippet) };
    case 'failed':
      if (acl.details.error !== undefined) return { tone: 'bad', text: `The tailnet policy could not be read: ${acl.details.error}.`, pasteRows: false };
      if (acl.canBootstrap) {
        return { tone: 'bad', text: `The tailnet policy has no rows for ${tag}, so members on the tailnet cannot reach each other. Fix it… shows the change before anything is written.`, pasteRows: true };
      }
      return {
        tone: 'bad',
        text: `The tailnet policy has no rows for ${tag}, so members on the tailnet cannot reach each other.${acl.problem ? ` It cannot be changed automatically: ${acl.problem}.` : ''} Add the rows below by hand.`,
        pasteRows: true,
      };
  }
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

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the run found, in one sentence. */
export function verdict(state: RunState): string {
  const report = state.report;
  if (!report) {
    const { done, total } = progress(state);
    return total > 0 ? `Checking… ${done} of ${total} checks done` : 'Checking…';
  }
  const views = state.planned.map((p) => checkView(p, state.results[p.id]));
  const unreachable = new Set(views.filter((v) => v.tone === 'bad').map((v) => v.result?.member)).size;
  const closed = views.filter((v) => v.label === 'service port closed').length;
  // The policy check may have been fixed after the run, so the verdict is recomputed.
  const aclFailed = report.acl?.status === 'failed';
  const parts: string[] = [];
  if (aclFailed) parts.push('the tailnet policy is missing the pond’s rows');
  if (unreachable > 0) parts.push(`${count(unreachable, 'member', 'members')} could not be reached`);
  if (closed > 0) parts.push(`${count(closed, 'member has', 'members have')} a service port with nothing listening`);
  if (parts.length === 0) {
    return report.live ? 'No problems found: every member that could be checked answered.' : 'No problems found in the policy check. Check every member now tests each one from here.';
  }
  return `Found: ${parts.join('; ')}.`;
}
