import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function sshArgs(port: number, keyPath: string, knownHosts: string, command: string): string[] {
  return ['-i', keyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=accept-new', '-p', String(port), `${sshd.user}@127.0.0.1`, command];
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

  it('finds descendants through /proc', () => {
    expect(descendantsOf(process.ppid)).toContain(process.pid);
  });
});
