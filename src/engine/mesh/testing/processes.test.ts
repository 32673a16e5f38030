import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descendantsOf, killTree, track } from './processes';

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
    for (let i = 0; i < 100 && below.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      below = descendantsOf(child.pid!);
    }
    expect(below.length).toBeGreaterThanOrEqual(2);
    await killTree(child);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(child.pid!)).toBe(false);
    expect(below.filter(alive)).toEqual([]);
  });
});
