/**
 * The loopback web host: serves the built renderer over HTTP and carries the same API as
 * Electron IPC over a WebSocket. Bound to 127.0.0.1 only; every API connection must
 * present the per-start random token and come from the host's own origin.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsRequestSchema, type WsMessage } from '../contract/index';
import type { EventBus } from '../api/bus';
import { dispatch, type Handlers } from '../api/dispatch';
import { readStatic } from './static-files';

export interface HostOptions {
  handlers: Handlers;
  bus: EventBus;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  log?: (message: string) => void;
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

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const log = options.log ?? (() => {});
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
    const { pathname } = new URL(req.url ?? '/', origin);
    void readStatic(options.rendererDir, pathname).then((file) => {
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

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, 421, 'Misdirected Request');
    const requestOrigin = req.headers.origin ?? '';
    if (![...allowedHosts].some((h) => requestOrigin === `http://${h}`)) {
      log(`web host: refused a connection from origin ${JSON.stringify(requestOrigin)}`);
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!tokensMatch(url.searchParams.get('token'), token)) {
      log('web host: refused a connection with a wrong token');
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
    ws.on('message', (data) => {
      let request;
      try {
        request = wsRequestSchema.parse(JSON.parse(String(data)));
      } catch {
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
