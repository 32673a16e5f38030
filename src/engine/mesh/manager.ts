/**
 * The mesh: every connected pond, its members' sessions and their forwards. Connect,
 * disconnect and retry work on a whole pond, one member or one forward. Members are
 * independent: one failing never touches another's forwards. Whenever the set of ready
 * forwards of a pond changes, `onForwardsChanged` gets the new forward table, so the
 * env/hosts files always say what is really up (and are removed on disconnect).
 */
import { PondError } from '../../lib/errors';
import { ConnectionChanges, type PondConnectionChange } from './connection-changes';
import { Forward, type ChannelSource } from './forward';
import type { ForwardHealth, MemberHealth, MeshStatus, PondHealth, SessionHealth } from './health';
import { forgetHostKey } from './known-hosts';
import type { PortAllocator } from './port-allocator';
import { DEFAULT_TUNING, MemberSession, systemClock, type MeshClock, type SessionTuning } from './session';
import { KeyRing } from './session-keys';
import type { ForwardSpec, MeshMember, SshTarget } from './types';

export interface MeshSelection {
  pond: string;
  member?: string;
  remotePort?: number;
}

export interface PassphraseRequest {
  pond: string;
  member: string;
  keyPath: string;
  /** Why it is asked again (e.g. the last one was wrong), else null. */
  problem: string | null;
}

export interface ForwardsChange {
  pond: string;
  /** Ready forwards in table order (members by name, ports ascending), as spec §8.2. */
  forwards: ForwardSpec[];
  /** False once nothing of the pond is connected any more: remove its files. */
  connected: boolean;
}

export interface MeshManagerOptions {
  /** The pond's members after name disambiguation (mesh-edges' collectMeshMembers). */
  resolveMembers(pond: string): Promise<MeshMember[]>;
  allocator: PortAllocator;
  /** Asks the user for a key passphrase; null when they cancel. */
  askPassphrase(request: PassphraseRequest): Promise<string | null>;
  /** A member's health changed (state, forwards, errors); becomes the `mesh:health` event. */
  onHealth?(health: MemberHealth): void;
  onForwardsChanged?(change: ForwardsChange): void;
  /** A pond's connection (or the set of its failed members) changed; becomes the `mesh:connection` event. */
  onConnection?(change: PondConnectionChange): void;
  clock?: MeshClock;
  tuning?: Partial<SessionTuning>;
  /** Open one channel per forward when a session comes up, to learn whether the remote port listens. */
  probeRemotePorts?: boolean;
}

type TargetedMember = MeshMember & { target: SshTarget };

function hasTarget(member: MeshMember): member is TargetedMember {
  return member.target !== null;
}

