/**
 * A TCP relay in front of a server, for "the network went away" without the server
 * noticing: `blackhole()` stops moving bytes both ways and leaves every connection open
 * (new ones are accepted and then ignored), like a dead Wi-Fi or a suspended laptop.
 */
import net from 'node:net';

export interface TestProxy {
  port: number;
  blackhole(): void;
  /** Moves bytes again for connections made from now on (held ones stay dead). */
  restore(): void;
  /** Connections accepted so far. */
  accepted(): number;
  /** Bytes that reached a blackholed relay and went nowhere. */
  dropped(): number;
  stop(): Promise<void>;
}

/** `port`: listen there (a server coming back on the port it had); default a free one. */
export function startProxy(targetPort: number, options: { port?: number } = {}): Promise<TestProxy> {
  return new Promise((resolve, reject) => {
    let dead = false;
    let accepted = 0;
    let dropped = 0;
    const links: Array<{ dead: boolean }> = [];
    const sockets = new Set<net.Socket>();
    const hold = (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    };
    const server = net.createServer((client) => {
      accepted += 1;
      hold(client);
      if (dead) {
        client.pause();
        return;
      }
      const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
      hold(upstream);
      const link = { dead: false };
      links.push(link);
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      const relay = (from: net.Socket, to: net.Socket) => {
        from.on('data', (chunk: Buffer) => {
          if (!link.dead) to.write(chunk);
          else dropped += chunk.length;
        });
        from.on('end', () => {
          if (!link.dead) to.end();
        });
        from.on('close', () => {
          if (!link.dead) to.destroy();
        });
      };
      relay(client, upstream);
      relay(upstream, client);
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        blackhole: () => {
          dead = true;
          for (const link of links) link.dead = true;
        },
        restore: () => {
          dead = false;
        },
        accepted: () => accepted,
        dropped: () => dropped,
        stop: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
