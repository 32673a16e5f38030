import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataPlane } from './data-plane/data-plane';
import type { SessionHealth } from './health';
import { backoffDelay, DEFAULT_TUNING, MemberSession, systemClock, type MeshClock, type SessionTuning } from './session';
import { KeyRing } from './session-keys';
import { echoThroughChannel } from './testing/channel-echo';
import { FakeClock } from './testing/fake-clock';
import { generateKey, type TestKey } from './testing/keys';
import { startProxy } from './testing/proxy';
import { closedPort, startEcho, type TestService } from './testing/services';
import { startSsh2Server, type TestSsh2Server } from './testing/ssh2-server';
import { until } from './testing/wait';
import type { MeshMember, SshTarget } from './types';

let dir: string;
let hostKey: TestKey;
let clientKey: TestKey;
let server: TestSsh2Server;
let echo: TestService;
const cleanups: Array<() => unknown> = [];
const plane = new DataPlane(1);
/** The sessions' data-plane thread. */
const lane = plane.lane();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'session-'));
  hostKey = generateKey(dir, 'host_key');
  clientKey = generateKey(dir, 'client_key');
  server = await startSsh2Server({ hostKey, authorized: [clientKey] });
  echo = await startEcho();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

afterAll(async () => {
  await plane.close();
  await server.stop();
  await echo.stop();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function makeSession(
  port: number,
  options: { clock?: MeshClock; tuning?: Partial<SessionTuning>; fallbackPorts?: number[]; key?: TestKey } = {},
): { session: MemberSession; states: SessionHealth[] } {
  counter += 1;
  const target: SshTarget = {
    host: '127.0.0.1',
    port,
    fallbackPorts: options.fallbackPorts ?? [],
    user: 'tester',
    auth: { kind: 'key', keyPath: (options.key ?? clientKey).privatePath },
    knownHostsPath: path.join(dir, `known_hosts_${counter}`),
  };
  const member: MeshMember & { target: SshTarget } = {
    pond: 'alpha',
    name: `web${counter}`,
    leaseID: `cbx_${counter}`,
    provider: 'hetzner',
    origin: 'crabbox',
    target,
    ports: [echo.port],
  };
  const states: SessionHealth[] = [];
  const session = new MemberSession(member, {
    clock: options.clock ?? systemClock,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
    keys: new KeyRing(),
    askPassphrase: async () => null,
    lane,
    onChange: (h) => states.push(h),
  });
  cleanups.push(() => session.stop());
  return { session, states };
}

function echoThrough(session: MemberSession, text: string): Promise<string> {
  return echoThroughChannel(lane, session.openChannel(echo.port, 0), text);
}

function retryAt(session: MemberSession): number | null {
  const h = session.health;
  return h.state === 'connecting' || h.state === 'reconnecting' ? h.retryAt : null;
}

describe('backoffDelay', () => {
  it('starts at 1 s, doubles, stops at 30 s and jitters by ±20 %', () => {
    const mid = [1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, () => 0.5, DEFAULT_TUNING));
    expect(mid).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(1, () => 0, DEFAULT_TUNING)).toBe(800);
    expect(backoffDelay(1, () => 1, DEFAULT_TUNING)).toBe(1200);
    expect(backoffDelay(50, () => 1, DEFAULT_TUNING)).toBe(36000);
  });
});

