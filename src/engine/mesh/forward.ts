/**
 * One forward: a listener on 127.0.0.1:<local> whose connections become direct-tcpip
 * channels to 127.0.0.1:<remote> on the member, through the member's shared session
 * (crabbox's `-L 127.0.0.1:<local>:127.0.0.1:<remote>`). The listener stays bound while the
 * session reconnects, so the local port never changes under a running program.
 *
 * The listener and the connections through it live in the member's data-plane thread (its
 * lane): the allocator picks the port here and the thread binds it. Each connection the
 * thread accepts is handed its channel from here, and the bytes then flow in the thread
 * only; their counts are shared memory the thread writes, one pair for the forward's life
 * whichever listener carried them.
 */
import { PondError } from '../../lib/errors';
import type { Lane } from './data-plane/data-plane';
import { BYTES_IN, BYTES_OUT, COUNTER_SLOTS } from './data-plane/protocol';
import type { PlaneListener, RemoteChannel } from './data-plane/remote-connection';
import { forwardStateFor, type ForwardHealth, type RemotePortStatus, type SessionHealth } from './health';
import type { BoundPort, PortAllocator, PortMove } from './port-allocator';
import { ChannelError } from './session';

/** What a forward needs from its member's session. */
export interface ChannelSource {
  readonly health: SessionHealth;
  openChannel(remotePort: number, sourcePort: number): Promise<RemoteChannel>;
}

export interface ForwardIdentity {
  pond: string;
  member: string;
  leaseID: string;
  remotePort: number;
}

export class Forward {
  private bound: BoundPort<PlaneListener> | null = null;
  private binding: Promise<void> | null = null;
  private running = false;
  private bindError: string | null = null;
  /** Accepted local connections (ids in the lane's thread), with the listener that took each. */
  private readonly connections = new Map<number, PlaneListener>();
  /** bytesIn, bytesOut of every listener this forward had (protocol.ts). */
  private readonly counters = new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
  private readonly bytes = new BigInt64Array(this.counters);
  private remote: RemotePortStatus = 'unknown';
  private lastError: string | null = null;
  private moved: PortMove | null = null;

  constructor(
    readonly id: ForwardIdentity,
    private readonly source: ChannelSource,
    private readonly allocator: PortAllocator,
    /** The member's data-plane thread, where the listener is bound. */
    private readonly lane: Lane,
    /** Called when something the status shows changes (not for byte counts). */
    private readonly onChange: () => void,
  ) {}

  private get key() {
    return { pond: this.id.pond, member: this.id.member, remotePort: this.id.remotePort };
  }

  get localPort(): number | null {
    return this.bound?.port ?? null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Binds the listener (keeping the port it had, if it still holds one). */
  start(): Promise<void> {
    this.running = true;
    if (this.bound) return Promise.resolve();
    this.binding ??= this.bind().finally(() => {
      this.binding = null;
    });
    return this.binding;
  }

  /** Closes the listener and every connection through it, or through listeners it had before. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.binding) await this.binding;
    const bound = this.bound;
    this.bound = null;
    for (const [local, listener] of this.connections) {
      if (listener === bound?.listener) continue;
      listener.drop(local);
      this.connections.delete(local);
    }
    // Closing the listener resets every connection through it.
    if (bound) await this.release(bound);
    this.onChange();
  }

  /**
   * Takes the port the allocator gives the forward now (its chosen port changed): a new
   * listener first, then the old one closes. Connections already accepted keep going.
   */
  async rebind(): Promise<void> {
    if (this.binding) await this.binding;
    const current = this.bound;
    if (!this.running) return;
    if (!current) return this.start();
    const next = await this.allocator.bind(this.key, this.listen, current);
    this.moved = next.moved;
    if (next.listener !== current.listener) {
      this.bound = next;
      await this.allocator.letGo(current);
    }
    this.onChange();
  }

  health(): ForwardHealth {
    const own = !this.running ? 'stopped' : this.bound ? 'bound' : 'unbound';
    const state =
      own === 'unbound' && this.bindError !== null
        ? ({ state: 'failed', reason: 'port-unavailable' } as const)
        : forwardStateFor(this.source.health, own);
    return {
      ...state,
      ...this.id,
      localPort: this.localPort,
      activeConnections: this.connections.size,
      bytesIn: Number(Atomics.load(this.bytes, BYTES_IN)),
      bytesOut: Number(Atomics.load(this.bytes, BYTES_OUT)),
      remote: this.remote,
      lastError: this.bindError ?? this.lastError,
      moved: this.moved,
    };
  }

  /** Opens and closes one channel to learn whether anything listens on the remote port. */
  async probe(): Promise<RemotePortStatus> {
    try {
      const channel = await this.source.openChannel(this.id.remotePort, 0);
      channel.close();
      this.setRemote('open', null);
    } catch (error) {
      this.noteChannelError(error);
    }
    return this.remote;
  }

  /** Binds the port in the lane's thread. */
  private readonly listen = (port: number) =>
    this.lane.listen(
      port,
      {
        accepted: (listener, local, sourcePort) => this.accept(listener, local, sourcePort),
        localClosed: (local) => this.connections.delete(local),
        lost: (listener) => void this.relisten(listener),
      },
      this.counters,
    );

  private async bind(): Promise<void> {
    try {
      const bound = await this.allocator.bind(this.key, this.listen);
      this.bound = bound;
      this.bindError = null;
      this.moved = bound.moved;
      if (!this.running) {
        this.bound = null;
        await this.release(bound);
      }
    } catch (error) {
      this.bindError = error instanceof PondError ? error.message : `cannot listen for ${this.id.member}:${this.id.remotePort}: ${(error as Error).message}`;
    }
    this.onChange();
  }

  private setRemote(status: RemotePortStatus, error: string | null): void {
    const changed = status !== this.remote || error !== this.lastError;
    this.remote = status;
    this.lastError = error;
    if (changed) this.onChange();
  }

  private noteChannelError(error: unknown): void {
    if (error instanceof ChannelError && error.kind === 'remote-closed') this.setRemote('closed', error.message);
    else this.setRemote(this.remote, (error as Error).message);
  }

  /** Closes the listener (and every connection through it). */
  private async release(bound: BoundPort<PlaneListener>): Promise<void> {
    await this.allocator.release(bound);
    this.forgetConnections(bound.listener);
  }

  private forgetConnections(listener: PlaneListener): void {
    for (const [local, took] of this.connections) if (took === listener) this.connections.delete(local);
  }

  /**
   * The thread holding the listener stopped, and the connections it took with it: the port
   * is bound again, in the lane's next thread (a listener let go of is just forgotten).
   */
  private async relisten(listener: PlaneListener): Promise<void> {
    this.forgetConnections(listener);
    const lost = this.bound;
    if (lost?.listener !== listener) return;
    this.bound = null;
    await this.release(lost);
    this.onChange();
    if (this.running) await this.start();
  }

  private accept(listener: PlaneListener, local: number, sourcePort: number): void {
    this.connections.set(local, listener);
    this.source.openChannel(this.id.remotePort, sourcePort).then(
      (channel) => {
        if (!this.connections.has(local)) {
          channel.close();
          return;
        }
        if (this.remote !== 'open' || this.lastError !== null) this.setRemote('open', null);
        channel.pipe(local);
      },
      (error: unknown) => {
        this.noteChannelError(error);
        listener.drop(local);
      },
    );
  }
}
