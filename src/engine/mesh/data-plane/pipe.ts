/**
 * Copies between a forward's local connection and its SSH channel, both ways, with
 * backpressure, counting bytes in the same callback (the hot path) into counters the main
 * thread reads. The remote side's EOF ends the local connection; a lost SSH connection resets
 * it (host.ts).
 */
import type net from 'node:net';
import type { ClientChannel } from 'ssh2';
import { BYTES_IN, BYTES_OUT } from './protocol';

export function pipeChannel(socket: net.Socket, channel: ClientChannel, counters: BigInt64Array): void {
  socket.on('data', (chunk: Buffer) => {
    Atomics.add(counters, BYTES_OUT, BigInt(chunk.length));
    if (!channel.write(chunk)) socket.pause();
  });
  channel.on('drain', () => socket.resume());
  socket.once('end', () => channel.end());
  // The packets decrypted from one read of the SSH socket leave in one writev, not one
  // write each: fewer syscalls and segments on the download path (npm run bench).
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  channel.on('data', (chunk: Buffer) => {
    Atomics.add(counters, BYTES_IN, BigInt(chunk.length));
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    if (!socket.write(chunk)) channel.pause();
  });
  socket.on('drain', () => channel.resume());
  // ssh2 also ends a lost connection's channels this way; the host resets those first.
  channel.once('end', () => socket.end());
  channel.on('error', () => socket.destroy());
  socket.resume();
}
