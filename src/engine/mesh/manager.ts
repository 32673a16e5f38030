/**
 * The mesh: every connected pond, its members' sessions and their forwards. Connect,
 * disconnect and retry work on a whole pond, one member or one forward. Members are
 * independent: one failing never touches another's forwards. Whenever the set of ready
 * forwards of a pond changes, `onForwardsChanged` gets the new forward table, so the
 * env/hosts files always say what is really up (and are removed on disconnect).
 *
 * The mesh follows the pond while connected (`reconcile`, called on every change of the
 * claims and hand-added hosts): a member that gets its SSH address connects, a port added
 * or removed adds or removes its forward, a member or pond that is gone is disconnected.
 * Listeners are bound one at a time in crabbox's order (members by name, ports ascending),
 * so a port that is taken moves the forwards after it exactly as crabbox and
 * `pond connect --json` move them. Changes are applied one at a time.
 *
 * Everything here runs on the owner's main thread and decides; the bytes move in the data
 * plane's worker threads (data-plane/), one lane per member.
 */
import { byteCompare } from '../../lib/byte-order';
import { PondError } from '../../lib/errors';
import { ConnectionChanges, type PondConnectionChange } from './connection-changes';
import { sharedDataPlane, type DataPlane } from './data-plane/data-plane';
import { Forward } from './forward';
import type { ForwardHealth, MemberHealth, MeshStatus, PondHealth } from './health';
import { forgetHostKey } from './known-hosts';
import { MemberLink } from './member-link';
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
  /** The pond's members after name disambiguation (mesh-edges' collectMeshMembers), fresh from disk: for connect and retry. */
  resolveMembers(pond: string): Promise<MeshMember[]>;
  /**
   * The pond's members as the live directory holds them, for `reconcile` (default:
   * resolveMembers). Throws when they cannot be known right now (an unreadable claims
   * directory): then nothing is changed, rather than every member taken for gone.
   */
  liveMembers?(pond: string): Promise<MeshMember[]>;
  allocator: PortAllocator;
  /** Asks the user for a key passphrase; null when they cancel. */
  askPassphrase(request: PassphraseRequest): Promise<string | null>;
  /** A member's health changed (state, forwards, errors); becomes the `mesh:health` event. */
  onHealth?(health: MemberHealth): void;
  onForwardsChanged?(change: ForwardsChange): void;
  /** A pond's connection (or the set of its failed members) changed; becomes the `mesh:connection` event. */
  onConnection?(change: PondConnectionChange): void;
  /** Why a reconcile could not run (the members could not be read). */
  log?(message: string): void;
  clock?: MeshClock;
  tuning?: Partial<SessionTuning>;
  /** Open one channel per forward when a session comes up, to learn whether the remote port listens. */
  probeRemotePorts?: boolean;
  /** Worker threads for the sessions and sockets (default: the process's own pool). */
  dataPlane?: DataPlane;
}

type TargetedMember = MeshMember & { target: SshTarget };

function hasTarget(member: MeshMember): member is TargetedMember {
  return member.target !== null;
}

/** Whether a new resolution needs another session: the address (or having one at all) changed. */
function sameAddress(a: MeshMember, b: MeshMember): boolean {
  return JSON.stringify(a.target) === JSON.stringify(b.target) && Boolean(a.pending) === Boolean(b.pending);
}

function byName(a: MemberLink, b: MemberLink): number {
  return byteCompare(a.member.name, b.member.name);
}

const ascending = (a: number, b: number) => a - b;

/** A connected pond: its members by name, and whether it was connected as a whole (then members that join are connected too). */
interface PondLink {
  members: Map<string, MemberLink>;
  follow: boolean;
}

export class MeshManager {
  private readonly ponds = new Map<string, PondLink>();
  private readonly keys = new KeyRing();
  private readonly clock: MeshClock;
  private readonly tuning: SessionTuning;
  private readonly plane: DataPlane;
  private readonly dirty = new Set<MemberLink>();
  private flushScheduled = false;
  private readonly lastForwards = new Map<string, string>();
  private readonly connections = new ConnectionChanges();
  /** Connect, disconnect, retry and reconcile change the ponds one at a time. */
  private turn: Promise<unknown> = Promise.resolve();
  private reconcileQueued: Promise<void> | null = null;

