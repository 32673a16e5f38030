/**
 * The built `pond` CLI as a user runs it, with the headless agent as a real detached
 * process: `eval "$(pond connect alpha --export)"` in a shell, data through the forwards
 * after the CLI has exited, `pond status`, `pond disconnect`, and a `kill -9` of the agent
 * after which `pond env` fails and the next connect starts clean.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { greeting, startNamedEcho, type TestService } from '../src/engine/mesh/testing/services';
import { startSshd, type Sshd } from '../src/engine/mesh/testing/sshd';

const run = promisify(execFile);
const CLI = path.resolve('out/cli/pond.js');

let root: string;
let sshd: Sshd;
let web: TestService;
let env: Record<string, string>;

function pond(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}


async function agentPid(): Promise<number | null> {
  const status = await pond(['agent', 'status', '--json']);
  return (JSON.parse(status.stdout) as { owner: { pid: number } | null }).owner?.pid ?? null;
}

test.beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-agent-'));
  sshd = await startSshd({ dir: path.join(root, 'sshd') });
  web = await startNamedEcho('web');
  env = {
    PATH: process.env.PATH ?? '',
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: path.join(root, 'state'),
    CRABBOX_SSH_USER: sshd.user,
    CRABBOX_SSH_KEY: sshd.clientKeyPath,
  };
  const claims = path.join(env.XDG_STATE_HOME!, 'crabbox', 'claims');
  fs.mkdirSync(claims, { recursive: true });
  fs.mkdirSync(env.HOME!, { recursive: true });
  const claim = { leaseID: 'cbx_00000000000a', slug: 'web', provider: 'aws', pond: 'alpha', repoRoot: '/r', claimedAt: '2026-06-10T12:00:00Z', lastUsedAt: '2026-06-10T12:00:00Z', sshHost: '127.0.0.1', sshPort: sshd.port, labels: { crabbox_exposed_ports: String(web.port) } };
  fs.writeFileSync(path.join(claims, `${claim.leaseID}.json`), `${JSON.stringify(claim, null, 2)}\n`);
});

test.afterAll(async () => {
  const pid = await agentPid().catch(() => null);
  if (pid !== null) process.kill(pid, 'SIGKILL');
  await sshd?.stop();
  await web?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('eval "$(pond connect alpha --export)" works, the forwards outlive the CLI, and disconnect stops them', async () => {
  const shell = spawnSync('bash', ['-c', `eval "$("${process.execPath}" "${CLI}" connect alpha --export)" && echo "$CRABBOX_POND_WEB_${web.port}"`], { env, encoding: 'utf8' });
  expect(shell.status, shell.stderr).toBe(0);
  const address = shell.stdout.trim();
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  const port = Number(address.split(':')[1]);
  expect(await greeting(port)).toBe('web');

  const pid = await agentPid();
  expect(pid).not.toBeNull();
  expect(pid).not.toBe(process.pid);
  const status = await pond(['status']);
  expect(status.stdout).toContain(`alpha  web     ${web.port}`);
  expect(status.stdout).toContain(`(owner: pond agent (pid ${pid}))`);

  const stopped = await pond(['disconnect', 'alpha']);
  expect(stopped).toMatchObject({ code: 0, stdout: 'pond "alpha": stopped 1 forward and removed its env and hosts files\n' });
  await expect(greeting(port)).rejects.toThrow();
  expect(fs.existsSync(path.join(env.HOME!, '.crabbox', 'pond', 'alpha', 'env'))).toBe(false);
});

test('after kill -9 of the agent, pond env exits 1 and removes its files; the next connect starts clean', async () => {
  const first = await pond(['connect', 'alpha', '--export']);
  expect(first.code, first.stderr).toBe(0);
  const pid = (await agentPid())!;
  const dir = path.join(env.HOME!, '.crabbox', 'pond', 'alpha');
  expect(fs.readdirSync(dir).sort()).toEqual(['daemon.json', 'env', 'hosts']);

  process.kill(pid, 'SIGKILL');
  await expect.poll(() => agentPid()).toBeNull();
  const env1 = await pond(['env', 'alpha']);
  expect(env1.code).toBe(1);
  expect(env1.stdout).toBe('');
  expect(env1.stderr).toContain(`pond "alpha": removed its env, hosts and daemon.json files: their owner (pond agent, pid ${pid}) is no longer running`);
  expect(fs.readdirSync(dir)).toEqual([]);

  const again = await pond(['connect', 'alpha', '--export']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toBe(first.stdout);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(again.stdout)![1]);
  expect(await greeting(port)).toBe('web');
  expect(await pond(['agent', 'stop'])).toMatchObject({ code: 0, stdout: expect.stringContaining('its forwards of "alpha" are gone') });
  await expect(greeting(port)).rejects.toThrow();
});
