/**
 * Where the live checks disagree with the matrix: a cell says members on one transport
 * reach members on another, but a member on the destination side failed its check.
 */
import type { DoctorMember } from './checks/types';
import type { CellState, MatrixTransport, ReachabilityMatrix } from './matrix';
import type { CheckResult } from './runner';

export interface Contradiction {
  from: MatrixTransport;
  to: MatrixTransport;
  expected: CellState;
  /** e.g. `expected OK, api → db failed: connection refused` (several joined by `; `). */
  note: string;
}

const GLYPH: Record<CellState, string> = { ok: 'OK', warn: 'WARN', no: 'NO' };

export function findContradictions(matrix: ReachabilityMatrix, members: readonly DoctorMember[], results: readonly CheckResult[]): Contradiction[] {
  const failed = results.filter((r) => r.status === 'fail');
  const out: Contradiction[] = [];
  for (const cell of matrix.cells) {
    if (cell.state === 'no') continue;
    const notes: string[] = [];
    for (const result of failed.filter((r) => r.transport === cell.to)) {
      const source = members.find((m) => m.row.transport === cell.from && m.name !== result.member);
      if (!source) continue;
      const note = `expected ${GLYPH[cell.state]}, ${source.name} → ${result.member} failed: ${result.reason ?? result.summary}`;
      if (!notes.includes(note)) notes.push(note);
    }
    if (notes.length > 0) out.push({ from: cell.from, to: cell.to, expected: cell.state, note: notes.join('; ') });
  }
  return out;
}