describe('MemberSession', () => {
  it('connects, trusts the host key on first use, and carries channels', async () => {
    const { session, states } = makeSession(server.port);
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    expect(states[0]).toEqual({ state: 'connecting', attempt: 1, retryAt: null, lastError: null });
    expect(session.health).toMatchObject({ state: 'ready', port: server.port });
    expect(await echoThrough(session, 'hello')).toBe('hello');
  });

  it('backs off 1, 2, 4, 8, 16, 30… s and fails after 10 attempts in a row, then Retry starts over', async () => {
    const clock = new FakeClock();
    const { session } = makeSession(await closedPort(), { clock });
    session.start();
    const delays: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      await until(() => retryAt(session) !== null, `retry ${i + 1} scheduled`);
      delays.push(retryAt(session)! - clock.now());
      clock.advance(retryAt(session)! - clock.now());
    }
    await until(() => session.health.state === 'failed', 'failed');
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    const failed = session.health;
    expect(failed).toMatchObject({ state: 'failed', reason: 'retries-exhausted', hostKey: null });
    expect(failed.state === 'failed' && failed.lastError).toMatch(/connection refused \(gave up after 10 attempts in a row; checking about once a minute whether the server is back\)$/);
    await expect(session.openChannel(80, 0)).rejects.toThrow(/is not connected: .*connection refused/);
    // Nothing retries any more but the reachability check a minute out (and the sleep watchdog).
    expect(clock.pendingDelays().filter((d) => d > DEFAULT_TUNING.sleepCheckMs)).toEqual([60_000]);

    session.retry();
    expect(session.health).toMatchObject({ state: 'connecting', attempt: 1 });
    await until(() => retryAt(session) !== null, 'retry after Retry');
    expect(retryAt(session)! - clock.now()).toBe(1000);
  });

  it('having given up, checks about once a minute whether the server is back and reconnects by itself', async () => {
    const clock = new FakeClock();
    const port = await closedPort();
    const { session, states } = makeSession(port, { clock, tuning: { maxFailures: 2, backoffBaseMs: 1_000, recheckMs: 60_000 } });
    session.start();
    await until(() => retryAt(session) !== null, 'first failure');
    clock.advance(1_000);
    await until(() => session.health.state === 'failed', 'gave up');
    const recheck = () => clock.pendingDelays().filter((d) => d > DEFAULT_TUNING.sleepCheckMs);
    expect(recheck()).toEqual([60_000]);

    // Still nobody home: the check fails without a word and the next one is a minute out.
    const attemptsBefore = states.length;
    clock.advance(60_000);
    await until(() => recheck()[0] === 60_000, 'the next check scheduled');
    expect(recheck()).toEqual([60_000]);
    expect(states.length).toBe(attemptsBefore);

    const back = await startProxy(server.port, { port });
    cleanups.push(() => back.stop());
    clock.advance(60_000);
    await until(() => session.health.state === 'ready', 'ready again on its own');
    expect(await echoThrough(session, 'back')).toBe('back');
  });

  it('having given up, checks at once when the clock jumps (the machine woke up)', async () => {
    const clock = new FakeClock();
    const port = await closedPort();
    const { session } = makeSession(port, { clock, tuning: { maxFailures: 1, recheckMs: 60_000 } });
    session.start();
    await until(() => session.health.state === 'failed', 'gave up');
    const back = await startProxy(server.port, { port });
    cleanups.push(() => back.stop());
    clock.jump(600_000);
    clock.advance(DEFAULT_TUNING.sleepCheckMs);
    await until(() => session.health.state === 'ready', 'ready after waking up');
  });

  it('falls back to the next port and says which ports failed', async () => {
    const first = await closedPort();
    const { session } = makeSession(first, { fallbackPorts: [server.port] });
    session.start();
    await until(() => session.health.state === 'ready', 'ready on the fallback port');
    expect(session.health).toMatchObject({ state: 'ready', port: server.port });

    const clock = new FakeClock();
    const second = await closedPort();
    const failing = makeSession(first, { clock, fallbackPorts: [second] });
    failing.session.start();
    await until(() => retryAt(failing.session) !== null, 'first failure');
    expect(failing.session.health).toMatchObject({
      state: 'connecting',
      lastError: `127.0.0.1:${first}: connection refused; 127.0.0.1:${second}: connection refused`,
    });
  });

  it('reports an authentication failure in words and keeps retrying', async () => {
    const stranger = generateKey(dir, `stranger_${Date.now()}`);
    const clock = new FakeClock();
    const { session } = makeSession(server.port, { clock, key: stranger });
    session.start();
    await until(() => retryAt(session) !== null, 'auth failure');
    const h = session.health;
    expect(h.state === 'connecting' && h.lastError).toBe(`127.0.0.1:${server.port}: authentication failed: tester@127.0.0.1 did not accept the key ${stranger.privatePath}`);
  });

  it('fails at once, without retrying, when the key file is missing', async () => {
    const clock = new FakeClock();
    const { session } = makeSession(server.port, { clock, key: { ...clientKey, privatePath: path.join(dir, 'nope') } });
    session.start();
    await until(() => session.health.state === 'failed', 'failed');
    expect(session.health).toMatchObject({ state: 'failed', reason: 'key-unusable', lastError: `cannot read SSH key ${path.join(dir, 'nope')}: the file does not exist` });
  });

  it('notices a silent server by keepalive, reconnects when the network is back', async () => {
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.stop());
    const { session, states } = makeSession(proxy.port, {
      tuning: { keepaliveIntervalMs: 100, keepaliveCountMax: 2, readyTimeoutMs: 1000, backoffBaseMs: 50, backoffMaxMs: 200 },
    });
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    proxy.blackhole();
    await until(() => session.health.state === 'reconnecting', 'reconnecting');
    const reconnecting = states.find((s) => s.state === 'reconnecting');
    expect(reconnecting).toMatchObject({ state: 'reconnecting', lastError: 'the server stopped answering (no reply to 2 keepalives 0.1 s apart)' });
    await until(() => states.some((s) => s.state === 'reconnecting' && /no SSH handshake within 1 s/.test(s.lastError)), `a timed-out attempt in ${JSON.stringify(states)}`);
    proxy.restore();
    await until(() => session.health.state === 'ready', 'ready again');
    expect(await echoThrough(session, 'back')).toBe('back');
  });

  it('after the clock jumps (sleep), drops a dead connection at once and reconnects', async () => {
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.stop());
    const clock = new FakeClock();
    const { session, states } = makeSession(proxy.port, { clock, tuning: { keepaliveIntervalMs: 600_000 } });
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    const firstSince = session.health.state === 'ready' ? session.health.since : 0;

    clock.jump(120_000);
    expect(clock.pendingDelays()).toEqual([5_000]);
    clock.advance(5_000);
    // The watchdog noticed the jump: its next tick and the wake-up check's deadline are pending.
    expect(clock.pendingDelays()).toEqual([5_000, 5_000]);
    await until(() => clock.pendingDelays().length === 1, 'the server to answer the wake-up check');
    clock.advance(5_000);
    expect(session.health).toMatchObject({ state: 'ready', since: firstSince });

    proxy.blackhole();
    proxy.restore();
    clock.jump(120_000);
    clock.advance(5_000);
    clock.advance(5_000);
    await until(() => states.some((s) => s.state === 'reconnecting'), 'reconnecting');
    expect(states.find((s) => s.state === 'reconnecting')).toMatchObject({
      lastError: 'no answer from the server within 5 s after the computer woke up',
    });
    await until(() => session.health.state === 'ready', 'ready again');
    expect(await echoThrough(session, 'awake')).toBe('awake');
  });

  it('after the clock jumps while waiting to retry, retries immediately', async () => {
    const clock = new FakeClock();
    const { session, states } = makeSession(await closedPort(), { clock, tuning: { backoffBaseMs: 20_000 } });
    session.start();
    await until(() => retryAt(session) !== null, 'first failure');
    const at = retryAt(session)!;
    clock.jump(60_000);
    clock.advance(5_000);
    await until(() => states.filter((s) => s.state === 'connecting' && s.retryAt === null).length === 2, 'second attempt');
    expect(clock.now()).toBeLessThan(at + 60_000);
  });

  it('holds new channels while reconnecting, bounded by channelWaitMs', async () => {
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.stop());
    proxy.blackhole();
    const clock = new FakeClock();
    const { session } = makeSession(proxy.port, { clock, tuning: { readyTimeoutMs: 300, backoffBaseMs: 15_000, jitter: 0 } });
    session.start();
    await until(() => retryAt(session) !== null, 'handshake timeout');

    const refused = session.openChannel(echo.port, 0);
    clock.advance(10_000);
    await expect(refused).rejects.toThrow(/did not come back within 10 s/);

    const waiting = echoThrough(session, 'waited');
    proxy.restore();
    clock.advance(5_000);
    expect(await waiting).toBe('waited');
  });

  it('gives up on a channel after channelWaitMs when the connection went silent before its keepalive noticed', async () => {
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.stop());
    const clock = new FakeClock();
    const { session } = makeSession(proxy.port, { clock, tuning: { keepaliveIntervalMs: 600_000 } });
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    proxy.blackhole();
    const silent = session.openChannel(echo.port, 0);
    let failure: Error | null = null;
    silent.catch((error: Error) => (failure = error));
    clock.advance(9_999);
    await Promise.resolve();
    expect(failure).toBeNull();
    clock.advance(1);
    await expect(silent).rejects.toThrow(`${session.member.name} did not open a channel within 10 s; its SSH connection may be dead`);
  });

  it('never reconnects a session the user stopped', async () => {
    const { session, states } = makeSession(server.port);
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    const before = server.connections();
    session.stop();
    server.dropClients();
    await until(() => server.openConnections() === 0, 'the server to see the connection closed');
    expect(session.health).toEqual({ state: 'stopped' });
    expect(server.connections()).toBe(before);
    expect(states.at(-1)).toEqual({ state: 'stopped' });
    await expect(session.openChannel(echo.port, 0)).rejects.toThrow(/is disconnected/);
  });
});
