/**
 * The loopback web host: serves the built renderer over HTTP and carries the same API as
 * Electron IPC over a WebSocket. Bound to 127.0.0.1 only; every API connection must
 * present the per-start random token and come from the host's own origin. Anything a
 * local program sends (a malformed request line, a broken WebSocket frame) is answered
 * with a 4xx or a close code and never takes the host, and the forwards it holds, down.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsRequestSchema, type WsMessage } from '../contract/index';
import type { EventBus } from '../api/bus';
import { dispatch, type Handlers } from '../api/dispatch';
import { refusalLog } from './refusal-log';
import { readStatic } from './static-files';

export interface HostOptions {
  handlers: Handlers;
  bus: EventBus;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  log?: (message: string) => void;
  /** Clock for rate-limiting the log of refused attempts (tests). */
  now?: () => number;
}

export interface RunningHost {
  port: number;
  token: string;
  origin: string;
  /** The URL that opens the UI, token included. */
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; object-src 'none'; script-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
}

/** The request target as a URL, or null when it is not one (`GET http://[ HTTP/1.1`). */
function requestURL(target: string | undefined, origin: string): URL | null {
  try {
    return new URL(target ?? '/', origin);
  } catch {
    return null;
  }
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const log = options.log ?? (() => {});
  const refused = refusalLog({ log, ...(options.now ? { now: options.now } : {}) });
  let allowedHosts: Set<string> = new Set();
  let origin = '';

  const server = http.createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = requestURL(req.url, origin);
    if (url === null) {
      refused(`web host: refused a request for ${JSON.stringify(String(req.url).slice(0, 80))}, which is not a path`);
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request\n');
      return;
    }
    void readStatic(options.rendererDir, url.pathname).then((file) => {
      if (file.status === 404) {
        res.writeHead(404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': file.type, ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();

  // Node answers a request it cannot parse with 400 when nobody listens here; this also logs it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    refused(`web host: refused a request it cannot read (${error.code ?? error.message})`);
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
  });

  server.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without an error listener; a reset now must not throw.
    socket.on('error', () => socket.destroy());
    const url = requestURL(req.url, origin);
    if (url === null) {
      refused(`web host: refused a WebSocket request for ${JSON.stringify(String(req.url).slice(0, 80))}, which is not a path`);
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, 421, 'Misdirected Request');
    const requestOrigin = req.headers.origin ?? '';
    if (![...allowedHosts].some((h) => requestOrigin === `http://${h}`)) {
      refused(`web host: refused a connection from origin ${JSON.stringify(requestOrigin.slice(0, 200))}`);
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!tokensMatch(url.searchParams.get('token'), token)) {
      refused('web host: refused a connection with a wrong token');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const gone = new AbortController();
    ws.on('close', () => {
      clients.delete(ws);
      gone.abort();
    });
    // A frame over maxPayload (1009) or text that is not UTF-8 (1007): ws closes with the code, then reports it here.
    ws.on('error', (error) => refused(`web host: closed a WebSocket connection that broke the protocol (${error.message})`));
    ws.on('message', (data) => {
      let request;
      try {
        request = wsRequestSchema.parse(JSON.parse(String(data)));
      } catch {
        refused('web host: closed a WebSocket connection that sent a malformed request');
        ws.close(1003, 'malformed request');
        return;
      }
      void dispatch(options.handlers, request.channel, request.input, { transport: 'websocket', signal: gone.signal }, log).then(
        (envelope) => {
          const message: WsMessage = { kind: 'response', id: request.id, envelope };
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        },
      );
    });
  });

  const unsubscribe = options.bus.subscribe((event, payload) => {
    const text = JSON.stringify({ kind: 'event', event, payload } satisfies WsMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => log(`web host: ${error.message}`));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('web host: no TCP address');
  const port = address.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  origin = `http://127.0.0.1:${port}`;

  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
