import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './worker-script';

describe('workerExecArgv', () => {
  it("passes on the process's profiling options only, not its preloaded modules or process-wide flags", () => {
    expect(
      workerExecArgv(['--import', 'tsx', '--cpu-prof', '--import=./register.ts', '-r', 'x.cjs', '--trace-gc', '--max-old-space-size=512', '--cpu-prof-dir=/p', '--heap-prof', '--cpu-profile']),
    ).toEqual(['--cpu-prof', '--cpu-prof-dir=/p', '--heap-prof']);
  });
});
