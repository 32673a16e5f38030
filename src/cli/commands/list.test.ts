import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir, claimsDir } from '../../lib/paths';
import { run } from '../main';
import { testIO, writeClaims, type TestIO } from '../testing/test-io';

const newIO = (env: Record<string, string | undefined> = {}): TestIO => testIO({ env });

const CLAIMS = [
  { leaseID: 'cbx_1', slug: 'web', provider: 'hetzner', pond: 'alpha', tailscaleIPv4: '100.64.0.1' },
  { leaseID: 'cbx_2', slug: 'api', provider: 'aws', pond: 'Alpha', sshHost: 'h', sshPort: 22 },
  { leaseID: 'cbx_3', slug: 'job', provider: 'modal', pond: 'beta-pond' },
  { leaseID: 'cbx_4', slug: 'loose', provider: 'aws', pond: '' },
];

describe('pond list', () => {
  it('lists every pond with member counts per transport; problems and pond-less claims on stderr', async () => {
    const io = newIO();
    const dir = writeClaims(io, CLAIMS);
    fs.writeFileSync(path.join(dir, 'cbx_bad.json'), '{');
    expect(await run(['list'], io)).toBe(0);
    expect(io.stdout()).toBe('alpha\t2 members\ttailnet=1 ssh=1\nbeta-pond\t1 member\tnone=1\n');
    expect(io.stderr()).toContain('1 crabbox claim belongs to no pond (not shown)');
    expect(io.stderr()).toContain(`warning: claim file ${path.join(dir, 'cbx_bad.json')} is not valid JSON`);
  });

  it('--json carries counts, hand-added members and problems', async () => {
    const io = newIO();
    const dir = writeClaims(io, CLAIMS);
    fs.writeFileSync(path.join(dir, 'cbx_bad.json'), '[]');
    expect(await run(['hosts', 'add', '--pond', 'beta pond', '--slug', 'db', '--host', 'db.lan', '--user', 'ops'], io)).toBe(0);
    const before = io.stdout().length;
    expect(await run(['list', '--json'], io)).toBe(0);
    const out = JSON.parse(io.stdout().slice(before));
    expect(out).toEqual({
      claimsDir: dir,
      claimsDirState: 'present',
      ponds: [
        { name: 'alpha', memberCount: 2, counts: { tailnet: 1, url: 0, ssh: 1, pending: 0, none: 0 }, crabbox: 2, manual: 0 },
        { name: 'beta-pond', memberCount: 2, counts: { tailnet: 0, url: 0, ssh: 1, pending: 0, none: 1 }, crabbox: 1, manual: 1 },
      ],
      unassigned: 1,
      problems: [{ file: path.join(dir, 'cbx_bad.json'), code: 'invalid-json', message: expect.stringContaining('does not hold a JSON object') }],
    });
  });

  it('explains an absent claims directory and does not create any file', async () => {
    const io = newIO();
    expect(await run(['list'], io)).toBe(0);
    expect(io.stdout()).toBe(`no ponds found: crabbox has written no claims yet (${claimsDir(io.pathEnv)} does not exist)\n`);
    expect(fs.existsSync(appDataDir(io.pathEnv))).toBe(false);
  });

  it('reports a relative XDG_CONFIG_HOME like crabbox, exit 2', async () => {
    const io = newIO({ XDG_CONFIG_HOME: 'relative', XDG_STATE_HOME: '' });
    expect(await run(['list'], io)).toBe(2);
    expect(io.stderr()).toContain('user state directory is unavailable');
  });

  it('refuses stray arguments', async () => {
    const io = newIO();
    expect(await run(['list', 'alpha'], io)).toBe(2);
    expect(io.stderr()).toContain('unexpected argument "alpha"');
  });
});
