/**
 * A client of the owner's control socket: calls go out as one JSON frame per line and
 * come back matched by id; events arrive as they happen. Used by the CLI, the web host
 * when another process owns the forwards, and the desktop app when it takes over.
 */
import net from 'node:net';
import split2 from 'split2';
import type { Channel, ChannelInput, ChannelOutput, EventName, WsMessage } from '../contract/index';
import { PondError } from '../lib/errors';
import { MAX_FRAME_BYTES } from './control-server';

type Listener = (event: EventName, payload: unknown) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<Listener>();
  private ended: PondError | null = null;
  /** Resolves when the connection is gone (closed by either side). */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    readonly endpoint: string,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.end(new PondError('UNAVAILABLE', 'the connection to the process that owns the forwards was lost; run the command again')));
    const lines = socket.pipe(split2({ maxLength: MAX_FRAME_BYTES }));
    lines.on('error', () => socket.destroy());
    lines.on('data', (line: string) => this.receive(line));
  }

  /** Connects to the owner; null when nothing listens there (no owner is running). */
  static connect(endpoint: string): Promise<ControlClient | null> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(endpoint);
      const onError = (error: NodeJS.ErrnoException) => {
        socket.destroy();
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
        else reject(new PondError('UNAVAILABLE', `cannot reach the process that owns the forwards at ${endpoint}: ${error.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new ControlClient(socket, endpoint));
      });
    });
  }

  call<C extends Channel>(channel: C, ...input: ChannelInput<C> extends undefined ? [] : [ChannelInput<C>]): Promise<ChannelOutput<C>> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ id, channel, input: input[0] })}\n`);
    });
  }

  /** Every event the owner publishes; returns the unsubscribe function. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.end();
  }

  private receive(line: string): void {
    let frame: WsMessage;
    try {
      frame = JSON.parse(line) as WsMessage;
    } catch {
      return;
    }
    if (frame.kind === 'event') {
      for (const listener of this.listeners) listener(frame.event, frame.payload);
    } else if (frame.kind === 'response') {
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      this.pending.delete(frame.id);
      if ('error' in frame.envelope) pending.reject(new PondError(frame.envelope.error.code, frame.envelope.error.message));
      else pending.resolve(frame.envelope.result);
    }
  }

  private end(error: PondError): void {
    this.ended = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
