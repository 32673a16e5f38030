/**
 * `pond connect NAME [--export] [--provider P] [--json]`: crabbox's `pond connect`, through
 * the one owner of this user's forwards (the desktop app, `pond serve`, or the headless
 * agent, started on demand).
 *
 * - In the foreground it asks the owner to hold the pond's forwards for as long as this
 *   command runs, prints the export lines and every change of state, and on Ctrl-C /
 *   SIGTERM stops them and the files go.
 * - `--export` asks the owner to hold them, waits until each forward is up or has failed,
 *   prints the export lines for `eval` (with `--json`, the forward table) and exits; the
 *   forwards stay until `pond disconnect`.
 * - `--json` alone prints the forward table a connect would produce and exits: nothing is
 *   connected and no file is written.
 * - `--port MEMBER:REMOTE=LOCAL` (repeatable) chooses local ports first, through the owner,
 *   which keeps them; with `--json` alone they are only tried in the table.
 */
import { goJSON } from '../../lib/go-json';
import { sessionLine, type EventPayload, type MeshMemberShape, type MeshPondShape } from '../../contract/index';
import type { ControlClient } from '../../agent/control-client';
import type { Engine } from '../../api/engine';
import type { MeshMember } from '../../engine/mesh/types';
import type { PortMove } from '../../engine/mesh/port-allocator';
import { PondError } from '../../lib/errors';
import { goQuote } from '../../lib/go-quote';
import { PathError } from '../../lib/paths';
import type { PondFilePaths } from '../../engine/exports';
import { parseFlags } from '../args';
import { reportProblems, requireClaimsDir, withEngine, type CliEngineOptions } from '../engine';
import { ineligibleProviderMessage, noMeshMembersMessage, nothingToForwardMessage } from '../mesh-messages';
import { ensureOwner, ownerName, withOwner } from '../owner';
import { checkPortSpecs, parsePortSpec, type PortSpec } from '../port-specs';
import type { CliCommand, CliIO } from '../types';
import { pondNameArg } from './env';

export interface ConnectOptions {
  /** The port range `--json` previews in (tests keep clear of 51820–52819). */
  mesh?: CliEngineOptions['mesh'];
  /** How long to wait for every forward to come up or fail before answering. */
  settleMs?: number;
}

const NO_FREE_PORTS_EXIT = 7;
const DEFAULT_SETTLE_MS = 30_000;

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
function attempted(pond: MeshPondShape): boolean {
  return pond.members.every((m) => m.session.state !== 'connecting' || m.session.lastError !== null);
}

/** Every forward is up, has failed, or waits for its member's address (which only crabbox can give it). */
function decided(pond: MeshPondShape): boolean {
  return pond.members.every((m) => m.session.state === 'waiting' || m.forwards.every((f) => f.state === 'ready' || f.state === 'failed' || f.state === 'stopped'));
}

function allFailed(pond: MeshPondShape): boolean {
  return pond.members.length > 0 && pond.members.every((m) => m.session.state === 'failed');
}

function exportsBlock(lines: ReadonlyArray<{ line: string }>): string {
  return lines.map((l) => `${l.line}\n`).join('');
}

/** The pond as the owner holds it, kept current from its `mesh:health` events. */
class PondWatch {
  private pond: MeshPondShape;
  private wake: () => void = () => {};
  private readonly unsubscribe: () => void;

  constructor(
    private readonly client: ControlClient,
    private readonly name: string,
    private readonly onMember: (member: MeshMemberShape) => void,
  ) {
    this.pond = { pond: name, members: [] };
    this.unsubscribe = client.onEvent((event, payload) => {
      if (event !== 'mesh:health' || (payload as MeshMemberShape).pond !== name) return;
      const member = payload as MeshMemberShape;
      this.pond = { pond: name, members: [...this.pond.members.filter((m) => m.member !== member.member), member].sort((a, b) => (a.member < b.member ? -1 : 1)) };
      onMember(member);
      this.wake();
    });
  }

  get current(): MeshPondShape {
    return this.pond;
  }

