/**
 * `pond peers --pond NAME [--provider P] [--json]`: crabbox's `pond peers`, computed from
 * the claim files. Output is crabbox's, byte for byte, for members that need no provider
 * API call; hand-added hosts are listed too, as provider `ssh`. Rows come from one
 * replaceable resolver so provider bridges can be added without touching the rest.
 */
import type { PeerRow } from '../../contract/index';
import { canonicalProvider } from '../../providers/catalogue';
import type { Claim } from '../../engine/claim';
import { normalizePondName, requiredPondFlag } from '../../lib/names';
import { renderPeersJSON, renderPeersText } from '../../engine/peers-render';
import { filterClaimsForPond, manualRow } from '../../engine/ponds';
import { basePeerRow, compareRows } from '../../engine/rows';
import { Credentials } from '../../providers/credentials';
import { nsToSeconds, parseGoDuration } from '../../lib/go-time';
import { bridgeLoader } from '../../providers/bridge/registry';
import { goQuote } from '../../lib/go-quote';
import { DEFAULT_SHARE_TTL_SECONDS, resolvePondPeers } from '../../engine/peers-resolve';
import { parseFlags, portFlag } from '../args';
import { UsageError, type CliCommand, type CliIO } from '../types';
import { readPondSources, reportProblems } from '../pond-sources';

export const PEERS_FLAGS = {
  pond: { type: 'string' },
  provider: { type: 'string' },
  json: { type: 'boolean' },
  'share-port': { type: 'string' },
  'share-ttl': { type: 'string' },
} as const;

export interface PeersContext {
  /** Normalized pond name. */
  pond: string;
  /** Canonical provider, or '' for all. */
  provider: string;
  /** `--share-port`: publish a URL for this port on every URL member (0: only list). */
  sharePort: number;
  /** `--share-ttl` in seconds (Go duration on the command line, default 24h). */
  shareTtlSeconds: number;
  io: CliIO;
}

/** Turns the pond's claims (already filtered) into rows; may call provider APIs. */
export type RowResolver = (claims: readonly Claim[], ctx: PeersContext) => Promise<PeerRow[]>;

/** The claims-only rows (spec §3.4): no provider API call. */
export const claimRows: RowResolver = async (claims) => claims.map(basePeerRow);

/**
 * Rows completed by the URL bridge (spec §3.5–§3.6): Islo, E2B and Railway members get
 * their URLs from the provider APIs. The CLI reads credentials from the environment only.
 */
export const bridgeRows: RowResolver = (claims, ctx) =>
  resolvePondPeers(claims, bridgeLoader({ env: ctx.io.env, credentials: new Credentials(ctx.io.env) }), {
    pond: ctx.pond,
    provider: ctx.provider,
    sharePort: ctx.sharePort,
    shareTtlSeconds: ctx.shareTtlSeconds,
    signal: ctx.io.signal,
  });

/** `--share-ttl` as Go's flag package reads a duration. */
function shareTtlFlag(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SHARE_TTL_SECONDS;
  const parsed = parseGoDuration(raw);
  if (!parsed.ok) throw new UsageError(`invalid value ${goQuote(raw)} for flag --share-ttl: ${parsed.error}`);
  return nsToSeconds(parsed.ns);
}

function requiredPond(raw: string | undefined): string {
  const pond = requiredPondFlag(raw ?? '');
  if (!pond.ok) throw new UsageError(pond.error);
  return pond.name;
}

export function peersCommand(resolveRows: RowResolver = claimRows): CliCommand {
  return {
    name: 'peers',
    summary: "list a pond's members with their transport and endpoint (crabbox pond peers)",
    usage: `usage: pond peers --pond NAME [--provider P] [--share-port PORT [--share-ttl DURATION]] [--json]

Lists every member of pond NAME, like \`crabbox pond peers\`: its transport (tailnet,
url, ssh, pending or none), the transports its provider supports, its endpoint and a
note when it cannot be reached yet. Members come from crabbox's lease claims on this
machine plus the hosts added with \`pond hosts add\` (provider ssh). Flags may appear
anywhere on the line. Claim files that cannot be read are reported on stderr; the
other members are still listed.

  --pond NAME    the pond (required; normalized like crabbox: "Alpha Pond" is alpha-pond)
  --provider P   only members of provider P (aliases accepted, e.g. google for gcp)
  --json         print {"members":[…]} exactly as crabbox does
  --share-port PORT
                 publish a public URL for PORT on every URL member (Islo share, E2B
                 preview, Railway deployment URL); credentials come from the
                 environment (see docs/bridge.md)
  --share-ttl DURATION
                 lifetime of Islo shares created by --share-port, a Go duration such
                 as 90m or 24h (default 24h; Islo keeps it within 60s..168h)`,
    async run(args, io) {
      const { values, positionals } = parseFlags(args, PEERS_FLAGS);
      if (positionals.length > 0) {
        throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; give the pond as --pond ${positionals[0]}`);
      }
      const shareTtlSeconds = shareTtlFlag(values['share-ttl']);
      const pond = requiredPond(values.pond);
      const sharePort = portFlag(values['share-port'], '--share-port', true) ?? 0;
      const provider = (values.provider ?? '').trim() === '' ? '' : canonicalProvider(values.provider ?? '');
      const { listing, manual, problems } = await readPondSources(io);
      const claims = filterClaimsForPond(listing.claims, pond, provider).map((l) => l.claim);
      const rows = [...(await resolveRows(claims, { pond, provider, sharePort, shareTtlSeconds, io }))];
      if (provider === '' || provider === 'ssh') {
        rows.push(...manual.filter((m) => normalizePondName(m.pond) === pond).map(manualRow));
      }
      rows.sort(compareRows);
      io.out(values.json ? renderPeersJSON(rows) : renderPeersText(rows));
      reportProblems(io, problems);
      return 0;
    },
  };
}

export const peers = peersCommand(bridgeRows);
