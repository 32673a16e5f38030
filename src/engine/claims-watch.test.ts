import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimText, sampleClaim, writeClaimAtomic, writeClaims } from './testing/claims-fixtures';
import type { ClaimsListing } from './claims';
import { ClaimsWatcher, isClaimFileName } from './claims-watch';
import { nodeDirWatchDeps } from './claims-watch-dir';
import { FakeClock } from './mesh/testing/fake-clock';
import { until } from './mesh/testing/wait';

let root: string;
let watcher: ClaimsWatcher | undefined;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-watch-'));
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

function start(dir: string, options: ConstructorParameters<typeof ClaimsWatcher>[2] = {}) {
  const listings: ClaimsListing[] = [];
  watcher = new ClaimsWatcher(dir, (l) => listings.push(l), options);
  return { listings, w: watcher };
}

const ids = (l: ClaimsListing | undefined) => (l?.claims ?? []).map((c) => c.leaseID);
const slugs = (l: ClaimsListing | undefined) => (l?.claims ?? []).map((c) => c.claim.slug);

describe('ClaimsWatcher on a real directory', () => {
  it('sees create, modify, rename and delete, and survives the directory being absent, deleted and re-created', async () => {
    const dir = path.join(root, 'state', 'crabbox', 'claims');
    const { listings, w } = start(dir, { watch: { pollMs: 250 } });
    const first = await w.start();
    expect(first.state).toBe('absent');
    const last = () => listings.at(-1);

    // Created: crabbox makes the whole directory chain on its first claim.
    writeClaimAtomic(dir, { leaseID: 'cbx_a', slug: 'web', pond: 'alpha' });
    await until(() => ids(last()).includes('cbx_a'), 'the first claim');
    expect(last()?.state).toBe('present');

    // Modified.
    writeClaimAtomic(dir, { leaseID: 'cbx_a', slug: 'api', pond: 'alpha' });
    await until(() => slugs(last()).includes('api'), 'the modified claim');

    // Modified in place (not atomically).
    fs.writeFileSync(path.join(dir, 'cbx_a.json'), claimText({ leaseID: 'cbx_a', slug: 'db', pond: 'alpha' }));
    await until(() => slugs(last()).includes('db'), 'the in-place modification');

    // Renamed: under another lease's name it is misfiled; renamed away from .json it is gone.
    fs.renameSync(path.join(dir, 'cbx_a.json'), path.join(dir, 'cbx_b.json'));
    await until(() => ids(last()).length === 0 && last()?.problems[0]?.code === 'misfiled', 'the misfiled rename');
    fs.renameSync(path.join(dir, 'cbx_b.json'), path.join(dir, 'cbx_a.json'));
    await until(() => ids(last()).includes('cbx_a') && last()?.problems.length === 0, 'the rename back');
    fs.renameSync(path.join(dir, 'cbx_a.json'), path.join(dir, 'cbx_a.json.bak'));
    await until(() => ids(last()).length === 0, 'the rename away');
    fs.renameSync(path.join(dir, 'cbx_a.json.bak'), path.join(dir, 'cbx_a.json'));
    await until(() => ids(last()).includes('cbx_a'), 'the rename into place');

    // Deleted.
    writeClaimAtomic(dir, { leaseID: 'cbx_c', slug: 'c', pond: 'alpha' });
    await until(() => ids(last()).includes('cbx_c'), 'a second claim');
    fs.rmSync(path.join(dir, 'cbx_c.json'));
    await until(() => !ids(last()).includes('cbx_c'), 'the deletion');

    // The directory deleted…
    fs.rmSync(path.join(root, 'state'), { recursive: true });
    await until(() => last()?.state === 'absent' && ids(last()).length === 0, 'the directory removal');

    // …and re-created later.
    writeClaimAtomic(dir, { leaseID: 'cbx_d', slug: 'd', pond: 'beta' });
    await until(() => ids(last()).includes('cbx_d') && last()?.state === 'present', 'the re-created directory');

    // Replaced by another directory under the same name.
    const other = path.join(root, 'other');
    writeClaimAtomic(other, { leaseID: 'cbx_e', slug: 'e', pond: 'beta' });
    fs.renameSync(dir, path.join(root, 'old-claims'));
    fs.renameSync(other, dir);
    await until(() => ids(last()).join() === 'cbx_e', 'the replaced directory');

    // Still watching the new directory.
    writeClaimAtomic(dir, { leaseID: 'cbx_f', slug: 'f', pond: 'beta' });
    await until(() => ids(last()).join() === 'cbx_e,cbx_f', 'a claim in the replacement');
  });

  it('removed and re-created at once, with nothing in between', async () => {
    const dir = path.join(root, 'claims');
    writeClaimAtomic(dir, { leaseID: 'cbx_a', pond: 'alpha' });
    const { listings, w } = start(dir);
    expect(ids(await w.start())).toEqual(['cbx_a']);
    fs.rmSync(dir, { recursive: true });
    writeClaimAtomic(dir, { leaseID: 'cbx_b', pond: 'alpha' });
    await until(() => ids(listings.at(-1)).join() === 'cbx_b', 'the new directory contents');
    writeClaimAtomic(dir, { leaseID: 'cbx_c', pond: 'alpha' });
    await until(() => ids(listings.at(-1)).join() === 'cbx_b,cbx_c', 'a later claim');
  });

  it('coalesces a burst of 100 writes and re-reads only the changed files', async () => {
    const dir = path.join(root, 'claims');
    writeClaims(dir, 2000);
    // A long quiet period makes "one burst" independent of how busy the machine is.
    const { listings, w } = start(dir, { watch: { debounceMs: 500, maxWaitMs: 5000 } });
    await w.start();
    const readsBefore = w.fileReads;
    expect(readsBefore).toBe(2000);
    for (let i = 0; i < 100; i++) writeClaimAtomic(dir, { ...sampleClaim(i), slug: `changed-${i}` });
    await until(() => (listings.at(-1)?.claims ?? []).filter((c) => c.claim.slug.startsWith('changed-')).length === 100, 'all 100 changes');
    await w.settled();
    expect(listings.length).toBeLessThanOrEqual(3);
    expect(w.fileReads - readsBefore).toBeGreaterThanOrEqual(100);
    expect(w.fileReads - readsBefore).toBeLessThanOrEqual(300);
    expect(listings.at(-1)?.claims).toHaveLength(2000);
  });

  it('does not report a rewrite with identical content', async () => {
    const dir = path.join(root, 'claims');
    writeClaimAtomic(dir, { leaseID: 'cbx_a', pond: 'alpha' });
    const { listings, w } = start(dir);
    await w.start();
    writeClaimAtomic(dir, { leaseID: 'cbx_a', pond: 'alpha' });
    writeClaimAtomic(dir, { leaseID: 'cbx_b', pond: 'alpha' });
    await until(() => ids(listings.at(-1)).includes('cbx_b'), 'the new claim');
    await w.settled();
    expect(listings).toHaveLength(1);
  });

  it('polls where the directory cannot be watched, re-reading only files whose signature changed', async () => {
    const dir = path.join(root, 'claims');
    writeClaims(dir, 50);
    const refuse = () => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    };
    const clock = new FakeClock();
    const deps = { ...nodeDirWatchDeps, watch: refuse, setTimeout: clock.timers.setTimeout, clearTimeout: clock.timers.clearTimeout };
    const { w } = start(dir, { watch: { deps, pollMs: 100, now: clock.now } });
    await w.start();
    expect(w.watchState).toMatchObject({ state: 'polling' });
    expect(w.fileReads).toBe(50);
    fs.writeFileSync(path.join(dir, 'cbx_000000000003.json'), claimText({ ...sampleClaim(3), slug: 'x' }));
    fs.writeFileSync(path.join(dir, 'cbx_000000000004.json'), claimText({ ...sampleClaim(4), slug: 'y' }));
    await clock.advanceSettled(100, () => w.settled());
    expect(w.listing().claims.filter((c) => c.claim.slug === 'x' || c.claim.slug === 'y')).toHaveLength(2);
    // Three more polls; only the two rewritten files were read again.
    await clock.advanceSettled(300, () => w.settled());
    expect(w.fileReads).toBe(52);
    expect(clock.pendingDelays()).toEqual([100]);
  });
});

describe('isClaimFileName', () => {
  it('keeps .json names and drops crabbox temp files', () => {
    expect(isClaimFileName('cbx_1.json')).toBe(true);
    expect(isClaimFileName('.cbx_1.json.tmp-123')).toBe(false);
    expect(isClaimFileName('notes.txt')).toBe(false);
  });
});