  set(pond: MeshPondShape): void {
    this.pond = pond;
    for (const member of pond.members) this.onMember(member);
  }

  /** Resolves when `done` holds, `ms` passed, or `signal` aborted. */
  until(done: (pond: MeshPondShape) => boolean, signal: AbortSignal, ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let finished = false;
      const timer = ms !== undefined ? setTimeout(() => finish(), ms) : undefined;
      const wake = () => {
        if (done(this.pond)) finish();
      };
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        if (this.wake === wake) this.wake = () => {};
        resolve();
      };
      this.wake = wake;
      signal.addEventListener('abort', finish, { once: true });
      void this.client.closed.then(finish);
      if (signal.aborted || done(this.pond)) finish();
    });
  }

  close(): void {
    this.unsubscribe();
  }
}

/** Asks the owner to hold the members, one call for a whole pond or one per member with --provider. */
async function holdMembers(client: ControlClient, pond: string, members: readonly MeshMember[], all: boolean, attached: boolean): Promise<MeshPondShape> {
  if (all) return client.call('mesh:connect', { pond, attached });
  let health: MeshPondShape = { pond, members: [] };
  for (const member of members) health = await client.call('mesh:connect', { pond, member: member.name, attached });
  return health;
}

function answerPassphrases(io: CliIO, client: ControlClient, pond: string): () => void {
  return client.onEvent((event, payload) => {
    if (event !== 'mesh:passphraseRequest') return;
    const request = payload as EventPayload<'mesh:passphraseRequest'>;
    if (request.pond !== pond) return;
    void askPassphrase(io, request)
      .then((passphrase) => client.call('mesh:passphrase', { requestId: request.requestId, passphrase }))
      .catch((error: Error) => io.err(`warning: the passphrase could not be handed over: ${error.message}\n`));
  });
}

async function askPassphrase(io: CliIO, request: EventPayload<'mesh:passphraseRequest'>): Promise<string | null> {
  if (!io.isTTY) {
    io.err(`${request.member}: ${request.keyPath} is encrypted and there is no terminal to ask for its passphrase; add it to ssh-agent instead\n`);
    return null;
  }
  const again = request.problem ? `${request.problem}\n` : '';
  return io.readLine(`${again}passphrase for ${request.keyPath} (${request.member}): `);
}

/** The forwards that are not up, one line each with the reason. */
function failures(pond: MeshPondShape): string[] {
  return pond.members.flatMap((m) =>
    m.forwards
      .filter((f) => f.state !== 'ready' && f.state !== 'stopped')
      .map((f) => `  ${f.member}:${f.remotePort}: ${m.session.state === 'waiting' || m.session.state === 'failed' ? sessionLine(m.session, Date.now()) : (f.lastError ?? `still ${f.state}`)}`),
  );
}

async function exportPond(io: CliIO, client: ControlClient, pond: string, paths: PondFilePaths, members: readonly MeshMember[], all: boolean, json: boolean, settleMs: number): Promise<number> {
  const watch = new PondWatch(client, pond, () => {});
  const stopPrompts = answerPassphrases(io, client, pond);
  try {
    watch.set(await holdMembers(client, pond, members, all, false));
    await watch.until((p) => attempted(p) && decided(p), io.signal, settleMs);
    const held = await client.call('mesh:status', { pond });
    const health = held.ponds[0] ?? { pond, members: [] };
    const view = await client.call('exports:get', { pond, format: 'sh' });
    const ready = health.members.flatMap((m) => m.forwards.filter((f) => f.state === 'ready' && f.localPort !== null));
    for (const f of ready) io.err(`  -L 127.0.0.1:${f.localPort} -> ${f.member}:${f.remotePort}\n`);
    const failed = failures(health);
    if (ready.length === 0) {
      io.err(`pond ${goQuote(pond)}: no forward came up:\n${failed.join('\n')}\n`);
      return 1;
    }
    if (failed.length > 0) io.err(`pond ${goQuote(pond)}: ${plural(failed.length, 'forward')} did not come up:\n${failed.join('\n')}\n`);
    if (json) {
      const forwards = ready.map((f) => ({ peer: f.member, remotePort: f.remotePort, localPort: f.localPort, leaseID: f.leaseID }));
      io.out(`${goJSON({ hostsPath: paths.hostsPath, envPath: paths.envPath, exports: view.lines.map((l) => l.line), forwards })}\n`);
    } else {
      io.out(exportsBlock(view.lines));
    }
    const info = await client.call('owner:info');
    io.err(`pond ${goQuote(pond)} SSH-mesh forwards held by ${ownerName(info)} (${plural(ready.length, 'forward')}); stop them with \`pond disconnect ${pond}\`\n`);
    return 0;
  } finally {
    stopPrompts();
    watch.close();
  }
}

