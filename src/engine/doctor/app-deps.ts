/**
 * The doctor's dependencies inside the app, built from the other areas' services: rows
 * from the pond directory completed by the URL bridge, claims and SSH targets read
 * afresh, live checks from this machine.
 */
import type { BridgeMembersShape, EventPayload, PeerRow } from '../../contract/index';
import { capabilities } from '../../providers/catalogue';
import type { Claim } from '../claim';
import type { ForwardSpec } from '../mesh/types';
import { resolvePondMeshMembers } from '../mesh/targets';
import type { PathEnv } from '../paths';
import { peerRowOf, type Pond } from '../ponds';
import type { ManualMember } from '../settings-store';
import { ownerIdentity } from './owner-tag';
import type { DoctorServiceDeps, PondRows } from './service';
import { systemCheckDeps, systemGitEmail } from './system';

export interface AppDoctorSources {
  pathEnv: PathEnv;
  pond: (name: string) => Pond | undefined;
  /** Every local claim, or null when crabbox's claims directory cannot be read. */
  claims: () => Claim[] | null;
  bridgeMembers: (pond: string, signal: AbortSignal) => Promise<BridgeMembersShape>;
  manualMembers: () => readonly ManualMember[];
  /** Forwards the mesh holds open (ready) for a pond. */
  forwards?: (pond: string) => ForwardSpec[];
  emit: <E extends 'doctor:plan' | 'doctor:check'>(event: E, payload: EventPayload<E>) => void;
}

/** A bridge member back to a plain row: its provider-served URLs as targets. */
function bridgeRow(member: BridgeMembersShape['members'][number]): PeerRow {
  const { targets, ports: _ports, publishable: _publishable, ...rest } = member;
  return { ...rest, targets: targets.map(({ openUrl: _openUrl, ...t }) => t) };
}

/** Directory rows, with URL members replaced by what their providers answered. */
export async function pondRows(sources: Pick<AppDoctorSources, 'pond' | 'bridgeMembers'>, pond: string, signal: AbortSignal): Promise<PondRows> {
  const base = (sources.pond(pond)?.members ?? []).map(peerRowOf);
  if (!base.some((r) => r.transport === 'url' || capabilities(r.provider).urlBridge)) return { rows: base, problems: [] };
  try {
    const bridged = await sources.bridgeMembers(pond, signal);
    const byLease = new Map(bridged.members.map((m) => [m.leaseID, bridgeRow(m)]));
    return { rows: base.map((r) => byLease.get(r.leaseID) ?? r), problems: bridged.problems };
  } catch (error) {
    if (signal.aborted) throw error;
    return { rows: base, problems: [`provider lookups failed, URL members are shown without their URLs: ${(error as Error).message}`] };
  }
}

export function appDoctorDeps(sources: AppDoctorSources): DoctorServiceDeps {
  const env = sources.pathEnv.env;
  const home = env.HOME || sources.pathEnv.home;
  const system = { env, home, cwd: home };
  const claims = async () => sources.claims();
  return {
    env,
    rows: (pond, signal) => pondRows(sources, pond, signal),
    claims,
    targets: async (pond) => {
      const { members } = await resolvePondMeshMembers(
        { pathEnv: sources.pathEnv, claims: async () => (await claims()) ?? [], manualMembers: async () => sources.manualMembers() },
        pond,
      );
      return new Map(members.flatMap((m) => (m.target ? [[m.leaseID, m.target] as const] : [])));
    },
    forwards: (pond) => sources.forwards?.(pond) ?? [],
    identity: () => ownerIdentity({ env, gitEmail: systemGitEmail(system) }),
    checkDeps: () => systemCheckDeps(system),
    onPlan: (event) => sources.emit('doctor:plan', event),
    onCheck: (event) => sources.emit('doctor:check', event),
  };
}
