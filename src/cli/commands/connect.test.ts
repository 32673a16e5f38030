import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClaimAtomic, type ClaimFields } from '../../engine/testing/claims-fixtures';
import { parseEnvFile, pondFilePaths } from '../../engine/exports';
import { forwardPortKey } from '../../engine/mesh/port-allocator';
import { findFreePortRange } from '../../engine/mesh/testing/ports';
import { greeting, startNamedEcho, type TestService } from '../../engine/mesh/testing/services';
import { generateKey } from '../../engine/mesh/testing/keys';
import { startSshd, type Sshd } from '../../engine/mesh/testing/sshd';
import { appDataDir, claimsDir, leaseKeyDir } from '../../lib/paths';
import { openConfBackend, SettingsStore } from '../../engine/settings-store';
import { run } from '../main';
import type { CliCommand } from '../types';
import { testIO, type TestIO } from '../testing/test-io';
import { connectCommand } from './connect';
import { until } from '../../engine/mesh/testing/wait';

const newIO = (env: Record<string, string | undefined> = {}, portRange?: { min: number; max: number }): TestIO =>
  testIO({ env, ...(portRange ? { ownerMesh: { portRange, tuning: { backoffBaseMs: 50, backoffMaxMs: 200 } } } : {}) });

function claim(io: TestIO, fields: Partial<ClaimFields> & { leaseID: string }): void {
  writeClaimAtomic(claimsDir(io.pathEnv), {
    slug: '',
    provider: 'aws',
    pond: 'alpha',
    repoRoot: '/repo',
    claimedAt: '2026-06-10T12:00:00Z',
    lastUsedAt: '2026-06-10T12:00:00Z',
    ...fields,
  });
}

/** Runs `pond <args>` with the given command table entry replaced by `command`. */
async function runWith(command: CliCommand, args: string[], io: TestIO): Promise<number> {
  return command.run(args, io);
}


describe('pond connect: arguments and empty ponds', () => {
  it('needs a name, validated like crabbox', async () => {
    const io = newIO();
    expect(await run(['connect'], io)).toBe(2);
    expect(io.stderr()).toContain('usage: pond connect <name>');
    const bad = newIO();
    expect(await run(['connect', 'x'.repeat(42)], bad)).toBe(2);
    expect(bad.stderr()).toContain('--pond must be 41 characters or fewer after normalization');
  });

  it('reports ineligible providers and a pond without SSH-mesh members (exit 0)', async () => {
    const io = newIO();
    claim(io, { leaseID: 'isb_1', provider: 'islo', slug: 'agent' });
    claim(io, { leaseID: 'm_1', provider: 'modal', slug: 'gpu' });
    expect(await run(['connect', 'alpha'], io)).toBe(0);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe(
      'pond "alpha": skipping provider "islo" (no SSH-mesh capability)\n' +
        'pond "alpha": skipping provider "modal" (no SSH-mesh capability)\n' +
        'pond "alpha" has no SSH-mesh-capable members\n',
    );
  });

  it('says there is nothing to forward when no member exposes a port', async () => {
    const io = newIO();
    claim(io, { leaseID: 'cbx_000000000001', slug: 'web', sshHost: '127.0.0.1', sshPort: 22 });
    expect(await run(['connect', 'Alpha', '--json'], io)).toBe(0);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('pond "alpha" has no members declaring --expose; nothing to forward\n');
  });

  it('fails with crabbox\'s message when HOME is unset', async () => {
    const io = newIO({ HOME: '' });
    claim(io, { leaseID: 'cbx_000000000001', slug: 'web', sshHost: 'h', sshPort: 22, labels: { crabbox_exposed_ports: '80' } });
    expect(await run(['connect', 'alpha', '--json'], io)).toBe(2);
    expect(io.stderr()).toContain('pond connect: HOME is unset; cannot write pond SSH-mesh state files');
  });
});