  constructor(private readonly options: MeshManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.plane = options.dataPlane ?? sharedDataPlane();
  }

  /** Connects the selection: binds its listeners one by one in crabbox's order, then starts the members' sessions. */
  connect(selection: MeshSelection): Promise<PondHealth> {
    return this.exclusive(() => this.connectNow(selection));
  }

  /** Switches the selection off: listeners closed, sessions without forwards ended, never reconnected. */
  disconnect(selection: MeshSelection): Promise<PondHealth> {
    return this.exclusive(async () => {
      const pond = this.ponds.get(selection.pond);
      if (!pond) return { pond: selection.pond, members: [] };
      const links = this.select(pond, selection);
      if (selection.member === undefined) pond.follow = false;
      for (const { link } of links) link.follow = false;
      await Promise.all(links.flatMap(({ link, ports }) => ports.map((p) => link.forwards.get(p)?.stop())));
      for (const { link } of links) {
        if (!link.active) link.session?.stop();
        this.markDirty(link);
      }
      const health = this.pondHealth(selection.pond);
      // Reported now, not a tick later, so a caller that waits for the files sees them changed.
      this.flush();
      this.dropIfIdle(selection.pond, pond);
      return health;
    });
  }

  /** Tries the selection again now: failed sessions restart, unbound listeners rebind. */
  retry(selection: MeshSelection): Promise<PondHealth> {
    return this.exclusive(async () => {
      const pond = this.ponds.get(selection.pond);
      const needsResolve = !pond || this.select(pond, selection).some(({ link }) => !link.session);
      if (needsResolve) return this.connectNow(selection);
      for (const { link, ports } of this.select(pond, selection)) {
        for (const port of ports) await this.forwardOf(link, selection.pond, port).start();
        link.session?.retry();
        this.markDirty(link);
      }
      return this.pondHealth(selection.pond);
    });
  }

  /**
   * The selection's forwards take the ports the allocator gives them now (after a chosen
   * port was set or reset), one at a time in crabbox's order. Forwards that are not up get
   * the new port when they start.
   */
  rebind(selection: MeshSelection): Promise<PondHealth> {
    return this.exclusive(async () => {
      const pond = this.ponds.get(selection.pond);
      if (!pond) return { pond: selection.pond, members: [] };
      const links = [...pond.members.values()].filter((link) => selection.member === undefined || link.member.name === selection.member).sort(byName);
      for (const link of links) {
        const forwards = [...link.forwards].filter(([port]) => selection.remotePort === undefined || port === selection.remotePort).sort(([a], [b]) => a - b);
        for (const [, forward] of forwards) await forward.rebind();
        this.markDirty(link);
      }
      const health = this.pondHealth(selection.pond);
      // Reported now, so a caller that waits for the files sees the new port in them.
      this.flush();
      return health;
    });
  }

  /**
   * Brings every connected pond in line with its members as they are now (after a claim or
   * a hand-added host changed). Calls made while one is waiting to run share it.
   */
  reconcile(): Promise<void> {
    this.reconcileQueued ??= this.exclusive(async () => {
      this.reconcileQueued = null;
      for (const pond of [...this.ponds.keys()]) await this.reconcilePond(pond);
    });
    return this.reconcileQueued;
  }

