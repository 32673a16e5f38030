/**
 * `pond agent run|start|stop|status`: the headless owner of this user's forwards, for
 * machines without the desktop app and for scripts. The CLI starts it on demand; it
 * stops by itself once it has held nothing for a while.
 */
import { OwnerRunningError } from '../../agent/control-server';
import { DEFAULT_IDLE_MS, startOwner } from '../../agent/owner-process';
import { parseFlags } from '../args';
import { endpointPath, ensureOwner, findOwner, ownerName, withOwner } from '../owner';
import { agentLogPath } from '../start-agent';
import { UsageError, type CliCommand, type CliIO } from '../types';
import { VERSION } from '../version';

function idleMs(io: CliIO): number {
  const raw = io.env.POND_AGENT_IDLE_SECONDS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_IDLE_MS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError(`POND_AGENT_IDLE_SECONDS must be a whole number of seconds, 1 or more (got ${JSON.stringify(raw)})`);
  return seconds * 1000;
}

async function run(io: CliIO): Promise<number> {
  const started = Date.now();
  const log = (message: string) => io.err(`${new Date().toISOString()} ${message}\n`);
  let owner;
  try {
    owner = await startOwner({ kind: 'agent', pathEnv: io.pathEnv, version: VERSION, log, cwd: io.cwd, idleMs: idleMs(io) });
  } catch (error) {
    if (error instanceof OwnerRunningError) {
      io.err(`pond agent: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  log(`pond agent ${VERSION} (pid ${process.pid}) holds this user's forwards; listening on ${owner.server.endpoint.path}`);
  const onSignal = () => void owner.stop('signal');
  io.signal.addEventListener('abort', onSignal, { once: true });
  const reason = await owner.stopped;
  io.signal.removeEventListener('abort', onSignal);
  log(`pond agent stopped (${reason}) after ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

async function start(io: CliIO): Promise<number> {
  const existing = await findOwner(io);
  const client = existing ?? (await ensureOwner(io));
  const info = await withOwner(client, (c) => c.call('owner:info'));
  io.out(`${existing ? 'already running' : 'started'}: ${ownerName(info)}, listening on ${info.endpoint ?? endpointPath(io)}${info.kind === 'agent' ? `; log: ${agentLogPath(io.pathEnv)}` : ''}\n`);
  return 0;
}

async function stop(io: CliIO): Promise<number> {
  const owner = await findOwner(io);
  if (!owner) {
    io.out('no pond agent is running\n');
    return 0;
  }
  const info = await owner.call('owner:info');
  if (info.kind === 'app') {
    owner.close();
    io.err(`pond agent stop: the forwards are held by ${ownerName(info)}, not by a pond agent; quit Pond Desktop from its tray menu instead\n`);
    return 1;
  }
  const { ponds } = await owner.call('owner:handOver');
  await owner.closed;
  io.out(`stopped ${ownerName(info)}${ponds.length > 0 ? `; its forwards of ${ponds.map((p) => `"${p}"`).join(', ')} are gone` : ''}\n`);
  return 0;
}

async function status(io: CliIO, json: boolean): Promise<number> {
  const owner = await findOwner(io);
  const info = owner ? await withOwner(owner, (c) => c.call('owner:info')) : null;
  if (json) io.out(`${JSON.stringify({ owner: info })}\n`);
  else if (!info) io.out(`no owner of the forwards is running (nothing answers on ${endpointPath(io)})\n`);
  else io.out(`${ownerName(info)}, version ${info.version}, running since ${info.processStartedAt}, listening on ${info.endpoint ?? '-'}; holding ${info.ponds.length === 0 ? 'no forwards' : info.ponds.map((p) => `"${p}"`).join(', ')}\n`);
  return info ? 0 : 1;
}

export const agent: CliCommand = {
  name: 'agent',
  summary: 'run, start, stop or show the headless owner of the forwards (pond agent)',
  usage: `usage: pond agent run
       pond agent start
       pond agent stop
       pond agent status [--json]

Exactly one process per user holds the forwards: Pond Desktop while it runs, \`pond
serve\`, or else the pond agent, which \`pond connect\` starts on demand. It listens on a
control socket only this user can reach ($XDG_RUNTIME_DIR/pond-desktop/control.sock, or
~/.crabbox/pond/.pond-desktop/control.sock) and stops by itself once it has held no
forward for 10 minutes (POND_AGENT_IDLE_SECONDS changes that).

  run      run the agent in the foreground (Ctrl-C or SIGTERM stops it and its forwards)
  start    start the agent in the background unless an owner already runs
  stop     stop the agent and every forward it holds (not Pond Desktop: quit that from its tray)
  status   who holds the forwards and which ponds; exit 1 when nothing runs`,
  async run(args, io) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.json && sub !== 'status') throw new UsageError('--json goes with pond agent status');
    switch (sub) {
      case 'run':
        return run(io);
      case 'start':
        return start(io);
      case 'stop':
        return stop(io);
      case 'status':
        return status(io, values.json === true);
      case undefined:
        throw new UsageError('pond agent needs a subcommand: run, start, stop or status');
      default:
        throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}; use run, start, stop or status`);
    }
  },
};
