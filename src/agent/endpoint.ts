/**
 * Where the owner of a user's forwards listens: a Unix socket only this user can reach
 * (0600, in a 0700 directory of its own) under $XDG_RUNTIME_DIR, else under
 * ~/.crabbox/pond/; a named pipe per user on Windows. tailscaled's and Docker's sockets
 * are the model.
 */
import path from 'node:path';
import { pondStateDir, type PathEnv } from '../lib/paths';

export interface ControlEndpoint {
  /** The socket path (or pipe name) clients connect to. */
  path: string;
  /** The private directory holding the socket; null for a Windows pipe. */
  dir: string | null;
}

/** Unix socket paths longer than this do not fit `sockaddr_un` (104 bytes on macOS, 108 on Linux). */
const MAX_SOCKET_PATH = 103;

export class EndpointError extends Error {}

export function controlEndpoint(pe: PathEnv): ControlEndpoint {
  if (pe.platform === 'win32') {
    const user = (pe.env.USERNAME || 'user').replace(/[^A-Za-z0-9_.-]/g, '_');
    return { path: `\\\\.\\pipe\\pond-desktop-${user}`, dir: null };
  }
  const runtime = pe.env.XDG_RUNTIME_DIR;
  const dir = runtime && path.posix.isAbsolute(runtime) ? path.posix.join(runtime, 'pond-desktop') : path.posix.join(pondStateDir(pe, ''), '.pond-desktop');
  const socket = path.posix.join(dir, 'control.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new EndpointError(`the control socket path ${socket} is too long for a Unix socket (over ${MAX_SOCKET_PATH} bytes); set XDG_RUNTIME_DIR to a shorter directory`);
  }
  return { path: socket, dir };
}
