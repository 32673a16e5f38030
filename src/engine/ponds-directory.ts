/**
 * The engine's pond state: the current crabbox claims (kept live by ClaimsWatcher)
 * merged with the hand-added hosts from the settings file, grouped into ponds. Every
 * change produces a new snapshot for the subscribers (the `ponds:changed` event).
 */
import path from 'node:path';
import { listClaims, nodeClaimsFs, type ClaimProblem, type ClaimsFs, type ClaimsListing, type ListedClaim } from './claims';
import { ClaimsWatcher } from './claims-watch';
import { DirectoryWatcher, type DirWatchOptions } from './claims-watch-dir';
import { normalizePondName } from '../lib/names';
import { claimsDir, PathError, type PathEnv } from '../lib/paths';
import { groupPonds, type Pond, type PondsSnapshot } from './ponds';
import type { ManualMember } from './settings-store';

export interface ManualSource {
  /** May throw (a hand-edited settings file); the error becomes a problem, claims still list. */
  list(): readonly ManualMember[];
  /** The settings file; when given it is watched so edits from the CLI show up at once. */
  readonly file?: string;
}

export interface PondDirectoryOptions {
  /** A string, or why the directory cannot be located (then only hand-added hosts are listed). */
  claimsDir: string | { error: string };
  manual?: ManualSource;
  fs?: ClaimsFs;
  watch?: Omit<DirWatchOptions, 'filter'>;
  /** False: read claims and hand-added hosts once, never watch (one-shot CLI commands). */
  live?: boolean;
}

export type PondsListener = (snapshot: PondsSnapshot) => void;

export function readManual(source: ManualSource | undefined): { members: ManualMember[]; problem?: ClaimProblem } {
  if (!source) return { members: [] };
  try {
    return { members: [...source.list()] };
  } catch (error) {
    return {
      members: [],
      problem: {
        file: source.file ?? 'settings',
        code: 'invalid-settings',
        message: `hand-added hosts cannot be read: ${(error as Error).message}`,
      },
    };
  }
}

function buildSnapshot(revision: number, listing: ClaimsListing, manual: ManualMember[], manualProblem?: ClaimProblem): PondsSnapshot {
  const { ponds, unassigned } = groupPonds({ claims: listing.claims, manual });
  return {
    revision,
    claimsDir: listing.dir,
    claimsDirState: listing.state,
    ponds,
    unassigned,
    problems: manualProblem ? [...listing.problems, manualProblem] : listing.problems,
  };
}

/** A one-shot snapshot, no watching (the CLI). */
export async function loadPonds(claimsDir: string, manual?: ManualSource, claimsFs: ClaimsFs = nodeClaimsFs): Promise<PondsSnapshot> {
  const listing = await listClaims(claimsDir, claimsFs);
  const { members, problem } = readManual(manual);
  return buildSnapshot(1, listing, members, problem);
}

export class PondDirectory {
  private readonly claimsWatcher: ClaimsWatcher | undefined;
  private settingsWatcher: DirectoryWatcher | undefined;
  private readonly listeners = new Set<PondsListener>();
  private listing: ClaimsListing;
  private manual: ManualMember[] = [];
  private manualProblem: ClaimProblem | undefined;
  private manualKey = '';
  private current: PondsSnapshot;
  private revision = 0;

  constructor(private readonly options: PondDirectoryOptions) {
    const dir = options.claimsDir;
    if (typeof dir !== 'string') {
      const message = `crabbox's claims directory cannot be located (${dir.error}), so only hand-added hosts are shown. Fix the environment and restart Pond Desktop.`;
      this.listing = { dir: '', state: 'unreadable', claims: [], problems: [{ file: '', code: 'unreadable', message }] };
    } else {
      this.listing = { dir, state: 'absent', claims: [], problems: [] };
      this.claimsWatcher = new ClaimsWatcher(dir, (listing) => this.onListing(listing), {
        ...(options.fs ? { fs: options.fs } : {}),
        ...(options.watch ? { watch: options.watch } : {}),
      });
    }
    this.current = buildSnapshot(0, this.listing, []);
  }

  /** Reads claims and hand-added hosts, then keeps them live (unless `live` is false). */
  async start(): Promise<PondsSnapshot> {
    this.loadManual();
    if (this.options.live === false) {
      if (typeof this.options.claimsDir === 'string') this.listing = await listClaims(this.options.claimsDir, this.options.fs ?? nodeClaimsFs);
      this.rebuild();
      return this.current;
    }
    const file = this.options.manual?.file;
    if (file) {
      const name = path.basename(file);
      this.settingsWatcher = new DirectoryWatcher(path.dirname(file), () => this.reloadManual(), {
        ...this.options.watch,
        filter: (n) => n === name,
      });
      await this.settingsWatcher.start();
    }
    if (this.claimsWatcher) this.listing = await this.claimsWatcher.start();
    this.rebuild();
    return this.current;
  }

  close(): void {
    this.claimsWatcher?.close();
    this.settingsWatcher?.close();
    this.listeners.clear();
  }

  snapshot(): PondsSnapshot {
    return this.current;
  }

  /** One pond by (normalized) name, or undefined when no member carries it. */
  pond(name: string): Pond | undefined {
    const wanted = normalizePondName(name);
    return this.current.ponds.find((p) => p.name === wanted);
  }

  /** The raw claims behind the snapshot (SSH targets, release, doctor need more than rows). */
  claims(): readonly ListedClaim[] {
    return this.listing.claims;
  }

  manualMembers(): readonly ManualMember[] {
    return this.manual;
  }

  subscribe(listener: PondsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the hand-added hosts (after an edit through the API, or the file changed). */
  reloadManual(): void {
    if (this.loadManual()) this.rebuild();
  }

  /**
   * Brings the snapshot up to date with the disk now: crabbox's claims re-listed (only
   * changed files read) and the hand-added hosts re-read. Services call it before acting
   * on the claims, so nothing is read from disk behind the directory's back.
   */
  async refresh(): Promise<void> {
    if (this.options.live === false) {
      if (typeof this.options.claimsDir === 'string') this.listing = await listClaims(this.options.claimsDir, this.options.fs ?? nodeClaimsFs);
      this.loadManual();
      this.rebuild();
      return;
    }
    await this.settled();
    await this.claimsWatcher?.refresh();
    this.reloadManual();
  }

  /** Resolves once every change seen so far has reached the snapshot. */
  async settled(): Promise<void> {
    await this.settingsWatcher?.settled();
    await this.claimsWatcher?.settled();
  }

  private loadManual(): boolean {
    const { members, problem } = readManual(this.options.manual);
    const key = JSON.stringify([members, problem?.message]);
    if (key === this.manualKey) return false;
    this.manualKey = key;
    this.manual = members;
    this.manualProblem = problem;
    return true;
  }

  private onListing(listing: ClaimsListing): void {
    this.listing = listing;
    this.rebuild();
  }

  private rebuild(): void {
    this.current = buildSnapshot(++this.revision, this.listing, this.manual, this.manualProblem);
    for (const listener of this.listeners) listener(this.current);
  }
}

/** The directory for an environment: crabbox's claims where crabbox keeps them (spec §1.1). */
export function createPondDirectory(pathEnv: PathEnv, manual?: ManualSource, options: Pick<PondDirectoryOptions, 'watch' | 'live'> = {}): PondDirectory {
  let dir: PondDirectoryOptions['claimsDir'];
  try {
    dir = claimsDir(pathEnv);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    dir = { error: error.message };
  }
  return new PondDirectory({ claimsDir: dir, ...(manual ? { manual } : {}), ...options });
}
