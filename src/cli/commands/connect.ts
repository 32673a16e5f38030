/**
 * `pond connect NAME [--provider P] [--json]`: crabbox's `pond connect`, on the engine's
 * mesh. In the foreground it holds every forward of the pond over one SSH session per
 * member, keeps them alive through reconnects, keeps the env/hosts files equal to what is
 * up, and on Ctrl-C / SIGTERM closes everything and removes the files. `--json` prints the
 * forward table (spec §8.2) and exits without writing the files: a file advertising ports
 * nothing listens on would be wrong the moment it is read.
 */
import { sessionLine, type EventPayload, type MeshMemberShape, type MeshPondShape } from '../../contract/index';
import type { MeshMember } from '../../engine/mesh/types';
import type { PondFilePaths } from '../../engine/exports';
import type { Engine } from '../../api/engine';
import { PondError } from '../../lib/errors';
import { goQuote } from '../../lib/go-quote';
import { PathError } from '../../lib/paths';
import { parseFlags } from '../args';
import { reportProblems, requireClaimsDir, withEngine, type CliEngineOptions } from '../engine';
import { ineligibleProviderMessage, noMeshMembersMessage, nothingToForwardMessage } from '../mesh-messages';
import type { CliCommand, CliIO } from '../types';
import { pondNameArg } from './env';

export interface ConnectOptions {
  /** Session timings and the local port range (tests shorten the backoff and keep clear of 51820–52819). */
  mesh?: CliEngineOptions['mesh'];
  /** How long to wait for the first connection attempts before printing the table. */
  settleMs?: number;
}

const NO_FREE_PORTS_EXIT = 7;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Prints what changes: a member's session line, a forward's port, move and remote status. */
class HealthReporter {
  private readonly sessionLines = new Map<string, string>();
  private readonly forwardLines = new Map<string, string>();

  constructor(private readonly io: CliIO) {}

  report(health: MeshMemberShape): void {
    const line = `${health.member}: ${sessionLine(health.session, Date.now())}`;
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
function settled(pond: MeshPondShape): boolean {
  return pond.members.every((m) => m.session.state !== 'connecting' || m.session.lastError !== null);
}

function allFailed(pond: MeshPondShape): boolean {
  return pond.members.length > 0 && pond.members.every((m) => m.session.state === 'failed');
}

function exportsBlock(lines: ReadonlyArray<{ line: string }>): string {
  return lines.map((l) => `${l.line}\n`).join('');
}

async function printTable(io: CliIO, engine: Engine, pond: string, members: readonly MeshMember[]): Promise<number> {
  try {
    io.out(
      await engine.previewForwards(pond, members, (member, remotePort, move) =>
        io.err(`note: ${member}:${remotePort}: ${move.reason}; it would use 127.0.0.1:${move.to}\n`),
      ),
    );
    return 0;
  } catch (error) {
    if (error instanceof PondError && error.code === 'UNAVAILABLE') {
      io.err(`pond connect: ${error.message}\n`);
      return NO_FREE_PORTS_EXIT;
    }
    throw error;
  }
}

async function askPassphrase(io: CliIO, request: EventPayload<'mesh:passphraseRequest'>): Promise<string | null> {
  if (!io.isTTY) {
    io.err(`${request.member}: ${request.keyPath} is encrypted and there is no terminal to ask for its passphrase; add it to ssh-agent instead\n`);
    return null;
  }
  const again = request.problem ? `${request.problem}\n` : '';
  return io.readLine(`${again}passphrase for ${request.keyPath} (${request.member}): `);
}

async function holdForwards(io: CliIO, engine: Engine, pond: string, paths: PondFilePaths, settleMs: number): Promise<number> {
  const reporter = new HealthReporter(io);
  const health = () => engine.mesh.status(pond).ponds[0] ?? { pond, members: [] };
  let announced = false;
  let wake: () => void = () => {};

  const unsubscribe = engine.bus.subscribe((event, payload) => {
    if (event === 'mesh:health') {
      const member = payload as EventPayload<'mesh:health'>;
      if (member.pond === pond) reporter.report(member);
    } else if (event === 'mesh:passphraseRequest') {
      const request = payload as EventPayload<'mesh:passphraseRequest'>;
      void askPassphrase(io, request).then((passphrase) => engine.meshPrompts.answer(request.requestId, passphrase));
    } else if (event === 'exports:changed' && (payload as EventPayload<'exports:changed'>).pond === pond && announced) {
      void engine.exports.get(pond, 'sh').then((view) => {
        if (view.problem) io.err(`warning: ${view.problem}\n`);
        else if (view.lines.length === 0) io.err(`pond ${goQuote(pond)}: no forwards are up; removed ${paths.envPath} and ${paths.hostsPath}\n`);
        else io.err(`pond ${goQuote(pond)}: ${plural(view.lines.length, 'forward')} up; rewrote ${paths.envPath}\n${exportsBlock(view.lines)}`);
      });
    }
    wake();
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
    await engine.mesh.connect({ pond });
    await until(() => settled(health()), settleMs);
    await engine.filesSettled();
    if (!io.signal.aborted) {
      const { lines } = await engine.exports.get(pond, 'sh');
      if (lines.length > 0) {
        io.out(`pond ${goQuote(pond)} SSH-mesh ready (${plural(lines.length, 'forward')})\n${exportsBlock(lines)}`);
        io.out(`wrote ${paths.hostsPath}\nwrote ${paths.envPath}\n`);
      }
      if (lines.length === 0 && !allFailed(health())) io.err(`pond ${goQuote(pond)}: no forwards are up yet; still trying (Ctrl-C to stop)\n`);
      announced = true;
      await until(() => allFailed(health()));
      if (!io.signal.aborted) {
        io.err(`pond ${goQuote(pond)}: every member has failed; giving up (fix the problems above, then connect again)\n`);
        exitCode = 1;
      }
    }
  } finally {
    announced = false;
    await engine.mesh.disconnect({ pond });
    await engine.filesSettled();
    unsubscribe();
    io.err(`pond ${goQuote(pond)} disconnected; removed ${paths.envPath} and ${paths.hostsPath}\n`);
  }
  return exitCode;
}

async function connectPond(io: CliIO, engine: Engine, pond: string, values: { provider?: string; json?: boolean }, settleMs: number): Promise<number> {
  reportProblems(io, engine.ponds.snapshot().problems);
  const { members, ineligible } = await engine.meshMembers(pond, values.provider);
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
    paths = engine.exports.paths(pond);
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
    io.err(`pond connect: ${error.message}\n`);
    return 2;
  }
  if (!values.json) return holdForwards(io, engine, pond, paths, settleMs);
  for (const m of ported) if (m.targetProblem) io.err(`warning: ${m.name}: ${m.targetProblem}\n`);
  return printTable(io, engine, pond, ported);
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
      requireClaimsDir(io);
      // In the foreground the forwards follow the pond (claims and hand-added hosts are watched); --json reads them once.
      return withEngine(io, ({ engine }) => connectPond(io, engine, pond, values, options.settleMs ?? 25_000), {
        live: !values.json,
        ...(options.mesh ? { mesh: options.mesh } : {}),
      });
    },
  };
}

export const connect = connectCommand();
