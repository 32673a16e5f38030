/**
 * Who holds a local port we could not bind: the program listening on it, where the system
 * lets this user see it, and otherwise why it cannot be told. Never a guess: a holder is
 * named only when the system ties the listening socket to a process.
 *
 * - Linux: the listening socket's inode from /proc/net/tcp and tcp6, then the process whose
 *   /proc/<pid>/fd links point at `socket:[inode]`, named by /proc/<pid>/comm. Another
 *   user's processes cannot be read, but the socket's owner (uid) can.
 * - macOS: `lsof -nP -iTCP:<port> -sTCP:LISTEN -Fpcn` (field output: one value per line,
 *   so command names with spaces need no column guessing). lsof shows only what this user
 *   may see.
 * - Windows: `netstat -ano` (a listening socket has the foreign address 0.0.0.0:0 or [::]:0,
 *   which holds in every language; the state column is translated), then `tasklist` for
 *   the name of the process id.
 *
 * A listener only counts when it blocks 127.0.0.1:<port>: bound to 127.0.0.1 itself or to
 * a wildcard address (0.0.0.0, ::, *), not e.g. 192.168.1.5:<port> or [::1]:<port>.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { runProcess, type RunResult, type SpawnFn } from '../../providers/lifecycle/run-process';

export interface HeldBy {
  pid: number;
  /** The process's name (`node`, `postgres.exe`), or null when the system gave only its id. */
  name: string | null;
}

export type PortHolder =
  /** The processes listening on the port. */
  | { kind: 'process'; processes: HeldBy[] }
  /** Listening, but by a process of another user that this user cannot see (Linux gives the owner). */
  | { kind: 'other-user'; uid: number; user: string | null }
  /** The system did not say who listens; `why` says what was missing. */
  | { kind: 'unknown'; why: string };

export interface PortHolderDeps {
  platform: NodeJS.Platform;
  /** Linux: where /proc is (tests point it elsewhere only to read recorded files). */
  procRoot: string;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  readlink(link: string): Promise<string>;
  /** Runs a system command (lsof, netstat, tasklist) with a deadline. */
  run(command: string, args: readonly string[]): Promise<RunResult>;
  /** This process's user id (Linux), to tell another user's socket from a vanished one. */
  uid: number | null;
  /** Byte order of /proc/net/tcp's addresses: the host's. */
  endianness: 'LE' | 'BE';
}

const COMMAND_TIMEOUT_MS = 5_000;

/** The real system, with `spawn` injectable for tests of the command paths. */
export function systemPortHolderDeps(platform: NodeJS.Platform = process.platform, spawn?: SpawnFn): PortHolderDeps {
  return {
    platform,
    procRoot: '/proc',
    readFile: (file) => fs.readFile(file, 'utf8'),
    readdir: (dir) => fs.readdir(dir),
    readlink: (link) => fs.readlink(link),
    run: (command, args) =>
      runProcess(command, args, {
        env: { ...process.env, LC_ALL: 'C' },
        timeoutMs: COMMAND_TIMEOUT_MS,
        platform,
        graceMs: 500,
        ...(spawn ? { spawn } : {}),
      }),
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    endianness: os.endianness(),
  };
}

/** Who listens on 127.0.0.1:<port> (or on a wildcard address that covers it). */
export async function findPortHolder(port: number, deps: PortHolderDeps): Promise<PortHolder> {
  try {
    switch (deps.platform) {
      case 'linux':
        return await linuxHolder(port, deps);
      case 'darwin':
        return await lsofHolder(port, deps);
      case 'win32':
        return await windowsHolder(port, deps);
      default:
        return { kind: 'unknown', why: `this system (${deps.platform}) does not say which program listens on a port` };
    }
  } catch (error) {
    return { kind: 'unknown', why: `looking it up failed: ${(error as Error).message}` };
  }
}

/**
 * `port 51824 is held by node (pid 4242)`; `… is in use by a program that cannot be
 * identified (why)`. `subject` replaces `port 51824` where the port was named already.
 */
