/**
 * Local ports for forwards: the one place that decides which port a forward gets. Each
 * forward gets its own listener on 127.0.0.1, taken by actually binding it and keeping it
 * bound (crabbox probes and releases, which races with anything else starting at the same
 * time — spec §5.4). The caller says how to bind a given port (the mesh asks the member's
 * data-plane worker, which answers with the listener or the errno). A forward prefers the
 * port it had last time for the same (pond, member, remote port); when that port is busy it
 * moves, and the move is reported with the reason.
 */
import { PondError } from '../../lib/errors';
import type { SettingsStore } from '../settings-store';
import type { ListenResult, PortListener } from './loopback-listener';

export const FORWARD_PORT_MIN = 51820;
export const FORWARD_PORT_MAX = 52819;

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

export interface BoundPort<L extends PortListener = PortListener> {
  listener: L;
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

/** Binds 127.0.0.1:<port> exactly, wherever the listener is to live. */
export type Listen<L extends PortListener> = (port: number) => Promise<ListenResult<L>>;

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

  async bind<L extends PortListener>(key: ForwardKey, listen: Listen<L>): Promise<BoundPort<L>> {
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
        const result = await this.attempt(preferred, listen);
        if (result.ok) return this.finish(id, preferred, result.listener, null);
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
        const result = await this.attempt(port, listen);
        if (!result.ok) continue;
        const moved = preferred !== undefined && moveReason !== null ? { from: preferred, to: port, reason: moveReason } : null;
        return this.finish(id, port, result.listener, moved);
      }
    }
    throw new PondError('UNAVAILABLE', `no free loopback ports between ${this.min} and ${this.max} for SSH-mesh forwards`);
  }

  /** Closes a forward's listener; its port stays remembered for next time. */
  async release(bound: BoundPort): Promise<void> {
    await bound.listener.close();
    this.held.delete(bound.port);
  }

  private async attempt<L extends PortListener>(port: number, listen: Listen<L>): Promise<ListenResult<L>> {
    this.held.add(port);
    let result: ListenResult<L> | null = null;
    try {
      result = await listen(port);
      return result;
    } finally {
      if (!result?.ok) this.held.delete(port);
    }
  }

  private finish<L extends PortListener>(id: string, port: number, listener: L, moved: PortMove | null): BoundPort<L> {
    this.memory.remember(id, port);
    return { listener, port, moved };
  }
}
