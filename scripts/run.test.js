import { describe, expect, it } from 'vitest';
import { runForwardingSignals, runNpm, runQuiet, runStep } from './run.js';

const node = process.execPath;

describe('runStep', () => {
  it('says whether the command exited 0', () => {
    expect(runStep(node, ['-e', 'process.exit(0)'], { stdio: 'ignore' })).toBe(true);
    expect(runStep(node, ['-e', 'process.exit(3)'], { stdio: 'ignore' })).toBe(false);
  });
});

describe('runNpm', () => {
  it('runs npm from PATH', () => {
    expect(runNpm(['--version'], { stdio: 'ignore' })).toBe(true);
  });
});

describe('runQuiet', () => {
  it('keeps what the command printed on both streams', () => {
    const result = runQuiet(node, ['-e', 'console.log("out"); console.error("err"); process.exit(2)']);
    expect(result.ok).toBe(false);
    expect(result.output).toBe('out\nerr\n');
  });
});

describe('runForwardingSignals', () => {
  it("resolves to the program's exit code and leaves no signal handler behind", async () => {
    const before = process.listenerCount('SIGINT');
    expect(await runForwardingSignals(node, ['-e', 'process.exit(3)'])).toEqual({ code: 3, stopped: false });
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('reports a program that cannot be started as exit code 1', async () => {
    expect(await runForwardingSignals('/nonexistent/program', [], { stdio: 'ignore' })).toEqual({ code: 1, stopped: false });
  });
});
