import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedPort, exchange, startBulk, startEcho, startNamedEcho } from './services';

function bulk(port: number, mode: 'u' | 'd', bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const header = Buffer.alloc(9);
    header.write(mode, 0);
    header.writeBigUInt64BE(BigInt(bytes), 1);
    let received = 0;
    socket.on('connect', () => {
      socket.write(header);
      if (mode === 'u') socket.write(Buffer.alloc(bytes, 1));
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('test services', () => {
  it('echo and named echo answer, and count connections', async () => {
    const echo = await startEcho();
    expect((await exchange(echo.port, 'ping', 4)).toString()).toBe('ping');
    const named = await startNamedEcho('web');
    expect((await exchange(named.port, 'x', 5)).toString()).toBe('web\nx');
    expect(echo.accepted()).toBe(1);
    await echo.stop();
    await named.stop();
    await expect(exchange(echo.port, 'ping', 4)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('bulk service sinks and sources exact byte counts', async () => {
    const service = await startBulk();
    expect(await bulk(service.port, 'u', 3_000_000)).toBe(1);
    expect(await bulk(service.port, 'd', 3_000_000)).toBe(3_000_000);
    await service.stop();
  });

  it('hands out a closed port', async () => {
    await expect(exchange(await closedPort(), 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
  });
});
