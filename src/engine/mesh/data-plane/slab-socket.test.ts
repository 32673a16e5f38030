import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectSlabSocket } from './slab-socket';

describe('connectSlabSocket', () => {
  it('keeps what arrives before anyone listens, then delivers it all in order, in reads larger than 64 KiB', async () => {
    const total = 6 * 1024 * 1024;
    const pattern = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) pattern.writeUInt32BE(i / 4, i);
    let sent!: () => void;
    const written = new Promise<void>((resolve) => (sent = resolve));
    // The first 100 kB fit in the kernel's buffers while the client does not read.
    const early = 100_000;
    const server = net.createServer((socket) => {
      socket.write(pattern.subarray(0, early), sent);
      socket.end(pattern.subarray(early));
    });
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const socket = connectSlabSocket('127.0.0.1', (server.address() as net.AddressInfo).port);
    await new Promise((r) => socket.once('connect', r));
    await written;
    const chunks: Buffer[] = [];
    const ended = new Promise((r) => socket.once('end', r));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.resume();
    await ended;
    expect(Buffer.concat(chunks).equals(pattern)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(64 * 1024);
    socket.destroy();
    await new Promise((r) => server.close(r));
  });
});
