/**
 * An in-process ssh2.Server for faults OpenSSH's sshd cannot stage on demand: refusing
 * every key, counting connection attempts, forwarding direct-tcpip to local ports.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import type { TestKey } from './keys';

const { Server, utils } = ssh2;

export interface Ssh2ServerOptions {
  hostKey: TestKey;
  /** Public keys allowed to log in; empty refuses everyone. */
  authorized: TestKey[];
}

export interface TestSsh2Server {
  port: number;
  /** Connections that reached the SSH layer. */
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  /** Drops every client connection (the server keeps listening). */
  dropClients(): void;
  stop(): Promise<void>;
}

export function startSsh2Server(options: Ssh2ServerOptions): Promise<TestSsh2Server> {
  const allowed = options.authorized.map((k) => utils.parseKey(readFileSync(k.publicPath)));
  const clients = new Set<Connection>();
  let connections = 0;
  const server = new Server({ hostKeys: [readFileSync(options.hostKey.privatePath)] }, (client) => {
    connections += 1;
    clients.add(client);
    client.on('error', () => {});
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      const match = allowed.find((k) => !(k instanceof Error) && k.getPublicSSH().equals(ctx.key.data));
      if (!match || match instanceof Error) {
        ctx.reject(['publickey']);
        return;
      }
      if (!ctx.signature || !ctx.blob) {
        ctx.accept();
        return;
      }
      if (match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('tcpip', (accept, reject, info) => {
        const upstream = net.connect({ host: '127.0.0.1', port: info.destPort });
        upstream.once('connect', () => {
          const channel = accept();
          upstream.pipe(channel).pipe(upstream);
          channel.on('close', () => upstream.destroy());
          upstream.on('close', () => channel.close());
        });
        upstream.once('error', () => reject());
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        connections: () => connections,
        openConnections: () => clients.size,
        dropClients: () => {
          for (const c of clients) c.end();
        },
        stop: () =>
          new Promise<void>((done) => {
            for (const c of clients) c.end();
            server.close(() => done());
          }),
      });
    });
  });
}
