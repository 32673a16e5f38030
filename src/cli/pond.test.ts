import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleClaim } from '../engine/testing/claims-fixtures';
import { testIO, writeClaims, type TestIO } from './testing/test-io';

const POND = path.join(import.meta.dirname, 'pond.ts');

interface Outcome {
  /** The exit code of `pond` itself, not of the reader after it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `pond` entry point with its stdout on an OS pipe into `reader` (a shell
 * pipeline, as a user types it: Node's own child pipes are sockets and behave otherwise).
 */
function pondInto(io: TestIO, args: string[], reader: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const script = `"$0" --import tsx "$1" ${args.join(' ')} | ${reader}; exit "\${PIPESTATUS[0]}"`;
    const child = spawn('bash', ['-c', script, process.execPath, POND], {
      // No tsx compile cache: it would outlive the test in the run's temp directory.
      env: { ...io.env, PATH: process.env.PATH, TSX_DISABLE_CACHE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** 1,500 ponds: `pond list --json` prints well over the 64 KiB a pipe holds. */
function manyPonds(io: TestIO): void {
  const ponds = Array.from({ length: 1500 }, (_, i) => `pond-number-${i}`);
  writeClaims(io, Array.from({ length: 1500 }, (_, i) => sampleClaim(i, ponds)));
}

describe('pond (the process)', () => {
  it('delivers a large output whole through a pipe, then exits 0', async () => {
    const io = testIO();
    manyPonds(io);
    const { code, stdout, stderr } = await pondInto(io, ['list', '--json'], 'cat');
    expect(stderr).toBe('');
    expect(stdout.length).toBeGreaterThan(128 * 1024);
    const parsed = JSON.parse(stdout) as { ponds: unknown[] };
    expect(parsed.ponds).toHaveLength(1500);
    expect(code).toBe(0);
  });

  it('keeps the exit code of a failing command and drains its stderr', async () => {
    const { code, stdout, stderr } = await pondInto(testIO(), ['frobnicate'], 'cat');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^pond: unknown command "frobnicate"\n\npond .* — crabbox ponds from the command line[\s\S]*Run `pond <command> --help` for a command's flags\.\n$/);
  });

  it('ends quietly when the reader of its output goes away (| head)', async () => {
    const io = testIO();
    manyPonds(io);
    const { code, stdout, stderr } = await pondInto(io, ['list', '--json'], 'head -c 10');
    expect(stdout).toBe('{"claimsDi');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
