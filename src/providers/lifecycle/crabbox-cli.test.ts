import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeCrabbox } from '../../engine/testing/fake-crabbox/index';
import { CrabboxCli, findOnPath } from './crabbox-cli';
import { tempDir } from '../../lib/testing/temp-dir';

function cli(env: Record<string, string>, configured = '') {
  return new CrabboxCli({ configuredPath: () => configured, env, platform: 'linux' });
}

describe('finding crabbox', () => {
  it('finds the first executable crabbox on PATH and skips non-executable files', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const shadow = path.join(fake.root, 'shadow');
    fs.mkdirSync(shadow);
    fs.writeFileSync(path.join(shadow, 'crabbox'), 'not executable', { mode: 0o644 });
    expect(await findOnPath('crabbox', { PATH: `${shadow}:${fake.binDir}` }, 'linux')).toBe(fake.bin);
    expect(await findOnPath('crabbox', { PATH: shadow }, 'linux')).toBeNull();
  });

  it('reports crabbox ready with its version', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: '0.46.0' });
    expect(await cli(fake.env).status()).toEqual({ state: 'ready', path: fake.bin, version: '0.46.0' });
  });

  it('prefers the path set in Settings over PATH', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: '0.30.1' });
    const status = await cli({ ...fake.env, PATH: '/nonexistent' }, fake.bin).status();
    expect(status).toEqual({ state: 'ready', path: fake.bin, version: '0.30.1' });
  });

  it('says what to install when crabbox is not on PATH', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const status = await cli({ ...fake.env, PATH: path.join(fake.root, 'empty') }).status();
    expect(status.state).toBe('missing');
    const message = status.state === 'missing' ? status.message : '';
    expect(message).toContain('crabbox is not installed');
    expect(message).toContain('install crabbox 0.22.0 or newer');
    expect(message).toContain('brew install openclaw/tap/crabbox');
  });

  it('names a Settings path that is not an executable', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const status = await cli(fake.env, '/opt/nowhere/crabbox').status();
    expect(status).toMatchObject({ state: 'missing' });
    expect(status.state === 'missing' && status.message).toContain('the crabbox path in Settings (/opt/nowhere/crabbox) is not an executable file');
  });

  it('reports a settings file it cannot read instead of throwing', async () => {
    const status = await new CrabboxCli({
      configuredPath: () => {
        throw new Error('settings file /x/config.json: crabboxPath: expected string');
      },
      env: {},
      platform: 'linux',
    }).status();
    expect(status).toEqual({ state: 'missing', message: 'cannot read the crabbox path setting: settings file /x/config.json: crabboxPath: expected string' });
  });

  it('refuses a crabbox older than the first release with ponds', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: '0.21.3' });
    const status = await cli(fake.env).status();
    expect(status).toMatchObject({ state: 'too-old', path: fake.bin, version: '0.21.3' });
    expect(status.state === 'too-old' && status.message).toContain('crabbox 0.21.3 at ' + fake.bin + ' is too old: releasing ponds needs crabbox 0.22.0 or newer');
  });

  it('accepts a development build and says its version cannot be checked', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-'), version: 'dev' });
    expect(await cli(fake.env).status()).toMatchObject({ state: 'ready', version: 'dev', note: expect.stringContaining('development build') });
  });

  it('reports a binary that is not crabbox', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fs.writeFileSync(fake.bin, '#!/bin/sh\necho "hello from something else"\n');
    const status = await cli(fake.env).status();
    expect(status).toMatchObject({ state: 'unusable', path: fake.bin });
    expect(status.state === 'unusable' && status.message).toContain('printed "hello from something else", not a crabbox version');
  });

  it('reports a crabbox whose --version fails', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fs.writeFileSync(fake.bin, '#!/bin/sh\necho "broken install" >&2\nexit 3\n');
    const status = await cli(fake.env).status();
    expect(status.state === 'unusable' && status.message).toContain('--version` failed: broken install');
  });
});

describe('crabbox stop', () => {
  it('passes the canonical provider and the lease ID, as crabbox pond release does', () => {
    const c = cli({});
    expect(c.stopArgs({ provider: 'aws-fixed-v1', leaseID: 'cbx_1' })).toEqual(['stop', '--provider', 'aws', '--id', 'cbx_1']);
    expect(c.stopArgs({ provider: 'Google', leaseID: 'cbx_2' })).toEqual(['stop', '--provider', 'gcp', '--id', 'cbx_2']);
    expect(c.stopArgs({ provider: '', leaseID: 'cbx_3' })).toEqual(['stop', '--id', 'cbx_3']);
  });

  it('stops a lease: the claim is removed and crabbox output captured', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web', cloudID: '4242' });
    const outcome = await cli(fake.env).stop(fake.bin, { provider: 'hetzner', leaseID: 'cbx_a', cwd: fake.root, timeoutMs: 20_000 });
    expect(outcome).toEqual({ kind: 'stopped', output: 'deleted lease=cbx_a server=4242 name=crabbox-web\n' });
    expect(fake.claimExists('cbx_a')).toBe(false);
    expect(fake.calls()).toEqual([{ argv: ['stop', '--provider', 'hetzner', '--id', 'cbx_a'], cwd: fake.root, pid: expect.any(Number) }]);
  });

  it("returns crabbox's own message when the stop fails", async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_b', provider: 'aws', pond: 'p' });
    fake.fail('cbx_b', 'warning: could not inspect lease before release: timeout\naws: terminate i-123: UnauthorizedOperation');
    const outcome = await cli(fake.env).stop(fake.bin, { provider: 'aws', leaseID: 'cbx_b', timeoutMs: 20_000 });
    expect(outcome).toEqual({
      kind: 'failed',
      message: 'aws: terminate i-123: UnauthorizedOperation',
      output: 'warning: could not inspect lease before release: timeout\naws: terminate i-123: UnauthorizedOperation\n',
    });
    expect(fake.claimExists('cbx_b')).toBe(true);
  });

  it('tells "provider does not support stop" apart from a failure', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_c', provider: 'modal', pond: 'p' });
    fake.unsupported('cbx_c');
    const outcome = await cli(fake.env).stop(fake.bin, { provider: 'modal', leaseID: 'cbx_c', timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ kind: 'unsupported', message: 'provider=modal does not support stop' });
  });

  it('kills a stop that hangs past its timeout and says the lease may still run', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_d', provider: 'hetzner', pond: 'p' });
    fake.hang('cbx_d');
    const outcome = await cli(fake.env).stop(fake.bin, { provider: 'hetzner', leaseID: 'cbx_d', timeoutMs: 2500 });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.message).toBe(
      'crabbox stop did not finish within 2.5s and was killed; the lease may still be running — check it with `crabbox status --id cbx_d`',
    );
    expect(fake.claimExists('cbx_d')).toBe(true);
  });
});
