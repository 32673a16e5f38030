/**
 * `pond connect NAME [--provider P] [--json]`: crabbox's `pond connect`, on the same
 * mesh engine as Pond Desktop. In the foreground it holds every forward of the pond over
 * one SSH session per member, keeps them alive through reconnects, keeps the env/hosts
 * files equal to what is up, and on Ctrl-C / SIGTERM closes everything and removes the
 * files. `--json` prints the forward table (spec §8.2) and exits without writing the
 * files: a file advertising ports nothing listens on would be wrong the moment it is read.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import PQueue from 'p-queue';
import { PondError } from '../../lib/errors';
import { forwardTable, forwardTableJSON, planForwards, pondFilePaths, PondFilesWriter, renderEnvFile, type PondFilePaths } from '../../engine/exports';
import { goQuote } from '../../lib/go-quote';
import { describeSession, type MemberHealth, type PondHealth } from '../../engine/mesh/health';
import { MeshManager, type ForwardsChange, type PassphraseRequest } from '../../engine/mesh/manager';
import { inMemoryPortMemory, PortAllocator, settingsPortMemory, type BoundPort, type PortMemory } from '../../engine/mesh/port-allocator';
import type { SessionTuning } from '../../engine/mesh/session';
import {
  ineligibleProviderMessage,
  noMeshMembersMessage,
  nothingToForwardMessage,
  resolvePondMeshMembers,
} from '../../engine/mesh/targets';
import type { ForwardSpec, MeshMember } from '../../engine/mesh/types';
import { appDataDir, PathError } from '../../engine/paths';
import { openConfBackend, SETTINGS_FILE_NAME, SettingsStore } from '../../engine/settings-store';
import { parseFlags } from '../args';
import type { CliCommand, CliIO } from '../types';
import { pondNameArg } from './env';
import { readPondSources, reportProblems } from '../pond-sources';

export interface ConnectOptions {
  /** Session timings (tests shorten the backoff). */
  tuning?: Partial<SessionTuning>;
  /** Local port range (tests keep clear of 51820–52819, which a running app may hold). */
  portRange?: { min: number; max: number };
  /** How long to wait for the first connection attempts before printing the table. */
  settleMs?: number;
}

const NO_FREE_PORTS_EXIT = 7;

