/**
 * `pond peers` output exactly as crabbox prints it: the text lines of renderBridgePeers
 * (spec §3.6) and the JSON of pondPeersJSON (spec §8.1), which is Go's json.Encoder
 * output — compact, fields in struct order, map keys sorted, HTML characters escaped,
 * one trailing newline.
 */
import type { PeerRow } from '../contract/index';
import { goJSON, peerRowForJSON } from './go-json';
import { goQuote } from './go-quote';
import { expiryText } from './go-time';

/** One BridgePeer object, fields in crabbox's struct order, `omitempty` as crabbox declares it. */
export function peerJSON(row: PeerRow): string {
  return goJSON(peerRowForJSON(row));
}

/** `{"members":[…]}` plus newline; `[]`, never `null`, when there are no rows. */
export function renderPeersJSON(rows: readonly PeerRow[]): string {
  return `{"members":[${rows.map(peerJSON).join(',')}]}\n`;
}

/** renderBridgePeers: one tab-separated line per peer, bridge targets indented below it. */
export function renderPeersText(rows: readonly PeerRow[]): string {
  if (rows.length === 0) return 'no peers found\n';
  let out = '';
  for (const row of rows) {
    out += `${row.slug}\tlease=${row.leaseID}\tprovider=${row.provider}\tpond=${row.pond}\ttransport=${row.transport}`;
    if (row.endpoint) out += `\tendpoint=${row.endpoint}`;
    if (row.bridgeState) out += `\tbridge=${row.bridgeState}`;
    if (row.note) out += `\tnote=${goQuote(row.note)}`;
    for (const target of row.targets ?? []) {
      out += `\n  bridge target port=${target.port} url=${target.url}`;
      if (target.shareID) out += ` share=${target.shareID}`;
      const expires = expiryText(target.expiresAt);
      if (expires) out += ` expires=${expires}`;
    }
    out += '\n';
  }
  return out;
}