  /**
   * The computer woke up or the network came back: every connected member that gave up
   * starts over and every pending retry happens now, instead of after its backoff.
   */
  wake(): void {
    for (const pond of this.ponds.values()) {
      for (const link of pond.members.values()) if (link.active) link.session?.wake();
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
    const link = this.ponds.get(selection.pond)?.members.get(selection.member);
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
    const state = this.ponds.get(pond);
    if (!state) return [];
    return [...state.members.values()].sort(byName).flatMap((link) =>
      [...link.forwards.values()]
        .map((f) => f.health())
        .filter((h) => h.state === 'ready' && h.localPort !== null)
        .sort((a, b) => a.remotePort - b.remotePort)
        .map((h) => ({ peer: h.member, remotePort: h.remotePort, localPort: h.localPort!, leaseID: h.leaseID })),
    );
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async connectNow(selection: MeshSelection): Promise<PondHealth> {
    const resolved = await this.options.resolveMembers(selection.pond);
    let pond = this.ponds.get(selection.pond);
    if (!pond) {
      pond = { members: new Map(), follow: false };
      this.ponds.set(selection.pond, pond);
    }
    await this.sync(selection.pond, pond, resolved, false);
    let links: Array<{ link: MemberLink; ports: number[] }>;
    try {
      links = this.select(pond, selection);
    } catch (error) {
      this.dropIfIdle(selection.pond, pond);
      throw error;
    }
    if (selection.member === undefined) pond.follow = true;
    for (const { link, ports } of links) {
      if (selection.remotePort === undefined) link.follow = true;
      for (const port of ports) await this.forwardOf(link, selection.pond, port).start();
    }
    for (const { link } of links) {
      if (link.session && link.active) link.session.start();
      this.markDirty(link);
    }
    return this.pondHealth(selection.pond);
  }

  private async reconcilePond(name: string): Promise<void> {
    let resolved: MeshMember[];
    try {
      resolved = await (this.options.liveMembers ?? this.options.resolveMembers)(name);
    } catch (error) {
      this.options.log?.(`pond "${name}": the forwards cannot follow the pond's changes right now: ${(error as Error).message}`);
      return;
    }
    const pond = this.ponds.get(name);
    if (!pond) return;
    await this.sync(name, pond, resolved, true);
    this.dropIfIdle(name, pond);
  }

  /**
   * Brings the pond's links in line with `resolved`: members that are gone (or are another
   * lease now) are dropped, the others take their new resolution, forwards of ports no longer
   * exposed stop. `following`: also forward what joined (new members of a pond connected as a
   * whole, new ports of a member connected as a whole), bound in crabbox's order.
   */
  private async sync(name: string, pond: PondLink, resolved: readonly MeshMember[], following: boolean): Promise<void> {
    const wanted = new Map(resolved.filter((m) => m.ports.length > 0).map((m) => [m.name, m]));
    for (const link of [...pond.members.values()]) {
      const member = wanted.get(link.member.name);
      if (!member || member.leaseID !== link.member.leaseID) await this.drop(pond, link);
    }
    for (const member of [...wanted.values()].sort((a, b) => byteCompare(a.name, b.name))) {
      let link = pond.members.get(member.name);
      if (!link) {
        link = this.newLink(member);
        pond.members.set(member.name, link);
        link.follow = following && pond.follow;
      } else {
        this.update(link, member);
      }
      for (const [port, forward] of [...link.forwards]) {
        if (member.ports.includes(port)) continue;
        await forward.stop();
        link.forwards.delete(port);
        this.markDirty(link);
      }
      if (!following || !link.follow) continue;
      const wasActive = link.active;
      for (const port of [...member.ports].sort(ascending)) {
        if (!link.forwards.has(port)) await this.forwardOf(link, name, port).start();
      }
      if (!wasActive && link.session && link.active) link.session.start();
      this.markDirty(link);
    }
  }

  /** Takes a member's new resolution; a new address gets a new session, unless the current one is up (see MemberLink.next). */
  private update(link: MemberLink, member: MeshMember): void {
    if (sameAddress(link.member, member)) {
      const changed = JSON.stringify(link.member) !== JSON.stringify(member);
      link.member = member;
      link.next = null;
      if (changed) this.markDirty(link);
      return;
    }
    if (link.session?.health.state === 'ready') {
      link.next = member;
      link.member = { ...link.member, ports: member.ports };
      return;
    }
    this.replaceSession(link, member);
  }

  private replaceSession(link: MemberLink, member: MeshMember): void {
    link.next = null;
    link.session?.stop();
    link.member = member;
    link.session = hasTarget(member) ? this.newSession(link, member) : null;
    if (link.session && link.active) link.session.start();
    this.markDirty(link);
  }

  /** A member that is gone: its forwards and session end, and it leaves the pond. */
  private async drop(pond: PondLink, link: MemberLink): Promise<void> {
    link.follow = false;
    link.next = null;
    await Promise.all([...link.forwards.values()].map((f) => f.stop()));
    link.session?.stop();
    link.lane.release();
    pond.members.delete(link.member.name);
    this.markDirty(link);
  }

  /** A pond with nothing up any more is forgotten, and its files go. */
  private dropIfIdle(name: string, pond: PondLink): void {
    if (this.ponds.get(name) !== pond || [...pond.members.values()].some((link) => link.active)) return;
    this.flush();
    this.ponds.delete(name);
    for (const link of pond.members.values()) link.lane.release();
    this.emitForwards(name);
  }

  private newLink(member: MeshMember): MemberLink {
    const link = new MemberLink(member, this.plane.lane());
    if (hasTarget(member)) link.session = this.newSession(link, member);
    return link;
  }

  private newSession(link: MemberLink, member: TargetedMember): MemberSession {
    const session = new MemberSession(member, {
      clock: this.clock,
      tuning: this.tuning,
      keys: this.keys,
      askPassphrase: (keyPath, problem) => this.options.askPassphrase({ pond: member.pond, member: member.name, keyPath, problem }),
      lane: link.lane,
      onChange: (health) => {
        if (link.session !== session) return;
        if (health.state === 'ready' && this.options.probeRemotePorts !== false) {
          for (const forward of link.runningForwards()) void forward.probe();
        }
        const next = link.next;
        if (health.state !== 'ready' && next) queueMicrotask(() => link.session === session && link.next === next && this.replaceSession(link, next));
        this.markDirty(link);
      },
    });
    return session;
  }

  private forwardOf(link: MemberLink, pond: string, remotePort: number): Forward {
    let forward = link.forwards.get(remotePort);
    if (!forward) {
      forward = new Forward({ pond, member: link.member.name, leaseID: link.member.leaseID, remotePort }, link, this.options.allocator, link.lane, () =>
        this.markDirty(link),
      );
      link.forwards.set(remotePort, forward);
    }
    return forward;
  }

  /** The links and ports a selection names, in crabbox's order: members by name, ports ascending. */
  private select(pond: PondLink, selection: MeshSelection): Array<{ link: MemberLink; ports: number[] }> {
    const { member, remotePort } = selection;
    const ports = (link: MemberLink) => [...link.member.ports].sort(ascending);
    if (member === undefined) {
      if (pond.members.size === 0) throw new PondError('NOT_FOUND', `pond "${selection.pond}" has no members with exposed ports to connect`);
      return [...pond.members.values()].sort(byName).map((link) => ({ link, ports: ports(link) }));
    }
    const link = pond.members.get(member);
    if (!link) throw new PondError('NOT_FOUND', `pond "${selection.pond}" has no member "${member}" with exposed ports`);
    if (remotePort === undefined) return [{ link, ports: ports(link) }];
    if (!link.member.ports.includes(remotePort)) {
      throw new PondError('NOT_FOUND', `member "${member}" of pond "${selection.pond}" does not expose port ${remotePort} (it exposes ${link.member.ports.join(', ')})`);
    }
    return [{ link, ports: [remotePort] }];
  }

  private memberHealth(link: MemberLink): MemberHealth {
    const { member } = link;
    const session = link.health;
    const forwards: ForwardHealth[] =
      session.state === 'failed' && session.reason === 'no-target'
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
            lastError: session.lastError,
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

  private pondHealth(name: string): PondHealth {
    const pond = this.ponds.get(name);
    if (!pond) return { pond: name, members: [] };
    return { pond: name, members: [...pond.members.values()].sort(byName).map((link) => this.memberHealth(link)) };
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

  private emitForwards(name: string): void {
    const pond = this.ponds.get(name);
    const connected = pond !== undefined && [...pond.members.values()].some((link) => link.active);
    const forwards = connected ? this.readyForwards(name) : [];
    const key = JSON.stringify({ forwards, connected });
    const previous = this.lastForwards.get(name);
    if (previous === key || (previous === undefined && !connected)) return;
    if (connected) this.lastForwards.set(name, key);
    else this.lastForwards.delete(name);
    this.options.onForwardsChanged?.({ pond: name, forwards, connected });
  }
}
