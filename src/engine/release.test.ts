import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeCrabbox, processAlive, type FakeCrabbox } from './testing/fake-crabbox/index';
import { planRelease, releasePond, type ReleaseDeps, type ReleaseProgress } from './release';
import { diskListing } from './testing/disk-listing';
import { releaseDeps } from './release-service';
import { openConfBackend, SettingsStore, type ManualMember } from './settings-store';
import { tempDir } from '../lib/testing/temp-dir';

interface Setup {
  fake: FakeCrabbox;
  settings: SettingsStore;
  deps: ReleaseDeps;
  /** What happened, in order: `disconnect:<pond>` and the progress events. */
  log: string[];
  events: ReleaseProgress[];
  onProgress: (event: ReleaseProgress) => void;
}

function setup(options: { version?: string; stopTimeoutMs?: number; withCrabbox?: boolean } = {}): Setup {
  const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: options.version });
  const env = { ...fake.env };
  if (options.withCrabbox === false) env.PATH = path.join(fake.root, 'no-crabbox-here');
  const settings = new SettingsStore(openConfBackend(path.join(fake.root, 'settings')));
  const log: string[] = [];
  const events: ReleaseProgress[] = [];
  const deps = releaseDeps({
    pathEnv: { platform: 'linux', env, home: env.HOME as string },
    listing: diskListing({ platform: 'linux', env, home: env.HOME as string }),
    settings,
    env,
    disconnectPond: async (pond) => {
      // Forwards go first: not one crabbox stop may have run yet.
      log.push(`disconnect:${pond} stops-so-far=${fake.calls().length}`);
    },
    stopTimeoutMs: options.stopTimeoutMs ?? 60_000,
  });
  const onProgress = (event: ReleaseProgress) => {
    events.push(event);
    log.push(`${event.phase}:${event.key}`);
  };
  return { fake, settings, deps, log, events, onProgress };
}

function manual(id: string, pond: string): ManualMember {
  return { id, pond, slug: `host-${id}`, host: '192.0.2.7', port: 2222, user: 'dev', ports: [], addedAt: '2026-06-10T12:00:00Z' };
}

function outcomes(summary: { members: { key: string; outcome: { status: string } }[] }) {
  return Object.fromEntries(summary.members.map((m) => [m.key, m.outcome.status]));
}

describe('planRelease', () => {
  it('lists crabbox and hand-added members with providers and what will happen, touching nothing', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'Alpha Pond', slug: 'web' });
    s.fake.writeClaim({ leaseID: 'cbx_b', provider: 'e2b', pond: 'alpha-pond', slug: 'api' });
    s.fake.writeClaim({ leaseID: 'cbx_c', provider: 'aws', pond: 'other', slug: 'db' });
    s.settings.set('manualMembers', [manual('m1', 'alpha-pond'), manual('m2', 'beta')]);

    const plan = await planRelease(s.deps, 'ALPHA pond');
    expect(plan.pond).toBe('alpha-pond');
    expect(plan.members).toEqual([
      { key: 'crabbox:cbx_a', kind: 'crabbox', slug: 'web', provider: 'hetzner', id: 'cbx_a', action: 'stop', detail: 'crabbox stop (hetzner lease cbx_a)' },
      { key: 'crabbox:cbx_b', kind: 'crabbox', slug: 'api', provider: 'e2b', id: 'cbx_b', action: 'stop', detail: 'crabbox stop (e2b lease cbx_b)' },
      {
        key: 'manual:m1',
        kind: 'manual',
        slug: 'host-m1',
        provider: 'ssh',
        id: 'm1',
        action: 'forget',
        detail: 'forget the hand-added host dev@192.0.2.7:2222 (the machine is not touched)',
      },
    ]);
    expect(plan.crabbox).toEqual({ state: 'ready', path: s.fake.bin, version: '0.46.0' });
    expect(plan.disabledReason).toBeUndefined();
    expect(plan.warnings).toEqual([]);
    expect(s.fake.calls()).toEqual([]);
  });

  it("uses the one message for a name that names no pond, and crabbox's for a pond with no members", async () => {
    const s = setup();
    await expect(planRelease(s.deps, '!!!')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'pond name "!!!" has no letter or digit, so it names no pond' });
    await expect(planRelease(s.deps, '   ')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'pond name "   " has no letter or digit, so it names no pond' });
    await expect(planRelease(s.deps, 'x'.repeat(42))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: '--pond must be 41 characters or fewer after normalization' });
    const plan = await planRelease(s.deps, 'Empty Pond');
    expect(plan.members).toEqual([]);
    expect(plan.disabledReason).toBe('pond "empty-pond" has no active leases');
  });

  it('warns about claim files it could not read', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    fs.writeFileSync(path.join(s.fake.claimsDir, 'cbx_bad.json'), '{not json');
    const plan = await planRelease(s.deps, 'p');
    expect(plan.members.map((m) => m.id)).toEqual(['cbx_a']);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain('cbx_bad.json is not valid JSON');
    expect(plan.warnings[0]).toContain('a member of this pond may be missing from this list');
  });
});

