/**
 * Exposed ports as crabbox records them in the `crabbox_exposed_ports` label
 * (spec §1.5): ascending decimal ports joined with `-`, at most 10 distinct.
 */
import { goQuote } from '../lib/go-quote';

export const EXPOSED_PORTS_LABEL = 'crabbox_exposed_ports';
export const MAX_EXPOSED_PORTS = 10;

export type PortsResult = { ok: true; ports: number[] } | { ok: false; error: string };

/** Go's strconv.Atoi: optional sign, decimal digits, no overflow past int64. */
function atoi(piece: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(piece)) return undefined;
  const n = Number(piece);
  return Number.isSafeInteger(n) ? n : undefined;
}

function isPort(n: number | undefined): n is number {
  return n !== undefined && n >= 1 && n <= 65535;
}

/** requestedExposedPorts: validates `--expose` values with crabbox's exact messages. */
export function requestedExposedPorts(values: readonly string[]): PortsResult {
  const seen = new Set<number>();
  for (const value of values) {
    const pieces = value.trim() === '' ? [] : value.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (pieces.length === 0) return { ok: false, error: '--expose value must not be empty' };
    for (const piece of pieces) {
      const n = atoi(piece);
      if (!isPort(n)) return { ok: false, error: `--expose ${goQuote(piece)} must be a TCP port in 1..65535` };
      seen.add(n);
    }
  }
  if (seen.size > MAX_EXPOSED_PORTS) {
    return { ok: false, error: `--expose accepts at most ${MAX_EXPOSED_PORTS} distinct ports per lease` };
  }
  return { ok: true, ports: [...seen].sort((a, b) => a - b) };
}

/** parseExposedPortsLabel: tolerant; bad tokens are skipped, duplicates kept. */
export function parseExposedPortsLabel(label: string | undefined): number[] {
  const text = (label ?? '').trim();
  if (text === '') return [];
  return text
    .split('-')
    .map((t) => atoi(t.trim()))
    .filter(isPort)
    .sort((a, b) => a - b);
}

/** renderExposedPortsLabel: the label value, or `''` when there are no ports. */
export function renderExposedPortsLabel(ports: readonly number[]): string {
  return [...ports].sort((a, b) => a - b).join('-');
}
