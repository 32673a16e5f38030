/**
 * The owner's control socket: the contract (the same channels and events as Electron IPC
 * and the web host, through the same dispatch) as one JSON frame per line over a Unix
 * socket only this user can open, or a named pipe on Windows. Exactly one process per user
 * holds it: starting a second owner fails while the first answers, and a socket left behind
 * by a dead owner is taken over.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import split2 from 'split2';
import { wsRequestSchema, type WsMessage } from '../contract/index';
import type { EventBus } from '../api/bus';
import { dispatch, type Handlers } from '../api/dispatch';
import type { ControlEndpoint } from './endpoint';

/** The largest frame either side accepts (the web host's limit too). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** A client that stops reading is dropped once this much is queued for it. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface ControlServerOptions {
  endpoint: ControlEndpoint;
  handlers: Handlers;
  bus: EventBus;
  log: (message: string) => void;
}

export interface ControlServer {
  endpoint: ControlEndpoint;
  /** Stops listening, drops every client and removes the socket. */
  close(): Promise<void>;
}

/** Another process answers on the endpoint: it owns the forwards. */
export class OwnerRunningError extends Error {
  constructor(readonly endpoint: string) {
    super(`another Pond Desktop process already owns the forwards (it answers on ${endpoint})`);
    this.name = 'OwnerRunningError';
  }
}

/** Whether something answers on the endpoint right now. */
export function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(endpoint);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The socket's directory: ours, a real directory, and 0700 whatever the umask. */
async function privateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} must be a directory of its own for the control socket, but it is not a plain directory; remove it`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user, so the control socket cannot be made private there; remove it or set XDG_RUNTIME_DIR`);
  }
  await fs.chmod(dir, 0o700);
}

function listen(server: net.Server, endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(endpoint, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function bindEndpoint(server: net.Server, endpoint: ControlEndpoint): Promise<void> {
  if (endpoint.dir === null) {
    try {
      await listen(server, endpoint.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new OwnerRunningError(endpoint.path);
      throw error;
    }
    return;
  }
  await privateDir(endpoint.dir);
  // Held while deciding whether a socket file is stale, so two starting owners never both take it over.
  const release = await lockfile.lock(endpoint.dir, { lockfilePath: path.join(endpoint.dir, 'control.lock'), stale: 10_000, retries: { retries: 20, minTimeout: 50, maxTimeout: 500 } });
  try {
    if (await answers(endpoint.path)) throw new OwnerRunningError(endpoint.path);
    await fs.rm(endpoint.path, { force: true });
    await listen(server, endpoint.path);
    await fs.chmod(endpoint.path, 0o600);
  } finally {
    await release();
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { endpoint, handlers, bus, log } = options;
  const clients = new Set<net.Socket>();

  const send = (socket: net.Socket, frame: WsMessage) => {
    if (socket.destroyed || !socket.writable) return;
    socket.write(`${JSON.stringify(frame)}\n`);
    if (socket.writableLength > MAX_QUEUED_BYTES) {
      log('control socket: dropped a client that stopped reading');
      socket.destroy();
    }
  };

  const server = net.createServer((socket) => {
    clients.add(socket);
    const gone = new AbortController();
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clients.delete(socket);
      gone.abort();
    });
    const tooLarge = () => {
      send(socket, { kind: 'error', message: `a frame was larger than ${MAX_FRAME_BYTES} bytes; closing the connection` });
      socket.end();
    };
    // split2 stops a line that grows past the limit without a newline; a long line that
    // arrives whole in one chunk is measured here.
    const lines = socket.pipe(split2({ maxLength: MAX_FRAME_BYTES }));
    lines.on('error', tooLarge);
    lines.on('data', (line: string) => {
      if (line.length > MAX_FRAME_BYTES) {
        lines.destroy();
        tooLarge();
        return;
      }
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        send(socket, { kind: 'error', message: 'a frame was not valid JSON; each line must be one JSON request' });
        return;
      }
      const request = wsRequestSchema.safeParse(parsed);
      if (!request.success) {
        send(socket, { kind: 'error', message: 'a frame was not a request: expected {"id": <integer>, "channel": "<area:verb>", "input": …}' });
        return;
      }
      const { id, channel, input } = request.data;
      void dispatch(handlers, channel, input, { transport: 'control', signal: gone.signal }, log).then((envelope) => send(socket, { kind: 'response', id, envelope }));
    });
  });

  await bindEndpoint(server, endpoint);
  const unsubscribe = bus.subscribe((event, payload) => {
    for (const socket of clients) send(socket, { kind: 'event', event, payload });
  });

  return {
    endpoint,
    async close() {
      unsubscribe();
      for (const socket of clients) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (endpoint.dir !== null) await fs.rm(endpoint.path, { force: true });
    },
  };
}
