import { PondError } from '../../lib/errors';
import { emptyReleaseSummary, type ReleaseMember } from '../../engine/release';
import { doneLine, planText, runningLine, summaryText } from '../../engine/release-text';
import { parseFlags } from '../args';
import { createCliEngine } from '../engine';
import { type CliCommand } from '../types';
import { pondNameArg } from './env';

/** Exit code after Ctrl-C, as shells report SIGINT. */
const EXIT_CANCELLED = 130;

export const release: CliCommand = {
  name: 'release',
  summary: 'stop every lease of a pond with crabbox and forget its hand-added hosts',
  usage: `usage: pond release NAME [--yes] [--json]

Releases pond NAME: disconnects its forwards, then runs your crabbox
(\`crabbox stop --provider <p> --id <lease>\`, four at a time) for every crabbox
member and forgets every hand-added SSH host (those machines are not touched).
Lists the members and asks first; without a terminal --yes is required.
One failure does not stop the others; the exit code is 1 when any member failed.
Ctrl-C starts no new stops, lets running ones finish and says what was released.

  --yes   release without asking
  --json  print the summary as JSON on stdout (progress still goes to stderr)`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { yes: { type: 'boolean' }, json: { type: 'boolean' } });
    // crabbox joins every argument into the name: `pond release Alpha Pond` is alpha-pond.
    const pond = pondNameArg([positionals.join(' ')], 'release');

    const engine = createCliEngine(io);
    const plan = await engine.release.plan(pond);
    if (plan.members.length === 0) {
      if (values.json) io.out(`${JSON.stringify(emptyReleaseSummary(plan), null, 2)}\n`);
      else io.out(`pond "${pond}" has no active leases\n`);
      return 0;
    }
    io.err(planText(plan));
    if (plan.disabledReason !== undefined) {
      io.err(`pond release: cannot release pond "${pond}": ${plan.disabledReason}\n`);
      return 1;
    }
    if (!values.yes) {
      if (!io.isTTY) {
        io.err(`pond release: refusing to release pond "${pond}" without confirmation: there is no terminal to ask on. Run it again with --yes to confirm.\n`);
        return 2;
      }
      const answer = await io.readLine(`Release pond "${pond}" (${plan.members.length} member(s))? [y/N] `);
      if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) {
        io.err('not released; nothing was changed\n');
        return 1;
      }
    }

    const byKey = new Map<string, ReleaseMember>(plan.members.map((m) => [m.key, m]));
    const onAbort = () => io.err('cancelling: no new stops will start; waiting for the running ones to finish\n');
    io.signal.addEventListener('abort', onAbort, { once: true });
    io.err(`releasing pond "${pond}" (${plan.members.length} member(s))\n`);
    try {
      const summary = await engine.release.start(pond, {
        confirmed: plan.members.map((m) => m.key),
        signal: io.signal,
        onProgress: (event) => {
          const member = byKey.get(event.key);
          if (event.phase === 'running' && member) io.err(`${runningLine(member)}\n`);
          if (event.phase === 'done') io.err(`${doneLine(event.result)}\n`);
        },
      });
      io.out(values.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(summary));
      if (summary.status === 'failed') return 1;
      return summary.status === 'cancelled' ? EXIT_CANCELLED : 0;
    } catch (error) {
      if (error instanceof PondError) {
        io.err(`pond release: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
  },
};
