/**
 * The doctor's dependencies, built from the other areas' services: the pond's rows as
 * `pond peers` gives them (URL members completed by their providers), claims and SSH
 * targets as the pond directory holds them, live checks from this machine.
 */
import type { EventPayload, PeerRow } from '../../contract/index';
import { capabilities } from '../../providers/catalogue';
import type { Claim } from '../claim';
import type { PondMeshMembers } from '../mesh/targets';
import type { ForwardSpec } from '../mesh/types';
import type { PathEnv } from '../../lib/paths';
import { peerRowOf, type Pond } from '../ponds';
import { ownerIdentity } from './owner-tag';
import type { DoctorServiceDeps, PondRows } from './service';
import { systemCheckDeps, systemGitEmail } from './system';

export interface AppDoctorSources {
  pathEnv: PathEnv;
  /** Where `git config user.email` runs and crabbox.yaml is read (the CLI's cwd); the home directory otherwise. */
  cwd?: string;
  pond: (name: string) => Pond | undefined;
  /** Every local claim, or null when crabbox's claims directory cannot be read. */
  claims: () => Claim[] | null;
  /** The pond's rows as `pond peers` lists them; rejects when every provider lookup failed. */
  peers: (pond: string, signal: AbortSignal) => Promise<PeerRow[]>;
  meshMembers: (pond: string) => Promise<PondMeshMembers>;
  /** Forwards the mesh holds open (ready) for a pond. */
  forwards?: (pond: string) => ForwardSpec[];
  emit: <E extends 'doctor:plan' | 'doctor:check'>(event: E, payload: EventPayload<E>) => void;
}

/** The pond's rows; when the providers cannot be asked, the directory's rows with a problem saying so. */
export async function pondRows(sources: Pick<AppDoctorSources, 'pond' | 'peers'>, pond: string, signal: AbortSignal): Promise<PondRows> {
  const base = (sources.pond(pond)?.members ?? []).map(peerRowOf);
  if (!base.some((r) => r.transport === 'url' || capabilities(r.provider).urlBridge)) return { rows: base, problems: [] };
  try {
    return { rows: await sources.peers(pond, signal), problems: [] };
  } catch (error) {
    if (signal.aborted) throw error;
    return { rows: base, problems: [`provider lookups failed, URL members are shown without their URLs: ${(error as Error).message}`] };
  }
}

export function appDoctorDeps(sources: AppDoctorSources): DoctorServiceDeps {
  const env = sources.pathEnv.env;
  const home = env.HOME || sources.pathEnv.home;
  const system = { env, home, cwd: sources.cwd ?? home };
  return {
    env,
    rows: (pond, signal) => pondRows(sources, pond, signal),
    claims: async () => sources.claims(),
    targets: async (pond) => {
      const { members } = await sources.meshMembers(pond);
      return new Map(members.flatMap((m) => (m.target ? [[m.leaseID, m.target] as const] : [])));
    },
    forwards: (pond) => sources.forwards?.(pond) ?? [],
    identity: () => ownerIdentity({ env, gitEmail: systemGitEmail(system) }),
    checkDeps: () => systemCheckDeps(system),
    onPlan: (event) => sources.emit('doctor:plan', event),
    onCheck: (event) => sources.emit('doctor:check', event),
  };
}
