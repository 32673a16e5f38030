/**
 * Running as the owner of this user's forwards outside Electron: the headless agent
 * (`pond agent run`, started on demand by the CLI) or `pond serve`. The engine is built by
 * the composition root with this process recorded as the owner; the control socket makes
 * it reachable; files left by an owner that died are swept first. An agent that holds
 * nothing for a while exits by itself.
 */
import { createNodeEngine, ownerIdentity, type Engine, type NodeEngineOptions } from '../api/engine';
import { createHandlers } from '../api/handlers';
import type { OwnerKind } from '../engine/owner';
import type { PathEnv } from '../lib/paths';
import { startControlServer, type ControlServer } from './control-server';
import { controlEndpoint } from './endpoint';

/** An agent holding nothing for this long exits (`POND_AGENT_IDLE_SECONDS` overrides it). */
export const DEFAULT_IDLE_MS = 10 * 60_000;

export interface IdleTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

const systemTimers: IdleTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface OwnerOptions {
  kind: Exclude<OwnerKind, 'app'>;
  pathEnv: PathEnv;
  version: string;
  log: (message: string) => void;
  cwd?: string;
  mesh?: NodeEngineOptions['mesh'];
  /** Exit after holding no forward for this long; null never (`pond serve`). */
  idleMs?: number | null;
  timers?: IdleTimers;
}

export interface RunningOwner {
  engine: Engine;
  server: ControlServer;
  /** Resolves with why the owner stopped: `signal`, `idle`, `handed over`. */
  stopped: Promise<string>;
  /** Disconnects everything (files removed), then closes the control socket. */
  stop(reason: string): Promise<void>;
}

export async function startOwner(options: OwnerOptions): Promise<RunningOwner> {
  const timers = options.timers ?? systemTimers;
  const endpoint = controlEndpoint(options.pathEnv);
  let stop: (reason: string) => Promise<void> = async () => {};
  const engine = createNodeEngine({
    version: options.version,
    pathEnv: options.pathEnv,
    log: options.log,
    live: true,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.mesh ? { mesh: options.mesh } : {}),
    owner: { identity: ownerIdentity(options.kind, endpoint.path), stepDown: () => void stop('handed over') },
  });
  const server = await startControlServer({ endpoint, handlers: createHandlers(engine), bus: engine.bus, log: options.log });
  for (const line of await engine.sweepStaleFiles()) options.log(line);
  await engine.start();

  let resolveStopped: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (resolveStopped = resolve));
  let idleSince = timers.now();
  const idleMs = options.idleMs === undefined ? DEFAULT_IDLE_MS : options.idleMs;
  const idleTimer =
    idleMs === null
      ? null
      : timers.setInterval(
          () => {
            if (engine.mesh.status().ponds.length > 0) idleSince = timers.now();
            else if (timers.now() - idleSince >= idleMs) void stop('idle');
          },
          Math.min(60_000, Math.max(1_000, Math.floor(idleMs / 4))),
        );

  let stopping: Promise<void> | null = null;
  stop = (reason) => {
    stopping ??= (async () => {
      if (idleTimer !== null) timers.clearInterval(idleTimer);
      options.log(`${options.kind} stopping: ${reason}`);
      // Forwards go first, so a process taking over finds the local ports free once the socket is gone.
      await engine.stop();
      await server.close();
      resolveStopped(reason);
    })();
    return stopping;
  };
  return { engine, server, stopped, stop };
}
