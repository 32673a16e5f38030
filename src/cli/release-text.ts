/**
 * Release plans, progress and summaries as terminal text. Progress lines follow crabbox's
 * own `pond release` lines (spec §6: `released <p>/<id> slug=<slug> claim_retained=<bool>`,
 * `warning: <p>/<id> stop failed: <err>`, `warning: skip <p>/<id>: <why>`), so anyone who
 * greps crabbox's output can grep ours.
 */
import type { MemberResult, ReleaseMember, ReleasePlan, ReleaseSummary } from '../engine/release';

function ref(member: ReleaseMember): string {
  return `${member.provider || '-'}/${member.id}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ')}`.trimEnd());
}

/** What is about to happen, for the confirmation prompt. */
export function planText(plan: ReleasePlan): string {
  const lines = [`pond "${plan.pond}" has ${plan.members.length} member(s):`];
  lines.push(
    ...table([
      ['SLUG', 'PROVIDER', 'ID', 'ACTION'],
      ...plan.members.map((m) => [m.slug || '-', m.provider || '-', m.id, m.action === 'stop' ? 'crabbox stop' : 'forget (hand-added host; not touched)']),
    ]),
  );
  if (plan.crabbox.state === 'ready') {
    lines.push(`crabbox ${plan.crabbox.version} (${plan.crabbox.path})${plan.crabbox.note ? ` — ${plan.crabbox.note}` : ''}`);
  }
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

export function runningLine(member: ReleaseMember): string {
  return member.action === 'stop' ? `stopping ${ref(member)} slug=${member.slug || '-'}` : `forgetting ${ref(member)} slug=${member.slug || '-'}`;
}

export function doneLine(result: MemberResult): string {
  const { outcome } = result;
  switch (outcome.status) {
    case 'released':
      if (outcome.claim === 'forgotten') return `forgot ${ref(result)} slug=${result.slug || '-'} (hand-added host; the machine was not touched)`;
      return `released ${ref(result)} slug=${result.slug || '-'} claim_retained=${outcome.claim === 'retained'}`;
    case 'failed':
      return `warning: ${ref(result)} stop failed: ${outcome.message}`;
    case 'skipped':
      return `${outcome.warning ? 'warning: ' : ''}skip ${ref(result)}: ${outcome.reason}`;
    case 'cancelled':
      return `not started ${ref(result)}: release cancelled`;
  }
}

function outcomeWords(result: MemberResult): string {
  const { outcome } = result;
  switch (outcome.status) {
    case 'released':
      return {
        removed: 'released (claim removed)',
        retained: 'released (stopped; crabbox kept its claim for the reusable resource)',
        forgotten: 'forgotten (hand-added host; the machine was not touched)',
      }[outcome.claim];
    case 'failed':
      return `FAILED: ${outcome.message}`;
    case 'skipped':
      return `skipped: ${outcome.reason}`;
    case 'cancelled':
      return 'not started (cancelled)';
  }
}

export function summaryText(summary: ReleaseSummary): string {
  const lines = [summary.message];
  lines.push(...table(summary.members.map((m) => [m.slug || '-', ref(m), outcomeWords(m)])));
  for (const note of summary.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
