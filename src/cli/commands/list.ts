/** `pond list [--json]`: every pond on this machine with its members counted per transport. */
import { peerTransportSchema, type PondsOverviewShape } from '../../contract/index';
import { parseFlags } from '../args';
import { reportProblems, requireClaimsDir, withEngine } from '../engine';
import { UsageError, type CliCommand } from '../types';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderPondList(overview: PondsOverviewShape): string {
  if (overview.ponds.length === 0) {
    if (overview.claimsDirState === 'absent') {
      return `no ponds found: crabbox has written no claims yet (${overview.claimsDir} does not exist)\n`;
    }
    return `no ponds found in ${overview.claimsDir}\n`;
  }
  return overview.ponds
    .map((p) => {
      const counts = peerTransportSchema.options.filter((t) => p.counts[t] > 0).map((t) => `${t}=${p.counts[t]}`);
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
    requireClaimsDir(io);
    const overview = await withEngine(io, ({ call }) => call('ponds:list'));
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