describe('releasePond', () => {
  it('disconnects first, then stops every member and removes their claims', async () => {
    const s = setup();
    const repo = path.join(s.fake.root, 'repo');
    fs.mkdirSync(repo);
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web', repoRoot: repo });
    s.fake.writeClaim({ leaseID: 'cbx_b', provider: 'aws-fixed-v1', pond: 'p', slug: 'db', repoRoot: '/gone/repo' });
    s.fake.writeClaim({ leaseID: 'cbx_c', provider: 'google', pond: 'p', slug: 'ml' });

    const summary = await releasePond(s.deps, 'p', { onProgress: s.onProgress });

    expect(summary.status).toBe('released');
    expect(summary.message).toBe('pond "p": 3 of 3 member(s) released');
    expect(summary.counts).toEqual({ released: 3, retained: 0, forgotten: 0, failed: 0, skipped: 0, cancelled: 0 });
    expect(summary.crabbox).toEqual({ path: s.fake.bin, version: '0.46.0' });
    expect(summary.members.map((m) => m.outcome)).toEqual([
      { status: 'released', claim: 'removed', output: 'deleted lease=cbx_a server=- name=crabbox-web\n' },
      { status: 'released', claim: 'removed', output: 'deleted lease=cbx_b server=- name=crabbox-db\n' },
      { status: 'released', claim: 'removed', output: 'deleted lease=cbx_c server=- name=crabbox-ml\n' },
    ]);
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c']) expect(s.fake.claimExists(id)).toBe(false);

    const calls = s.fake.calls().sort((x, y) => (x.argv.at(-1) ?? '').localeCompare(y.argv.at(-1) ?? ''));
    expect(calls.map((c) => c.argv)).toEqual([
      ['stop', '--provider', 'hetzner', '--id', 'cbx_a'],
      ['stop', '--provider', 'aws', '--id', 'cbx_b'],
      ['stop', '--provider', 'gcp', '--id', 'cbx_c'],
    ]);
    // crabbox runs in the repo it leased from (its crabbox.yaml applies), else in HOME.
    expect(calls.map((c) => c.cwd)).toEqual([repo, s.fake.env.HOME, s.fake.env.HOME]);

    expect(s.log[0]).toBe('queued:crabbox:cbx_a');
    expect(s.log.indexOf('disconnect:p stops-so-far=0')).toBe(3);
    for (const key of ['crabbox:cbx_a', 'crabbox:cbx_b', 'crabbox:cbx_c']) {
      const phases = s.events.filter((e) => e.key === key).map((e) => e.phase);
      expect(phases).toEqual(['queued', 'running', 'done']);
    }
  });

  it('keeps going when one member fails and reports the failure with crabbox message', async () => {
    const s = setup();
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c']) s.fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p' });
    s.fake.fail('cbx_b', 'hetzner: delete server 77: 403 forbidden');

    const summary = await releasePond(s.deps, 'p');

    expect(summary.status).toBe('failed');
    expect(outcomes(summary)).toEqual({ 'crabbox:cbx_a': 'released', 'crabbox:cbx_b': 'failed', 'crabbox:cbx_c': 'released' });
    expect(summary.members[1]?.outcome).toEqual({
      status: 'failed',
      message: 'hetzner: delete server 77: 403 forbidden',
      output: 'hetzner: delete server 77: 403 forbidden\n',
    });
    expect(summary.message).toBe('pond "p": 2 of 3 member(s) released, 1 failed');
    expect(s.fake.claimExists('cbx_b')).toBe(true);
    expect(s.fake.claimExists('cbx_a') || s.fake.claimExists('cbx_c')).toBe(false);
  });

  it('kills a stop that hangs past the timeout while the others finish', async () => {
    const s = setup({ stopTimeoutMs: 2500 });
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c']) s.fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p' });
    s.fake.hang('cbx_a');

    const summary = await releasePond(s.deps, 'p');

    expect(outcomes(summary)).toEqual({ 'crabbox:cbx_a': 'failed', 'crabbox:cbx_b': 'released', 'crabbox:cbx_c': 'released' });
    const hung = summary.members[0]?.outcome;
    expect(hung?.status === 'failed' && hung.message).toContain('did not finish within 2.5s and was killed');
    expect(summary.status).toBe('failed');
    const pids = s.fake.hangPids('cbx_a');
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
  });

  it('shows a claim crabbox kept after the stop as retained, not lost (spec §6)', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hostinger', pond: 'p', cloudID: 'vm-1' });
    s.fake.writeClaim({ leaseID: 'cbx_b', provider: 'hetzner', pond: 'p' });
    s.fake.retain('cbx_a');

    const summary = await releasePond(s.deps, 'p');

    expect(summary.status).toBe('released');
    expect(summary.members[0]?.outcome).toEqual({ status: 'released', claim: 'retained', output: 'stopped lease=cbx_a instance=vm-1 retained=true\n' });
    expect(summary.counts).toMatchObject({ released: 1, retained: 1 });
    expect(summary.message).toBe('pond "p": 2 of 2 member(s) released, 1 with claims kept by crabbox');
    expect(s.fake.claimExists('cbx_a')).toBe(true);
  });

  it('treats "provider does not support stop" as a warning, not an error', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'modal', pond: 'p' });
    s.fake.writeClaim({ leaseID: 'cbx_b', provider: 'hetzner', pond: 'p' });
    s.fake.unsupported('cbx_a');

    const summary = await releasePond(s.deps, 'p');

    expect(summary.status).toBe('released');
    expect(summary.members[0]?.outcome).toMatchObject({
      status: 'skipped',
      warning: true,
      reason: 'provider does not support stop (provider=modal does not support stop)',
    });
    expect(summary.message).toBe('pond "p": 1 of 2 member(s) released, 1 skipped');
  });

  it('is disabled with an install message when crabbox is missing, and nothing happens', async () => {
    const s = setup({ withCrabbox: false });
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    s.settings.set('manualMembers', [manual('m1', 'p')]);

    const plan = await planRelease(s.deps, 'p');
    expect(plan.crabbox.state).toBe('missing');
    expect(plan.disabledReason).toContain('crabbox is not installed');
    expect(plan.disabledReason).toContain('install crabbox 0.22.0 or newer');

    await expect(releasePond(s.deps, 'p', { onProgress: s.onProgress })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: plan.disabledReason });
    expect(s.log).toEqual([]);
    expect(s.fake.claimExists('cbx_a')).toBe(true);
    expect(s.settings.get('manualMembers')).toEqual([manual('m1', 'p')]);
  });

  it('is disabled when crabbox is older than the first release with ponds', async () => {
    const s = setup({ version: '0.21.0' });
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const plan = await planRelease(s.deps, 'p');
    expect(plan.crabbox).toMatchObject({ state: 'too-old', version: '0.21.0' });
    expect(plan.disabledReason).toContain('needs crabbox 0.22.0 or newer');
    await expect(releasePond(s.deps, 'p')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(s.fake.calls()).toEqual([]);
    expect(s.fake.claimExists('cbx_a')).toBe(true);
  });

  it('refuses a pond with no members', async () => {
    const s = setup();
    await expect(releasePond(s.deps, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'pond "nobody" has no active leases' });
  });

  it('stops crabbox members and only forgets hand-added hosts', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    s.settings.set('manualMembers', [manual('m1', 'p'), manual('m2', 'elsewhere'), manual('m3', 'P')]);

    const summary = await releasePond(s.deps, 'p');

    expect(summary.status).toBe('released');
    expect(summary.members.map((m) => [m.key, m.outcome])).toEqual([
      ['crabbox:cbx_a', { status: 'released', claim: 'removed', output: expect.stringContaining('deleted lease=cbx_a') }],
      ['manual:m1', { status: 'released', claim: 'forgotten', output: '' }],
      ['manual:m3', { status: 'released', claim: 'forgotten', output: '' }],
    ]);
    expect(summary.counts).toMatchObject({ released: 1, forgotten: 2 });
    expect(s.settings.get('manualMembers')).toEqual([manual('m2', 'elsewhere')]);
    // crabbox ran for the crabbox member only.
    expect(s.fake.calls().map((c) => c.argv.at(-1))).toEqual(['cbx_a']);
  });

  it('forgets hand-added hosts even without crabbox when the pond has no crabbox members', async () => {
    const s = setup({ withCrabbox: false });
    s.settings.set('manualMembers', [manual('m1', 'p')]);
    const plan = await planRelease(s.deps, 'p');
    expect(plan.disabledReason).toBeUndefined();
    const summary = await releasePond(s.deps, 'p');
    expect(summary).toMatchObject({ status: 'released', crabbox: null, counts: { forgotten: 1 } });
    expect(s.settings.get('manualMembers')).toEqual([]);
  });

  it('handles claims that change while the release is queued', async () => {
    const s = setup();
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c', 'cbx_d', 'cbx_e', 'cbx_f', 'cbx_g']) {
      s.fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p', slug: id.slice(4) });
    }
    s.fake.writeClaim({ leaseID: 'cbx_h', provider: 'hetzner', pond: 'p', slug: 'h' });
    s.settings.set('manualMembers', [manual('m1', 'p')]);
    const plan = await planRelease(s.deps, 'p');
    // After the user confirmed: a new member joins, one confirmed member is gone already.
    s.fake.writeClaim({ leaseID: 'cbx_new', provider: 'hetzner', pond: 'p' });
    s.fake.removeClaim('cbx_h');

    const onProgress = (event: ReleaseProgress) => {
      s.onProgress(event);
      // While the first four stops run, the queued claims change under us.
      if (event.phase === 'running' && event.key === 'crabbox:cbx_a') {
        s.fake.writeClaim({ leaseID: 'cbx_e', provider: 'aws', pond: 'p' });
        s.fake.removeClaim('cbx_f');
        s.fake.writeClaim({ leaseID: 'cbx_g', provider: 'hetzner', pond: 'other-pond' });
        s.settings.set('manualMembers', [manual('m1', 'moved')]);
      }
    };
    const summary = await releasePond(s.deps, 'p', { confirmed: plan.members.map((m) => m.key), onProgress });

    expect(outcomes(summary)).toEqual({
      'crabbox:cbx_a': 'released',
      'crabbox:cbx_b': 'released',
      'crabbox:cbx_c': 'released',
      'crabbox:cbx_d': 'released',
      'crabbox:cbx_e': 'failed',
      'crabbox:cbx_f': 'skipped',
      'crabbox:cbx_g': 'skipped',
      'manual:m1': 'skipped',
      'crabbox:cbx_new': 'skipped',
      'crabbox:cbx_h': 'skipped',
    });
    const byKey = new Map(summary.members.map((m) => [m.key, m.outcome]));
    expect(byKey.get('crabbox:cbx_e')).toMatchObject({
      message: 'its claim changed provider from hetzner to aws after the release was confirmed; not stopped. Review the pond and release it again.',
    });
    expect(byKey.get('crabbox:cbx_f')).toMatchObject({ warning: false, reason: expect.stringContaining('its claim disappeared') });
    expect(byKey.get('crabbox:cbx_g')).toMatchObject({ warning: true, reason: 'its claim moved to pond "other-pond" after the release was confirmed; not stopped' });
    expect(byKey.get('manual:m1')).toMatchObject({ reason: 'it moved to pond "moved" after the release was confirmed; left as it is' });
    expect(byKey.get('crabbox:cbx_new')).toMatchObject({ warning: true, reason: 'it joined the pond after the release was confirmed; left running' });
    expect(byKey.get('crabbox:cbx_h')).toMatchObject({ warning: false, reason: 'it was no longer in the pond when the release started; nothing to do' });
    expect(summary.status).toBe('failed');

    // Nothing unconfirmed or changed was stopped.
    expect(s.fake.calls().map((c) => c.argv.at(-1)).sort()).toEqual(['cbx_a', 'cbx_b', 'cbx_c', 'cbx_d']);
    for (const id of ['cbx_e', 'cbx_g', 'cbx_new']) expect(s.fake.claimExists(id)).toBe(true);
    expect(s.settings.get('manualMembers')).toEqual([manual('m1', 'moved')]);
  });

  it('on cancel starts no new stops, lets running ones finish and says what was released', async () => {
    const s = setup();
    const ids = ['cbx_a', 'cbx_b', 'cbx_c', 'cbx_d', 'cbx_e', 'cbx_f'];
    for (const id of ids) s.fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p', slug: id.slice(4) });
    s.fake.hold('cbx_b');
    const controller = new AbortController();
    const onProgress = (event: ReleaseProgress) => {
      s.onProgress(event);
      if (event.phase === 'done' && event.key === 'crabbox:cbx_a') {
        controller.abort();
        s.fake.letGo('cbx_b');
      }
    };

    const summary = await releasePond({ ...s.deps, concurrency: 2 }, 'p', { signal: controller.signal, onProgress });

    expect(outcomes(summary)).toEqual({
      'crabbox:cbx_a': 'released',
      'crabbox:cbx_b': 'released',
      'crabbox:cbx_c': 'cancelled',
      'crabbox:cbx_d': 'cancelled',
      'crabbox:cbx_e': 'cancelled',
      'crabbox:cbx_f': 'cancelled',
    });
    expect(summary.status).toBe('cancelled');
    expect(summary.notes).toEqual(['cancelled: no new stops were started; already released: a, b']);
    expect(summary.message).toBe('pond "p": 2 of 6 member(s) released, 4 not started (cancelled)');
    expect(s.fake.calls().map((c) => c.argv.at(-1)).sort()).toEqual(['cbx_a', 'cbx_b']);
    for (const id of ['cbx_c', 'cbx_d', 'cbx_e', 'cbx_f']) expect(s.fake.claimExists(id)).toBe(true);
    // Every member still gets its final progress event.
    expect(s.events.filter((e) => e.phase === 'done')).toHaveLength(6);
  });

  it('never runs more than four stops at once', async () => {
    const s = setup();
    const ids = Array.from({ length: 10 }, (_, i) => `cbx_${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      s.fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p' });
      s.fake.hold(id);
    }
    let running = 0;
    let peak = 0;
    const onProgress = (event: ReleaseProgress) => {
      if (event.phase === 'running') peak = Math.max(peak, ++running);
      if (event.phase === 'done') running--;
      // Every stop waits until as many as may run at once have started.
      if (running === 4) for (const id of ids) s.fake.letGo(id);
    };

    const summary = await releasePond(s.deps, 'p', { onProgress });

    expect(summary.counts.released).toBe(10);
    expect(peak).toBe(4);
    expect(s.fake.calls()).toHaveLength(10);
    expect(Math.max(...s.fake.concurrency())).toBeLessThanOrEqual(4);
  });

  it('goes on with the stops when the forwards cannot be disconnected, and says so', async () => {
    const s = setup();
    s.fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const deps: ReleaseDeps = {
      ...s.deps,
      disconnectPond: async () => {
        throw new Error('mesh is shutting down');
      },
    };
    const summary = await releasePond(deps, 'p', {
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    expect(summary.status).toBe('released');
    expect(summary.notes).toEqual([
      "could not disconnect the pond's forwards first (mesh is shutting down); they stop working as their members go away",
    ]);
  });
});
