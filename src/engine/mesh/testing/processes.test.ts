import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descendantsOf, killTree, track } from './processes';
import { until } from './wait';

/** Running, not a zombie waiting for an init that reaps slowly. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('killTree', () => {
  it('kills a child and the processes it started, even ones in their own session', async () => {
    const child = spawn('sh', ['-c', 'setsid sleep 60 & sleep 60 & wait'], { stdio: 'ignore' });
    track(child);
    let below: number[] = [];
    await until(() => (below = descendantsOf(child.pid!)).length >= 2, 'both sleeps to start');
    expect(below.length).toBeGreaterThanOrEqual(2);
    await killTree(child);
    // SIGKILL is sent at once; the kernel may take a moment to finish the processes.
    await until(() => !alive(child.pid!) && below.filter(alive).length === 0, 'the whole tree to end');
    expect(alive(child.pid!)).toBe(false);
    expect(below.filter(alive)).toEqual([]);
  });
});
