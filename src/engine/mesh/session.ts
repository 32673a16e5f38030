/**
 * One SSH connection per pond member, carrying all of that member's forwards.
 *
 * The session keeps itself up: when the connection drops (server gone, network gone,
 * keepalive timeout, laptop resumed from sleep) it reconnects with exponential backoff
 * (1 s doubling to 30 s, with jitter) and gives up after 10 failures in a row. Having
 * given up it still checks about once a minute (a TCP connect to the SSH port, nothing
 * more) whether the server is back, and starts over by itself when it answers. Forwards
 * keep their listeners meanwhile; new local connections wait a bounded time for the
 * session or are refused at once when it has failed or was switched off. A session the
 * user stopped never reconnects. Clock, timers and randomness are injected so the schedule
 * is testable without waiting.
 *
 * The session decides here, on the owner's main thread; its SSH connection and channels
 * live in the member's data-plane worker (data-plane/), reached through its lane. Host keys
 * are checked and known_hosts written here, and the unlocked key signs here.
 */
import type { Algorithms, ParsedKey } from 'ssh2';
import type { Lane } from './data-plane/data-plane';
import type { PlaneAuth } from './data-plane/protocol';
import type { ChannelOpenError, RemoteChannel, RemoteConnection } from './data-plane/remote-connection';
import type { FailureReason, HostKeyMismatch, SessionHealth } from './health';
import { checkHostKey, hostKeyAlgorithmsFor, readKnownHosts, trustHostKey } from './known-hosts';
import type { AskPassphrase, KeyRing } from './session-keys';
import type { MeshMember, SshTarget } from './types';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MeshClock {
  now(): number;
  timers: Timers;
  random(): number;
}

export const systemClock: MeshClock = {
  now: () => Date.now(),
  timers: {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  },
  random: () => Math.random(),
};

export interface SessionTuning {
  /** TCP connect timeout per port (OpenSSH ConnectTimeout=10). */
  connectTimeoutMs: number;
  /** SSH handshake + auth timeout (ssh2 readyTimeout). */
  readyTimeoutMs: number;
  /** ServerAliveInterval=15 × ServerAliveCountMax=2. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** ± fraction applied to each backoff delay. */
  jitter: number;
  /** Consecutive failed attempts before the session is `failed`. */
  maxFailures: number;
  /** Having given up, how often (± jitter) a TCP connect checks whether the server is back. */
  recheckMs: number;
  /** How long a new local connection waits for its channel: for a session coming back, or a server that does not answer. */
  channelWaitMs: number;
  /** Sleep detection: the clock is checked this often … */
  sleepCheckMs: number;
  /** … and a jump this much beyond the check interval means the machine slept. */
  sleepJumpMs: number;
  /** After a resume, a connection that does not answer within this is dropped. */
  livenessTimeoutMs: number;
  /** ssh2 algorithm overrides (e.g. the benchmark pins the cipher). */
  algorithms?: Algorithms;
}

export const DEFAULT_TUNING: SessionTuning = {
  connectTimeoutMs: 10_000,
  readyTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 2,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  jitter: 0.2,
  maxFailures: 10,
  recheckMs: 60_000,
  channelWaitMs: 10_000,
  sleepCheckMs: 5_000,
  sleepJumpMs: 15_000,
  livenessTimeoutMs: 5_000,
};

/** Delay before the next attempt after `failures` failed ones (1 → base, doubling, capped, jittered). */
export function backoffDelay(failures: number, random: () => number, tuning: Pick<SessionTuning, 'backoffBaseMs' | 'backoffMaxMs' | 'jitter'>): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(tuning.backoffMaxMs, tuning.backoffBaseMs * 2 ** exponent);
  return Math.round(base * (1 - tuning.jitter + 2 * tuning.jitter * random()));
}

