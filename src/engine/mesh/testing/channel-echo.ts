/**
 * Sends text through a channel a session opened and resolves with what comes back. The
 * channel lives in the session's data-plane thread, so this binds a listener in that thread
 * (through the lane), connects to it, and pipes the channel to the accepted connection.
 */
import net from 'node:net';
import type { Lane } from '../data-plane/data-plane';
import { COUNTER_SLOTS } from '../data-plane/protocol';
import type { RemoteChannel } from '../data-plane/remote-connection';
import { freePort } from './ports';

export async function echoThroughChannel(lane: Lane, opening: Promise<RemoteChannel>, text: string): Promise<string> {
  const channel = await opening;
  let accept: (local: number) => void = () => {};
  const accepted = new Promise<number>((resolve) => (accept = resolve));
  const port = await freePort();
  const bound = await lane.listen(
    port,
    { accepted: (_listener, local) => accept(local), localClosed: () => {}, lost: () => {} },
    new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT),
  );
  if (!bound.ok) {
    channel.close();
    throw new Error(`cannot listen on ${port}: ${bound.code}`);
  }
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    channel.pipe(await accepted);
    return await new Promise<string>((resolve, reject) => {
      let got = '';
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        if (got.length >= text.length) resolve(got);
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`the channel closed after ${JSON.stringify(got)}`)));
      socket.write(text);
    });
  } finally {
    socket.destroy();
    await bound.listener.close();
  }
}
