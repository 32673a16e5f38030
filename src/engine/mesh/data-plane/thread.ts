/**
 * One data-plane worker thread as the main thread sees it: sends operations, routes the
 * events back to the handles they concern (remote-connection.ts), and keeps the process
 * alive only while the thread holds something (a connection, a listener, an answer due),
 * as the sockets themselves would on the main thread. A thread with no member assigned
 * and nothing held ends after a while. If the thread stops unexpectedly, every connection
 * it held closes with the reason (the sessions reconnect through another thread) and every
 * listener is reported lost (the forwards bind again).
 */
import type { Worker } from 'node:worker_threads';
import type { FromPlane, ToPlane } from './protocol';
import { channelOpenError, PlaneListener, RemoteChannel, RemoteConnection, type ChannelOpenError, type ListenerEvents, type PlaneLink } from './remote-connection';
import type { ListenResult } from '../loopback-listener';

/** How long a thread with nothing to do is kept for the next connect. */
export const IDLE_THREAD_MS = 30_000;

interface Opening {
  resolve(channel: RemoteChannel): void;
  reject(error: ChannelOpenError): void;
}

interface Listening {
  resolve(result: ListenResult<PlaneListener>): void;
  reject(error: Error): void;
  listener: PlaneListener;
  events: ListenerEvents;
}

interface Bound {
  listener: PlaneListener;
  events: ListenerEvents;
  /** Connections it accepted that are still open. */
  open: number;
  /** Let go of: forgotten once the thread has stopped listening and its last connection closed. */
  letGo: 'no' | 'asked' | 'done';
}

export class PlaneThread implements PlaneLink {
  /** Members (lanes) assigned to this thread. */
  lanes = 0;
  private stopped: Error | null = null;
  private nextId = 1;
  private readonly connections = new Map<number, RemoteConnection>();
  private readonly opening = new Map<number, Opening>();
  private readonly listening = new Map<number, Listening>();
  private readonly listeners = new Map<number, Bound>();
  private readonly unlistening = new Map<number, () => void>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly worker: Worker,
    /** The thread ended (idle, or stopped with `error`): the pool forgets it. */
    private readonly onEnd: (thread: PlaneThread) => void,
  ) {
    worker.on('message', (message: FromPlane) => this.receive(message));
    worker.on('error', (error: Error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`the data-plane thread exited (code ${code})`)));
    worker.unref();
  }

  get isStopped(): boolean {
    return this.stopped !== null;
  }

  connection(): RemoteConnection {
    const connection = new RemoteConnection(this, this.nextId++);
    if (this.stopped) {
      queueMicrotask(() => connection.lose(this.stopped!));
      return connection;
    }
    this.connections.set(connection.id, connection);
    this.changed();
    return connection;
  }

  listen(port: number, events: ListenerEvents, counters: SharedArrayBuffer): Promise<ListenResult<PlaneListener>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const listener = new PlaneListener(this, this.nextId++);
    return new Promise((resolve, reject) => {
      this.listening.set(listener.id, { resolve, reject, listener, events });
      this.send({ op: 'listen', listener: listener.id, port, counters });
    });
  }

  send(message: ToPlane): void {
    if (this.stopped) return;
    this.worker.postMessage(message);
    this.changed();
  }

  openChannel(connection: number, sourcePort: number, remotePort: number): Promise<RemoteChannel> {
    if (this.stopped) return Promise.reject(channelOpenError('not-connected'));
    const channel = this.nextId++;
    return new Promise((resolve, reject) => {
      this.opening.set(channel, { resolve, reject });
      this.send({ op: 'open', id: connection, channel, sourcePort, remotePort });
    });
  }

  /** `keep`: its connections keep going, and are still reported until the last one closes. */
  unlisten(listener: number, keep: boolean): Promise<void> {
    const bound = this.listeners.get(listener);
    if (keep && bound) bound.letGo = 'asked';
    else this.listeners.delete(listener);
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.unlistening.set(listener, resolve);
      this.send({ op: 'unlisten', listener, keep });
    });
  }

  /** Refs the thread while it holds anything; an idle thread nobody is assigned to ends after IDLE_THREAD_MS. */
  changed(): void {
    if (this.stopped) return;
    const busy = this.connections.size + this.opening.size + this.listening.size + this.listeners.size + this.unlistening.size > 0;
    if (busy) this.worker.ref();
    else this.worker.unref();
    if (busy || this.lanes > 0) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
    } else if (!this.idleTimer) {
      this.idleTimer = setTimeout(() => this.end(), IDLE_THREAD_MS);
      this.idleTimer.unref();
    }
  }

  /** Ends the thread now (the pool is closing, or it sat idle). */
  end(): Promise<void> {
    this.stop(new Error('the data-plane thread was ended'));
    return this.worker.terminate().then(() => undefined);
  }

  private receive(message: FromPlane): void {
    switch (message.ev) {
      case 'opened': {
        const opening = this.opening.get(message.channel);
        this.opening.delete(message.channel);
        if (!opening) break;
        if (message.error === null) opening.resolve(new RemoteChannel(this, message.channel));
        else opening.reject(channelOpenError(message.error));
        break;
      }
      case 'listening': {
        const pending = this.listening.get(message.listener);
        this.listening.delete(message.listener);
        if (!pending) break;
        if (message.code !== null) {
          pending.resolve({ ok: false, code: message.code });
          break;
        }
        this.listeners.set(message.listener, { listener: pending.listener, events: pending.events, open: 0, letGo: 'no' });
        pending.resolve({ ok: true, listener: pending.listener });
        break;
      }
      case 'unlistened': {
        const done = this.unlistening.get(message.listener);
        this.unlistening.delete(message.listener);
        // No connection is accepted after this: a listener let go of is done once its last one closes.
        const bound = this.listeners.get(message.listener);
        if (bound?.letGo === 'asked') bound.letGo = 'done';
        this.forgetIfDone(message.listener);
        done?.();
        break;
      }
      case 'accepted': {
        const bound = this.listeners.get(message.listener);
        if (!bound) break;
        bound.open += 1;
        bound.events.accepted(bound.listener, message.local, message.sourcePort);
        break;
      }
      case 'local-closed': {
        const bound = this.listeners.get(message.listener);
        if (!bound) break;
        bound.open -= 1;
        bound.events.localClosed(message.local);
        this.forgetIfDone(message.listener);
        break;
      }
      default: {
        const connection = this.connections.get(message.id);
        if (message.ev === 'close') this.connections.delete(message.id);
        connection?.receive(message);
      }
    }
    this.changed();
  }

  private forgetIfDone(listener: number): void {
    const bound = this.listeners.get(listener);
    if (bound?.letGo === 'done' && bound.open === 0) this.listeners.delete(listener);
  }

  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = error;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onEnd(this);
    const reason = new Error(`the data-plane thread stopped: ${error.message}`);
    for (const connection of this.connections.values()) connection.lose(reason);
    for (const opening of this.opening.values()) opening.reject(channelOpenError('not-connected'));
    for (const pending of this.listening.values()) pending.reject(reason);
    for (const done of this.unlistening.values()) done();
    const lost = [...this.listeners.values()];
    this.connections.clear();
    this.opening.clear();
    this.listening.clear();
    this.listeners.clear();
    this.unlistening.clear();
    for (const { listener, events } of lost) events.lost(listener);
  }
}
