/**
 * Who holds a pond's forwards. The owner writes `daemon.json` beside the pond's env and
 * hosts files (crabbox's name for it, spec §5.5) with crabbox's fields plus an `owner`
 * record: its pid and start time. A file whose owner is gone (killed, crashed, out of
 * memory) is stale; it is removed with the env and hosts files it vouched for.
 *
 * crabbox's own `pond disconnect` reads this file too: with no `processes` and empty
 * `pids` it stops nothing of ours and only removes it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { pondStateDir, type PathEnv } from '../lib/paths';
import { ENV_FILE_NAME, HOSTS_FILE_NAME } from './exports';
import type { ForwardSpec } from './mesh/types';

export const DAEMON_FILE_NAME = 'daemon.json';

export type OwnerKind = 'app' | 'agent' | 'serve';

export interface OwnerIdentity {
  pid: number;
  /** When the owning process started (ISO 8601), to tell it from a later process with the same pid. */
  processStartedAt: string;
  kind: OwnerKind;
  /** The control socket it answers on; null when it has none. */
  endpoint: string | null;
}

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  processStartedAt: z.string(),
  kind: z.enum(['app', 'agent', 'serve']),
  endpoint: z.string().nullable(),
});

const daemonSchema = z.object({ pond: z.string(), owner: ownerSchema.optional() });

/** This process as an owner: its start time from Node's uptime, to the second. */
export function thisProcess(kind: OwnerKind, endpoint: string | null, now = Date.now()): OwnerIdentity {
  const started = Math.floor((now - process.uptime() * 1000) / 1000) * 1000;
  return { pid: process.pid, processStartedAt: new Date(started).toISOString(), kind, endpoint };
}

/** daemon.json's text: crabbox's fields (`pond`, `startedAt` in UTC seconds, `pids`, `forwards`) and the owner. */
export function renderDaemonFile(pond: string, connectedAt: Date, forwards: readonly ForwardSpec[], owner: OwnerIdentity): string {
  const startedAt = `${connectedAt.toISOString().slice(0, 19)}Z`;
  const table = forwards.map((f) => ({ peer: f.peer, remotePort: f.remotePort, localPort: f.localPort, leaseID: f.leaseID }));
  return `${JSON.stringify({ pond, startedAt, pids: [], forwards: table, owner }, null, 2)}\n`;
}

/** How to tell whether a process still runs, and since when. */
export interface ProcessProbe {
  alive(pid: number): boolean;
  /** Epoch ms the process started, or null when the system does not say. */
  startedAt(pid: number): Promise<number | null>;
}

const execFileAsync = promisify(execFile);

/** The state letter of /proc/<pid>/stat (R, S, Z …), or null when there is no such process. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Linux: /proc; macOS: ps; elsewhere only whether the pid exists. */
export function systemProcessProbe(platform: NodeJS.Platform = process.platform): ProcessProbe {
  return {
    alive(pid) {
      // A killed process nobody has reaped yet (a detached agent whose parent is a container's
      // init that does not reap) still answers kill(pid, 0); its state in /proc says it is dead.
      if (platform === 'linux') {
        const state = procState(pid);
        return state !== null && state !== 'Z' && state !== 'X';
      }
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    async startedAt(pid) {
      try {
        if (platform === 'linux') {
          const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
          // Field 22 (starttime, in clock ticks since boot) follows the command name in parentheses.
          const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
          const btime = Number(/^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8'))?.[1]);
          return Number.isFinite(ticks) && Number.isFinite(btime) ? (btime + ticks / 100) * 1000 : null;
        }
        if (platform === 'darwin') {
          const { stdout } = await execFileAsync('ps', ['-p', String(pid), '-o', 'lstart='], { env: { LC_ALL: 'C' } });
          const ms = Date.parse(stdout.trim());
          return Number.isNaN(ms) ? null : ms;
        }
      } catch {
        return null;
      }
      return null;
    },
  };
}

/** Start times agree within this (Node's uptime and the kernel's clock ticks differ slightly). */
const START_TOLERANCE_MS = 3_000;

export async function ownerAlive(owner: OwnerIdentity, probe: ProcessProbe): Promise<boolean> {
  if (!probe.alive(owner.pid)) return false;
  const started = await probe.startedAt(owner.pid);
  return started === null || Math.abs(started - Date.parse(owner.processStartedAt)) <= START_TOLERANCE_MS;
}

/** The owner recorded for a pond, or null when there is no record (or not one of ours). */
export async function readOwner(pe: PathEnv, pond: string): Promise<OwnerIdentity | null> {
  try {
    const parsed = daemonSchema.safeParse(JSON.parse(await readFile(path.join(pondStateDir(pe, pond), DAEMON_FILE_NAME), 'utf8')));
    return parsed.success ? (parsed.data.owner ?? null) : null;
  } catch {
    return null;
  }
}

export interface StaleFiles {
  pond: string;
  owner: OwnerIdentity;
  /** The files removed. */
  removed: string[];
}

/**
 * Removes the env, hosts and daemon.json of every pond whose recorded owner is gone.
 * Files without an owner record (crabbox's own) are left alone.
 */
export async function sweepStaleFiles(pe: PathEnv, probe: ProcessProbe, except: number = process.pid): Promise<StaleFiles[]> {
  let root: string;
  let names: string[];
  try {
    root = pondStateDir(pe, '');
    names = await readdir(root);
  } catch {
    return [];
  }
  const swept: StaleFiles[] = [];
  for (const pond of names.sort()) {
    const owner = await readOwner(pe, pond);
    if (!owner || owner.pid === except || (await ownerAlive(owner, probe))) continue;
    const files = [ENV_FILE_NAME, HOSTS_FILE_NAME, DAEMON_FILE_NAME].map((name) => path.join(root, pond, name));
    await Promise.all(files.map((file) => rm(file, { force: true })));
    swept.push({ pond, owner, removed: files });
  }
  return swept;
}

/** One line for the log and the CLI: what was removed and why. */
export function describeSweep(stale: StaleFiles): string {
  const { owner } = stale;
  return `pond "${stale.pond}": removed its env, hosts and daemon.json files: their owner (${owner.kind === 'app' ? 'Pond Desktop' : `pond ${owner.kind}`}, pid ${owner.pid}) is no longer running`;
}
