/**
 * The engine as CLI commands use it: built by the composition root (src/api), reading
 * claims and settings once, started for the command and stopped after it. Commands reach
 * it through its services and through `call`, the same dispatch every transport uses.
 */
import { createNodeEngine, type Engine, type NodeEngineOptions } from '../api/engine';
import { createHandlers } from '../api/handlers';
import { localClient, type LocalCall } from '../api/local-client';
import type { ClaimProblemShape } from '../contract/index';
import { claimsDir, PathError } from '../lib/paths';
import { UsageError, type CliIO } from './types';
import { VERSION } from './version';

export type CliEngineOptions = Pick<NodeEngineOptions, 'live' | 'mesh'>;

export interface CliEngine {
  engine: Engine;
  call: LocalCall;
}

export function createCliEngine(io: CliIO, options: CliEngineOptions = {}): Engine {
  return createNodeEngine({ version: VERSION, pathEnv: io.pathEnv, cwd: io.cwd, log: (message) => io.err(`${message}\n`), live: false, ...options });
}

/** Runs `body` with a started engine and stops it afterwards, whatever happens. */
export async function withEngine<T>(io: CliIO, body: (cli: CliEngine) => Promise<T>, options: CliEngineOptions = {}): Promise<T> {
  const engine = createCliEngine(io, options);
  await engine.start();
  try {
    return await body({ engine, call: localClient(createHandlers(engine), io.signal, (message) => io.err(`${message}\n`)) });
  } finally {
    await engine.stop();
  }
}

/** crabbox's claims directory, or a usage error (exit 2) when the environment cannot locate it, as crabbox does. */
export function requireClaimsDir(io: CliIO): string {
  try {
    return claimsDir(io.pathEnv);
  } catch (error) {
    if (error instanceof PathError) throw new UsageError(error.message);
    throw error;
  }
}

/** Problems with claim files or the settings file go to stderr, so stdout stays the command's output. */
export function reportProblems(io: CliIO, problems: readonly ClaimProblemShape[]): void {
  for (const problem of problems) io.err(`warning: ${problem.message}\n`);
}
