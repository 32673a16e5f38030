/**
 * The SSH socket of a data-plane connection. It reads into large slabs (`onread`) instead
 * of Node's default 64 KiB reads: a download arrives in fewer, larger reads, each one JS
 * callback and one batch of decrypted packets written on in one writev (docs/connect.md,
 * "Performance"). A slab is never written twice: each read lands after the previous one
 * and the bytes are handed on as a slice of it, so ssh2 may keep them as long as it likes;
 * a fresh slab is taken when too little room is left.
 *
 * The socket starts paused and only reads once ssh2 has attached its `data` listener and
 * resumed it (ssh2 uses `data`, `end`/`close`, `pause()` and `resume()` on the socket it is
 * given): a read callback with nobody listening would lose the bytes.
 */
import net from 'node:net';

const SLAB_BYTES = 1024 * 1024;
/** The least room a read is offered; less than that left in the slab starts a new one. */
const MIN_READ_BYTES = 256 * 1024;

export function connectSlabSocket(host: string, port: number): net.Socket {
  let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  let offset = 0;
  const socket: net.Socket = net.connect({
    host,
    port,
    onread: {
      buffer: () => {
        if (SLAB_BYTES - offset < MIN_READ_BYTES) {
          slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
          offset = 0;
        }
        return slab.subarray(offset);
      },
      callback: (bytes: number, buffer: Uint8Array) => {
        offset += bytes;
        socket.emit('data', Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
        // ssh2 never holds the socket back here: channel windows bound what the server sends.
        return true;
      },
    },
  });
  socket.pause();
  socket.setNoDelay(true);
  return socket;
}
