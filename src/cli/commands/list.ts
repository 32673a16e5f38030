/** `pond list [--json]`: every pond on this machine with its members counted per transport. */
import type { PeerTransport } from '../../providers/catalogue';
import { readOnlyManualSource } from '../../engine/manual-members';
import { overviewOf, type PondsOverview } from '../../engine/ponds';
import { loadPonds } from '../../engine/ponds-directory';
import { parseFlags } from '../args';
import { claimsDirOrUsage, reportProblems } from '../pond-sources';
import { UsageError, type CliCommand } from '../types';

const TRANSPORT_ORDER: PeerTransport[] = ['tailnet', 'url', 'ssh', 'pending', 'none'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderPondList(overview: PondsOverview): string {
  if (overview.ponds.length === 0) {
    if (overview.claimsDirState === 'absent') {
      return `no ponds found: crabbox has written no claims yet (${overview.claimsDir} does not exist)\n`;
    }
    return `no ponds found in ${overview.claimsDir}\n`;
  }
  return overview.ponds
    .map((p) => {
      const counts = TRANSPORT_ORDER.filter((t) => p.counts[t] > 0).map((t) => `${t}=${p.counts[t]}`);
      const manual = p.manual > 0 ? `\t(${p.manual} hand-added)` : '';
      return `${p.name}\t${plural(p.memberCount, 'member')}\t${counts.join(' ')}${manual}\n`;
    })
    .join('');
}

export const list: CliCommand = {
  name: 'list',
  summary: 'list every pond with its members counted per transport',
  usage: `usage: pond list [--json]

Lists every pond on this machine: crabbox's lease claims (read from crabbox's claims
directory, never modified) and hosts added with \`pond hosts add\`. Each pond shows its
member count and how many members are reachable over each transport (tailnet, url,
ssh, pending, none).

A claim file that cannot be read is reported on stderr with what to do about it; every
other pond and member is still listed.

  --json   print {"claimsDir","claimsDirState","ponds":[{"name","memberCount","counts",
           "crabbox","manual"}],"unassigned","problems":[{"file","code","message"}]}`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const overview = overviewOf(await loadPonds(claimsDirOrUsage(io), readOnlyManualSource(io.pathEnv)));
    if (values.json) {
      const { claimsDir: dir, claimsDirState, ponds, unassigned, problems } = overview;
      io.out(`${JSON.stringify({ claimsDir: dir, claimsDirState, ponds, unassigned, problems })}\n`);
      return 0;
    }
    io.out(renderPondList(overview));
    if (overview.unassigned > 0) {
      io.err(`${plural(overview.unassigned, 'crabbox claim')} ${overview.unassigned === 1 ? 'belongs' : 'belong'} to no pond (not shown)\n`);
    }
    reportProblems(io, overview.problems);
    return 0;
  },
};