export function describeHolder(port: number, holder: PortHolder, subject = `port ${port}`): string {
  switch (holder.kind) {
    case 'process': {
      const byName = new Map<string, number[]>();
      for (const p of holder.processes) byName.set(p.name ?? '', [...(byName.get(p.name ?? '') ?? []), p.pid]);
      const parts = [...byName].map(([name, pids]) => {
        const ids = `${pids.length === 1 ? 'pid' : 'pids'} ${pids.join(', ')}`;
        return name === '' ? `process ${pids.join(', ')}` : `${name} (${ids})`;
      });
      return `${subject} is held by ${parts.join(' and ')}`;
    }
    case 'other-user':
      return `${subject} is held by a program of ${holder.user !== null ? `user ${holder.user} (uid ${holder.uid})` : `another user (uid ${holder.uid})`}`;
    case 'unknown':
      return `${subject} is in use by a program that cannot be identified (${holder.why})`;
  }
}

// ---- Linux ----------------------------------------------------------------------------

const TCP_LISTEN = '0A';

interface ProcSocket {
  inode: number;
  uid: number;
}

/** The 4-byte words of a /proc/net/tcp address as bytes in network order. */
function addressBytes(hex: string, endianness: 'LE' | 'BE'): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const chunk = [0, 2, 4, 6].map((i) => parseInt(hex.slice(word + i, word + i + 2), 16));
    bytes.push(...(endianness === 'LE' ? chunk.reverse() : chunk));
  }
  return bytes;
}

/** Whether a listener on this address keeps 127.0.0.1 from being bound on the same port. */
function blocksLoopback(bytes: number[]): boolean {
  const v4 = (b: number[]) => (b[0] === 127 && b[1] === 0 && b[2] === 0 && b[3] === 1) || b.every((x) => x === 0);
  if (bytes.length === 4) return v4(bytes);
  if (bytes.every((x) => x === 0)) return true;
  const mapped = bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped && v4(bytes.slice(12));
}

/** Listening sockets on `port` that block 127.0.0.1, from one /proc/net/tcp* table. */
export function parseProcNetTcp(text: string, port: number, endianness: 'LE' | 'BE'): ProcSocket[] {
  const found: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, , state, , , , uid, , inode] = fields.slice(1);
    if (!local || state !== TCP_LISTEN || uid === undefined || inode === undefined) continue;
    const [addressHex, portHex] = local.split(':');
    if (!addressHex || !portHex || parseInt(portHex, 16) !== port) continue;
    if (!blocksLoopback(addressBytes(addressHex, endianness))) continue;
    found.push({ inode: Number(inode), uid: Number(uid) });
  }
  return found;
}

/** The user name of a uid from /etc/passwd, or null. */
function userName(passwd: string, uid: number): string | null {
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && Number(id) === uid) return name;
  }
  return null;
}

