/** Plain TCP services standing in for what a pond member exposes, on 127.0.0.1. */
import net from 'node:net';

export interface TestService {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  stop(): Promise<void>;
}

function serve(handler: (socket: net.Socket) => void, port = 0): Promise<TestService> {
  return new Promise((resolve, reject) => {
    let accepted = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      handler(socket);
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        accepted: () => accepted,
        stop: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Writes back everything it reads. */
export function startEcho(port?: number): Promise<TestService> {
  return serve((socket) => socket.pipe(socket), port);
}

/** Greets every connection with `<name>\n`, then echoes: tells forwards apart. */
export function startNamedEcho(name: string, port?: number): Promise<TestService> {
  return serve((socket) => {
    socket.write(`${name}\n`);
    socket.pipe(socket);
  }, port);
}

/**
 * Through a forward to a named echo: reads the greeting line and checks a ping comes back,
 * so data moved both ways. Resolves with the name.
 */
export function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      if (!text.includes('ping\n')) {
        if (text.indexOf('\n') === text.length - 1) socket.write('ping\n');
        return;
      }
      socket.destroy();
      resolve(text.split('\n')[0] ?? '');
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection to ${port} closed after ${JSON.stringify(text)}`)));
  });
}

/**
 * Bulk service for throughput tests: a connection's first byte picks the mode.
 * `u` + 8-byte length: reads that many bytes, then answers `k`.
 * `d` + 8-byte length: sends that many bytes, then ends.
 */
export function startBulk(port?: number): Promise<TestService> {
  return serve((socket) => {
    let header = Buffer.alloc(0);
    let remaining = -1n;
    let mode = '';
    const onData = (chunk: Buffer) => {
      if (remaining < 0n) {
        header = Buffer.concat([header, chunk]);
        if (header.length < 9) return;
        mode = String.fromCharCode(header[0]!);
        remaining = header.readBigUInt64BE(1);
        chunk = header.subarray(9);
        if (mode === 'd') {
          socket.off('data', onData);
          sendBulk(socket, Number(remaining));
          return;
        }
      }
      remaining -= BigInt(chunk.length);
      if (remaining <= 0n) {
        socket.off('data', onData);
        socket.end('k');
      }
    };
    socket.on('data', onData);
  }, port);
}

const BLOCK = Buffer.alloc(256 * 1024, 0x61);

function sendBulk(socket: net.Socket, total: number): void {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, BLOCK.length);
      left -= n;
      if (!socket.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.end();
  };
  pump();
}

/** A loopback port nothing listens on (taken from the kernel, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connects, sends `message`, resolves with everything read until `expectedBytes` arrive. */
export function exchange(port: number, message: string | Buffer, expectedBytes: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${expectedBytes}-byte answer on port ${port} within ${timeoutMs} ms (got ${total})`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(message));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= expectedBytes) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (total < expectedBytes) reject(new Error(`port ${port} closed after ${total} of ${expectedBytes} bytes`));
    });
  });
}
