import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { otherUser, startForeignListener } from './listeners';

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('startForeignListener', () => {
  it('holds a port in another process until stopped', async () => {
    const listener = await startForeignListener(0);
    expect(listener.pid).not.toBe(process.pid);
    expect(await canBind(listener.port)).toBe(false);
    await listener.stop();
    expect(await canBind(listener.port)).toBe(true);
  });

  it.runIf(otherUser() !== null)("runs as another user when asked", async () => {
    const listener = await startForeignListener(0, { user: otherUser()! });
    const status = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${listener.pid}/status`, 'utf8'));
    expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe('65534');
    await listener.stop();
  });

  it('fails naming the reason when the port is taken', async () => {
    const first = await startForeignListener(0);
    await expect(startForeignListener(first.port)).rejects.toThrow(/EADDRINUSE/);
    await first.stop();
  });
});