async function linuxHolder(port: number, deps: PortHolderDeps): Promise<PortHolder> {
  const sockets: ProcSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await deps.readFile(`${deps.procRoot}/net/${table}`).catch(() => '');
    sockets.push(...parseProcNetTcp(text, port, deps.endianness));
  }
  if (sockets.length === 0) return { kind: 'unknown', why: `no listening socket on port ${port} shows in ${deps.procRoot}/net/tcp; it may have just closed` };
  const wanted = new Set(sockets.filter((s) => s.inode > 0).map((s) => `socket:[${s.inode}]`));
  const processes: HeldBy[] = [];
  const pids = (await deps.readdir(deps.procRoot)).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await deps.readdir(`${deps.procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await deps.readlink(`${deps.procRoot}/${pid}/fd/${fd}`).catch(() => '');
      if (!wanted.has(target)) continue;
      const name = (await deps.readFile(`${deps.procRoot}/${pid}/comm`).catch(() => '')).trim();
      processes.push({ pid: Number(pid), name: name === '' ? null : name });
      break;
    }
  }
  if (processes.length > 0) return { kind: 'process', processes: processes.sort((a, b) => a.pid - b.pid) };
  const foreign = sockets.find((s) => deps.uid !== null && s.uid !== deps.uid);
  if (foreign) {
    const passwd = await deps.readFile('/etc/passwd').catch(() => '');
    return { kind: 'other-user', uid: foreign.uid, user: userName(passwd, foreign.uid) };
  }
  return { kind: 'unknown', why: 'no process visible here has the listening socket open (it may run in another container or have just exited)' };
}

// ---- macOS ----------------------------------------------------------------------------

/** The host part of `127.0.0.1:51824`, `*:51824`, `[::1]:51824`. */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = colon < 0 ? address : address.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

const LOOPBACK_BLOCKERS = new Set(['127.0.0.1', '0.0.0.0', '*', '::', '::ffff:127.0.0.1', '::ffff:0.0.0.0']);

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** Processes in `lsof -F pcn` output with a listening name on `port` that blocks 127.0.0.1. */
export function parseLsofFields(text: string, port: number): HeldBy[] {
  const found = new Map<number, HeldBy>();
  let pid: number | null = null;
  let name: string | null = null;
  for (const line of text.split('\n')) {
    const field = line.charAt(0);
    const value = line.slice(1).trim();
    if (field === 'p') {
      pid = Number(value);
      name = null;
    } else if (field === 'c') {
      name = value;
    } else if (field === 'n' && pid !== null) {
      // A name may carry the peer (`127.0.0.1:51824->127.0.0.1:60000`) for connected sockets; only listeners count.
      if (value.includes('->')) continue;
      if (portOf(value) === port && LOOPBACK_BLOCKERS.has(hostOf(value)) && !found.has(pid)) found.set(pid, { pid, name });
    }
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid);
}

async function lsofHolder(port: number, deps: PortHolderDeps): Promise<PortHolder> {
  const result = await deps.run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpcn']);
  if (result.kind === 'spawn-error') return { kind: 'unknown', why: `lsof could not run: ${result.message}` };
  if (result.kind !== 'exited') return { kind: 'unknown', why: 'lsof did not answer in time' };
  const processes = parseLsofFields(result.stdout, port);
  if (processes.length > 0) return { kind: 'process', processes };
  return { kind: 'unknown', why: 'lsof shows no listener this user may see; it may belong to another user' };
}

// ---- Windows --------------------------------------------------------------------------

const LISTENING_PEERS = new Set(['0.0.0.0:0', '[::]:0', '*:*']);

/** Process ids listening on `port` (blocking 127.0.0.1) in `netstat -ano` output. */
export function parseNetstat(text: string, port: number): number[] {
  const pids = new Set<number>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*TCP\s+(\S+)\s+(\S+)\s+.*?\s(\d+)\s*$/i.exec(line);
    if (!match) continue;
    const [, local = '', peer = '', pid = ''] = match;
    if (!LISTENING_PEERS.has(peer) || portOf(local) !== port || !LOOPBACK_BLOCKERS.has(hostOf(local))) continue;
    pids.add(Number(pid));
  }
  return [...pids].sort((a, b) => a - b);
}

/** The image name in `tasklist /FO CSV /NH` output (`"node.exe","4242",…`), or null when none matched. */
export function parseTasklist(text: string, pid: number): string | null {
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"'));
    if (cells.length >= 2 && Number(cells[1]) === pid && cells[0]) return cells[0];
  }
  return null;
}

async function windowsHolder(port: number, deps: PortHolderDeps): Promise<PortHolder> {
  const netstat = await deps.run('netstat', ['-ano']);
  if (netstat.kind === 'spawn-error') return { kind: 'unknown', why: `netstat could not run: ${netstat.message}` };
  if (netstat.kind !== 'exited') return { kind: 'unknown', why: 'netstat did not answer in time' };
  const pids = parseNetstat(netstat.stdout, port);
  if (pids.length === 0) return { kind: 'unknown', why: `netstat shows no listener on port ${port}; it may have just closed` };
  const processes: HeldBy[] = [];
  for (const pid of pids) {
    const listed = await deps.run('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH']);
    processes.push({ pid, name: listed.kind === 'exited' ? parseTasklist(listed.stdout, pid) : null });
  }
  return { kind: 'process', processes };
}