async function holdInForeground(io: CliIO, client: ControlClient, pond: string, paths: PondFilePaths, members: readonly MeshMember[], all: boolean, settleMs: number): Promise<number> {
  const reporter = new HealthReporter(io);
  const watch = new PondWatch(client, pond, (member) => reporter.report(member));
  const stopPrompts = answerPassphrases(io, client, pond);
  let announced = false;
  const stopFiles = client.onEvent((event, payload) => {
    if (event !== 'exports:changed' || (payload as EventPayload<'exports:changed'>).pond !== pond || !announced) return;
    void client
      .call('exports:get', { pond, format: 'sh' })
      .then((view) => {
        if (view.problem) io.err(`warning: ${view.problem}\n`);
        else if (view.source !== 'mesh' || view.lines.length === 0) io.err(`pond ${goQuote(pond)}: no forwards are up; removed ${paths.envPath} and ${paths.hostsPath}\n`);
        else io.err(`pond ${goQuote(pond)}: ${plural(view.lines.length, 'forward')} up; rewrote ${paths.envPath}\n${exportsBlock(view.lines)}`);
      })
      // The owner went away; the foreground loop reports that.
      .catch(() => undefined);
  });
  let exitCode = 0;
  try {
    watch.set(await holdMembers(client, pond, members, all, true));
    await watch.until(attempted, io.signal, settleMs);
    if (!io.signal.aborted) {
      const view = await client.call('exports:get', { pond, format: 'sh' });
      const lines = view.source === 'mesh' ? view.lines : [];
      if (lines.length > 0) {
        io.out(`pond ${goQuote(pond)} SSH-mesh ready (${plural(lines.length, 'forward')})\n${exportsBlock(lines)}`);
        io.out(`wrote ${paths.hostsPath}\nwrote ${paths.envPath}\n`);
      }
      if (lines.length === 0 && !allFailed(watch.current)) io.err(`pond ${goQuote(pond)}: no forwards are up yet; still trying (Ctrl-C to stop)\n`);
      announced = true;
      await watch.until(allFailed, io.signal);
      if (!io.signal.aborted) {
        io.err(
          allFailed(watch.current)
            ? `pond ${goQuote(pond)}: every member has failed; giving up (fix the problems above, then connect again)\n`
            : `pond ${goQuote(pond)}: the process holding the forwards went away; they are gone\n`,
        );
        exitCode = 1;
      }
    }
  } finally {
    announced = false;
    stopFiles();
    stopPrompts();
    watch.close();
    await client.call('mesh:disconnect', { pond }).catch(() => undefined);
    io.err(`pond ${goQuote(pond)} disconnected; removed ${paths.envPath} and ${paths.hostsPath}\n`);
  }
  return exitCode;
}

async function previewTable(io: CliIO, engine: Engine, pond: string, members: readonly MeshMember[], chosen: readonly PortSpec[]): Promise<number> {
  for (const m of members) if (m.targetProblem) io.err(`warning: ${m.name}: ${m.targetProblem}\n`);
  try {
    const onMove = (member: string, remotePort: number, move: PortMove) => io.err(`note: ${member}:${remotePort}: ${move.reason}; it would use 127.0.0.1:${move.to}\n`);
    io.out(await engine.previewForwards(pond, members, onMove, chosen));
    return 0;
  } catch (error) {
    if (error instanceof PondError && error.code === 'UNAVAILABLE') {
      io.err(`pond connect: ${error.message}\n`);
      return NO_FREE_PORTS_EXIT;
    }
    throw error;
  }
}

