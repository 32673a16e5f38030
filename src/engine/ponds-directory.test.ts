import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBrokenClaims, writeClaimAtomic } from './testing/claims-fixtures';
import { nodeClaimsFs, type ClaimsFs } from './claims';
import { ManualMembers } from './manual-members';
import type { PondsSnapshot } from './ponds';
import { loadPonds, PondDirectory, type ManualSource } from './ponds-directory';
import { openConfBackend, SettingsStore } from './settings-store';
import { until } from './mesh/testing/wait';

let root: string;
let directory: PondDirectory | undefined;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-dir-'));
});

afterEach(() => {
  directory?.close();
  directory = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

function settingsSource(dir: string): ManualSource & { members: ManualMembers } {
  const members = new ManualMembers(new SettingsStore(openConfBackend(dir)));
  return { members, file: path.join(dir, 'config.json'), list: () => members.list() };
}

const memberNames = (s: PondsSnapshot, pond: string) => s.ponds.find((p) => p.name === pond)?.members.map((m) => `${m.origin}:${m.slug}`) ?? [];

describe('PondDirectory', () => {
  it('merges crabbox claims with hand-added hosts and follows both live', async () => {
    const claims = path.join(root, 'state', 'crabbox', 'claims');
    const settingsDir = path.join(root, 'config', 'Pond Desktop');
    writeClaimAtomic(claims, { leaseID: 'cbx_1', slug: 'web', pond: 'Alpha', provider: 'hetzner', tailscaleIPv4: '100.64.0.1' });
    const source = settingsSource(settingsDir);
    source.members.add({ pond: 'alpha', slug: 'db', host: 'db.lan', user: 'ops', expose: ['5432'] });

    directory = new PondDirectory({ claimsDir: claims, manual: source });
    const seen: PondsSnapshot[] = [];
    directory.subscribe((s) => seen.push(s));
    const first = await directory.start();
    expect(memberNames(first, 'alpha')).toEqual(['manual:db', 'crabbox:web']);
    expect(first.ponds[0]?.counts).toEqual({ tailnet: 1, url: 0, ssh: 1, pending: 0, none: 0 });
    expect(directory.pond(' ALPHA ')?.name).toBe('alpha');
    expect(directory.pond('nope')).toBeUndefined();
    expect(directory.claims().map((c) => c.leaseID)).toEqual(['cbx_1']);

    writeClaimAtomic(claims, { leaseID: 'cbx_2', slug: 'api', pond: 'alpha', provider: 'islo' });
    await until(() => memberNames(directory!.snapshot(), 'alpha').includes('crabbox:api'), 'the new claim');

    // Another process (the CLI) edits the settings file.
    const cli = settingsSource(settingsDir);
    cli.members.add({ pond: 'beta', slug: 'cache', host: '10.0.0.9', user: 'ops' });
    await until(() => memberNames(directory!.snapshot(), 'beta').includes('manual:cache'), 'the host added from the CLI');

    fs.rmSync(path.join(claims, 'cbx_1.json'));
    await until(() => !memberNames(directory!.snapshot(), 'alpha').includes('crabbox:web'), 'the removed claim');

    const revisions = seen.map((s) => s.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it('reloadManual picks up an edit at once and notifies only on change', async () => {
    const source = settingsSource(path.join(root, 'settings'));
    directory = new PondDirectory({ claimsDir: path.join(root, 'absent'), manual: { list: () => source.list() } });
    await directory.start();
    const seen: PondsSnapshot[] = [];
    directory.subscribe((s) => seen.push(s));
    directory.reloadManual();
    expect(seen).toHaveLength(0);
    source.members.add({ pond: 'alpha', slug: 'db', host: 'db.lan', user: 'ops' });
    directory.reloadManual();
    expect(seen).toHaveLength(1);
    expect(memberNames(seen[0]!, 'alpha')).toEqual(['manual:db']);
    expect(seen[0]?.claimsDirState).toBe('absent');
  });

  it('a broken settings file is a problem; every claim is still listed', async () => {
    const claims = path.join(root, 'claims');
    writeClaimAtomic(claims, { leaseID: 'cbx_1', slug: 'web', pond: 'alpha', provider: 'aws', sshHost: 'h', sshPort: 22 });
    const settingsDir = path.join(root, 'settings');
    fs.mkdirSync(settingsDir);
    fs.writeFileSync(path.join(settingsDir, 'config.json'), JSON.stringify({ manualMembers: [{ id: 'x' }] }));
    const snapshot = await loadPonds(claims, settingsSource(settingsDir));
    expect(memberNames(snapshot, 'alpha')).toEqual(['crabbox:web']);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ code: 'invalid-settings', file: path.join(settingsDir, 'config.json') }),
    ]);
    expect(snapshot.problems[0]?.message).toContain('manualMembers.0');
  });

  it('loadPonds reports broken claim files beside the ponds', async () => {
    const claims = path.join(root, 'claims');
    writeClaimAtomic(claims, { leaseID: 'cbx_1', slug: 'web', pond: 'alpha' });
    writeClaimAtomic(claims, { leaseID: 'cbx_2', slug: 'x' });
    const { unreadable } = writeBrokenClaims(claims);
    const fsFail: ClaimsFs = {
      ...nodeClaimsFs,
      read: async (file, limit) =>
        unreadable.includes(path.basename(file)) ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) : nodeClaimsFs.read(file, limit),
    };
    const snapshot = await loadPonds(claims, undefined, fsFail);
    expect(snapshot.ponds.map((p) => p.name)).toEqual(['alpha']);
    expect(snapshot.unassigned).toBe(1);
    expect(snapshot.problems).toHaveLength(50);
  });
});