function sameTarget(a: SshTarget | null, b: SshTarget | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One member of a connected pond: its session (swappable when its target changes) and forwards. */
class MemberLink implements ChannelSource {
  session: MemberSession | null = null;
  readonly forwards = new Map<number, Forward>();

  constructor(public member: MeshMember) {}

  get health(): SessionHealth {
    if (this.session) return this.session.health;
    return {
      state: 'failed',
      reason: 'no-target',
      lastError: this.member.targetProblem ?? `no SSH target is known for ${this.member.name}`,
      hostKey: null,
    };
  }

  openChannel(remotePort: number, sourcePort: number) {
    if (!this.session) return Promise.reject(new Error(this.health.state === 'failed' ? this.health.lastError : 'not connected'));
    return this.session.openChannel(remotePort, sourcePort);
  }

  runningForwards(): Forward[] {
    return [...this.forwards.values()].filter((f) => f.isRunning);
  }
}

export class MeshManager {
  private readonly ponds = new Map<string, Map<string, MemberLink>>();
  private readonly keys = new KeyRing();
  private readonly clock: MeshClock;
  private readonly tuning: SessionTuning;
  private readonly dirty = new Set<MemberLink>();
  private flushScheduled = false;
  private readonly lastForwards = new Map<string, string>();
  private readonly connections = new ConnectionChanges();

  constructor(private readonly options: MeshManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
  }

  /** Connects the selection: binds its listeners, then starts the members' sessions. */
  async connect(selection: MeshSelection): Promise<PondHealth> {
    const links = await this.refresh(selection);
    const started: Array<Promise<void>> = [];
    for (const { link, ports } of links) {
      for (const port of ports) started.push(this.forwardOf(link, selection.pond, port).start());
    }
    await Promise.all(started);
    for (const { link } of links) {
      if (link.session && link.runningForwards().length > 0) link.session.start();
      this.markDirty(link);
    }
    return this.pondHealth(selection.pond);
  }

  /** Switches the selection off: listeners closed, sessions without forwards ended, never reconnected. */
  async disconnect(selection: MeshSelection): Promise<PondHealth> {
    const members = this.ponds.get(selection.pond);
    if (!members) return { pond: selection.pond, members: [] };
    const links = this.select(members, selection);
    await Promise.all(links.flatMap(({ link, ports }) => ports.map((p) => link.forwards.get(p)?.stop())));
    for (const { link } of links) {
      if (link.runningForwards().length === 0) link.session?.stop();
      this.markDirty(link);
    }
    const health = this.pondHealth(selection.pond);
    if ([...members.values()].every((link) => link.runningForwards().length === 0)) {
      this.flush();
      this.ponds.delete(selection.pond);
      this.emitForwards(selection.pond);
    }
    return health;
  }

  /** Tries the selection again now: failed sessions restart, unbound listeners rebind. */
  async retry(selection: MeshSelection): Promise<PondHealth> {
    const members = this.ponds.get(selection.pond);
    const needsResolve = !members || this.select(members, selection).some(({ link }) => !link.session);
    if (needsResolve) return this.connect(selection);
    for (const { link, ports } of this.select(members, selection)) {
      await Promise.all(ports.map((p) => this.forwardOf(link, selection.pond, p).start()));
      link.session?.retry();
      this.markDirty(link);
    }
    return this.pondHealth(selection.pond);
  }

  /**
   * The computer woke up or the network came back: every connected member that gave up
   * starts over and every pending retry happens now, instead of after its backoff.
   */
  wake(): void {
    for (const members of this.ponds.values()) {
      for (const link of members.values()) if (link.runningForwards().length > 0) link.session?.wake();
    }
  }

  async disconnectAll(): Promise<void> {
    await Promise.all([...this.ponds.keys()].map((pond) => this.disconnect({ pond })));
    this.keys.clear();
  }

  /**
   * Removes the host's entries from its known_hosts (after the user confirmed a changed key)
   * and reconnects the member, which then trusts the key it is shown.
   */
  async forgetHostKey(selection: { pond: string; member: string }): Promise<{ removed: number }> {
    const link = this.ponds.get(selection.pond)?.get(selection.member);
    if (!link || !link.member.target) {
      throw new PondError('NOT_FOUND', `pond "${selection.pond}" has no connected member "${selection.member}"`);
    }
    const { target } = link.member;
    const health = link.health;
    const ports = health.state === 'failed' && health.hostKey ? [health.hostKey.port] : [target.port, ...target.fallbackPorts];
    let removed = 0;
    for (const port of new Set(ports)) removed += await forgetHostKey(target.knownHostsPath, target.host, port);
    await this.retry({ pond: selection.pond, member: selection.member });
    return { removed };
  }

  status(pond?: string): MeshStatus {
    const names = pond !== undefined ? [pond] : [...this.ponds.keys()].sort();
    return { ponds: names.filter((n) => this.ponds.has(n)).map((n) => this.pondHealth(n)) };
  }

  /** Ready forwards of a pond, in table order. */
  readyForwards(pond: string): ForwardSpec[] {
    const members = this.ponds.get(pond);
    if (!members) return [];
    return [...members.values()]
      .sort((a, b) => (a.member.name < b.member.name ? -1 : a.member.name > b.member.name ? 1 : 0))
      .flatMap((link) =>
        [...link.forwards.values()]
          .map((f) => f.health())
          .filter((h) => h.state === 'ready' && h.localPort !== null)
          .sort((a, b) => a.remotePort - b.remotePort)
          .map((h) => ({ peer: h.member, remotePort: h.remotePort, localPort: h.localPort!, leaseID: h.leaseID })),
      );
  }

  private async refresh(selection: MeshSelection): Promise<Array<{ link: MemberLink; ports: number[] }>> {
    const resolved = await this.options.resolveMembers(selection.pond);
    let members = this.ponds.get(selection.pond);
    if (!members) {
      members = new Map();
      this.ponds.set(selection.pond, members);
    }
    for (const member of resolved) {
      if (member.ports.length === 0) continue;
      const link = members.get(member.name);
      if (!link) {
        members.set(member.name, this.newLink(member));
        continue;
      }
      const idle = link.health.state === 'failed' || link.health.state === 'stopped';
      if (idle && !sameTarget(link.member.target, member.target)) {
        link.session?.stop();
        link.member = member;
        link.session = hasTarget(member) ? this.newSession(link, member) : null;
      }
    }
    try {
      return this.select(members, selection);
    } catch (error) {
      if (members.size === 0) this.ponds.delete(selection.pond);
      throw error;
    }
  }

  private newLink(member: MeshMember): MemberLink {
    const link = new MemberLink(member);
    if (hasTarget(member)) link.session = this.newSession(link, member);
    return link;
  }

  private newSession(link: MemberLink, member: TargetedMember): MemberSession {
    const session = new MemberSession(member, {
      clock: this.clock,
      tuning: this.tuning,
      keys: this.keys,
      askPassphrase: (keyPath, problem) => this.options.askPassphrase({ pond: member.pond, member: member.name, keyPath, problem }),
      onChange: (health) => {
        if (link.session !== session) return;
        if (health.state === 'ready' && this.options.probeRemotePorts !== false) {
          for (const forward of link.runningForwards()) void forward.probe();
        }
        this.markDirty(link);
      },
    });
    return session;
  }

  private forwardOf(link: MemberLink, pond: string, remotePort: number): Forward {
    let forward = link.forwards.get(remotePort);
    if (!forward) {
      forward = new Forward({ pond, member: link.member.name, leaseID: link.member.leaseID, remotePort }, link, this.options.allocator, () =>
        this.markDirty(link),
      );
      link.forwards.set(remotePort, forward);
    }
    return forward;
  }

  private select(members: Map<string, MemberLink>, selection: MeshSelection): Array<{ link: MemberLink; ports: number[] }> {
    const { pond, member, remotePort } = selection;
    if (member === undefined) {
      if (members.size === 0) throw new PondError('NOT_FOUND', `pond "${pond}" has no members with exposed ports to connect`);
      return [...members.values()].map((link) => ({ link, ports: link.member.ports }));
    }
    const link = members.get(member);
    if (!link) throw new PondError('NOT_FOUND', `pond "${pond}" has no member "${member}" with exposed ports`);
    if (remotePort === undefined) return [{ link, ports: link.member.ports }];
    if (!link.member.ports.includes(remotePort)) {
      throw new PondError('NOT_FOUND', `member "${member}" of pond "${pond}" does not expose port ${remotePort} (it exposes ${link.member.ports.join(', ')})`);
    }
    return [{ link, ports: [remotePort] }];
  }

  private memberHealth(link: MemberLink): MemberHealth {
    const { member } = link;
    const session = link.health;
    const forwards: ForwardHealth[] =
      link.session === null
        ? member.ports.map((remotePort) => ({
            state: 'failed',
            reason: 'no-target',
            pond: member.pond,
            member: member.name,
            leaseID: member.leaseID,
            remotePort,
            localPort: null,
            activeConnections: 0,
            bytesIn: 0,
            bytesOut: 0,
            remote: 'unknown',
            lastError: session.state === 'failed' ? session.lastError : null,
            moved: null,
          }))
        : [...link.forwards.values()].map((f) => f.health()).sort((a, b) => a.remotePort - b.remotePort);
    return {
      pond: member.pond,
      member: member.name,
      leaseID: member.leaseID,
      provider: member.provider,
      target: member.target ? { host: member.target.host, port: member.target.port, user: member.target.user } : null,
      session,
      forwards,
    };
  }

  private pondHealth(pond: string): PondHealth {
    const members = this.ponds.get(pond);
    if (!members) return { pond, members: [] };
    const sorted = [...members.values()].sort((a, b) => (a.member.name < b.member.name ? -1 : a.member.name > b.member.name ? 1 : 0));
    return { pond, members: sorted.map((link) => this.memberHealth(link)) };
  }

  /** Changes are gathered and reported once per tick per member. */
  private markDirty(link: MemberLink): void {
    this.dirty.add(link);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const links = [...this.dirty];
    this.dirty.clear();
    const ponds = new Set<string>();
    for (const link of links) {
      ponds.add(link.member.pond);
      this.options.onHealth?.(this.memberHealth(link));
    }
    for (const pond of ponds) {
      this.emitForwards(pond);
      const change = this.connections.update(this.pondHealth(pond));
      if (change) this.options.onConnection?.(change);
    }
  }

  private emitForwards(pond: string): void {
    const members = this.ponds.get(pond);
    const connected = members !== undefined && [...members.values()].some((link) => link.runningForwards().length > 0);
    const forwards = connected ? this.readyForwards(pond) : [];
    const key = JSON.stringify({ forwards, connected });
    const previous = this.lastForwards.get(pond);
    if (previous === key || (previous === undefined && !connected)) return;
    if (connected) this.lastForwards.set(pond, key);
    else this.lastForwards.delete(pond);
    this.options.onForwardsChanged?.({ pond, forwards, connected });
  }
}