/** Remembered forward ports from Pond Desktop's settings (shared with the app). */
function portMemory(io: CliIO, persist: boolean): PortMemory {
  const dir = appDataDir(io.pathEnv);
  try {
    if (!persist) {
      const exists = existsSync(path.join(dir, `${SETTINGS_FILE_NAME}.json`));
      return inMemoryPortMemory(exists ? new SettingsStore(openConfBackend(dir)).get('forwardPorts') : {});
    }
    const store = new SettingsStore(openConfBackend(dir));
    store.get('forwardPorts');
    return settingsPortMemory(store);
  } catch (error) {
    io.err(`warning: remembered forward ports are unavailable (${(error as Error).message}); ports are picked afresh\n`);
    return inMemoryPortMemory();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Prints what changes: a member's session line, a forward's port, move and remote status. */
class HealthReporter {
  private readonly sessionLines = new Map<string, string>();
  private readonly forwardLines = new Map<string, string>();

  constructor(private readonly io: CliIO) {}

  report(health: MemberHealth): void {
    const line = `${health.member}: ${describeSession(health.session, Date.now())}`;
    const first = !this.sessionLines.has(health.member);
    // A session is `stopped` until it starts; only a stop after that is news.
    if (!(first && health.session.state === 'stopped') && this.sessionLines.get(health.member) !== line) {
      this.sessionLines.set(health.member, line);
      this.io.err(`${line}\n`);
    }
    for (const f of health.forwards) {
      const key = `${f.member}:${f.remotePort}`;
      const notes: string[] = [];
      if (f.localPort !== null) notes.push(`  -L 127.0.0.1:${f.localPort} -> ${f.member}:${f.remotePort}`);
      if (f.moved) notes.push(`  ${key}: ${f.moved.reason}; using 127.0.0.1:${f.moved.to} instead of ${f.moved.from}`);
      if (f.state === 'ready' && f.remote === 'closed') notes.push(`  ${key}: remote port closed (nothing listens on port ${f.remotePort} on ${f.member})`);
      if (f.state === 'failed' && f.reason === 'port-unavailable' && f.lastError) notes.push(`  ${key}: ${f.lastError}`);
      const text = notes.join('\n');
      if (text !== '' && this.forwardLines.get(key) !== text) {
        const previous = new Set((this.forwardLines.get(key) ?? '').split('\n'));
        this.forwardLines.set(key, text);
        for (const note of notes) if (!previous.has(note)) this.io.err(`${note}\n`);
      }
    }
  }
}

/** Every member has had its first attempt: it is up, or it failed at least once. */
function settled(health: PondHealth): boolean {
  return health.members.every((m) => m.session.state !== 'connecting' || m.session.lastError !== null);
}

function allFailed(health: PondHealth): boolean {
  return health.members.length > 0 && health.members.every((m) => m.session.state === 'failed');
}

function exportsBlock(forwards: readonly ForwardSpec[]): string {
  return renderEnvFile(forwards).exports.map((line) => `${line}\n`).join('');
}

async function printTable(io: CliIO, pond: string, members: readonly MeshMember[], paths: PondFilePaths, range: ConnectOptions['portRange']): Promise<number> {
  const allocator = new PortAllocator({ memory: portMemory(io, false), ...range });
  const bound: BoundPort[] = [];
  try {
    const forwards = await planForwards(members, async (member, remotePort) => {
      const port = await allocator.bind({ pond, member: member.name, remotePort }, (socket) => socket.destroy());
      bound.push(port);
      if (port.moved) io.err(`note: ${member.name}:${remotePort}: ${port.moved.reason}; it would use 127.0.0.1:${port.moved.to}\n`);
      return port.port;
    });
    io.out(forwardTableJSON(forwardTable(paths, forwards)));
    return 0;
  } catch (error) {
    if (error instanceof PondError && error.code === 'UNAVAILABLE') {
      io.err(`pond connect: ${error.message}\n`);
      return NO_FREE_PORTS_EXIT;
    }
    throw error;
  } finally {
    await Promise.all(bound.map((b) => allocator.release(b)));
  }
}

async function askPassphrase(io: CliIO, request: PassphraseRequest): Promise<string | null> {
  if (!io.isTTY) {
    io.err(`${request.member}: ${request.keyPath} is encrypted and there is no terminal to ask for its passphrase; add it to ssh-agent instead\n`);
    return null;
  }
  const again = request.problem ? `${request.problem}\n` : '';
  return io.readLine(`${again}passphrase for ${request.keyPath} (${request.member}): `);
}

async function holdForwards(io: CliIO, pond: string, members: readonly MeshMember[], paths: PondFilePaths, options: ConnectOptions): Promise<number> {
  const writer = new PondFilesWriter(io.pathEnv, pond);
  const reporter = new HealthReporter(io);
  let announced = false;
  const fileWrites = new PQueue({ concurrency: 1 });
  let wake: () => void = () => {};

  const onForwards = (change: ForwardsChange) => {
    const forwards = change.connected ? change.forwards : [];
    void fileWrites.add(async () => {
      try {
        const result = await writer.update(forwards);
        if (!announced || result === 'unchanged') return;
        if (result === 'removed') io.err(`pond ${goQuote(pond)}: no forwards are up; removed ${paths.envPath} and ${paths.hostsPath}\n`);
        else io.err(`pond ${goQuote(pond)}: ${plural(forwards.length, 'forward')} up; rewrote ${paths.envPath}\n${exportsBlock(forwards)}`);
      } catch (error) {
        io.err(`warning: cannot update ${paths.envPath}: ${(error as Error).message}\n`);
      }
    });
    wake();
  };

  const manager = new MeshManager({
    resolveMembers: async () => [...members],
    allocator: new PortAllocator({ memory: portMemory(io, true), ...options.portRange }),
    askPassphrase: (request) => askPassphrase(io, request),
    onHealth: (health) => {
      reporter.report(health);
      wake();
    },
    onForwardsChanged: onForwards,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });

  const until = (done: () => boolean, ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms !== undefined ? setTimeout(() => finish(), ms) : undefined;
      const finish = () => {
        clearTimeout(timer);
        io.signal.removeEventListener('abort', finish);
        wake = () => {};
        resolve();
      };
      wake = () => {
        if (done()) finish();
      };
      io.signal.addEventListener('abort', finish, { once: true });
      if (io.signal.aborted || done()) finish();
    });

  let exitCode = 0;
  try {
    await manager.connect({ pond });
    await until(() => settled(manager.status(pond).ponds[0] ?? { pond, members: [] }), options.settleMs ?? 25_000);
    await fileWrites.onIdle();
    if (!io.signal.aborted) {
      const ready = manager.readyForwards(pond);
      if (ready.length > 0) {
        io.out(`pond ${goQuote(pond)} SSH-mesh ready (${plural(ready.length, 'forward')})\n${exportsBlock(ready)}`);
        io.out(`wrote ${paths.hostsPath}\nwrote ${paths.envPath}\n`);
      }
      const health = () => manager.status(pond).ponds[0] ?? { pond, members: [] };
      if (ready.length === 0 && !allFailed(health())) io.err(`pond ${goQuote(pond)}: no forwards are up yet; still trying (Ctrl-C to stop)\n`);
      announced = true;
      await until(() => allFailed(health()));
      if (!io.signal.aborted) {
        io.err(`pond ${goQuote(pond)}: every member has failed; giving up (fix the problems above, then connect again)\n`);
        exitCode = 1;
      }
    }
  } finally {
    announced = false;
    await manager.disconnectAll();
    await fileWrites.onIdle();
    await writer.clear();
    io.err(`pond ${goQuote(pond)} disconnected; removed ${paths.envPath} and ${paths.hostsPath}\n`);
  }
  return exitCode;
}

export function connectCommand(options: ConnectOptions = {}): CliCommand {
  return {
    name: 'connect',
    summary: "forward a pond's exposed ports to 127.0.0.1 and keep them up (crabbox pond connect)",
    usage: `usage: pond connect <name> [--provider P] [--json]

Connects every member of pond <name> that declares exposed ports (crabbox --expose):
one SSH connection per member carries all of its forwards, each on its own
127.0.0.1 port in 51820–52819 (the same port as last time when it is free). Dropped
connections come back by themselves with the same local ports. Prints the
CRABBOX_POND_<PEER>_<PORT> export lines, writes them to $HOME/.crabbox/pond/<name>/env
(and host aliases to …/hosts), rewrites both whenever a forward comes or goes, and
removes them when it stops. Runs until Ctrl-C or SIGTERM. Flags may appear anywhere.

  --provider P   only members of provider P (aliases accepted)
  --json         print the forward table as JSON and exit; ports are chosen as a
                 connect would choose them, nothing is connected and no file is written`,
    async run(args, io) {
      const { values, positionals } = parseFlags(args, { provider: { type: 'string' }, json: { type: 'boolean' } });
      const pond = pondNameArg(positionals, 'connect');
      const { listing, manual, problems } = await readPondSources(io);
      reportProblems(io, problems);
      const { members, ineligible } = await resolvePondMeshMembers(
        {
          pathEnv: io.pathEnv,
          cwd: io.cwd,
          claims: async () => listing.claims.map((l) => l.claim),
          manualMembers: async () => manual,
        },
        pond,
        values.provider,
      );
      for (const provider of ineligible) io.err(`${ineligibleProviderMessage(pond, provider)}\n`);
      if (members.length === 0) {
        io.err(`${noMeshMembersMessage(pond)}\n`);
        return 0;
      }
      const ported = members.filter((m) => m.ports.length > 0);
      if (ported.length === 0) {
        io.err(`${nothingToForwardMessage(pond)}\n`);
        return 0;
      }
      let paths: PondFilePaths;
      try {
        paths = pondFilePaths(io.pathEnv, pond);
      } catch (error) {
        if (!(error instanceof PathError)) throw error;
        io.err(`pond connect: ${error.message}\n`);
        return 2;
      }
      if (!values.json) return holdForwards(io, pond, ported, paths, options);
      for (const m of ported) if (m.targetProblem) io.err(`warning: ${m.name}: ${m.targetProblem}\n`);
      return printTable(io, pond, ported, paths, options.portRange);
    },
  };
}

export const connect = connectCommand();
