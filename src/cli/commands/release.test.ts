import { describe, expect, it } from 'vitest';
import { appDataDir } from '../../lib/paths';
import { openConfBackend, SettingsStore } from '../../engine/settings-store';
import { installFakeCrabbox, type FakeCrabbox } from '../../engine/testing/fake-crabbox/index';
import { run } from '../main';
import { testIO, type TestIO, type TestIOOptions } from '../testing/test-io';
import { tempDir } from '../../lib/testing/temp-dir';

function io(fake: FakeCrabbox, options: TestIOOptions = {}): TestIO {
  return testIO({ ...options, root: fake.root, env: { ...fake.env, ...options.env } });
}

describe('pond release', () => {
  it('lists the members, releases them with --yes, prints progress and a summary', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'alpha-pond', slug: 'web' });
    fake.writeClaim({ leaseID: 'cbx_b', provider: 'hostinger', pond: 'alpha-pond', slug: 'db' });
    fake.retain('cbx_b');
    const t = io(fake);
    const settings = new SettingsStore(openConfBackend(appDataDir(t.pathEnv)));
    settings.set('manualMembers', [
      { id: 'm1', pond: 'alpha-pond', slug: 'nas', host: '192.0.2.5', port: 22, user: 'me', ports: [], addedAt: '2026-06-10T12:00:00Z' },
    ]);

    const code = await run(['release', 'Alpha', 'Pond', '--yes'], t);

    expect(code).toBe(0);
    const err = t.stderr();
    expect(err).toContain(
      [
        'pond "alpha-pond" has 3 member(s):',
        '  SLUG  PROVIDER   ID     ACTION',
        '  web   hetzner    cbx_a  crabbox stop',
        '  db    hostinger  cbx_b  crabbox stop',
        '  nas   ssh        m1     forget (hand-added host; not touched)',
        `crabbox 0.46.0 (${fake.bin})`,
        'releasing pond "alpha-pond" (3 member(s))',
      ].join('\n'),
    );
    expect(err).toContain('stopping hetzner/cbx_a slug=web\n');
    expect(err).toContain('released hetzner/cbx_a slug=web claim_retained=false\n');
    expect(err).toContain('released hostinger/cbx_b slug=db claim_retained=true\n');
    expect(err).toContain('forgot ssh/m1 slug=nas (hand-added host; the machine was not touched)\n');
    expect(t.stdout()).toBe(
      [
        'pond "alpha-pond": 3 of 3 member(s) released, 1 with claims kept by crabbox',
        '  web  hetzner/cbx_a    released (claim removed)',
        '  db   hostinger/cbx_b  released (stopped; crabbox kept its claim for the reusable resource)',
        '  nas  ssh/m1           forgotten (hand-added host; the machine was not touched)',
        '',
      ].join('\n'),
    );
    expect(fake.claimExists('cbx_a')).toBe(false);
    expect(settings.get('manualMembers')).toEqual([]);
  });

  it('refuses to ask without a terminal when --yes is missing, and stops nothing', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const t = io(fake, { isTTY: false });
    expect(await run(['release', 'p'], t)).toBe(2);
    expect(t.stderr()).toContain(
      'pond release: refusing to release pond "p" without confirmation: there is no terminal to ask on. Run it again with --yes to confirm.\n',
    );
    expect(fake.calls()).toEqual([]);
    expect(fake.claimExists('cbx_a')).toBe(true);
  });

  it('asks on a terminal and does nothing unless the answer is yes', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const no = io(fake, { isTTY: true, answers: ['n'] });
    expect(await run(['release', 'p'], no)).toBe(1);
    expect(no.stderr()).toContain('Release pond "p" (1 member(s))? [y/N] not released; nothing was changed\n');
    expect(fake.claimExists('cbx_a')).toBe(true);

    const yes = io(fake, { isTTY: true, answers: ['yes'] });
    expect(await run(['release', 'p'], yes)).toBe(0);
    expect(fake.claimExists('cbx_a')).toBe(false);
  });

  it('exits 1 when a member fails, after releasing the others', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web' });
    fake.writeClaim({ leaseID: 'cbx_b', provider: 'aws', pond: 'p', slug: 'db' });
    fake.fail('cbx_b', 'aws: terminate i-1: UnauthorizedOperation');
    const t = io(fake);
    expect(await run(['release', '--yes', 'p'], t)).toBe(1);
    expect(t.stderr()).toContain('warning: aws/cbx_b stop failed: aws: terminate i-1: UnauthorizedOperation\n');
    expect(t.stdout()).toContain('  db   aws/cbx_b      FAILED: aws: terminate i-1: UnauthorizedOperation\n');
    expect(fake.claimExists('cbx_a')).toBe(false);
  });

  it('prints the summary as JSON with --json', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'e2b', pond: 'p', slug: 'sbx' });
    const t = io(fake);
    expect(await run(['release', 'p', '--json', '--yes'], t)).toBe(0);
    const summary = JSON.parse(t.stdout());
    expect(summary).toMatchObject({
      pond: 'p',
      status: 'released',
      crabbox: { path: fake.bin, version: '0.46.0' },
      members: [{ key: 'crabbox:cbx_a', slug: 'sbx', provider: 'e2b', outcome: { status: 'released', claim: 'removed' } }],
    });
  });

  it("says a pond without members has no active leases, as crabbox does", async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const t = io(fake);
    expect(await run(['release', 'Ghost', '--yes'], t)).toBe(0);
    expect(t.stdout()).toBe('pond "ghost" has no active leases\n');
    const j = io(fake);
    expect(await run(['release', 'ghost', '--json'], j)).toBe(0);
    expect(JSON.parse(j.stdout())).toMatchObject({ pond: 'ghost', members: [], message: 'pond "ghost" has no active leases' });
  });

  it("rejects bad names with crabbox's messages (exit 2)", async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const bad = io(fake);
    expect(await run(['release', '!!!'], bad)).toBe(2);
    expect(bad.stderr()).toContain('pond release: --pond must contain at least one letter or digit\n');
    const long = io(fake);
    expect(await run(['release', 'x'.repeat(42)], long)).toBe(2);
    expect(long.stderr()).toContain('--pond must be 41 characters or fewer after normalization');
    const blank = io(fake);
    expect(await run(['release'], blank)).toBe(2);
    expect(blank.stderr()).toContain('pond release: usage: pond release <name>\n');
  });

  it('explains what to install when crabbox is missing (exit 1, nothing touched)', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const t = io(fake, { env: { PATH: '/nonexistent' } });
    expect(await run(['release', 'p', '--yes'], t)).toBe(1);
    expect(t.stderr()).toContain('pond release: cannot release pond "p": crabbox is not installed: no crabbox on PATH; install crabbox 0.22.0 or newer');
    expect(fake.claimExists('cbx_a')).toBe(true);
  });

  it('on Ctrl-C starts no new stops and reports what was already released (exit 130)', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c']) fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p', slug: id.slice(4) });
    const t = io(fake);
    const write = t.err;
    t.err = (text) => {
      write(text);
      if (text.startsWith('stopping hetzner/cbx_a')) t.interrupt();
    };
    expect(await run(['release', 'p', '--yes'], t)).toBe(130);
    expect(t.stderr()).toContain('cancelling: no new stops will start; waiting for the running ones to finish\n');
    expect(t.stderr()).toContain('not started hetzner/cbx_b: release cancelled\n');
    expect(t.stdout()).toContain('note: cancelled: no new stops were started; already released: a\n');
    expect(fake.calls().map((c) => c.argv.at(-1))).toEqual(['cbx_a']);
  });
});
