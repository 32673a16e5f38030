/**
 * One forward: a listener on 127.0.0.1:<local> whose connections become direct-tcpip
 * channels to 127.0.0.1:<remote> on the member, through the member's shared session
 * (crabbox's `-L 127.0.0.1:<local>:127.0.0.1:<remote>`). The listener stays bound while the
 * session reconnects, so the local port never changes under a running program.
 */
import type net from 'node:net';
import type { ClientChannel } from 'ssh2';
import { PondError } from '../../lib/errors';
import { forwardStateFor, type ForwardHealth, type RemotePortStatus, type SessionHealth } from './health';
import type { BoundPort, PortAllocator, PortMove } from './port-allocator';
import { ChannelError } from './session';

/** What a forward needs from its member's session. */
export interface ChannelSource {
  readonly health: SessionHealth;
  openChannel(remotePort: number, sourcePort: number): Promise<ClientChannel>;
}

export interface ForwardIdentity {
  pond: string;
  member: string;
  leaseID: string;
  remotePort: number;
}

export class Forward {
  private bound: BoundPort | null = null;
  private binding: Promise<void> | null = null;
  private running = false;
  private bindError: string | null = null;
  private readonly sockets = new Set<net.Socket>();
  private bytesIn = 0;
  private bytesOut = 0;
  private remote: RemotePortStatus = 'unknown';
  private lastError: string | null = null;
  private moved: PortMove | null = null;

  constructor(
    readonly id: ForwardIdentity,
    private readonly source: ChannelSource,
    private readonly allocator: PortAllocator,
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

  /** Closes the listener and every connection through it. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.binding) await this.binding;
    for (const socket of this.sockets) socket.destroy();
    const bound = this.bound;
    this.bound = null;
    if (bound) await this.allocator.release(bound);
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
    const next = await this.allocator.bind(this.key, (socket) => this.accept(socket), current);
    this.moved = next.moved;
    if (next.server !== current.server) {
      this.bound = next;
      this.allocator.letGo(current);
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
      activeConnections: this.sockets.size,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
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

  private async bind(): Promise<void> {
    try {
      this.bound = await this.allocator.bind(this.key, (socket) => this.accept(socket));
      this.bindError = null;
      this.moved = this.bound.moved;
      if (!this.running) {
        const bound = this.bound;
        this.bound = null;
        await this.allocator.release(bound);
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

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    let channel: ClientChannel | null = null;
    socket.on('error', () => channel?.close());
    socket.once('close', () => {
      this.sockets.delete(socket);
      channel?.close();
    });
    this.source.openChannel(this.id.remotePort, socket.remotePort ?? 0).then(
      (opened) => {
        if (socket.destroyed) {
          opened.close();
          return;
        }
        channel = opened;
        if (this.remote !== 'open' || this.lastError !== null) this.setRemote('open', null);
        this.pipe(socket, opened);
      },
      (error: unknown) => {
        this.noteChannelError(error);
        socket.destroy();
      },
    );
  }

  /** Copies both ways with backpressure, counting bytes in the same callback (hot path). */
  private pipe(socket: net.Socket, channel: ClientChannel): void {
    let remoteEnded = false;
    socket.on('data', (chunk: Buffer) => {
      this.bytesOut += chunk.length;
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
      this.bytesIn += chunk.length;
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      if (!socket.write(chunk)) channel.pause();
    });
    socket.on('drain', () => channel.resume());
    channel.once('end', () => {
      remoteEnded = true;
      socket.end();
    });
    // A channel that closes without EOF (session lost) resets the local connection
    // instead of pretending the remote side finished.
    channel.once('close', () => {
      if (!remoteEnded) socket.destroy();
    });
    channel.on('error', () => socket.destroy());
    socket.resume();
  }
}
