/**
 * `pond peers --pond NAME [--provider P] [--json]`: crabbox's `pond peers`, computed from
 * the claim files and the URL-bridge providers (the engine's bridge service). Output is
 * crabbox's, byte for byte; hand-added hosts are listed too, as provider `ssh`.
 */
import { goQuote } from '../../lib/go-quote';
import { nsToSeconds, parseGoDuration } from '../../lib/go-time';
import { requiredPondFlag } from '../../lib/names';
import { renderPeersJSON, renderPeersText } from '../../lib/peers-render';
import { parseFlags, portFlag } from '../args';
import { reportProblems, requireClaimsDir, withEngine } from '../engine';
import { UsageError, type CliCommand } from '../types';

export const PEERS_FLAGS = {
  pond: { type: 'string' },
  provider: { type: 'string' },
  json: { type: 'boolean' },
  'share-port': { type: 'string' },
  'share-ttl': { type: 'string' },
} as const;

/** `--share-ttl` as Go's flag package reads a duration. */
function shareTtlFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseGoDuration(raw);
  if (!parsed.ok) throw new UsageError(`invalid value ${goQuote(raw)} for flag --share-ttl: ${parsed.error}`);
  return nsToSeconds(parsed.ns);
}

function requiredPond(raw: string | undefined): string {
  const pond = requiredPondFlag(raw ?? '');
  if (!pond.ok) throw new UsageError(pond.error);
  return pond.name;
}

export const peers: CliCommand = {
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
      const provider = values.provider ?? '';
      requireClaimsDir(io);
      const { rows, problems } = await withEngine(io, async ({ engine }) => ({
        rows: await engine.bridge.peers({ pond, provider, sharePort, ...(shareTtlSeconds !== undefined ? { shareTtlSeconds } : {}) }, io.signal),
        problems: engine.ponds.snapshot().problems,
      }));
      io.out(values.json ? renderPeersJSON(rows) : renderPeersText(rows));
      reportProblems(io, problems);
      return 0;
  },
};
