/**
 * The CLI as a client of the one owner of this user's forwards (the desktop app, `pond
 * serve`, or the headless agent): it finds the owner on the control socket and, for the
 * commands that hold forwards, starts the agent when nothing owns them yet.
 */
import { ControlClient } from '../agent/control-client';
import { controlEndpoint, EndpointError } from '../agent/endpoint';
import type { OwnerInfoShape } from '../contract/index';
import { PondError } from '../lib/errors';
import { PathError } from '../lib/paths';
import type { CliIO } from './types';

/** The environment gives the control socket no place (HOME unset, a path too long): exit 2, as crabbox does for HOME. */
class EnvironmentError extends Error {
  readonly exitCode = 2;
}

/** The owner's control socket path for this environment. */
export function endpointPath(io: CliIO): string {
  try {
    return controlEndpoint(io.pathEnv).path;
  } catch (error) {
    if (error instanceof EndpointError || error instanceof PathError) throw new EnvironmentError(error.message);
    throw error;
  }
}

/** The owner, or null when none runs. */
export function findOwner(io: CliIO): Promise<ControlClient | null> {
  return ControlClient.connect(endpointPath(io));
}

/** The owner, starting the headless agent first when none runs. */
export async function ensureOwner(io: CliIO): Promise<ControlClient> {
  const found = await findOwner(io);
  if (found) return found;
  await io.startOwner();
  const started = await findOwner(io);
  if (!started) throw new PondError('UNAVAILABLE', `the pond agent started but does not answer on ${endpointPath(io)}`);
  return started;
}

/** Who holds the forwards, in words: `pond agent (pid 4242)`, `Pond Desktop (pid 77)`. */
export function ownerName(info: Pick<OwnerInfoShape, 'kind' | 'pid'>): string {
  const name = info.kind === 'app' ? 'Pond Desktop' : info.kind === 'serve' ? 'pond serve' : 'pond agent';
  return `${name} (pid ${info.pid})`;
}

/** Runs `body` with the owner connected, and closes the connection afterwards. */
export async function withOwner<T>(client: ControlClient, body: (client: ControlClient) => Promise<T>): Promise<T> {
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
