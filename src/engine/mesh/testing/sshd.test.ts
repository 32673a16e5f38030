import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from './keys';
import { descendantsOf } from './processes';
import { startSshd, type Sshd } from './sshd';
import { until } from './wait';

const run = promisify(execFile);
let dir: string;
let sshd: Sshd;

function sshArgs(port: number, keyPath: string, knownHosts: string, command: string, host = '127.0.0.1'): string[] {
  return ['-i', keyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=accept-new', '-p', String(port), `${sshd.user}@${host}`, command];
}

/** Fields of /proc/<pid>/stat after the command name: [0] the state (`T` stopped, `Z` exited, not yet reaped), [16] the nice value. */
function procStat(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sshd-fixture-'));
  sshd = await startSshd({ dir, portCount: 2 });
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startSshd', () => {
  it('accepts the OpenSSH client with the fixture key on every port', async () => {
    expect(sshd.ports).toHaveLength(2);
    for (const port of sshd.ports) {
      const { stdout } = await run('ssh', sshArgs(port, sshd.clientKeyPath, path.join(dir, 'kh'), 'echo pond-$((40+2))'));
      expect(stdout.trim()).toBe('pond-42');
    }
    const { stdout } = await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', path.join(dir, 'kh')]);
    expect(stdout).toContain(sshd.hostKey.publicLine);
  });

  it('authorizes extra keys', async () => {
    const extra = generateKey(dir, 'extra');
    sshd.authorize(extra);
    const { stdout } = await run('ssh', sshArgs(sshd.port, extra.privatePath, path.join(dir, 'kh'), 'echo ok'));
    expect(stdout.trim()).toBe('ok');
  });

  it('stop kills open connections too, and restart serves the same port with a new host key', async () => {
    // -N: a connection that runs no remote shell, so killing it cannot interrupt the user's shell start-up files.
    const accepted = sshd.log().split('Accepted publickey').length;
    const long = execFile('ssh', ['-N', ...sshArgs(sshd.port, sshd.clientKeyPath, path.join(dir, 'kh'), '').slice(0, -1)]);
    const exited = new Promise<number | null>((resolve) => long.once('exit', (code) => resolve(code)));
    await until(() => sshd.log().split('Accepted publickey').length > accepted, 'sshd to accept the held connection');
    await sshd.stop();
    expect(await exited).toBe(255);
    await expect(run('ssh', sshArgs(sshd.port, sshd.clientKeyPath, path.join(dir, 'kh'), 'true'))).rejects.toThrow();

    const newKey = generateKey(dir, 'new_host_key');
    await sshd.restart({ hostKey: newKey.privatePath });
    expect(sshd.hostKeyFingerprint).toBe(newKey.fingerprint);
    const { stdout } = await run('ssh', sshArgs(sshd.port, sshd.clientKeyPath, path.join(dir, 'kh-new'), 'echo again'));
    expect(stdout.trim()).toBe('again');
    expect(sshd.log()).toContain('Accepted publickey');
  });

  it('freezes every process of it, connections included, and thaws them', async () => {
    const long = execFile('ssh', ['-N', ...sshArgs(sshd.port, sshd.clientKeyPath, path.join(dir, 'kh-new'), '').slice(0, -1)]);
    const accepted = () => sshd.log().split('Accepted publickey').length;
    const before = accepted();
    await until(() => accepted() > before && sshd.pids().length > 1, 'a connection process');
    sshd.freeze();
    const pids = sshd.pids();
    expect(pids.length).toBeGreaterThan(1);
    const stopped = (pid: number) => ['T', 'Z'].includes(procStat(pid)[0]!);
    await until(() => pids.every(stopped), () => `every process stopped: ${pids.map((p) => procStat(p)[0]).join(' ')}`);
    sshd.thaw();
    await until(() => pids.every((pid) => procStat(pid)[0] !== 'T'), 'every process running again');
    long.kill();
    const { stdout } = await run('ssh', sshArgs(sshd.port, sshd.clientKeyPath, path.join(dir, 'kh-new'), 'echo thawed'));
    expect(stdout.trim()).toBe('thawed');
  });

  it('listens on another address, started through a launcher', async () => {
    const other = await startSshd({ dir: path.join(dir, 'other'), listenAddress: '127.0.0.2', launcher: ['nice', '-n', '7'] });
    try {
      const { stdout } = await run('ssh', sshArgs(other.port, other.clientKeyPath, path.join(dir, 'kh-other'), 'echo elsewhere', '127.0.0.2'));
      expect(stdout.trim()).toBe('elsewhere');
      expect(Number(procStat(other.pids()[0]!)[16]) - Number(procStat(process.pid)[16])).toBe(7);
    } finally {
      await other.stop();
    }
  });

  it('finds descendants through /proc', () => {
    expect(descendantsOf(process.ppid)).toContain(process.pid);
  });
});
