/**
 * Foreign listeners: another process (optionally another user's) holding a TCP port, as a
 * program the user runs would. The port decision and the holder lookup are tested against
 * these, not against sockets of the test process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ForeignListener {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

export interface ForeignListenerOptions {
  /** Default 127.0.0.1; `0.0.0.0` or `::` for a wildcard listener. */
  host?: string;
  /** Run the process as this user (needs root). */
  user?: { uid: number; gid: number };
}

const SCRIPT = `
const net = require('node:net');
const server = net.createServer((s) => s.destroy());
server.once('error', (e) => { process.stderr.write(e.code + '\\n'); process.exit(1); });
server.listen({ host: process.argv[1], port: Number(process.argv[2]) }, () => process.stdout.write('listening ' + server.address().port + '\\n'));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

/** A child Node process listening on `port` (0: any free one); it exits when stopped or when the test process goes. */
export function startForeignListener(port: number, options: ForeignListenerOptions = {}): Promise<ForeignListener> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, options.host ?? '127.0.0.1', String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the foreign listener exited with ${code}: ${err.trim()}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening (\d+)$/m.exec(out);
      if (!match) return;
      resolve({
        pid: child.pid ?? 0,
        port: Number(match[1]),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.stdin?.end();
          await exited;
        },
      });
    });
  });
}

/** The unprivileged `nobody` user, for listeners of another user; null unless this process runs as root. */
export function otherUser(): { uid: number; gid: number } | null {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? { uid: 65534, gid: 65534 } : null;
}
