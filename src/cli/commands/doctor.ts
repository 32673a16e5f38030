/**
 * `pond doctor NAME [--json] [--live]`: why member A cannot reach member B. Prints the
 * pond's transport breakdown and reachability matrix (spec §7.6), the tailnet policy
 * check (§7.2), and with --live checks each member for real. Exit 0 when nothing failed.
 */
import { parseFlags } from '../args';
import { reportProblems, requireClaimsDir, withEngine } from '../engine';
import type { CliCommand } from '../types';
import { pondNameArg } from './env';

export const doctor: CliCommand = {
  name: 'doctor',
  summary: "explain a pond's reachability: matrix, tailnet policy check, live checks",
  usage: `usage: pond doctor NAME [--live] [--json]

Explains how the members of pond NAME can reach each other:
  - the transport breakdown and the reachability matrix (every pair of transports
    present: OK, WARN or NO, with the reason), as crabbox computes it;
  - the tailnet policy check of \`crabbox doctor --pond\`: is the pond's tag
    (tag:cbx-pond-<owner>-<pond>) owned and allowed to reach itself? Needs TS_API_KEY
    (TS_TAILNET, CRABBOX_TS_API_URL / TS_API_URL optional). When rows are missing it
    prints the rows to paste by hand;
  - with --live, a check of every member from this machine: SSH members get a TCP
    connection and SSH handshake with the host-key verdict, tailnet members a
    reachability check, URL members an HTTPS HEAD, members without an endpoint an
    explanation. A matrix cell a live check contradicts is listed under it.

Installing missing policy rows needs consent, as in crabbox: with TS_API_KEY and
CRABBOX_POND_ACL_BOOTSTRAP=1 (or true/yes/on) the doctor adds them with a minimal edit
of the policy (comments and layout kept, written with If-Match) and shows the diff.
With TS_API_KEY alone it only shows the change it would make.

Exit status: 0 when nothing failed (skips and warnings are fine), 1 otherwise.

  --live   also check every member for real (each check times out on its own)
  --json   one JSON object: {"ok","provider","checks":[pond check],"pond","matrix",
           "contradictions","acl","bootstrap"?,"live"}`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, live: { type: 'boolean' } });
    const pond = pondNameArg(positionals, 'doctor');
    requireClaimsDir(io);
    const report = await withEngine(io, async ({ engine }) => {
      reportProblems(io, engine.ponds.snapshot().problems);
      return engine.doctor.crabboxReport({ pond, live: values.live === true }, io.signal);
    });
    for (const problem of report.problems) io.err(`warning: ${problem}\n`);
    io.out(values.json ? report.json : report.text);
    return report.ok ? 0 : 1;
  },
};
