import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenLoopback } from '../loopback-listener';
import { freePort } from '../testing/ports';
import { until } from '../testing/wait';
import type { PlaneListener } from './remote-connection';
import { COUNTER_SLOTS } from './protocol';
import { IDLE_THREAD_MS, PlaneThread } from './thread';
import { startPlaneWorker } from './worker-script';

const counters = () => new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);

function events() {
  const seen: string[] = [];
  return {
    seen,
    listener: {
      accepted: (_l: PlaneListener, local: number) => seen.push(`accepted ${local}`),
      localClosed: (local: number) => seen.push(`closed ${local}`),
      lost: () => seen.push('lost'),
    },
  };
}

/** A new thread listening on a free port, with one connection to it already reported. */
async function threadWithConnection() {
  const thread = new PlaneThread(startPlaneWorker(), () => {});
  const port = await freePort();
  const { seen, listener } = events();
  const bound = await thread.listen(port, listener, counters());
  if (!bound.ok) throw new Error(bound.code);
  const client = net.connect({ host: '127.0.0.1', port });
  client.on('error', () => {});
  await until(() => seen.length === 1, 'the connection reported');
  return { thread, port, seen, listener, bound };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PlaneThread', () => {
  it('ends once it has had no member and held nothing for a while, and not while a member is assigned', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let ended = 0;
    const thread = new PlaneThread(startPlaneWorker(), () => (ended += 1));
    thread.lanes = 1;
    thread.changed();
    vi.advanceTimersByTime(IDLE_THREAD_MS * 2);
    expect(ended).toBe(0);
    thread.lanes = 0;
    thread.changed();
    vi.advanceTimersByTime(IDLE_THREAD_MS - 1);
    expect(ended).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ended).toBe(1);
    expect(thread.isStopped).toBe(true);
    await thread.end();
  });

  it('binds a port in its worker and reports connections to it, then frees the port', async () => {
    const { thread, port, seen, listener, bound } = await threadWithConnection();
    expect(seen).toEqual(['accepted 1']);
    expect(await thread.listen(port, listener, counters())).toEqual({ ok: false, code: 'EADDRINUSE' });
    await bound.listener.close();
    const again = await thread.listen(port, listener, counters());
    expect(again.ok).toBe(true);
    await thread.end();
  });

  it('lets go of a listener: the port is free once that resolves, and its connections are still reported until they close', async () => {
    const { thread, port, seen, bound } = await threadWithConnection();
    await bound.listener.letGo();
    const here = await listenLoopback(port, (socket) => socket.destroy());
    expect(here.ok).toBe(true);
    if (here.ok) await here.listener.close();
    bound.listener.drop(1);
    await until(() => seen.length === 2, 'the close reported');
    expect(seen).toEqual(['accepted 1', 'closed 1']);
    await thread.end();
  });

  it('when its worker stops, closes its connections with the reason, reports its listeners lost and refuses new work', async () => {
    let ended = 0;
    const thread = new PlaneThread(startPlaneWorker(), () => (ended += 1));
    const { seen, listener } = events();
    const bound = await thread.listen(await freePort(), listener, counters());
    expect(bound.ok).toBe(true);
    const connection = thread.connection();
    const errors: string[] = [];
    connection.on('error', (error: Error) => errors.push(error.message));
    const closed = new Promise((r) => connection.once('close', r));
    await thread.end();
    await closed;
    expect(errors).toEqual(['the data-plane thread stopped: the data-plane thread was ended']);
    expect(seen).toEqual(['lost']);
    expect(ended).toBe(1);
    expect(thread.isStopped).toBe(true);
    await expect(thread.listen(await freePort(), listener, counters())).rejects.toThrow('the data-plane thread was ended');
    await expect(thread.openChannel(1, 0, 80)).rejects.toMatchObject({ notConnected: true });
    const late = thread.connection();
    await expect(late.tcp('127.0.0.1', 22)).resolves.toMatchObject({ message: 'the data-plane thread was ended' });
  });
});
