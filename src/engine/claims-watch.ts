/**
 * The live view of crabbox's claims directory. Each reported change re-reads only the
 * files it names; a full rescan (directory appeared or replaced, platform gave no file
 * name, polling fallback) re-reads only files whose inode, size or times changed.
 */
import path from 'node:path';
import PQueue from 'p-queue';
import {
  collectEntries,
  mapYielding,
  nodeClaimsFs,
  readClaimEntry,
  readClaimsDir,
  type ClaimEntry,
  type ClaimProblem,
  type ClaimsFs,
  type ClaimsListing,
  type DirEntry,
  type DirState,
} from './claims';
import { DirectoryWatcher, type DirChange, type DirWatchOptions } from './claims-watch-dir';
import { byteCompare } from '../lib/byte-order';

export interface ClaimsWatchOptions {
  fs?: ClaimsFs;
  watch?: Omit<DirWatchOptions, 'filter'>;
}

function sameEntry(a: ClaimEntry | undefined, b: ClaimEntry): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'claim' && b.kind === 'claim') return a.text === b.text;
  if (a.kind === 'problem' && b.kind === 'problem') {
    return a.problem.code === b.problem.code && a.problem.message === b.problem.message;
  }
  return true;
}

/** Only `.json` names can be claims; crabbox's `.x.json.tmp-*` files are not reported. */
export function isClaimFileName(name: string): boolean {
  return name.endsWith('.json');
}

export class ClaimsWatcher {
  private readonly fs: ClaimsFs;
  private readonly watcher: DirectoryWatcher;
  private entries = new Map<string, ClaimEntry>();
  private dirState: DirState = 'absent';
  private dirProblem: ClaimProblem | undefined;
  private reads = 0;
  /** Changes are applied one at a time, in the order they were reported. */
  private readonly applying = new PQueue({ concurrency: 1 });

  constructor(
    readonly dir: string,
    private readonly onListing: (listing: ClaimsListing) => void,
    options: ClaimsWatchOptions = {},
  ) {
    this.fs = options.fs ?? nodeClaimsFs;
    this.watcher = new DirectoryWatcher(dir, (change) => void this.apply(change), {
      ...options.watch,
      filter: isClaimFileName,
    });
  }

  /** Reads everything once, then watches. Resolves with the first listing. */
  async start(): Promise<ClaimsListing> {
    await this.watcher.start();
    await this.applying.add(() => this.rescan());
    return this.listing();
  }

  close(): void {
    this.watcher.close();
  }

  /** How many files have been read so far (to verify that bursts stay incremental). */
  get fileReads(): number {
    return this.reads;
  }

  get watchState() {
    return this.watcher.state;
  }

  /**
   * Re-lists the directory now (unchanged files are not read again), so an action sees a
   * claim written a moment ago even before its watch event arrives.
   */
  refresh(): Promise<void> {
    return this.apply({ rescan: true, reason: 'refresh before an action' });
  }

  /** Resolves once every change reported so far has been applied. */
  async settled(): Promise<void> {
    await this.watcher.settled();
    await this.applying.onIdle();
  }

  listing(): ClaimsListing {
    const names = [...this.entries.keys()].sort(byteCompare);
    const entries = names.map((n) => this.entries.get(n) as ClaimEntry);
    return collectEntries(this.dir, this.dirState, entries, this.dirProblem ? [this.dirProblem] : []);
  }

  private apply(change: DirChange): Promise<void> {
    return this.applying.add(async () => {
      let changed: boolean;
      try {
        changed = change.rescan ? await this.rescan() : await this.reread(change.names);
      } catch (error) {
        this.dirProblem = {
          file: this.dir,
          code: 'unreadable',
          message: `reading the crabbox claims directory ${this.dir} failed (${(error as Error).message}); the list may be out of date until the next change there.`,
        };
        changed = true;
      }
      if (changed) this.onListing(this.listing());
    });
  }

  private read(entry: DirEntry): Promise<ClaimEntry> {
    this.reads++;
    return readClaimEntry(this.dir, entry, this.fs);
  }

  private store(name: string, entry: ClaimEntry): boolean {
    const before = this.entries.get(name);
    if (entry.kind === 'gone' || entry.kind === 'ignored') {
      return this.entries.delete(name);
    }
    this.entries.set(name, entry);
    return !sameEntry(before, entry);
  }

  private async reread(names: ReadonlySet<string>): Promise<boolean> {
    if (this.dirState !== 'present') return this.rescan();
    const results = await mapYielding([...names], (name) => this.read({ name, kind: 'file' }));
    let changed = false;
    for (const entry of results) changed = this.store(entry.name, entry) || changed;
    return changed;
  }

  /** Re-lists the directory; unchanged files (same signature) are not read again. */
  private async rescan(): Promise<boolean> {
    const listed = await readClaimsDir(this.dir, this.fs);
    const stateBefore = this.dirState;
    const problemBefore = this.dirProblem?.message;
    if (listed.state !== 'present') {
      const changed = this.entries.size > 0 || stateBefore !== listed.state;
      this.entries.clear();
      this.dirState = listed.state;
      this.dirProblem = listed.state === 'unreadable' ? listed.problem : undefined;
      return changed || problemBefore !== this.dirProblem?.message;
    }
    this.dirState = 'present';
    this.dirProblem = undefined;
    let changed = stateBefore !== 'present';
    const seen = new Set(listed.entries.map((e) => e.name));
    for (const name of [...this.entries.keys()]) {
      if (!seen.has(name)) changed = this.entries.delete(name) || changed;
    }
    const results = await mapYielding(listed.entries, async (entry) => {
      const known = this.entries.get(entry.name);
      if (known && (known.kind === 'claim' || known.kind === 'problem') && known.signature !== '') {
        const stat = await this.fs.lstat(path.join(this.dir, entry.name)).catch(() => undefined);
        if (stat && stat.signature === known.signature) return known;
      }
      return this.read(entry);
    });
    for (const entry of results) changed = this.store(entry.name, entry) || changed;
    return changed;
  }
}
