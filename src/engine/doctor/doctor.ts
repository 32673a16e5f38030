/**
 * One doctor run for a pond: the matrix from its rows, the tailnet policy check and the
 * live checks side by side, each live result streamed as it lands.
 */
import type { PeerRow } from '../../contract/index';
import type { Claim } from '../claim';
import type { ForwardSpec, SshTarget } from '../mesh/types';
import type { HttpClient } from '../../lib/http';
import { normalizePondName } from '../../lib/names';
import { doctorPondCheck, type PondCheck } from './acl-check';
import { bootstrapFromEnv } from './acl-fix';
import type { CheckDeps } from './checks/types';
import { findContradictions } from './contradictions';
import { buildMatrix } from './matrix';
import { doctorMembers } from './members';
import { reportOk, type DoctorReport } from './report';
import { runChecks, type CheckResult, type RunChecksOptions } from './runner';

export interface DoctorInput {
  pond: string;
  /** The pond's peer rows (discovery / bridge resolver). */
  rows: readonly PeerRow[];
  /** Every local claim, for the policy check; null when listing them failed. */
  claims: readonly Claim[] | null;
  targets?: ReadonlyMap<string, SshTarget>;
  forwards?: readonly ForwardSpec[];
  live: boolean;
}

export interface DoctorDeps {
  env: Readonly<Record<string, string | undefined>>;
  /** ownerIdentity() bound to this machine. */
  identity: () => Promise<string>;
  http?: HttpClient;
  checkDeps: CheckDeps;
  configuredProvider?: string;
  run?: Pick<RunChecksOptions, 'concurrency' | 'timeoutMs'>;
  /** The CLI: install missing rows when CRABBOX_POND_ACL_BOOTSTRAP says so, else show the change. */
  bootstrapFromEnv?: boolean;
}

export interface DoctorCallbacks {
  signal?: AbortSignal;
  onCheck?: (result: CheckResult) => void;
  onAcl?: (check: PondCheck | null) => void;
}

export async function runDoctor(input: DoctorInput, deps: DoctorDeps, callbacks: DoctorCallbacks = {}): Promise<DoctorReport> {
  const pond = normalizePondName(input.pond);
  const rows = input.rows.filter((r) => normalizePondName(r.pond) === pond);
  const matrix = buildMatrix(pond, rows);
  const members = doctorMembers(rows, input.targets, input.forwards);
  const aclRun = (async () => {
    const identity = await deps.identity();
    const check = () =>
      doctorPondCheck({
        pond,
        claims: input.claims,
        identity,
        env: deps.env,
        configuredProvider: deps.configuredProvider,
        http: deps.http,
        signal: callbacks.signal,
      });
    let acl = await check();
    const bootstrap = deps.bootstrapFromEnv ? await bootstrapFromEnv(acl, deps.env, { http: deps.http, signal: callbacks.signal }) : undefined;
    if (bootstrap?.state === 'applied' || bootstrap?.state === 'already-present') acl = await check();
    callbacks.onAcl?.(acl);
    return { acl, bootstrap };
  })();
  const liveRun = input.live
    ? runChecks({ pond, members, deps: deps.checkDeps, signal: callbacks.signal, onResult: callbacks.onCheck, ...deps.run })
    : Promise.resolve(null);
  const [{ acl, bootstrap }, live] = await Promise.all([aclRun, liveRun]);
  return {
    pond,
    matrix,
    acl,
    live,
    contradictions: live ? findContradictions(matrix, members, live) : [],
    ...(bootstrap ? { bootstrap } : {}),
    ok: reportOk(acl, live),
  };
}
