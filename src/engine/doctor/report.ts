/**
 * A whole doctor run: the matrix, the tailnet policy check and the live checks, and the
 * two ways it is shown — text for the terminal, JSON for scripts (a superset of
 * `crabbox doctor --json`: `ok`, `provider`, `checks` with the pond check first).
 */
import { renderPondCheckLine, type PondCheck } from './acl-check';
import type { Contradiction } from './contradictions';
import { goJSON } from '../../lib/go-json';
import { matrixForJSON, renderMatrix, type ReachabilityMatrix } from './matrix';
import type { CheckResult } from './runner';

/** What happened about installing missing policy rows (`pond doctor` with TS_API_KEY set). */
export type BootstrapOutcome =
  | { state: 'applied'; tag: string; diff: string; attempts: number }
  | { state: 'already-present'; tag: string }
  | { state: 'offered'; tag: string; diff: string }
  | { state: 'failed'; tag: string; message: string; snippet?: string };

export interface DoctorReport {
  pond: string;
  matrix: ReachabilityMatrix;
  acl: PondCheck | null;
  /** Null when the live checks were not asked for. */
  live: CheckResult[] | null;
  contradictions: Contradiction[];
  bootstrap?: BootstrapOutcome;
  /** Nothing failed: the policy check is not `failed` and no live check is `fail`. */
  ok: boolean;
}

export function reportOk(acl: PondCheck | null, live: readonly CheckResult[] | null): boolean {
  return acl?.status !== 'failed' && !(live ?? []).some((r) => r.status === 'fail');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function renderCheckResult(result: CheckResult): string {
  let out = `  ${result.status.padEnd(5)} ${result.member} · ${result.title}: ${result.summary}\n`;
  if (result.detail) out += `${indent(result.detail, '          ')}\n`;
  for (const fix of result.fixes) out += `          fix: ${fix}\n`;
  return out;
}

function renderBootstrap(outcome: BootstrapOutcome): string {
  switch (outcome.state) {
    case 'applied':
      return `  installed the pond rows for ${outcome.tag} (CRABBOX_POND_ACL_BOOTSTRAP is set):\n${indent(outcome.diff.trimEnd(), '    ')}\n`;
    case 'already-present':
      return `  the pond rows for ${outcome.tag} are in the policy now\n`;
    case 'offered':
      return (
        `  with CRABBOX_POND_ACL_BOOTSTRAP=1 (and this TS_API_KEY) \`pond doctor\` makes this change; TS_API_KEY alone never changes the policy:\n` +
        `${indent(outcome.diff.trimEnd(), '    ')}\n`
      );
    case 'failed':
      return `  the rows could not be installed: ${outcome.message}\n`;
  }
}

export function renderReport(report: DoctorReport): string {
  let out = renderMatrix(report.matrix);
  if (report.contradictions.length > 0) {
    out += '  contradicted by live checks:\n';
    for (const c of report.contradictions) out += `    ${c.from.padEnd(7)} -> ${c.to.padEnd(7)} : ${c.note}\n`;
  }
  if (report.acl) {
    out += '\ntailnet policy:\n';
    out += renderPondCheckLine(report.acl);
    if (report.acl.problem) out += `  ${report.acl.problem}\n`;
    if (report.acl.snippet && report.acl.status !== 'ok') {
      out += `  rows to add by hand (${report.acl.tag}):\n${indent(report.acl.snippet.trimEnd(), '    ')}\n`;
    }
  }
  if (report.bootstrap) out += renderBootstrap(report.bootstrap);
  if (report.live) {
    out += '\nlive checks:\n';
    if (report.live.length === 0) out += '  (no member has anything to check)\n';
    for (const result of report.live) out += renderCheckResult(result);
  }
  out += `\n${report.ok ? 'no problems found' : 'doctor found problems'}\n`;
  return out;
}

export function reportForJSON(report: DoctorReport): Record<string, unknown> {
  const checks: Record<string, unknown>[] = [];
  if (report.acl) {
    const check: Record<string, unknown> = { status: report.acl.status, check: 'pond' };
    if (report.acl.details.provider) check.provider = report.acl.details.provider;
    check.message = report.acl.message;
    check.details = Object.fromEntries(Object.entries(report.acl.details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    checks.push(check);
  }
  return {
    ok: report.ok,
    provider: '',
    checks,
    pond: report.pond,
    matrix: matrixForJSON(report.matrix),
    contradictions: report.contradictions,
    acl: report.acl,
    ...(report.bootstrap ? { bootstrap: report.bootstrap } : {}),
    // The window's own advice (naming its buttons) is not part of crabbox's output.
    live: report.live?.map(({ appFixes: _window, ...result }) => result) ?? null,
  };
}

export function reportJSON(report: DoctorReport): string {
  return `${goJSON(reportForJSON(report))}\n`;
}
