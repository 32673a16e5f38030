import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePortRange, freePort } from './ports';

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port }, () => server.close(() => resolve(true)));
  });
}

describe('test ports', () => {
  it('hands out a free port and a run of consecutive free ports outside the app range', async () => {
    expect(await bindable(await freePort())).toBe(true);
    const { min, max } = await findFreePortRange(5);
    expect(max - min).toBe(4);
    expect(min).toBeGreaterThanOrEqual(20000);
    expect(max).toBeLessThan(51820);
    for (let port = min; port <= max; port += 1) expect(await bindable(port)).toBe(true);
  });
});
