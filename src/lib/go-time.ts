/**
 * Go's time formats as crabbox uses them: `--share-ttl` is parsed by time.ParseDuration,
 * share expiries are parsed with time.RFC3339 and printed the way Go prints a
 * time.Time (RFC3339Nano in JSON, RFC3339 in text).
 */
import { goQuote } from './go-quote';

/** Go's zero time.Time as crabbox prints it. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

const NS = 1n;
const UNITS: Record<string, bigint> = {
  ns: NS,
  us: 1_000n,
  '\u00b5s': 1_000n,
  '\u03bcs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = 1n << 63n;

export type DurationResult = { ok: true; ns: bigint } | { ok: false; error: string };

/** time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare `0`. */
export function parseGoDuration(input: string): DurationResult {
  const invalid = (): DurationResult => ({ ok: false, error: `time: invalid duration ${goQuote(input)}` });
  let s = input;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) return invalid();
    const whole = /^[0-9]*/.exec(s)![0];
    s = s.slice(whole.length);
    let value = whole === '' ? 0n : BigInt(whole);
    if (value > MAX) return invalid();
    let fraction = '';
    let hasFraction = false;
    if (s.startsWith('.')) {
      s = s.slice(1);
      fraction = /^[0-9]*/.exec(s)![0];
      s = s.slice(fraction.length);
      hasFraction = fraction !== '';
    }
    if (whole === '' && !hasFraction) return invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') return { ok: false, error: `time: missing unit in duration ${goQuote(input)}` };
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) return { ok: false, error: `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(input)}` };
    if (value > MAX / unit) return invalid();
    value *= unit;
    if (hasFraction) {
      const digits = fraction.slice(0, 18);
      const f = Number(digits);
      if (f > 0) value += BigInt(Math.trunc(f * (Number(unit) / 10 ** digits.length)));
      if (value > MAX) return invalid();
    }
    total += value;
    if (total > MAX) return invalid();
  }
  if (neg) return { ok: true, ns: -total };
  if (total > MAX - 1n) return invalid();
  return { ok: true, ns: total };
}

export function nsToSeconds(ns: bigint): number {
  return Number(ns) / 1e9;
}

/** A time parsed the way Go's time.Parse(time.RFC3339, …) would, kept in Go's printed forms. */
export interface GoTime {
  /** Milliseconds since the Unix epoch (sub-millisecond digits dropped). */
  epochMs: number;
  /** How encoding/json prints it (RFC3339Nano, offset kept, `Z` for zero offset). */
  json: string;
  /** How Format(time.RFC3339) prints it (no fractional seconds). */
  text: string;
  isZero: boolean;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function parseRfc3339(input: string): GoTime | undefined {
  const m = RFC3339.exec(input);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  let offsetMinutes = 0;
  let zone = 'Z';
  if (m[8] !== 'Z') {
    const zh = Number(m[10]);
    const zm = Number(m[11]);
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (zh * 60 + zm);
    if (offsetMinutes !== 0) zone = `${m[9]}${m[10]}:${m[11]}`;
  }
  const wall = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const epochMs =
    (daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60) * 1000 +
    Math.trunc(Number(`0.${fraction || '0'}`) * 1000);
  const isZero = fraction === '' && epochMs === daysFromCivil(1, 1, 1) * 86400 * 1000;
  return { epochMs, json: `${wall}${fraction ? `.${fraction}` : ''}${zone}`, text: `${wall}${zone}`, isZero };
}

/** An expiresAt string as crabbox's text output prints it, or '' for the zero time. */
export function expiryText(expiresAt: string): string {
  const parsed = parseRfc3339(expiresAt);
  if (!parsed || parsed.isZero) return '';
  return parsed.text;
}
