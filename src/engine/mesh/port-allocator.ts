/**
 * Local ports for forwards. Each forward gets its own `net.Server` on 127.0.0.1, taken by
 * actually binding it and keeping it bound (crabbox probes and releases, which races with
 * anything else starting at the same time — spec §5.4). A forward prefers the port it had
 * last time for the same (pond, member, remote port); when that port is busy it moves, and
 * the move is reported with the reason.
 */
import net from 'node:net';
import { PondError } from '../../lib/errors';
import type { SettingsStore } from '../settings-store';

export const FORWARD_PORT_MIN = 51820;
export const FORWARD_PORT_MAX = 52819;
const LOOPBACK = '127.0.0.1';

export interface ForwardKey {
  pond: string;
  member: string;
  remotePort: number;
}

/** Settings key for a forward's remembered port: `<pond>/<member>/<remotePort>`. */
export function forwardPortKey({ pond, member, remotePort }: ForwardKey): string {
  return `${pond}/${member}/${remotePort}`;
}

/** Where remembered ports live (the `forwardPorts` setting in the app). */
export interface PortMemory {
  all(): Record<string, number>;
  remember(key: string, port: number): void;
}

export function settingsPortMemory(store: SettingsStore): PortMemory {
  return {
    all: () => store.get('forwardPorts'),
    remember: (key, port) => {
      const current = store.get('forwardPorts');
      if (current[key] !== port) store.set('forwardPorts', { ...current, [key]: port });
    },
  };
}

export function inMemoryPortMemory(initial: Record<string, number> = {}): PortMemory {
  const ports = { ...initial };
  return {
    all: () => ({ ...ports }),
    remember: (key, port) => {
      ports[key] = port;
    },
  };
}

export interface PortMove {
  from: number;
  to: number;
  reason: string;
}

export interface BoundPort {
  server: net.Server;
  port: number;
  /** Set when the remembered port could not be used. */
  moved: PortMove | null;
}

export interface PortAllocatorOptions {
  memory: PortMemory;
  /** Range bounds; the app always uses 51820–52819, tests may narrow it. */
  min?: number;
  max?: number;
}

/** Buffering per accepted connection before backpressure (Node's default is 16 KiB). */
export const LOCAL_SOCKET_BUFFER_BYTES = 256 * 1024;

type BindResult = { ok: true; server: net.Server } | { ok: false; code: string };

function tryBind(port: number, onConnection: (socket: net.Socket) => void): Promise<BindResult> {
  return new Promise((resolve) => {
    // pauseOnConnect: bytes stay in the kernel until the SSH channel is open to take them.
    // highWaterMark: a tick's batch of 32 KiB channel packets fits without pausing the channel.
    const server = net.createServer({ pauseOnConnect: true, noDelay: true, highWaterMark: LOCAL_SOCKET_BUFFER_BYTES }, onConnection);
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      resolve({ ok: false, code: error.code ?? 'EUNKNOWN' });
    };
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve({ ok: true, server });
    });
  });
}

function describeBindFailure(port: number, code: string): string {
  if (code === 'EADDRINUSE') return `port ${port} is in use by another program`;
  if (code === 'EACCES') return `port ${port} is not allowed for this user`;
  return `port ${port} could not be bound (${code})`;
}

export class PortAllocator {
  private readonly memory: PortMemory;
  private readonly min: number;
  private readonly max: number;
  /** Ports this allocator holds or is binding right now. */
  private readonly held = new Set<number>();

  constructor(options: PortAllocatorOptions) {
    this.memory = options.memory;
    this.min = options.min ?? FORWARD_PORT_MIN;
    this.max = options.max ?? FORWARD_PORT_MAX;
  }

  /** An allocator over the same range that remembers nothing new: for showing what a connect would choose. */
  preview(): PortAllocator {
    return new PortAllocator({ memory: inMemoryPortMemory(this.memory.all()), min: this.min, max: this.max });
  }

  async bind(key: ForwardKey, onConnection: (socket: net.Socket) => void): Promise<BoundPort> {
    const id = forwardPortKey(key);
    const remembered = this.memory.all();
    const preferred = remembered[id];
    let moveReason: string | null = null;

    if (preferred !== undefined) {
      if (preferred < this.min || preferred > this.max) {
        moveReason = `port ${preferred} is outside ${this.min}–${this.max}`;
      } else if (this.held.has(preferred)) {
        moveReason = `port ${preferred} is used by another forward`;
      } else {
        const result = await this.attempt(preferred, onConnection);
        if (result.ok) return this.finish(id, preferred, result.server, null);
        moveReason = describeBindFailure(preferred, result.code);
      }
    }

    const rememberedByOthers = new Set(
      Object.entries(remembered)
        .filter(([k]) => k !== id)
        .map(([, port]) => port),
    );
    // Ports other forwards remember go last, so those forwards can get them back later.
    for (const pass of [false, true]) {
      for (let port = this.min; port <= this.max; port += 1) {
        if (this.held.has(port) || rememberedByOthers.has(port) !== pass) continue;
        const result = await this.attempt(port, onConnection);
        if (!result.ok) continue;
        const moved = preferred !== undefined && moveReason !== null ? { from: preferred, to: port, reason: moveReason } : null;
        return this.finish(id, port, result.server, moved);
      }
    }
    throw new PondError('UNAVAILABLE', `no free loopback ports between ${this.min} and ${this.max} for SSH-mesh forwards`);
  }

  /** Closes a forward's listener; its port stays remembered for next time. */
  release(bound: BoundPort): Promise<void> {
    return new Promise((resolve) => {
      bound.server.close(() => {
        this.held.delete(bound.port);
        resolve();
      });
    });
  }

  private async attempt(port: number, onConnection: (socket: net.Socket) => void): Promise<BindResult> {
    this.held.add(port);
    const result = await tryBind(port, onConnection);
    if (!result.ok) this.held.delete(port);
    return result;
  }

  private finish(id: string, port: number, server: net.Server, moved: PortMove | null): BoundPort {
    this.memory.remember(id, port);
    return { server, port, moved };
  }
}
