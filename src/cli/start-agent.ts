/**
 * Starting the headless agent from the CLI: `pond agent run` in a process of its own
 * (detached, so it outlives the command), its output appended to agent.log in the app's
 * log folder, and a wait until it answers on the control socket.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appDataDir, type PathEnv } from '../lib/paths';
import { answers } from '../agent/control-server';
import { controlEndpoint } from '../agent/endpoint';
import { PondError } from '../lib/errors';

/** Past this size the log starts afresh when the agent starts. */
const MAX_LOG_BYTES = 1024 * 1024;
const STARTUP_TIMEOUT_MS = 15_000;

export function agentLogPath(pe: PathEnv): string {
  return path.join(appDataDir(pe), 'logs', 'agent.log');
}

export async function startAgentProcess(pe: PathEnv, cliScript: string, env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const endpoint = controlEndpoint(pe).path;
  const log = agentLogPath(pe);
  fs.mkdirSync(path.dirname(log), { recursive: true, mode: 0o700 });
  if ((fs.statSync(log, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) fs.rmSync(log, { force: true });
  const fd = fs.openSync(log, 'a', 0o600);
  const child = spawn(process.execPath, [cliScript, 'agent', 'run'], { detached: true, stdio: ['ignore', fd, fd], env, cwd });
  fs.closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (await answers(endpoint)) return;
    if (exited !== undefined) throw new PondError('UNAVAILABLE', `the pond agent exited at start (code ${exited}); see ${log}`);
    if (Date.now() > deadline) throw new PondError('UNAVAILABLE', `the pond agent did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s; see ${log}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
