/** Loopback ports for tests and benchmarks (never the app's 51820–52819 range). */
import net from 'node:net';

function canBind(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port the kernel says is free right now (it may be taken again before use). */
export async function freePort(): Promise<number> {
  const server = await canBind(0);
  if (!server) throw new Error('cannot bind an ephemeral port on 127.0.0.1');
  const { port } = server.address() as net.AddressInfo;
  await close(server);
  return port;
}

/** `count` consecutive free ports between 20000 and 50000, picked at random. */
export async function findFreePortRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const min = 20000 + Math.floor(Math.random() * (30000 - count));
    const held: net.Server[] = [];
    for (let port = min; port < min + count; port += 1) {
      const server = await canBind(port);
      if (!server) break;
      held.push(server);
    }
    await Promise.all(held.map(close));
    if (held.length === count) return { min, max: min + count - 1 };
  }
  throw new Error(`no ${count} consecutive free loopback ports found`);
}
