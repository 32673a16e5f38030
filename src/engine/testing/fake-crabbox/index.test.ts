import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeCrabbox } from './index';
import { tempDir } from '../../../lib/testing/temp-dir';

function crabbox(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync('crabbox', args, { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the stand-in crabbox', () => {
  it('is the crabbox found on PATH and prints its version alone, as crabbox does', () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: '0.31.0' });
    expect(crabbox(fake.env, '--version')).toEqual({ code: 0, stdout: '0.31.0\n', stderr: '' });
    expect(crabbox(fake.env, 'version')).toEqual({ code: 0, stdout: '0.31.0\n', stderr: '' });
  });

  it("removes the claim under $XDG_STATE_HOME/crabbox/claims and prints crabbox's deleted line", () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web', cloudID: '99' });
    expect(crabbox(fake.env, 'stop', '--provider=hetzner', '-id', 'cbx_a')).toEqual({
      code: 0,
      stdout: '',
      stderr: 'deleted lease=cbx_a server=99 name=crabbox-web\n',
    });
    expect(fs.existsSync(path.join(fake.env.XDG_STATE_HOME as string, 'crabbox', 'claims', 'cbx_a.json'))).toBe(false);
    expect(fake.calls().map((c) => c.argv)).toEqual([['stop', '--provider=hetzner', '-id', 'cbx_a']]);
  });

  it('falls back to <XDG_CONFIG_HOME>/crabbox/state without XDG_STATE_HOME, and takes the ID as the first argument', () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const env: Record<string, string> = { ...fake.env, XDG_STATE_HOME: '' };
    const claims = path.join(env.XDG_CONFIG_HOME as string, 'crabbox', 'state', 'claims');
    fs.mkdirSync(claims, { recursive: true });
    fs.writeFileSync(path.join(claims, 'cbx_z.json'), JSON.stringify({ leaseID: 'cbx_z', provider: 'aws' }));
    expect(crabbox(env, 'stop', 'cbx_z').code).toBe(0);
    expect(fs.existsSync(path.join(claims, 'cbx_z.json'))).toBe(false);
  });

  it("answers a stop without an ID with crabbox's usage line and exit 2", () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    expect(crabbox(fake.env, 'stop')).toEqual({ code: 2, stdout: '', stderr: 'usage: crabbox stop --id <lease-or-server-id>\n' });
  });

  it('fails, keeps the claim or refuses as the markers say', () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    for (const id of ['cbx_f', 'cbx_r', 'cbx_u']) fake.writeClaim({ leaseID: id, provider: 'incus', pond: 'p' });
    fake.fail('cbx_f', 'incus: delete: boom');
    fake.retain('cbx_r');
    fake.unsupported('cbx_u');
    expect(crabbox(fake.env, 'stop', '--id', 'cbx_f')).toMatchObject({ code: 1, stderr: 'incus: delete: boom\n' });
    expect(crabbox(fake.env, 'stop', '--id', 'cbx_r')).toMatchObject({ code: 0, stderr: 'stopped lease=cbx_r instance=- retained=true\n' });
    expect(crabbox(fake.env, 'stop', '--provider', 'incus', '--id', 'cbx_u')).toMatchObject({ code: 2, stderr: 'provider=incus does not support stop\n' });
    expect(['cbx_f', 'cbx_r', 'cbx_u'].map((id) => fake.claimExists(id))).toEqual([true, true, true]);
    expect(crabbox(fake.env, 'stop', '--id', 'cbx_missing')).toMatchObject({ code: 1, stderr: 'lease cbx_missing not found\n' });
    expect(fake.concurrency()).toEqual([1, 1, 1, 1]);
  });
});
