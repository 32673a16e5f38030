import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePondFiles } from '../../engine/exports';
import { renderDaemonFile } from '../../engine/owner';
import { run } from '../main';
import { testIO } from '../testing/test-io';

const forwards = [
  { peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_a' },
  { peer: 'api-a', remotePort: 3000, localPort: 51821, leaseID: 'cbx_b' },
];

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('pond env', () => {
  it('never prints from a file: with nothing holding the pond it says so and exits 1', async () => {
    const io = testIO();
    // crabbox's own `pond connect` leaves files like these; they are not Pond Desktop's to vouch for.
    const paths = await writePondFiles(io.pathEnv, 'alpha', forwards);
    expect(await run(['env', 'alpha'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe(
      'pond "alpha" is not connected (no Pond Desktop process holds any forwards); connect it with `pond connect alpha --export` or in Pond Desktop\n',
    );
    expect(fs.existsSync(paths.envPath)).toBe(true);
  });

  it('removes and reports files whose owner died, then says the pond is not connected', async () => {
    const io = testIO();
    const paths = await writePondFiles(io.pathEnv, 'alpha', forwards);
    const pid = await deadPid();
    fs.writeFileSync(path.join(paths.dir, 'daemon.json'), renderDaemonFile('alpha', new Date(), forwards, { pid, processStartedAt: new Date().toISOString(), kind: 'agent', endpoint: null }));
    expect(await run(['env', 'alpha'], io)).toBe(1);
    expect(io.stderr()).toBe(
      `pond "alpha": removed its env, hosts and daemon.json files: their owner (pond agent, pid ${pid}) is no longer running\n` +
        'pond "alpha" is not connected (no Pond Desktop process holds any forwards); connect it with `pond connect alpha --export` or in Pond Desktop\n',
    );
    expect(fs.readdirSync(paths.dir)).toEqual([]);
  });

  it('rejects a missing name, a bad name and an unknown format with exit 2', async () => {
    const io = testIO();
    expect(await run(['env'], io)).toBe(2);
    expect(io.stderr()).toContain('usage: pond env <name>');
    const bad = testIO({ root: io.root });
    expect(await run(['env', '!!'], bad)).toBe(2);
    expect(bad.stderr()).toContain('--pond must contain at least one letter or digit');
    const format = testIO({ root: io.root });
    expect(await run(['env', 'alpha', '--format', 'zsh'], format)).toBe(2);
    expect(format.stderr()).toContain('--format must be one of sh, fish, powershell, dotenv, json (got "zsh")');
  });

  it("reports an unset HOME with crabbox's message, exit 2", async () => {
    const io = testIO({ env: { HOME: '' } });
    expect(await run(['env', 'alpha'], io)).toBe(2);
    expect(io.stderr()).toBe('pond env: HOME is unset; cannot write pond SSH-mesh state files\n');
  });
});
