import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryWatcher, nodeDirWatchDeps, type DirChange, type DirWatchDeps } from './claims-watch-dir';
import { FakeClock } from './mesh/testing/fake-clock';

/** A scripted filesystem on the fake clock: the test decides what exists and when timers fire. */
class FakeDeps implements DirWatchDeps {
  readonly clock = new FakeClock();
  dirs = new Map<string, string>();
  watches = new Map<string, { onEvent: (name: string | null) => void; onError: (e: Error) => void; closed: boolean }>();
  refuseWatch = false;
  /** The watcher's own "all done" signal, awaited after each timer. */
  settled: () => Promise<unknown> = async () => {};

  watch(dir: string, onEvent: (name: string | null) => void, onError: (e: Error) => void) {
    if (this.refuseWatch) throw Object.assign(new Error('ENOSPC: inotify watch limit reached'), { code: 'ENOSPC' });
    const w = { onEvent, onError, closed: false };
    this.watches.set(dir, w);
    return { close: () => void (w.closed = true) };
  }

  async dirIdentity(dir: string) {
    return this.dirs.get(dir);
  }

  setTimeout = this.clock.timers.setTimeout;
  clearTimeout = this.clock.timers.clearTimeout;

  live(dir: string) {
    const w = this.watches.get(dir);
    return w && !w.closed ? w : undefined;
  }

  /** Advances the clock, firing due timers in order and letting the watcher finish each one's work. */
  advance(ms: number) {
    return this.clock.advanceSettled(ms, this.settled);
  }
}

function setup(dir = '/s/crabbox/claims') {
  const deps = new FakeDeps();
  deps.dirs.set('/', 'root');
  deps.dirs.set('/s', 's');
  const changes: DirChange[] = [];
  const watcher = new DirectoryWatcher(dir, (c) => changes.push(c), {
    deps,
    debounceMs: 40,
    maxWaitMs: 200,
    pollMs: 1000,
    filter: (n) => n.endsWith('.json'),
    now: deps.clock.now,
  });
  deps.settled = () => watcher.settled();
  return { deps, changes, watcher, dir };
}

describe('DirectoryWatcher (scripted filesystem and clock)', () => {
  it('waits on the nearest existing ancestor while the directory is absent', async () => {
    const { deps, changes, watcher } = setup();
    await watcher.start();
    expect(watcher.state).toEqual({ state: 'waiting', ancestor: '/s' });
    expect(deps.live('/s')).toBeDefined();
    expect(changes).toEqual([]);

    deps.dirs.set('/s/crabbox', 'c');
    deps.live('/s')?.onEvent('crabbox');
    await deps.advance(40);
    expect(watcher.state).toEqual({ state: 'waiting', ancestor: '/s/crabbox' });
    expect(deps.live('/s')).toBeUndefined();

    deps.dirs.set('/s/crabbox/claims', 'claims-1');
    deps.live('/s/crabbox')?.onEvent('claims');
    await deps.advance(40);
    expect(watcher.state).toEqual({ state: 'watching', identity: 'claims-1' });
    expect(changes).toEqual([{ rescan: true, reason: 'the directory appeared' }]);
    watcher.close();
  });

  it('coalesces a burst into one report of the changed names, filtered', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    const w = deps.live(dir);
    for (let i = 0; i < 100; i++) {
      w?.onEvent(`cbx_${i % 10}.json`);
      w?.onEvent(`.cbx_${i % 10}.json.tmp-1`);
    }
    await deps.advance(39);
    expect(changes).toEqual([]);
    await deps.advance(1);
    expect(changes).toHaveLength(1);
    const first = changes[0];
    expect(first?.rescan).toBe(false);
    if (first && !first.rescan) expect([...first.names].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `cbx_${i}.json`));
    watcher.close();
  });

  it('reports a burst that never goes quiet at least every maxWait', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    for (let t = 0; t < 500; t += 20) {
      deps.live(dir)?.onEvent(`cbx_${t}.json`);
      await deps.advance(20);
    }
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes.length).toBeLessThanOrEqual(4);
    watcher.close();
  });

  it('asks for a rescan when the platform gives no file name', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    deps.live(dir)?.onEvent(null);
    await deps.advance(40);
    expect(changes).toEqual([{ rescan: true, reason: 'the platform reported a change without a file name' }]);
    watcher.close();
  });

  it('notices removal and re-creation (new identity) and rewatches', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    deps.dirs.delete(dir);
    deps.live(dir)?.onEvent('claims');
    await deps.advance(40);
    expect(watcher.state).toEqual({ state: 'waiting', ancestor: '/s/crabbox' });
    expect(changes.at(-1)).toEqual({ rescan: true, reason: 'the directory was removed' });

    deps.dirs.set(dir, 'claims-2');
    deps.live('/s/crabbox')?.onEvent('claims');
    await deps.advance(40);
    expect(watcher.state).toEqual({ state: 'watching', identity: 'claims-2' });
    expect(changes.at(-1)).toEqual({ rescan: true, reason: 'the directory appeared' });
    watcher.close();
  });

  it('the poll catches a directory replaced without any event', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    deps.dirs.set(dir, 'claims-2');
    await deps.advance(1000);
    expect(changes).toEqual([{ rescan: true, reason: 'the directory was replaced' }]);
    expect(watcher.state).toEqual({ state: 'watching', identity: 'claims-2' });
    watcher.close();
  });

  it('renews a watch that reported an error', async () => {
    const { deps, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    const first = deps.live(dir);
    first?.onError(new Error('EPERM'));
    await deps.advance(40);
    expect(first?.closed).toBe(true);
    expect(deps.live(dir)).toBeDefined();
    expect(deps.live(dir)).not.toBe(first);
    watcher.close();
  });

  it('falls back to polling with a rescan per poll when watching is refused', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    deps.refuseWatch = true;
    await watcher.start();
    expect(watcher.state).toMatchObject({ state: 'polling' });
    await deps.advance(3000);
    expect(changes.length).toBe(3);
    expect(changes.every((c) => c.rescan)).toBe(true);
    deps.refuseWatch = false;
    await deps.advance(1000);
    expect(watcher.state).toEqual({ state: 'watching', identity: 'claims-1' });
    watcher.close();
  });

  it('stops reporting after close', async () => {
    const { deps, changes, watcher, dir } = setup();
    deps.dirs.set('/s/crabbox', 'c');
    deps.dirs.set(dir, 'claims-1');
    await watcher.start();
    const w = deps.live(dir);
    watcher.close();
    w?.onEvent('cbx_1.json');
    await deps.advance(5000);
    expect(changes).toEqual([]);
    expect(w?.closed).toBe(true);
  });
});

describe('nodeDirWatchDeps', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('identifies directories only, and changes identity when one is re-created', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-dirwatch-'));
    const dir = path.join(root, 'd');
    expect(await nodeDirWatchDeps.dirIdentity(dir)).toBeUndefined();
    fs.writeFileSync(dir, 'file');
    expect(await nodeDirWatchDeps.dirIdentity(dir)).toBeUndefined();
    fs.rmSync(dir);
    fs.mkdirSync(dir);
    const first = await nodeDirWatchDeps.dirIdentity(dir);
    expect(first).toBeDefined();
    fs.rmdirSync(dir);
    fs.mkdirSync(dir);
    expect(await nodeDirWatchDeps.dirIdentity(dir)).not.toBe(first);
  });
});
