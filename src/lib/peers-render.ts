/**
 * `pond peers` output exactly as crabbox prints it: the text lines of renderBridgePeers
 * (spec §3.6) and the JSON of pondPeersJSON (spec §8.1), which is Go's json.Encoder
 * output — compact, fields in struct order, map keys sorted, HTML characters escaped,
 * one trailing newline.
 */
import type { BridgeTarget, PeerRow } from '../contract/index';
import { goQuote } from './go-quote';
import { byteCompare } from './byte-order';
import { ZERO_TIME } from './go-time';
import { expiryText } from './go-time';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A JSON string as Go's encoder writes it. JSON.stringify already matches Go for quotes,
 * backslashes and control characters (`\b \f \n \r \t`, else `\u00xx`); Go additionally
 * escapes `<`, `>`, `&`, U+2028 and U+2029, and a lone surrogate can only have come from
 * a `\ud800`-style escape, which Go's decoder turned into U+FFFD.
 */
export function goJSONString(text: string): string {
  return JSON.stringify(text.replace(LONE_SURROGATE, '\uFFFD'))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function field(name: string, json: string): string {
  return `"${name}":${json}`;
}

function targetJSON(target: BridgeTarget): string {
  const parts = [field('port', String(target.port)), field('url', goJSONString(target.url))];
  if (target.shareID) parts.push(field('shareID', goJSONString(target.shareID)));
  parts.push(field('expiresAt', goJSONString(target.expiresAt || ZERO_TIME)));
  return `{${parts.join(',')}}`;
}

/** One BridgePeer object, fields in crabbox's struct order, `omitempty` as crabbox declares it. */
export function peerJSON(row: PeerRow): string {
  const parts = [
    field('slug', goJSONString(row.slug)),
    field('leaseID', goJSONString(row.leaseID)),
    field('provider', goJSONString(row.provider)),
    field('pond', goJSONString(row.pond)),
    field('transport', goJSONString(row.transport)),
  ];
  if (row.transports && row.transports.length > 0) {
    parts.push(field('transports', `[${row.transports.map(goJSONString).join(',')}]`));
  }
  parts.push(field('endpoint', goJSONString(row.endpoint)));
  const labels = Object.entries(row.labels ?? {}).sort(([a], [b]) => byteCompare(a, b));
  if (labels.length > 0) {
    parts.push(field('labels', `{${labels.map(([k, v]) => `${goJSONString(k)}:${goJSONString(v)}`).join(',')}}`));
  }
  if (row.note) parts.push(field('note', goJSONString(row.note)));
  if (row.targets && row.targets.length > 0) parts.push(field('targets', `[${row.targets.map(targetJSON).join(',')}]`));
  if (row.bridgeState) parts.push(field('bridgeState', goJSONString(row.bridgeState)));
  return `{${parts.join(',')}}`;
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
