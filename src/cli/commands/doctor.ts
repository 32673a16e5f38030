/**
 * `pond doctor NAME [--json] [--live]`: why member A cannot reach member B. Prints the
 * pond's transport breakdown and reachability matrix (spec §7.6), the tailnet policy
 * check (§7.2), and with --live checks each member for real. Exit 0 when nothing failed.
 */
import type { PeerRow } from '../../contract/index';
import type { Claim } from '../../engine/claim';
import { runDoctor } from '../../engine/doctor/doctor';
import { ownerIdentity } from '../../engine/doctor/owner-tag';
import { renderReport, reportJSON } from '../../engine/doctor/report';
import { systemCheckDeps, systemGitEmail } from '../../engine/doctor/system';
import type { SshTarget } from '../../engine/mesh/types';
import { resolvePondMeshMembers } from '../../engine/mesh/targets';
import { normalizePondName } from '../../lib/names';
import { filterClaimsForPond, manualRow } from '../../engine/ponds';
import { basePeerRow, compareRows } from '../../engine/rows';
import { parseFlags } from '../args';
import type { CliCommand, CliIO } from '../types';
import { pondNameArg } from './env';
import { readPondSources, reportProblems } from '../pond-sources';
import { bridgeRows } from './peers';

/** Rows as `pond peers` gives them; when the provider bridges fail, the claim rows still count. */
async function pondRows(pond: string, claims: readonly Claim[], io: CliIO): Promise<PeerRow[]> {
  const own = filterClaimsForPond(claims, pond);
  try {
    return await bridgeRows(own, { pond, provider: '', sharePort: 0, shareTtlSeconds: 0, io });
  } catch (error) {
    io.err(`warning: provider bridge lookup failed, URL members are shown without their URLs: ${(error as Error).message}\n`);
    return own.map(basePeerRow);
  }
}

async function sshTargets(pond: string, claims: readonly Claim[], manual: Parameters<typeof resolvePondMeshMembers>[0]['manualMembers'], io: CliIO) {
  const targets = new Map<string, SshTarget>();
  const { members } = await resolvePondMeshMembers({ pathEnv: io.pathEnv, cwd: io.cwd, claims: async () => claims, manualMembers: manual }, pond);
  for (const m of members) if (m.target) targets.set(m.leaseID, m.target);
  return targets;
}

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
    const { listing, manual, problems } = await readPondSources(io);
    reportProblems(io, problems);
    const claims = listing.claims.map((l) => l.claim);
    const rows = [
      ...(await pondRows(pond, claims, io)),
      ...manual.filter((m) => normalizePondName(m.pond) === pond).map(manualRow),
    ].sort(compareRows);
    const targets = values.live ? await sshTargets(pond, claims, async () => manual, io) : new Map<string, SshTarget>();
    const home = io.env.HOME || io.pathEnv.home;
    const system = { env: io.env, home, cwd: io.cwd };
    const report = await runDoctor(
      { pond, rows, claims: listing.state === 'unreadable' ? null : claims, targets, live: values.live === true },
      {
        env: io.env,
        identity: () => ownerIdentity({ env: io.env, gitEmail: systemGitEmail(system) }),
        checkDeps: systemCheckDeps(system),
        bootstrapFromEnv: true,
      },
      { signal: io.signal },
    );
    io.out(values.json ? reportJSON(report) : renderReport(report));
    return report.ok ? 0 : 1;
  },
};
