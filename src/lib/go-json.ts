/**
 * JSON as Go's encoding/json writes it: compact, `<`, `>`, `&`, U+2028 and U+2029 escaped,
 * and peer rows with the field order of `crabbox pond peers --json` (spec §8.1).
 */
import type { PeerRow } from '../contract/index';
import { byteCompare } from './byte-order';
import { ZERO_TIME } from './go-time';

export function goJSON(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
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
    const labels: Record<string, string> = {};
    for (const key of Object.keys(row.labels).sort(byteCompare)) labels[key] = row.labels[key] ?? '';
    out.labels = labels;
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
