/**
 * The pond reachability matrix (spec §7.6): for every pair of transports present in a
 * pond, whether a member on one can reach a member on the other, and the honest caveat.
 * It is asymmetric on purpose: a tailnet member reaches a URL member over outbound HTTPS,
 * but a URL member has no way into the tailnet.
 */
import type { PeerRow } from '../../contract/index';
import { goQuote } from '../../lib/go-quote';
import { goJSON, peerRowForJSON } from '../../lib/go-json';

export type MatrixTransport = PeerRow['transport'];
export type CellState = 'ok' | 'warn' | 'no';

export interface MatrixCell {
  from: MatrixTransport;
  to: MatrixTransport;
  state: CellState;
  note?: string;
}

export interface ReachabilityMatrix {
  pond: string;
  members: PeerRow[];
  breakdown: Partial<Record<MatrixTransport, number>>;
  transports: MatrixTransport[];
  cells: MatrixCell[];
}

/** Rows and columns appear in this order, least isolated first. */
export const CANONICAL_TRANSPORTS: readonly MatrixTransport[] = ['tailnet', 'url', 'ssh', 'pending', 'none'];

const NO_ENDPOINT = 'destination has no published endpoint';

/** reachabilityCell: the verdict for one (from, to) pair. */
export function reachabilityCell(from: MatrixTransport, to: MatrixTransport): MatrixCell {
  const cell = (state: CellState, note?: string): MatrixCell => (note ? { from, to, state, note } : { from, to, state });
  if (from === 'pending') return cell('no', 'endpoint not yet discovered');
  if (from === 'none') return cell('no', 'source provider owns its own connectivity');
  if (to === 'pending' || to === 'none') return cell('no', NO_ENDPOINT);
  switch (from) {
    case 'tailnet':
      if (to === 'tailnet') return cell('ok');
      if (to === 'url') return cell('ok', 'via outbound HTTPS');
      return cell('warn', 'requires operator-side bridge — see SSH-mesh DRAFT PR');
    case 'url':
      if (to === 'tailnet') return cell('no', 'no public endpoint on tailnet members');
      if (to === 'url') return cell('ok');
      return cell('warn', 'requires operator-side bridge');
    case 'ssh':
      if (to === 'tailnet') return cell('warn', 'requires operator-side bridge');
      if (to === 'url') return cell('ok', 'via outbound HTTPS');
      return cell('warn', 'requires operator-side bridge — peers do not share a mesh');
  }
}

/** buildPondReachabilityMatrix: counts per transport and every cell between present ones. */
export function buildMatrix(pond: string, members: readonly PeerRow[]): ReachabilityMatrix {
  const breakdown: Partial<Record<MatrixTransport, number>> = {};
  for (const row of members) breakdown[row.transport] = (breakdown[row.transport] ?? 0) + 1;
  const transports = CANONICAL_TRANSPORTS.filter((t) => (breakdown[t] ?? 0) > 0);
  const cells = transports.flatMap((from) => transports.map((to) => reachabilityCell(from, to)));
  return { pond, members: [...members], breakdown, transports, cells };
}

const GLYPHS: Record<CellState, string> = { ok: 'OK', warn: 'WARN', no: 'NO' };

/** renderPondReachabilityMatrix, byte for byte. */
export function renderMatrix(matrix: ReachabilityMatrix): string {
  const parts = CANONICAL_TRANSPORTS.filter((t) => (matrix.breakdown[t] ?? 0) > 0)
    .map((t) => `${t}=${matrix.breakdown[t]}`)
    .sort();
  let out = `pond ${goQuote(matrix.pond)}: ${matrix.members.length} members\n`;
  out += `  transport breakdown: ${parts.join(' ')}\n`;
  if (matrix.cells.length === 0) return out;
  out += '  reachability:\n';
  for (const cell of matrix.cells) {
    out += `    ${cell.from.padEnd(7)} -> ${cell.to.padEnd(7)} : ${GLYPHS[cell.state]}`;
    if (cell.note) out += ` (${cell.note})`;
    out += '\n';
  }
  return out;
}

/** The matrix as a JSON value with Go's field order (members as `pond peers --json` prints them). */
export function matrixForJSON(matrix: ReachabilityMatrix): Record<string, unknown> {
  const breakdown: Record<string, number> = {};
  for (const t of Object.keys(matrix.breakdown).sort()) breakdown[t] = matrix.breakdown[t as MatrixTransport] ?? 0;
  return {
    pond: matrix.pond,
    members: matrix.members.map(peerRowForJSON),
    breakdown,
    transports: matrix.transports,
    cells: matrix.cells.map((c) => (c.note ? { from: c.from, to: c.to, state: c.state, note: c.note } : { from: c.from, to: c.to, state: c.state })),
  };
}

export function matrixJSON(matrix: ReachabilityMatrix): string {
  return goJSON(matrixForJSON(matrix));
}
