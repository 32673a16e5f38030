/**
 * Vitest global setup: the run gets a temp directory of its own and exports it as TMPDIR,
 * so os.tmpdir() in every test, and in every process a test starts, points into it, and
 * other runs on the machine cannot be mistaken for this one. When the run ends the
 * directory is removed, and the run fails naming anything a test left in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-vitest-'));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = fs.readdirSync(dir).sort();
    fs.rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest only logs an error thrown here; the exit code is what fails CI.
      process.exitCode = 1;
      throw new Error(`the tests left ${left.length} entries in the temp directory (each test must remove what it creates): ${left.join(', ')}`);
    }
  };
}
