/**
 * The main thread's handles on what a data-plane worker holds: one SSH connection (what
 * MemberSession uses where it would use an ssh2 Client), an open channel, a forward's
 * listener. Each sends its operations to its thread and gets its events back from it.
 */
import { EventEmitter } from 'node:events';
import type { PortListener } from '../loopback-listener';
import { fromWireError, ownBytes, type FromPlane, type PlaneSshConfig, type ToPlane, type WireError } from './protocol';

/** What a handle needs from its thread. */
export interface PlaneLink {
  send(message: ToPlane): void;
  openChannel(connection: number, sourcePort: number, remotePort: number): Promise<RemoteChannel>;
  unlisten(listener: number, keep: boolean): Promise<void>;
  /** The thread's resources changed (it keeps the process alive only while it holds some). */
  changed(): void;
}

/** What the main thread answers for a connection's handshake. */
export interface SshHooks {
  verify(key: Buffer): Promise<boolean>;
  /** A signature with the member's unlocked key (public-key auth), or throws. */
  sign(data: Buffer, hash: string | null): Buffer;
}

/** Why a channel did not open: ssh2's error (with the server's `reason`), or no session to open it on. */
export type ChannelOpenError = Error & { reason?: number; notConnected: boolean };

export function channelOpenError(wire: WireError | 'not-connected'): ChannelOpenError {
  if (wire === 'not-connected') return Object.assign(new Error('not connected'), { notConnected: true });
  return Object.assign(fromWireError(wire), { notConnected: false });
}

export class RemoteChannel {
  constructor(
    private readonly link: PlaneLink,
    readonly id: number,
  ) {}

  close(): void {
    this.link.send({ op: 'close-channel', channel: this.id });
  }

  /** Copies between the channel and an accepted local connection of the same thread. */
  pipe(local: number): void {
    this.link.send({ op: 'pipe', local, channel: this.id });
  }
}

/** What a forward hears about its listener. */
export interface ListenerEvents {
  accepted(listener: PlaneListener, local: number, sourcePort: number): void;
  localClosed(local: number): void;
  /** The thread holding it stopped: the listener and its connections are gone. */
  lost(listener: PlaneListener): void;
}

export class PlaneListener implements PortListener {
  constructor(
    private readonly link: PlaneLink,
    readonly id: number,
  ) {}

  /** Resets an accepted connection that will not get a channel. */
  drop(local: number): void {
    this.link.send({ op: 'drop', local });
  }

  /** Stops listening and resets the connections it accepted. */
  close(): Promise<void> {
    return this.link.unlisten(this.id, false);
  }

  letGo(): Promise<void> {
    return this.link.unlisten(this.id, true);
  }
}

/**
 * One SSH connection in a worker. Events as an ssh2 Client's: `ready`, `error` (an Error with
 * ssh2's `level` or Node's `code`), `close` (gone for good).
 */
export class RemoteConnection extends EventEmitter {
  private tcpDone: ((error: WireError | null) => void) | null = null;
  private hooks: SshHooks | null = null;
  private closed = false;

  constructor(
    private readonly link: PlaneLink,
    readonly id: number,
  ) {
    super();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** TCP to the SSH server: null once connected, else the socket error. */
  tcp(host: string, port: number): Promise<(Error & { code?: string }) | null> {
    return new Promise((resolve) => {
      this.tcpDone = (error) => resolve(error ? fromWireError(error) : null);
      this.link.send({ op: 'tcp', id: this.id, host, port });
    });
  }

  handshake(config: PlaneSshConfig, hooks: SshHooks): void {
    this.hooks = hooks;
    const auth = config.auth.kind === 'key' ? { kind: 'key' as const, publicKey: ownBytes(config.auth.publicKey) } : config.auth;
    this.link.send({ op: 'ssh', id: this.id, config: { ...config, auth } });
  }

  forwardOut(sourcePort: number, remotePort: number): Promise<RemoteChannel> {
    return this.link.openChannel(this.id, sourcePort, remotePort);
  }

  end(): void {
    if (!this.closed) this.link.send({ op: 'end', id: this.id });
  }

  destroy(): void {
    if (!this.closed) this.link.send({ op: 'destroy', id: this.id });
  }

  /** An event from the thread for this connection. */
  receive(message: Extract<FromPlane, { id: number }>): void {
    switch (message.ev) {
      case 'tcp': {
        const done = this.tcpDone;
        this.tcpDone = null;
        done?.(message.error);
        return;
      }
      case 'verify': {
        const answer = (ok: boolean) => this.link.send({ op: 'verified', id: this.id, request: message.request, ok });
        if (!this.hooks) return answer(false);
        this.hooks.verify(Buffer.from(message.key)).then(answer, () => answer(false));
        return;
      }
      case 'sign': {
        try {
          if (!this.hooks) throw new Error('no key to sign with');
          const signature = ownBytes(this.hooks.sign(Buffer.from(message.data), message.hash));
          this.link.send({ op: 'signed', id: this.id, request: message.request, signature, error: null });
        } catch (error) {
          this.link.send({ op: 'signed', id: this.id, request: message.request, signature: null, error: (error as Error).message });
        }
        return;
      }
      case 'ready':
        this.emit('ready');
        return;
      case 'error':
        this.fail(fromWireError(message.error));
        return;
      case 'close':
        this.close();
        return;
    }
  }

  /** The thread stopped under it. */
  lose(error: Error): void {
    if (this.closed) return;
    this.tcpDone?.({ message: error.message });
    this.tcpDone = null;
    this.fail(error);
    this.close();
  }

  private fail(error: Error): void {
    // Unlike an ssh2 Client, a connection nobody listens to for errors does not throw.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