/** Why a local connection could not get a channel. */
export class ChannelError extends Error {
  constructor(
    readonly kind: 'remote-closed' | 'refused-by-server' | 'session-unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface SessionDeps {
  clock: MeshClock;
  tuning: SessionTuning;
  keys: KeyRing;
  askPassphrase: AskPassphrase;
  /** Where the member's connection lives: its data-plane thread. */
  lane: Lane;
  onChange(health: SessionHealth): void;
}

type Terminal = { reason: FailureReason; hostKey: HostKeyMismatch | null };
type Attempt = { ok: true; client: RemoteConnection; port: number } | { ok: false; error: string; terminal: Terminal | null };
type AuthConfig = { privateKey: ParsedKey } | { agent: string };

interface Waiter {
  resolve(client: RemoteConnection): void;
  reject(error: ChannelError): void;
  timer: unknown;
}

function describeSocketError(error: NodeJS.ErrnoException, host: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${host} not found`;
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EPIPE':
      return 'connection broken';
    default:
      return error.message;
  }
}

function describeSshError(error: Error & { level?: string; code?: string }, host: string, target: SshTarget, tuning: SessionTuning): string {
  if (error.level === 'client-authentication') {
    const what = target.auth.kind === 'key' ? `the key ${target.auth.keyPath}` : `the keys in ssh-agent (${target.auth.socket})`;
    return `authentication failed: ${target.user}@${host} did not accept ${what}`;
  }
  if (/Timed out while waiting for handshake/.test(error.message)) return `no SSH handshake within ${tuning.readyTimeoutMs / 1000} s`;
  if (/Keepalive timeout/.test(error.message)) {
    return `the server stopped answering (no reply to ${tuning.keepaliveCountMax} keepalives ${tuning.keepaliveIntervalMs / 1000} s apart)`;
  }
  if (error.code) return describeSocketError(error as NodeJS.ErrnoException, host);
  if (/agent/i.test(error.message)) return `ssh-agent at ${target.auth.kind === 'agent' ? target.auth.socket : '?'}: ${error.message}`;
  return error.message;
}

export class MemberSession {
  private state: SessionHealth = { state: 'stopped' };
  private client: RemoteConnection | null = null;
  /** Bumped by stop/start so callbacks from an abandoned attempt are ignored. */
  private generation = 0;
  private failures = 0;
  private everReady = false;
  private lastError: string | null = null;
  private lastGoodPort: number | null = null;
  private retryTimer: unknown = null;
  private recheckTimer: unknown = null;
  private watchdog: unknown = null;
  private lastTick = 0;
  private attempting = false;
  private readonly waiters = new Set<Waiter>();

  constructor(
    readonly member: MeshMember & { target: SshTarget },
    private readonly deps: SessionDeps,
  ) {}

  get health(): SessionHealth {
    return this.state;
  }

  /** Starts connecting unless already connected or on the way. */
  start(): void {
    if (this.state.state === 'connecting' || this.state.state === 'ready' || this.state.state === 'reconnecting') return;
    this.generation += 1;
    this.failures = 0;
    this.everReady = false;
    this.lastError = null;
    this.clearRecheck();
    this.startWatchdog();
    void this.attempt();
  }

  /** The user switched this member off: close, never reconnect, refuse waiting connections. */
  stop(): void {
    if (this.state.state === 'stopped') return;
    this.generation += 1;
    this.attempting = false;
    this.clearRetry();
    this.clearRecheck();
    this.stopWatchdog();
    this.closeClient();
    this.setState({ state: 'stopped' });
    this.rejectWaiters('session-unavailable', `${this.member.name} is disconnected`);
  }

  /** Tries again now, with a fresh failure count. */
  retry(): void {
    if (this.state.state === 'failed' || this.state.state === 'stopped') {
      this.start();
      return;
    }
    if (this.state.state === 'ready' || this.attempting) return;
    this.clearRetry();
    this.failures = 0;
    void this.attempt();
  }

  /**
   * The computer woke up or the network came back: a member that gave up reconnecting
   * starts over, a pending retry happens now, and a connection that looks alive is checked.
   * Failures only the user can resolve (a changed host key, an unusable key) stay failed.
   */
  wake(): void {
    if (this.state.state === 'failed') {
      if (this.state.reason === 'retries-exhausted') this.start();
      return;
    }
    this.onResume();
  }

  /**
   * A channel to `127.0.0.1:<remotePort>` on the member, waiting for the session if it is
   * coming back. The whole wait is bounded by channelWaitMs, also on a connection that
   * went silent but whose keepalive has not failed yet (the server never answers the open).
   */
  async openChannel(remotePort: number, sourcePort: number): Promise<RemoteChannel> {
    const { clock, tuning } = this.deps;
    const deadline = clock.now() + tuning.channelWaitMs;
    const client = await this.whenReady();
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = clock.timers.setTimeout(() => {
        settled = true;
        reject(new ChannelError('session-unavailable', `${this.member.name} did not open a channel within ${tuning.channelWaitMs / 1000} s; its SSH connection may be dead`));
      }, Math.max(0, deadline - clock.now()));
      const settle = () => {
        settled = true;
        clock.timers.clearTimeout(timer);
      };
      client.forwardOut(sourcePort, remotePort).then(
        (channel) => {
          if (settled) {
            channel.close();
            return;
          }
          settle();
          resolve(channel);
        },
        (error: ChannelOpenError) => {
          if (settled) return;
          settle();
          const { reason } = error;
          if (error.notConnected) {
            reject(new ChannelError('session-unavailable', `the SSH session to ${this.member.name} is not connected`));
          } else if (reason === 2) {
            reject(new ChannelError('remote-closed', `nothing listens on remote port ${remotePort} of ${this.member.name} (${error.message.replace(/^\(SSH\) Channel open failure: /, '').toLowerCase()})`));
          } else if (typeof reason === 'number') {
            reject(new ChannelError('refused-by-server', `${this.member.name} refused to forward port ${remotePort}: ${error.message} (is AllowTcpForwarding off?)`));
          } else {
            reject(new ChannelError('session-unavailable', `the SSH session to ${this.member.name} closed while opening a channel`));
          }
        },
      );
    });
  }

  private whenReady(): Promise<RemoteConnection> {
    if (this.state.state === 'ready' && this.client) return Promise.resolve(this.client);
    if (this.state.state === 'failed') {
      return Promise.reject(new ChannelError('session-unavailable', `${this.member.name} is not connected: ${this.state.lastError}`));
    }
    if (this.state.state === 'stopped') {
      return Promise.reject(new ChannelError('session-unavailable', `${this.member.name} is disconnected`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: this.deps.clock.timers.setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ChannelError('session-unavailable', `the SSH session to ${this.member.name} did not come back within ${this.deps.tuning.channelWaitMs / 1000} s`));
        }, this.deps.tuning.channelWaitMs),
      };
      this.waiters.add(waiter);
    });
  }

  private rejectWaiters(kind: ChannelError['kind'], message: string): void {
    for (const waiter of this.waiters) {
      this.deps.clock.timers.clearTimeout(waiter.timer);
      waiter.reject(new ChannelError(kind, message));
    }
    this.waiters.clear();
  }

  private setState(next: SessionHealth): void {
    this.state = next;
    this.deps.onChange(next);
  }

  private progressState(retryAt: number | null): SessionHealth {
    const attempt = this.failures + (retryAt === null ? 1 : 0);
    if (this.everReady) return { state: 'reconnecting', attempt, retryAt, lastError: this.lastError ?? 'the connection closed' };
    return { state: 'connecting', attempt, retryAt, lastError: this.lastError };
  }

  private async attempt(): Promise<void> {
    const generation = this.generation;
    this.retryTimer = null;
    this.attempting = true;
    this.setState(this.progressState(null));
    const result = await this.connectOnce(generation);
    if (generation !== this.generation) {
      if (result.ok) result.client.end();
      return;
    }
    this.attempting = false;
    if (result.ok) {
      this.onReady(result.client, result.port, generation);
      return;
    }
    this.lastError = result.error;
    if (result.terminal) {
      this.fail(result.terminal.reason, result.error, result.terminal.hostKey);
      return;
    }
    this.failures += 1;
    if (this.failures >= this.deps.tuning.maxFailures) {
      this.fail('retries-exhausted', `${result.error} (gave up after ${this.failures} attempts in a row; checking about once a minute whether the server is back)`, null);
      this.scheduleRecheck(generation);
      return;
    }
    const delay = backoffDelay(this.failures, this.deps.clock.random, this.deps.tuning);
    this.setState(this.progressState(this.deps.clock.now() + delay));
    this.retryTimer = this.deps.clock.timers.setTimeout(() => void this.attempt(), delay);
  }

  private onReady(client: RemoteConnection, port: number, generation: number): void {
    this.client = client;
    this.lastGoodPort = port;
    this.failures = 0;
    this.everReady = true;
    this.lastError = null;
    client.on('error', (error: Error) => {
      this.lastError = describeSshError(error, this.member.target.host, this.member.target, this.deps.tuning);
    });
    client.once('close', () => this.onDrop(client, generation));
    this.setState({ state: 'ready', port, since: this.deps.clock.now() });
    for (const waiter of this.waiters) {
      this.deps.clock.timers.clearTimeout(waiter.timer);
      waiter.resolve(client);
    }
    this.waiters.clear();
  }

  private onDrop(client: RemoteConnection, generation: number): void {
    if (client !== this.client || generation !== this.generation) return;
    this.client = null;
    this.lastError ??= 'the server closed the connection';
    void this.attempt();
  }

  private fail(reason: FailureReason, error: string, hostKey: HostKeyMismatch | null): void {
    this.clearRetry();
    // A session that gave up keeps its sleep watchdog: waking up is a reason to check at once.
    if (reason !== 'retries-exhausted') this.stopWatchdog();
    this.closeClient();
    this.setState({ state: 'failed', reason, lastError: error, hostKey });
    this.rejectWaiters('session-unavailable', `${this.member.name} is not connected: ${error}`);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.deps.clock.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** The next reachability check of a session that gave up, about recheckMs from now. */
  private scheduleRecheck(generation: number): void {
    const { tuning, clock } = this.deps;
    const delay = Math.round(tuning.recheckMs * (1 - tuning.jitter + 2 * tuning.jitter * clock.random()));
    this.recheckTimer = clock.timers.setTimeout(() => void this.recheck(generation), delay);
  }

  /** One TCP connect per SSH port: when any answers, the session starts over; else the next check is scheduled. */
  private async recheck(generation: number): Promise<void> {
    this.recheckTimer = null;
    for (const port of this.candidatePorts()) {
      const tcp = await this.tcpConnect(this.member.target.host, port);
      if (generation !== this.generation) {
        if (tcp.ok) tcp.connection.destroy();
        return;
      }
      if (tcp.ok) {
        tcp.connection.destroy();
        this.start();
        return;
      }
    }
    this.scheduleRecheck(generation);
  }

  private clearRecheck(): void {
    if (this.recheckTimer !== null) this.deps.clock.timers.clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }

  /** The SSH ports to try, the one that worked last first. */
  private candidatePorts(): number[] {
    const { target } = this.member;
    return [...new Set([...(this.lastGoodPort !== null ? [this.lastGoodPort] : []), target.port, ...target.fallbackPorts])];
  }

  private closeClient(): void {
    const client = this.client;
    this.client = null;
    client?.end();
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    this.lastTick = this.deps.clock.now();
    const tick = () => {
      const now = this.deps.clock.now();
      const elapsed = now - this.lastTick;
      this.lastTick = now;
      this.watchdog = this.deps.clock.timers.setTimeout(tick, this.deps.tuning.sleepCheckMs);
      if (elapsed > this.deps.tuning.sleepCheckMs + this.deps.tuning.sleepJumpMs) this.onResume();
    };
    this.watchdog = this.deps.clock.timers.setTimeout(tick, this.deps.tuning.sleepCheckMs);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) this.deps.clock.timers.clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /**
   * The clock jumped: the machine slept. A connection that survived is kept (a channel-open
   * round trip proves it); a dead one is dropped now instead of after two keepalives, and a
   * pending retry happens immediately.
   */
  private onResume(): void {
    if (this.state.state === 'ready' && this.client) {
      const client = this.client;
      let answered = false;
      const timer = this.deps.clock.timers.setTimeout(() => {
        if (answered || client !== this.client) return;
        this.lastError = `no answer from the server within ${this.deps.tuning.livenessTimeoutMs / 1000} s after the computer woke up`;
        client.destroy();
      }, this.deps.tuning.livenessTimeoutMs);
      client.forwardOut(0, this.member.ports[0] ?? 22).then(
        (channel) => {
          answered = true;
          this.deps.clock.timers.clearTimeout(timer);
          channel.close();
        },
        (error: ChannelOpenError) => {
          this.deps.clock.timers.clearTimeout(timer);
          if (error.notConnected) client.destroy();
          else answered = true;
        },
      );
      return;
    }
    if (this.retryTimer !== null) {
      this.clearRetry();
      void this.attempt();
      return;
    }
    if (this.recheckTimer !== null) {
      this.clearRecheck();
      void this.recheck(this.generation);
    }
  }

  private async auth(): Promise<{ ok: true; auth: AuthConfig } | { ok: false; error: string }> {
    const { auth } = this.member.target;
    if (auth.kind === 'agent') return { ok: true, auth: { agent: auth.socket } };
    const loaded = await this.deps.keys.load(auth.keyPath, this.deps.askPassphrase);
    return loaded.ok ? { ok: true, auth: { privateKey: loaded.key } } : loaded;
  }

  private async connectOnce(generation: number): Promise<Attempt> {
    const auth = await this.auth();
    if (!auth.ok) return { ok: false, error: auth.error, terminal: { reason: 'key-unusable', hostKey: null } };
    const { target } = this.member;
    const errors: string[] = [];
    for (const port of this.candidatePorts()) {
      if (generation !== this.generation) return { ok: false, error: 'cancelled', terminal: null };
      const result = await this.tryPort(port, auth.auth);
      if (result.ok || result.terminal) return result;
      errors.push(`${target.host}:${port}: ${result.error}`);
    }
    return { ok: false, error: errors.join('; '), terminal: null };
  }

  private tcpConnect(host: string, port: number): Promise<{ ok: true; connection: RemoteConnection } | { ok: false; error: string }> {
    const connection = this.deps.lane.connection();
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = this.deps.clock.timers.setTimeout(() => {
        timedOut = true;
        connection.destroy();
        resolve({ ok: false, error: `no answer within ${this.deps.tuning.connectTimeoutMs / 1000} s` });
      }, this.deps.tuning.connectTimeoutMs);
      void connection.tcp(host, port).then((error) => {
        if (timedOut) return;
        this.deps.clock.timers.clearTimeout(timer);
        if (!error) {
          resolve({ ok: true, connection });
          return;
        }
        connection.destroy();
        resolve({ ok: false, error: describeSocketError(error, host) });
      });
    });
  }

  private async tryPort(port: number, auth: AuthConfig): Promise<Attempt> {
    const { target } = this.member;
    const tcp = await this.tcpConnect(target.host, port);
    if (!tcp.ok) return { ok: false, error: tcp.error, terminal: null };
    let knownText: string;
    try {
      knownText = await readKnownHosts(target.knownHostsPath);
    } catch (error) {
      tcp.connection.destroy();
      return { ok: false, error: (error as Error).message, terminal: null };
    }

    let terminal: Terminal | null = null;
    let hostKeyError: string | null = null;
    const verify = async (key: Buffer): Promise<boolean> => {
      const text = await readKnownHosts(target.knownHostsPath);
      const verdict = checkHostKey(text, target.host, port, key);
      switch (verdict.verdict) {
        case 'known':
          return true;
        case 'unknown':
          try {
            await trustHostKey(target.knownHostsPath, target.host, port, key);
            return true;
          } catch (error) {
            hostKeyError = `cannot record the host key in ${target.knownHostsPath}: ${(error as Error).message}`;
            return false;
          }
        case 'changed':
          terminal = {
            reason: 'host-key-changed',
            hostKey: {
              host: target.host,
              port,
              knownHostsPath: target.knownHostsPath,
              knownFingerprints: verdict.knownFingerprints,
              presentedFingerprint: verdict.presentedFingerprint,
              presentedType: verdict.presentedType,
            },
          };
          hostKeyError = `host key changed for ${target.host}:${port}: ${target.knownHostsPath} has ${verdict.knownFingerprints.join(', ')} but the server presented ${verdict.presentedFingerprint}; nothing will connect until the old key is removed`;
          return false;
        case 'revoked':
          terminal = { reason: 'host-key-revoked', hostKey: null };
          hostKeyError = `the host key of ${target.host}:${port} (${verdict.presentedFingerprint}) is marked @revoked in ${target.knownHostsPath}; refusing to connect`;
          return false;
      }
    };

    const planeAuth: PlaneAuth = 'privateKey' in auth ? { kind: 'key', publicKey: auth.privateKey.getPublicSSH() } : { kind: 'agent', socket: auth.agent };
    const sign = (data: Buffer, hash: string | null): Buffer => {
      if (!('privateKey' in auth)) throw new Error('ssh-agent signs for this member');
      // ssh2's typing says Buffer; a key that cannot sign returns an Error.
      const signature: Buffer | Error = auth.privateKey.sign(data, hash ?? undefined);
      if (signature instanceof Error) throw signature;
      return signature;
    };
    const client = tcp.connection;
    return new Promise<Attempt>((resolve) => {
      let lastError: (Error & { level?: string }) | null = null;
      let settled = false;
      const settle = (attempt: Attempt) => {
        if (settled) return;
        settled = true;
        client.removeListener('ready', onReady);
        client.removeListener('close', onClose);
        resolve(attempt);
      };
      const onReady = () => settle({ ok: true, client, port });
      const onClose = () => {
        const error = hostKeyError ?? (lastError ? describeSshError(lastError, target.host, target, this.deps.tuning) : 'the server closed the connection during the handshake');
        settle({ ok: false, error, terminal });
      };
      // The first error is the cause; ssh2 follows e.g. a handshake timeout with "connection lost".
      client.on('error', (error: Error) => {
        lastError ??= error;
      });
      client.once('ready', onReady);
      client.once('close', onClose);
      client.handshake(
        {
          host: target.host,
          port,
          username: target.user,
          auth: planeAuth,
          readyTimeout: this.deps.tuning.readyTimeoutMs,
          keepaliveInterval: this.deps.tuning.keepaliveIntervalMs,
          keepaliveCountMax: this.deps.tuning.keepaliveCountMax,
          algorithms: {
            ...this.deps.tuning.algorithms,
            serverHostKey: hostKeyAlgorithmsFor(knownText, target.host, port) as Algorithms['serverHostKey'],
          },
        },
        {
          verify: (key) =>
            verify(key).catch((error: Error) => {
              hostKeyError = error.message;
              return false;
            }),
          sign,
        },
      );
    });
  }
}
