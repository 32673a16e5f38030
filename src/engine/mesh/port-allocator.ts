/**
 * Local ports for forwards: the one place that decides them. Each forward gets its own
 * listener on 127.0.0.1, taken by actually binding it and keeping it bound (crabbox probes
 * and releases, which races with anything else starting at the same time — spec §5.4). The
 * caller says how to bind a given port (the mesh asks the member's data-plane thread, which
 * answers with the listener or the errno). For each (pond, member, remote port) a forward
 * tries, in order:
 *
 * 1. the port the user chose for it (`chosenPorts`, 1024–65535), which wins over
 * 2. the port it had last time (`forwardPorts`, 51820–52819), then
 * 3. the first free port of 51820–52819 in crabbox's order, ports that other forwards
 *    remember or chose going last so those forwards can get them back.
 *
 * When a chosen or remembered port cannot be had the forward moves, and the move carries
 * the reason, naming the program that holds the port where the system shows it.
 */
import { chosenPortProblem } from '../../contract/index';
import { PondError } from '../../lib/errors';
import type { SettingsStore } from '../settings-store';
import { listenLoopback, type ListenResult, type PortListener } from './loopback-listener';
import { describeHolder, findPortHolder, systemPortHolderDeps, type PortHolder } from './port-holder';

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

/** The forward a settings key names; null for a key that is not `<pond>/<member>/<remotePort>`. */
export function parseForwardPortKey(key: string): ForwardKey | null {
  const parts = key.split('/');
  const remotePort = Number(parts.at(-1));
  if (parts.length < 3 || !Number.isInteger(remotePort)) return null;
  return { pond: parts[0] ?? '', member: parts.slice(1, -1).join('/'), remotePort };
}

/** The forward a key names, in words: `api:8080 of pond alpha`. */
export function describeForwardKey(key: string): string {
  const parts = key.split('/');
  const pond = parts[0] ?? '';
  const remotePort = parts.at(-1) ?? '';
  return `${parts.slice(1, -1).join('/')}:${remotePort} of pond ${pond}`;
}

/** Ports by forward key, kept in one settings entry: `forwardPorts` (remembered) or `chosenPorts` (chosen). */
export interface PortMemory {
  all(): Record<string, number>;
  remember(key: string, port: number): void;
  forget(keys: readonly string[]): void;
}

function settingsPorts(store: SettingsStore, entry: 'forwardPorts' | 'chosenPorts'): PortMemory {
  return {
    all: () => store.get(entry),
    remember: (key, port) => {
      const current = store.get(entry);
      if (current[key] !== port) store.set(entry, { ...current, [key]: port });
    },
    forget: (keys) => {
      const current = store.get(entry);
      if (!keys.some((key) => key in current)) return;
      store.set(entry, Object.fromEntries(Object.entries(current).filter(([key]) => !keys.includes(key))));
    },
  };
}

/** The port each forward had last time, in the settings file. */
export function settingsPortMemory(store: SettingsStore): PortMemory {
  return settingsPorts(store, 'forwardPorts');
}

/** The ports the user chose, in the settings file. */
export function settingsPortChoices(store: SettingsStore): PortMemory {
  return settingsPorts(store, 'chosenPorts');
}