describe('pond connect --json', () => {
  it('prints the forward table with free ports, preferring remembered ones, and writes no file', async () => {
    const range = await findFreePortRange(10);
    const io = newIO({ SSH_AUTH_SOCK: '/nonexistent.sock' });
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', sshHost: 'h1', sshPort: 22, labels: { crabbox_exposed_ports: '9090-8080' } });
    claim(io, { leaseID: 'cbx_00000000000b', slug: 'api', sshHost: 'h2', sshPort: 22, labels: { crabbox_exposed_ports: '3000' } });
    const store = new SettingsStore(openConfBackend(appDataDir(io.pathEnv)));
    store.set('forwardPorts', { [forwardPortKey({ pond: 'alpha', member: 'web', remotePort: 9090 })]: range.min + 5 });

    expect(await runWith(connectCommand({ mesh: { portRange: range } }), ['--json', 'alpha'], io)).toBe(0);
    const paths = pondFilePaths(io.pathEnv, 'alpha');
    const { min } = range;
    expect(io.stdout()).toBe(
      `{"hostsPath":"${paths.hostsPath}","envPath":"${paths.envPath}",` +
        `"exports":["export CRABBOX_POND_API_3000=127.0.0.1:${min}","export CRABBOX_POND_WEB_8080=127.0.0.1:${min + 1}","export CRABBOX_POND_WEB_9090=127.0.0.1:${min + 5}"],` +
        `"forwards":[{"peer":"api","remotePort":3000,"localPort":${min},"leaseID":"cbx_00000000000b"},` +
        `{"peer":"web","remotePort":8080,"localPort":${min + 1},"leaseID":"cbx_00000000000a"},` +
        `{"peer":"web","remotePort":9090,"localPort":${min + 5},"leaseID":"cbx_00000000000a"}]}\n`,
    );
    expect(existsSync(paths.envPath) || existsSync(paths.hostsPath)).toBe(false);
    expect(store.get('forwardPorts')).toEqual({ 'alpha/web/9090': min + 5 });
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: min }, resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('warns about members that cannot be connected but still lists their forwards', async () => {
    const range = await findFreePortRange(5);
    const io = newIO();
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', labels: { crabbox_exposed_ports: '80' } });
    expect(await runWith(connectCommand({ mesh: { portRange: range } }), ['alpha', '--json'], io)).toBe(0);
    expect(io.stderr()).toMatch(/^warning: web: ssh endpoint not yet recorded for this lease/);
    expect(JSON.parse(io.stdout()).forwards).toEqual([{ peer: 'web', remotePort: 80, localPort: range.min, leaseID: 'cbx_00000000000a' }]);
  });
});

describe('pond connect in the foreground against a real sshd', () => {
  let sshd: Sshd;
  let web: TestService;
  let worker: TestService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pond-connect-sshd-'));
    sshd = await startSshd({ dir });
    web = await startNamedEcho('web');
    worker = await startNamedEcho('worker');
  });

  afterAll(async () => {
    await sshd?.stop();
    await web?.stop();
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every forward, keeps the env file true, and removes it on Ctrl-C', async () => {
    const range = await findFreePortRange(10);
    const io = newIO({ CRABBOX_SSH_USER: sshd.user }, range);
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', provider: 'hetzner', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: String(web.port) } });
    claim(io, { leaseID: 'cbx_00000000000b', slug: 'worker', provider: 'aws', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: String(worker.port) } });
    claim(io, { leaseID: 'isb_x', slug: 'agent', provider: 'islo' });
    for (const lease of ['cbx_00000000000a', 'cbx_00000000000b']) {
      const keyDir = leaseKeyDir(io.pathEnv, lease);
      mkdirSync(keyDir, { recursive: true, mode: 0o700 });
      copyFileSync(sshd.clientKeyPath, path.join(keyDir, 'id_ed25519'));
    }

    const exit = runWith(connectCommand({ mesh: { portRange: range } }), ['alpha'], io);
    await until(() => io.stdout().includes('wrote ') || io.stderr().includes('failed'), () => `ready; stderr so far:\n${io.stderr()}`, 20_000);
    const paths = pondFilePaths(io.pathEnv, 'alpha');
    expect(io.stdout()).toBe(
      'pond "alpha" SSH-mesh ready (2 forwards)\n' +
        `export CRABBOX_POND_WEB_${web.port}=127.0.0.1:${range.min}\n` +
        `export CRABBOX_POND_WORKER_${worker.port}=127.0.0.1:${range.min + 1}\n` +
        `wrote ${paths.hostsPath}\nwrote ${paths.envPath}\n`,
    );
    expect(io.stderr()).toContain('pond "alpha": skipping provider "islo" (no SSH-mesh capability)\n');
    expect(io.stderr()).toContain(`web: connected on port ${sshd.port}\n`);
    expect(io.stderr()).toContain(`  -L 127.0.0.1:${range.min} -> web:${web.port}\n`);

    const entries = parseEnvFile(readFileSync(paths.envPath, 'utf8'), paths.envPath);
    expect(entries.map((e) => e.name)).toEqual([`CRABBOX_POND_WEB_${web.port}`, `CRABBOX_POND_WORKER_${worker.port}`]);
    const greetings = await Promise.all(entries.map((e) => greeting(Number(e.value.split(':')[1]))));
    expect(greetings).toEqual(['web', 'worker']);
    expect(statSync(paths.envPath).mode & 0o777).toBe(0o600);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(leaseKeyDir(io.pathEnv, 'cbx_00000000000a'), 'known_hosts'), 'utf8')).toContain(sshd.hostKey.publicLine);

    io.interrupt();
    expect(await exit).toBe(0);
    expect(existsSync(paths.envPath) || existsSync(paths.hostsPath)).toBe(false);
    expect(io.stderr()).toContain(`pond "alpha" disconnected; removed ${paths.envPath} and ${paths.hostsPath}\n`);
    await expect(greeting(range.min)).rejects.toThrow();
  });

  it('rewrites the env file as forwards go down and come back on the same ports', async () => {
    const range = await findFreePortRange(10);
    const io = newIO({ CRABBOX_SSH_USER: sshd.user, CRABBOX_SSH_KEY: sshd.clientKeyPath }, range);
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: String(web.port) } });
    const paths = pondFilePaths(io.pathEnv, 'alpha');
    const command = connectCommand({ mesh: { portRange: range, tuning: { backoffBaseMs: 50, backoffMaxMs: 200 } } });
    const exit = runWith(command, ['alpha'], io);
    await until(() => io.stdout().includes('wrote '), () => `ready; stderr so far:\n${io.stderr()}`, 20_000);
    const before = readFileSync(paths.envPath, 'utf8');

    await sshd.stop();
    // The files go first, then the line saying so.
    await until(() => io.stderr().includes('no forwards are up'), () => `env removed; stderr:\n${io.stderr()}`, 20_000);
    expect(existsSync(paths.envPath)).toBe(false);
    expect(io.stderr()).toContain(`pond "alpha": no forwards are up; removed ${paths.envPath} and ${paths.hostsPath}\n`);

    await sshd.restart();
    await until(() => io.stderr().includes('1 forward up; rewrote'), () => `env back; stderr:\n${io.stderr()}`, 20_000);
    expect(existsSync(paths.envPath)).toBe(true);
    expect(readFileSync(paths.envPath, 'utf8')).toBe(before);
    expect(io.stderr()).toContain(`pond "alpha": 1 forward up; rewrote ${paths.envPath}\nexport CRABBOX_POND_WEB_${web.port}=127.0.0.1:${range.min}\n`);
    expect(await greeting(range.min)).toBe('web');

    io.interrupt();
    expect(await exit).toBe(0);
    expect(existsSync(paths.envPath)).toBe(false);
  });

  it('asks for an encrypted key\'s passphrase on the terminal', async () => {
    const range = await findFreePortRange(5);
    const keyDir = path.join(dir, 'enc');
    mkdirSync(keyDir, { recursive: true });
    sshd.authorize(generateKey(keyDir, 'id_enc', { passphrase: 'open sesame' }));
    const io = testIO({ env: { CRABBOX_SSH_USER: sshd.user, CRABBOX_SSH_KEY: path.join(keyDir, 'id_enc') }, isTTY: true, answers: ['wrong', 'open sesame'], ownerMesh: { portRange: range } });
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: String(web.port) } });
    const exit = runWith(connectCommand({ mesh: { portRange: range } }), ['alpha'], io);
    await until(() => io.stdout().includes('wrote ') || /failed/.test(io.stderr()), () => `ready; stderr so far:\n${io.stderr()}`, 20_000);
    expect(io.stdout()).toContain('SSH-mesh ready (1 forward)');
    expect(io.stderr().split(`passphrase for ${path.join(keyDir, 'id_enc')} (web): `)).toHaveLength(3);
    io.interrupt();
    expect(await exit).toBe(0);
  });

  it('gives up with exit 1 when no member can connect, leaving no files', async () => {
    const range = await findFreePortRange(5);
    const io = newIO({}, range);
    // An address but no key and no ssh-agent: nothing will change that by itself.
    claim(io, { leaseID: 'cbx_00000000000a', slug: 'web', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: '80' } });
    expect(await runWith(connectCommand({ mesh: { portRange: range } }), ['alpha'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toContain('web: failed: no SSH key for this lease');
    expect(io.stderr()).toContain('pond "alpha": every member has failed; giving up');
    expect(existsSync(pondFilePaths(io.pathEnv, 'alpha').envPath)).toBe(false);
  });

  it('waits for a member whose address crabbox has not recorded yet, and connects it once the claim has one', async () => {
    const range = await findFreePortRange(5);
    const io = newIO({ CRABBOX_SSH_USER: sshd.user, CRABBOX_SSH_KEY: sshd.clientKeyPath }, range);
    const pending = { leaseID: 'cbx_00000000000a', slug: 'web', labels: { crabbox_exposed_ports: String(web.port) } };
    claim(io, pending);
    const exit = runWith(connectCommand({ mesh: { portRange: range } }), ['alpha'], io);
    await until(() => io.stderr().includes('no forwards are up yet; still trying'), () => `waiting; stderr so far:\n${io.stderr()}`, 20_000);
    expect(io.stderr()).toContain('web: waiting for an address (ssh endpoint not yet recorded for this lease');
    expect(io.stderr()).not.toContain('failed');

    claim(io, { ...pending, sshHost: '127.0.0.1', sshPort: sshd.port });
    await until(() => io.stderr().includes('1 forward up; rewrote'), () => `connected; stderr so far:\n${io.stderr()}`, 20_000);
    expect(await greeting(range.min)).toBe('web');
    io.interrupt();
    expect(await exit).toBe(0);
    expect(existsSync(pondFilePaths(io.pathEnv, 'alpha').envPath)).toBe(false);
  });
});
