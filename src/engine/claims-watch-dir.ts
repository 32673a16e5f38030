/**
 * Watches one directory that may not exist yet, may be deleted and may come back
 * (crabbox creates its claims directory on the first claim; users delete state dirs).
 * While the directory exists it is watched itself; while it does not, its nearest
 * existing ancestor is watched so its creation is seen at once. A cheap poll (one stat)
 * backs both up, and if the platform refuses to watch at all the consumer is asked to
 * rescan on every poll instead. Events are coalesced: a burst becomes one report with
 * the set of names that changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import PQueue from 'p-queue';

export interface WatchHandle {
  close(): void;
}

export interface DirWatchDeps {
  /** Non-recursive watch; `name` is null when the platform does not say which entry changed. */
  watch(dir: string, onEvent: (name: string | null) => void, onError: (error: Error) => void): WatchHandle;
  /** An identity for the directory (device + inode), or undefined when it is absent or not a directory. */
  dirIdentity(dir: string): Promise<string | undefined>;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const nodeDirWatchDeps: DirWatchDeps = {
  watch(dir, onEvent, onError) {
    const watcher = fs.watch(dir, { persistent: true }, (_event, name) => onEvent(name === null ? null : String(name)));
    watcher.on('error', onError);
    return watcher;
  },
  async dirIdentity(dir) {
    try {
      const s = await fs.promises.stat(dir);
      return s.isDirectory() ? `${s.dev}:${s.ino}:${s.birthtimeMs}` : undefined;
    } catch {
      return undefined;
    }
  },
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** What changed since the last report. `rescan` means "anything may have changed". */
export type DirChange = { rescan: true; reason: string } | { rescan: false; names: ReadonlySet<string> };

export type DirWatchState =
  | { state: 'idle' }
  | { state: 'watching'; identity: string }
  | { state: 'waiting'; ancestor: string }
  | { state: 'polling'; reason: string }
  | { state: 'closed' };

export interface DirWatchOptions {
  deps?: DirWatchDeps;
  /** Quiet time that ends a burst. */
  debounceMs?: number;
  /** A burst that never goes quiet is still reported this often. */
  maxWaitMs?: number;
  /** How often the directory's existence and identity are re-checked. */
  pollMs?: number;
  /** Names worth reporting; other events still trigger the existence check. */
  filter?: (name: string) => boolean;
  now?: () => number;
}

/** Bounds the walk when directories keep appearing while we set up watches. */
const MAX_RECONCILE_STEPS = 32;

export class DirectoryWatcher {
  private readonly deps: DirWatchDeps;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly filter: (name: string) => boolean;
  private readonly now: () => number;
  private current: DirWatchState = { state: 'idle' };
  private handle: WatchHandle | undefined;
  private broken = false;
  private pendingNames = new Set<string>();
  private pendingRescan: string | undefined;
  private burstStart: number | undefined;
  private flushTimer: unknown;
  private pollTimer: unknown;
  /** Checks and reports run one at a time, in order. */
  private readonly queue = new PQueue({ concurrency: 1 });

  constructor(
    readonly dir: string,
    private readonly onChange: (change: DirChange) => void,
    options: DirWatchOptions = {},
  ) {
    this.deps = options.deps ?? nodeDirWatchDeps;
    this.debounceMs = options.debounceMs ?? 40;
    this.maxWaitMs = options.maxWaitMs ?? 200;
    this.pollMs = options.pollMs ?? 1000;
    this.filter = options.filter ?? (() => true);
    this.now = options.now ?? Date.now;
  }

  get state(): DirWatchState {
    return this.current;
  }

  /** Sets up the first watch; resolves once it is in place (no report is made for the start). */
  async start(): Promise<void> {
    await this.queue.add(async () => {
      await this.reconcile();
      this.pendingRescan = undefined;
    });
    this.schedulePoll();
  }

  close(): void {
    this.current = { state: 'closed' };
    this.handle?.close();
    this.handle = undefined;
    this.deps.clearTimeout(this.flushTimer);
    this.deps.clearTimeout(this.pollTimer);
  }

  /** Waits for every report already scheduled (tests and shutdown). */
  settled(): Promise<void> {
    return this.queue.onIdle();
  }

  private get closed(): boolean {
    return this.current.state === 'closed';
  }

  private noteEvent(name: string | null): void {
    if (this.closed) return;
    // Linux reports the watched directory's own removal under its name; an inode can be
    // reused by a directory re-created at once, so the watch is renewed rather than trusted.
    if (name === path.basename(this.dir)) this.broken = true;
    if (name === null) this.pendingRescan ??= 'the platform reported a change without a file name';
    else if (this.filter(name)) this.pendingNames.add(name);
    this.scheduleFlush();
  }

  private noteAncestorEvent(): void {
    if (!this.closed) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    const now = this.now();
    this.burstStart ??= now;
    const wait = Math.max(0, Math.min(this.debounceMs, this.burstStart + this.maxWaitMs - now));
    this.deps.clearTimeout(this.flushTimer);
    this.flushTimer = this.deps.setTimeout(() => void this.queue.add(() => this.flush()), wait);
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.pollTimer = this.deps.setTimeout(() => {
      void this.queue.add(async () => {
        if (this.current.state === 'polling') this.pendingRescan ??= 'polling: the directory cannot be watched';
        await this.flush();
        this.schedulePoll();
      });
    }, this.pollMs);
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    this.burstStart = undefined;
    await this.reconcile();
    if (this.closed) return;
    const rescan = this.pendingRescan;
    const names = this.pendingNames;
    this.pendingRescan = undefined;
    this.pendingNames = new Set();
    if (rescan !== undefined) this.onChange({ rescan: true, reason: rescan });
    else if (names.size > 0) this.onChange({ rescan: false, names });
  }

  private openWatch(target: string, onEvent: (name: string | null) => void): boolean {
    this.handle?.close();
    this.handle = undefined;
    this.broken = false;
    try {
      this.handle = this.deps.watch(target, onEvent, () => {
        // A watch that died (directory removed on Windows, handle revoked) is replaced at the next check.
        this.broken = true;
        if (!this.closed) this.scheduleFlush();
      });
      return true;
    } catch (error) {
      this.current = { state: 'polling', reason: (error as Error).message };
      return false;
    }
  }

  private async nearestAncestor(): Promise<string | undefined> {
    let dir = this.dir;
    for (;;) {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
      if ((await this.deps.dirIdentity(dir)) !== undefined) return dir;
    }
  }

  /** Brings the watch in line with what exists now; queues a rescan when the directory changed identity. */
  private async reconcile(): Promise<void> {
    for (let step = 0; step < MAX_RECONCILE_STEPS && !this.closed; step++) {
      const identity = await this.deps.dirIdentity(this.dir);
      if (this.closed) return;
      if (identity !== undefined) {
        if (this.current.state === 'watching' && this.current.identity === identity && !this.broken) return;
        this.pendingRescan =
          this.current.state === 'watching'
            ? 'the directory was replaced'
            : this.current.state === 'polling'
              ? 'polling: the directory cannot be watched'
              : 'the directory appeared';
        if (!this.openWatch(this.dir, (name) => this.noteEvent(name))) return;
        this.current = { state: 'watching', identity };
        // The directory may have been removed between the stat and the watch: check again.
        continue;
      }
      const ancestor = await this.nearestAncestor();
      if (this.closed) return;
      if (this.current.state === 'watching') this.pendingRescan = 'the directory was removed';
      if (this.current.state === 'waiting' && this.current.ancestor === ancestor && !this.broken) return;
      if (ancestor === undefined) {
        this.handle?.close();
        this.handle = undefined;
        this.current = { state: 'polling', reason: `no parent of ${this.dir} exists` };
        return;
      }
      if (this.current.state === 'idle') this.pendingRescan ??= 'the directory is absent';
      if (!this.openWatch(ancestor, () => this.noteAncestorEvent())) return;
      this.current = { state: 'waiting', ancestor };
    }
  }
}
