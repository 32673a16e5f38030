/**
 * Child processes started by fixtures, killed for sure: on stop, and with SIGKILL when the
 * test process exits whatever way it exits. OpenSSH's sshd puts each connection in its own
 * session (setsid), so a process tree is found through /proc rather than a process group.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `pid` (Linux /proc). */
export function descendantsOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    const child = Number(name);
    const parent = parentOf(child);
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Kills a child and everything below it with SIGKILL and waits for the child to exit. */
export async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null;
  const below = descendantsOf(child.pid);
  if (!exited) {
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killQuietly(child.pid, 'SIGKILL');
    await done;
  }
  for (const pid of below) killQuietly(pid, 'SIGKILL');
  live.delete(child);
}

/** Registers a child to be killed (with its tree) if the test process exits first. */
export function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) {
        if (c.pid === undefined) continue;
        for (const pid of descendantsOf(c.pid)) killQuietly(pid, 'SIGKILL');
        killQuietly(c.pid, 'SIGKILL');
      }
    });
  }
}
