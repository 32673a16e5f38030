import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeCrabbox, type FakeCrabbox } from './testing/fake-crabbox/index';
import type { ReleaseProgress } from './release';
import { diskListing } from './testing/disk-listing';
import { releaseDeps, ReleaseService } from './release-service';
import { openConfBackend, SettingsStore } from './settings-store';
import { tempDir } from '../lib/testing/temp-dir';

function service(fake: FakeCrabbox): ReleaseService {
  const settings = new SettingsStore(openConfBackend(path.join(fake.root, 'settings')));
  return new ReleaseService(
    releaseDeps({
      pathEnv: { platform: 'linux', env: fake.env, home: fake.env.HOME as string },
      listing: diskListing({ platform: 'linux', env: fake.env, home: fake.env.HOME as string }),
      settings,
      env: fake.env,
      disconnectPond: async () => {},
    }),
  );
}

describe('releaseDeps', () => {
  it('reads one claim by lease ID: the claim, null once it is gone, an error for a broken file', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const deps = releaseDeps({
      pathEnv: { platform: 'linux', env: fake.env, home: fake.env.HOME as string },
      listing: diskListing({ platform: 'linux', env: fake.env, home: fake.env.HOME as string }),
      settings: new SettingsStore(openConfBackend(path.join(fake.root, 'settings'))),
      env: fake.env,
      disconnectPond: async () => {},
    });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web' });
    expect(await deps.readClaim('cbx_a')).toMatchObject({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web' });
    fake.removeClaim('cbx_a');
    expect(await deps.readClaim('cbx_a')).toBeNull();
    fs.writeFileSync(path.join(fake.claimsDir, 'cbx_b.json'), JSON.stringify({ leaseID: 'cbx_other' }));
    await expect(deps.readClaim('cbx_b')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('misfiled') });
  });

  it('refuses to plan when the claims directory cannot be read', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fs.rmSync(fake.claimsDir, { recursive: true });
    fs.writeFileSync(fake.claimsDir, 'a file where the directory should be');
    await expect(service(fake).plan('p')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('cannot be read') });
  });

  it('treats a missing claims directory as a pond with no crabbox members', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fs.rmSync(fake.claimsDir, { recursive: true });
    expect(await service(fake).plan('p')).toMatchObject({ members: [], disabledReason: 'pond "p" has no active leases' });
  });
});

describe('ReleaseService', () => {
  it('runs one release per pond at a time and cancels it by name', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    for (const id of ['cbx_a', 'cbx_b', 'cbx_c', 'cbx_d', 'cbx_e', 'cbx_f']) {
      fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'Alpha' });
    }
    const releases = service(fake);
    let second: Promise<unknown> | undefined;
    let cancelled: { cancelled: boolean } | undefined;
    const onProgress = (event: ReleaseProgress) => {
      if (event.phase === 'running' && event.key === 'crabbox:cbx_a') {
        expect(releases.isRunning('ALPHA')).toBe(true);
        second = releases.start('alpha').then(
          () => 'started twice',
          (error: unknown) => error,
        );
        cancelled = releases.cancel(' Alpha ');
      }
    };

    const summary = await releases.start('alpha', { onProgress });

    expect(await second).toMatchObject({ code: 'CONFLICT', message: 'pond "alpha" is already being released; wait for it to finish or cancel it' });
    expect(cancelled).toEqual({ cancelled: true });
    // Cancelled while the first stop was starting: the other workers never launched.
    expect(summary.status).toBe('cancelled');
    expect(summary.members.filter((m) => m.outcome.status === 'released').map((m) => m.id)).toEqual(['cbx_a']);
    expect(releases.isRunning('alpha')).toBe(false);
    expect(releases.cancel('alpha')).toEqual({ cancelled: false });
  });

  it('cancels when the caller aborts its signal (Ctrl-C in the CLI)', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    for (const id of ['cbx_a', 'cbx_b']) fake.writeClaim({ leaseID: id, provider: 'hetzner', pond: 'p' });
    const controller = new AbortController();
    controller.abort();
    const summary = await service(fake).start('p', { signal: controller.signal });
    expect(summary.status).toBe('cancelled');
    expect(summary.notes).toEqual(['cancelled before any member was released']);
    expect(fake.calls()).toEqual([]);
  });
});