interface ConnectFlags {
  provider?: string;
  json?: boolean;
  export?: boolean;
  port: PortSpec[];
}

/** The owner keeps each chosen port (a forward it holds moves there); a refused one stops the connect, naming why. */
async function choosePorts(client: ControlClient, pond: string, chosen: readonly PortSpec[]): Promise<void> {
  for (const spec of chosen) await client.call('ports:set', { pond, ...spec });
}

async function connectPond(io: CliIO, engine: Engine, pond: string, flags: ConnectFlags, settleMs: number): Promise<number> {
  reportProblems(io, engine.ponds.snapshot().problems);
  const { members, ineligible } = await engine.meshMembers(pond, flags.provider);
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
  for (const spec of flags.port) await engine.ports.requireForward({ pond, member: spec.member, remotePort: spec.remotePort });
  if (flags.json && !flags.export) return previewTable(io, engine, pond, ported, flags.port);
  const all = (flags.provider ?? '').trim() === '';
  return withOwner(await ensureOwner(io), async (client) => {
    await choosePorts(client, pond, flags.port);
    return flags.export ? exportPond(io, client, pond, paths, ported, all, flags.json === true, settleMs) : holdInForeground(io, client, pond, paths, ported, all, settleMs);
  });
}

export function connectCommand(options: ConnectOptions = {}): CliCommand {
  return {
    name: 'connect',
    summary: "forward a pond's exposed ports to 127.0.0.1 and keep them up (crabbox pond connect)",
    usage: `usage: pond connect <name> [--export] [--provider P] [--json] [--port MEMBER:REMOTE=LOCAL]...

Connects every member of pond <name> that declares exposed ports (crabbox --expose):
one SSH connection per member carries all of its forwards, each on its own
127.0.0.1 port in 51820–52819 (the same port as last time when it is free). Dropped
connections come back by themselves with the same local ports. The export lines
CRABBOX_POND_<PEER>_<PORT>=127.0.0.1:<local> are also kept in
$HOME/.crabbox/pond/<name>/env (host aliases in …/hosts) while any forward is up.

The forwards are held by the one process that owns this user's forwards: Pond Desktop
when it runs, \`pond serve\`, or else the pond agent, started here on demand and
stopping by itself once it has held nothing for 10 minutes. A pond connected here shows
in Pond Desktop, and the other way round. Flags may appear anywhere.

Without --export, runs in the foreground: prints the export lines and every change of
state, and stops the pond's forwards (removing its files) on Ctrl-C or SIGTERM.

  --export       hold the forwards in the background: wait until each is up or has
                 failed, print the export lines and exit (eval "$(pond connect <name> --export)");
                 stop them with \`pond disconnect <name>\`. Exit 1 when none came up.
  --provider P   only members of provider P (aliases accepted)
  --json         with --export, print the forward table of what came up as JSON instead of
                 the export lines; alone, print the table a connect would produce and exit
                 (ports are chosen as a connect would choose them; nothing is connected or written)
  --port MEMBER:REMOTE=LOCAL
                 listen on LOCAL (1024–65535) for MEMBER's REMOTE port, e.g. api:8080=15432;
                 repeatable. The choice is kept (see \`pond ports\`) and wins over the port
                 remembered from last time; a taken port is refused, naming what holds it.
                 With --json alone, the table only tries it`,
    async run(args, io) {
      const { values, positionals } = parseFlags(args, {
        provider: { type: 'string' },
        json: { type: 'boolean' },
        export: { type: 'boolean' },
        port: { type: 'string', multiple: true },
      });
      const pond = pondNameArg(positionals, 'connect');
      const port = (values.port ?? []).map(parsePortSpec);
      checkPortSpecs(port);
      requireClaimsDir(io);
      const flags = { ...values, port };
      return withEngine(io, ({ engine }) => connectPond(io, engine, pond, flags, options.settleMs ?? DEFAULT_SETTLE_MS), options.mesh ? { mesh: options.mesh } : {});
    },
  };
}

export const connect = connectCommand();
