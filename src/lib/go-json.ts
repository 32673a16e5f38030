/**
 * JSON as Go's encoding/json writes it (crabbox's `--json` outputs are read by scripts, so
 * byte parity matters): compact, `<`, `>`, `&`, U+2028 and U+2029 escaped, a lone
 * surrogate written as U+FFFD, fields in the order the value lists them; and peer rows
 * with the field order of `crabbox pond peers --json` (spec §8.1).
 */
import type { PeerRow } from '../contract/index';
import { byteCompare } from './byte-order';
import { ZERO_TIME } from './go-time';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string as Go's encoder writes it. JSON.stringify already matches Go for quotes,
 * backslashes and control characters (`\b \f \n \r \t`, else `\u00xx`); Go additionally
 * escapes `<`, `>`, `&`, U+2028 and U+2029, and a lone surrogate can only have come from
 * a `\ud800`-style escape, which Go's decoder turned into U+FFFD.
 */
function goString(text: string): string {
  return JSON.stringify(text.replace(LONE_SURROGATE, '\uFFFD'))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function encode(value: unknown): string | undefined {
  const plain = value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function' ? value.toJSON() : value;
  if (typeof plain === 'string') return goString(plain);
  // Numbers, booleans and null as JSON.stringify writes them; undefined and functions are left out.
  if (plain === null || typeof plain !== 'object') return JSON.stringify(plain);
  if (Array.isArray(plain)) return `[${plain.map((item) => encode(item) ?? 'null').join(',')}]`;
  const fields = plain instanceof Map ? [...plain.entries()] : Object.entries(plain);
  const parts: string[] = [];
  for (const [key, field] of fields) {
    const json = encode(field);
    if (json !== undefined) parts.push(`${goString(String(key))}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * `value` as Go's json.Marshal writes it. An object's fields come out in JavaScript's key
 * order, which puts integer-like keys first; a Go map (keys sorted by byte) is passed as a
 * `Map`, which keeps the order it was given.
 */
export function goJSON(value: unknown): string {
  return encode(value) ?? 'null';
}

export function peerRowForJSON(row: PeerRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    slug: row.slug,
    leaseID: row.leaseID,
    provider: row.provider,
    pond: row.pond,
    transport: row.transport,
  };
  if (row.transports && row.transports.length > 0) out.transports = row.transports;
  out.endpoint = row.endpoint;
  if (row.labels && Object.keys(row.labels).length > 0) {
    out.labels = new Map(Object.keys(row.labels).sort(byteCompare).map((key) => [key, row.labels?.[key] ?? '']));
  }
  if (row.note) out.note = row.note;
  if (row.targets && row.targets.length > 0) {
    out.targets = row.targets.map((t) => {
      const target: Record<string, unknown> = { port: t.port, url: t.url };
      if (t.shareID) target.shareID = t.shareID;
      target.expiresAt = t.expiresAt || ZERO_TIME;
      return target;
    });
  }
  if (row.bridgeState) out.bridgeState = row.bridgeState;
  return out;
}
