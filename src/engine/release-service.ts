/**
 * Release as a service for the app, the web host and the CLI: real claim files, the
 * user's crabbox, at most one release per pond at a time, and cancellation by pond name.
 */
import fs from 'node:fs/promises';
import { CrabboxCli } from '../providers/lifecycle/crabbox-cli';
import type { SpawnFn } from '../providers/lifecycle/run-process';
import { readClaimEntry } from './claims';
import { PondError } from '../lib/errors';
import type { PathEnv } from '../lib/paths';
import { claimsDir } from '../lib/paths';
import { filterClaimsForPond, type PondsSnapshot } from './ponds';
import type { ListedClaim } from './claims';
import {
  emptyReleaseSummary,
  planRelease,
  releasePond,
  releasePondName,
  type ReleaseDeps,
  type ReleaseOptions,
  type ReleasePlan,
  type ReleaseSummary,
} from './release';
import type { SettingsStore } from './settings-store';

export interface ReleaseEnvironment {
  pathEnv: PathEnv;
  settings: Pick<SettingsStore, 'get' | 'set'>;
  /** Environment crabbox runs with (and where PATH is searched). */
  env: Readonly<Record<string, string | undefined>>;
  /** The claims as the pond directory holds them (after it caught up with changes seen so far). */
  listing: () => Promise<{ snapshot: Pick<PondsSnapshot, 'claimsDirState' | 'problems'>; claims: readonly ListedClaim[] }>;
  disconnectPond: (pond: string) => Promise<void>;
  spawn?: SpawnFn;
  stopTimeoutMs?: number;
}

function claimsDirOrThrow(pathEnv: PathEnv): string {
  try {
    return claimsDir(pathEnv);
  } catch (error) {
    throw new PondError('UNAVAILABLE', `cannot find crabbox's claims: ${(error as Error).message}`);
  }
}

/** ReleaseDeps over the real claim files, settings and `crabbox` binary. */
export function releaseDeps(environment: ReleaseEnvironment): ReleaseDeps {
  const { pathEnv, settings, env } = environment;
  return {
    async listPondClaims(pond) {
      const { snapshot, claims } = await environment.listing();
      if (snapshot.claimsDirState === 'unreadable') {
        throw new PondError('UNAVAILABLE', snapshot.problems.map((p) => p.message).join('; '));
      }
      return {
        claims: filterClaimsForPond(claims, pond).map((c) => c.claim),
        problems: snapshot.problems.map((p) => p.message),
      };
    },
    async readClaim(leaseID) {
      const entry = await readClaimEntry(claimsDirOrThrow(pathEnv), { name: `${leaseID}.json`, kind: 'file' });
      switch (entry.kind) {
        case 'claim':
          return entry.claim.claim;
        case 'problem':
          throw new PondError('UNAVAILABLE', entry.problem.message);
        case 'gone':
        case 'ignored':
          return null;
      }
    },
    settings,
    crabbox: new CrabboxCli({
      configuredPath: () => settings.get('crabboxPath'),
      env,
      platform: pathEnv.platform,
      spawn: environment.spawn,
    }),
    disconnectPond: environment.disconnectPond,
    isDirectory: async (dir) => {
      try {
        return (await fs.stat(dir)).isDirectory();
      } catch {
        return false;
      }
    },
    fallbackCwd: pathEnv.home || env.HOME || '/',
    stopTimeoutMs: environment.stopTimeoutMs,
  };
}

export class ReleaseService {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ReleaseDeps) {}

  /** Members, providers, crabbox status and whether release is possible; touches nothing. */
  plan(pond: string): Promise<ReleasePlan> {
    return planRelease(this.deps, pond);
  }

  /** The summary of releasing a pond that has no members: nothing to do. */
  emptySummary(plan: ReleasePlan): ReleaseSummary {
    return emptyReleaseSummary(plan);
  }

  isRunning(pond: string): boolean {
    return this.running.has(releasePondName(pond));
  }

  async start(pondInput: string, options: Omit<ReleaseOptions, 'signal'> & { signal?: AbortSignal } = {}): Promise<ReleaseSummary> {
    const pond = releasePondName(pondInput);
    if (this.running.has(pond)) throw new PondError('CONFLICT', `pond "${pond}" is already being released; wait for it to finish or cancel it`);
    const controller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => controller.abort();
    if (outer?.aborted) controller.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    this.running.set(pond, controller);
    try {
      return await releasePond(this.deps, pond, { ...options, signal: controller.signal });
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
      this.running.delete(pond);
    }
  }

  /** Stops launching new stops for the pond; stops already running finish. */
  cancel(pondInput: string): { cancelled: boolean } {
    const controller = this.running.get(releasePondName(pondInput));
    if (!controller) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
