import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../engine/mesh/testing/wait';
import { processAlive } from '../../engine/testing/fake-crabbox/index';
import { tempDir } from '../../lib/testing/temp-dir';
import { runProcess } from './run-process';

const env = { PATH: process.env.PATH };
const node = process.execPath;

describe('runProcess', () => {
  it('returns the exit code with stdout, stderr and their interleaving captured', async () => {
    const script = 'process.stdout.write("out1\\n"); setTimeout(() => { process.stderr.write("err1\\n"); process.exit(3); }, 20);';
    const result = await runProcess(node, ['-e', script], { env, timeoutMs: 20_000 });
    expect(result).toEqual({ kind: 'exited', code: 3, stdout: 'out1\n', stderr: 'err1\n', output: 'out1\nerr1\n' });
  });

  it('runs in the given directory', async () => {
    const dir = fs.realpathSync(tempDir('pond-run-'));
    const result = await runProcess(node, ['-e', 'console.log(process.cwd())'], { env, cwd: dir, timeoutMs: 20_000 });
    expect(result).toMatchObject({ kind: 'exited', code: 0, stdout: `${dir}\n` });
  });

  it('reports a command that cannot be started', async () => {
    const result = await runProcess('/nonexistent/crabbox', [], { env, timeoutMs: 20_000 });
    expect(result.kind).toBe('spawn-error');
    expect(result.kind === 'spawn-error' && result.message).toContain('ENOENT');
  });

  it('kills the whole process tree on timeout, keeping what was printed', async () => {
    const pidFile = path.join(tempDir('pond-run-'), 'pids');
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n' + child.pid);
      console.log('working');
      setInterval(() => {}, 1000);`;
    const result = await runProcess(node, ['-e', script], { env, timeoutMs: 2500, graceMs: 300 });
    expect(result).toMatchObject({ kind: 'timeout', timeoutMs: 2500, stdout: 'working\n' });
    const pids = fs.readFileSync(pidFile, 'utf8').split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      await until(() => !processAlive(pid), `process ${pid} to end`);
      expect(processAlive(pid)).toBe(false);
    }
  });

  it('follows SIGTERM with SIGKILL for a descendant that ignores it', async () => {
    const pidFile = path.join(tempDir('pond-run-'), 'pid');
    const stubborn = `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const script = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(stubborn)}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`;
    const result = await runProcess(node, ['-e', script], { env, timeoutMs: 2500, graceMs: 300 });
    expect(result.kind).toBe('timeout');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await until(() => !processAlive(pid), `process ${pid} to end`);
    expect(processAlive(pid)).toBe(false);
  });
});