export function inMemoryPortMemory(initial: Record<string, number> = {}): PortMemory {
  const ports = { ...initial };
  return {
    all: () => ({ ...ports }),
    remember: (key, port) => {
      ports[key] = port;
    },
    forget: (keys) => {
      for (const key of keys) delete ports[key];
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
  /** Set when the chosen or remembered port could not be used. */
  moved: PortMove | null;
}

export interface PortAllocatorOptions {
  memory: PortMemory;
  /** The ports the user chose (none by default). */
  choices?: PortMemory;
  /** Who holds a busy port (default: asks the system, see port-holder.ts). */
  holder?: (port: number) => Promise<PortHolder>;
  /** Range bounds; the app always uses 51820–52819, tests may narrow it. */
  min?: number;
  max?: number;
}

/** Binds 127.0.0.1:<port> exactly, wherever the listener is to live. */
export type Listen<L extends PortListener> = (port: number) => Promise<ListenResult<L>>;

export class PortAllocator {
  private readonly memory: PortMemory;
  private readonly choices: PortMemory;
  private readonly holder: (port: number) => Promise<PortHolder>;
  private readonly min: number;
  private readonly max: number;
  /** Ports this allocator holds or is binding right now, with the key of the forward that has each. */
  private readonly held = new Map<number, string>();

  constructor(options: PortAllocatorOptions) {
    this.memory = options.memory;
    this.choices = options.choices ?? inMemoryPortMemory();
    this.holder = options.holder ?? ((port) => findPortHolder(port, systemPortHolderDeps()));
    this.min = options.min ?? FORWARD_PORT_MIN;
    this.max = options.max ?? FORWARD_PORT_MAX;
  }

  /**
   * An allocator over the same range and choices that remembers nothing new: for showing
   * what a connect would choose. `choices` are tried as if chosen, without keeping them.
   */
  preview(choices: Record<string, number> = {}): PortAllocator {
    return new PortAllocator({
      memory: inMemoryPortMemory(this.memory.all()),
      choices: inMemoryPortMemory({ ...this.choices.all(), ...choices }),
      holder: this.holder,
      min: this.min,
      max: this.max,
    });
  }

  /** The port chosen for a forward, if any. */
  chosen(key: ForwardKey): number | null {
    return this.choices.all()[forwardPortKey(key)] ?? null;
  }

  /**
   * Binds a listener for the forward. `current`: the listener it has now (a rebind after
   * its choice changed): its port counts as free for it, and is kept when still the answer.
   */
  async bind<L extends PortListener>(key: ForwardKey, listen: Listen<L>, current?: BoundPort<L>): Promise<BoundPort<L>> {
    const id = forwardPortKey(key);
    const chosenPorts = this.choices.all();
    const chosen = chosenPorts[id];
    const preferred = this.memory.all()[id];
    const chosenByOthers = new Map(Object.entries(chosenPorts).flatMap(([k, port]) => (k === id ? [] : [[port, k] as const])));
    let firstMiss: { from: number; reason: string } | null = null;
    const moved = (to: number) => (firstMiss ? { ...firstMiss, to } : null);

    if (chosen !== undefined) {
      const result = await this.take(id, chosen, listen, current, () => null);
      if (result.ok) return { listener: result.listener, port: chosen, moved: null };
      firstMiss = { from: chosen, reason: result.reason };
    }

    if (preferred !== undefined && preferred !== chosen) {
      const result = await this.take(id, preferred, listen, current, () => {
        if (preferred < this.min || preferred > this.max) return `port ${preferred} is outside ${this.min}–${this.max}`;
        const other = chosenByOthers.get(preferred);
        return other !== undefined ? `port ${preferred} is now chosen for ${describeForwardKey(other)}` : null;
      });
      if (result.ok) return this.finish(id, preferred, result.listener, moved(preferred));
      firstMiss ??= { from: preferred, reason: result.reason };
    }

    const reserved = new Set([...Object.entries(this.memory.all()).flatMap(([k, port]) => (k === id ? [] : [port])), ...chosenByOthers.keys()]);
    // Ports other forwards remember or chose go last, so those forwards can get them back later.
    for (const pass of [false, true]) {
      for (let port = this.min; port <= this.max; port += 1) {
        if (reserved.has(port) !== pass) continue;
        if (current?.port === port) return this.finish(id, port, current.listener, moved(port));
        if (this.held.has(port)) continue;
        const result = await this.attempt(id, port, listen);
        if (result.ok) return this.finish(id, port, result.listener, moved(port));
      }
    }
    throw new PondError('UNAVAILABLE', `no free loopback ports between ${this.min} and ${this.max} for SSH-mesh forwards`);
  }

  /**
   * Records the user's choice of a local port for a forward, or refuses it naming why: out
   * of range, chosen for another forward, used by another forward, or held by a program
   * (named where the system shows it). A port the forward has right now is accepted as is.
   * Forwards that remembered the port let it go, so they do not come back for it.
   */
  async choose(key: ForwardKey, port: number): Promise<void> {
    const id = forwardPortKey(key);
    const problem = chosenPortProblem(port);
    if (problem !== null) throw new PondError('INVALID_INPUT', problem);
    const other = Object.entries(this.choices.all()).find(([k, chosen]) => k !== id && chosen === port);
    if (other) throw new PondError('CONFLICT', `port ${port} cannot be chosen: it is already chosen for ${describeForwardKey(other[0])}`);
    const user = this.held.get(port);
    if (user !== undefined && user !== id) throw new PondError('CONFLICT', `port ${port} cannot be chosen: it is used by the forward ${describeForwardKey(user)}`);
    if (user === undefined) {
      const probe = await listenLoopback(port, (socket) => socket.destroy());
      if (!probe.ok) throw new PondError('CONFLICT', `port ${port} cannot be chosen: ${await this.describeBindFailure(port, probe.code, 'it')}`);
      await probe.listener.close();
    }
    this.choices.remember(id, port);
    this.memory.forget(Object.entries(this.memory.all()).flatMap(([k, remembered]) => (k !== id && remembered === port ? [k] : [])));
  }

  /** Forgets the user's choices for these forwards: they take their remembered or a free port again. */
  unchoose(keys: readonly ForwardKey[]): void {
    this.choices.forget(keys.map(forwardPortKey));
  }

  /**
   * Stops a listener taking connections, without waiting for the ones it accepted (they keep
   * going): a forward moving to another port. The port is free again once this resolves.
   */
  async letGo(bound: BoundPort): Promise<void> {
    await bound.listener.letGo();
    this.held.delete(bound.port);
  }

  /** Closes a forward's listener once its connections are gone; its port stays remembered for next time. */
  async release(bound: BoundPort): Promise<void> {
    await bound.listener.close();
    this.held.delete(bound.port);
  }

  /** One port for a forward: its current listener, or a new one; `refusal` says why not before trying. */
  private async take<L extends PortListener>(
    id: string,
    port: number,
    listen: Listen<L>,
    current: BoundPort<L> | undefined,
    refusal: () => string | null,
  ): Promise<{ ok: true; listener: L } | { ok: false; reason: string }> {
    if (current?.port === port) return { ok: true, listener: current.listener };
    const refused = refusal();
    if (refused !== null) return { ok: false, reason: refused };
    if (this.held.has(port)) return { ok: false, reason: `port ${port} is used by another forward` };
    const result = await this.attempt(id, port, listen);
    return result.ok ? result : { ok: false, reason: await this.describeBindFailure(port, result.code) };
  }

  private async attempt<L extends PortListener>(id: string, port: number, listen: Listen<L>): Promise<ListenResult<L>> {
    this.held.set(port, id);
    let result: ListenResult<L> | null = null;
    try {
      result = await listen(port);
      return result;
    } finally {
      if (!result?.ok) this.held.delete(port);
    }
  }

  private async describeBindFailure(port: number, code: string, subject = `port ${port}`): Promise<string> {
    if (code === 'EADDRINUSE') return describeHolder(port, await this.holder(port), subject);
    if (code === 'EACCES') return `${subject} is not allowed for this user`;
    return `${subject} could not be bound (${code})`;
  }

  private finish<L extends PortListener>(id: string, port: number, listener: L, moved: PortMove | null): BoundPort<L> {
    this.memory.remember(id, port);
    return { listener, port, moved };
  }
}
