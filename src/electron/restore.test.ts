import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localClient } from '../api/local-client';
import { createHandlers } from '../api/handlers';
import { createTestEngine, type TestEngine } from '../api/testing/test-engine';
import { FakeClock } from '../engine/mesh/testing/fake-clock';
import { findFreePortRange } from '../engine/mesh/testing/ports';
import { closedPort, startNamedEcho, type TestService } from '../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../engine/mesh/testing/sshd';
import { claimsDir } from '../lib/paths';
import { tempDir } from '../lib/testing/temp-dir';
import { restoreLine, restoreNotice, StartupRestore, type RestoreDeps } from './restore';

let sshd: Sshd;
let web: TestService;
let sshdDir: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'restore-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  web = await startNamedEcho('web');
});

afterAll(async () => {
  await sshd.stop();
  await web.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function engine(before?: (t: { root: string }) => void): Promise<TestEngine> {
  const root = tempDir('restore-');
  before?.({ root });
  const t = createTestEngine({ root, mesh: { portRange: await findFreePortRange(6), tuning: { maxFailures: 1 } } });
  cleanups.push(() => t.dispose());
  await t.engine.start();
  return t;
}

async function host(t: TestEngine, pond: string, slug: string, port: number, expose: number[]): Promise<void> {
  const added = await t.call('hosts:add', { pond, slug, host: '127.0.0.1', port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: expose.map(String) });
  expect(added).toMatchObject({ result: { ok: true } });
}

function restorer(t: TestEngine, options: Partial<Pick<RestoreDeps, 'timers' | 'settleMs'>> = {}) {
  const logs: string[] = [];
  const restore = new StartupRestore({
    call: localClient(createHandlers(t.engine), new AbortController().signal),
    onHealth: (listener) => t.engine.bus.subscribe((event) => event === 'mesh:health' && listener()),
    timers: options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    settleMs: options.settleMs ?? 60_000,
    log: (m) => logs.push(m),
  });
  return { restore, logs };
}

describe('StartupRestore', () => {
  it('reconnects each pond, tells a pond with a member down and one that is gone, and turns the gone one off once', async () => {
    const t = await engine();
    await host(t, 'alpha', 'web', sshd.port, [web.port]);
    await host(t, 'beta', 'web', sshd.port, [web.port]);
    await host(t, 'beta', 'db', await closedPort(), [5432]);
    t.engine.settings.set('restoreOnStart', ['alpha', 'beta', 'gone']);
    const { restore, logs } = restorer(t);

    const running = restore.run(['alpha', 'beta', 'gone']);
    expect(restore.state).toEqual({ phase: 'running', ponds: ['alpha', 'beta', 'gone'] });
    expect(restore.restoring('beta')).toBe(true);
    expect(restoreLine(restore.state)).toBe('Reconnecting 3 ponds from last time…');
    const outcomes = await running;

    expect(outcomes).toEqual([
      { pond: 'alpha', result: 'connected' },
      { pond: 'beta', result: 'trouble', problems: [expect.stringMatching(/^db — /)] },
      { pond: 'gone', result: 'gone' },
    ]);
    expect(restore.restoring('beta')).toBe(false);
    expect(t.engine.mesh.status('alpha').ponds[0]?.members[0]?.session.state).toBe('ready');
    expect(t.engine.settings.get('restoreOnStart')).toEqual(['alpha', 'beta']);
    expect(restoreLine(restore.state)).toBe('At start: alpha reconnected · beta not fully up · gone no longer exists');
    expect(logs).toContain('restore: "gone" no longer exists; it will not be reconnected at start any more');

    // The next start reports the gone pond no more.
    const again = restorer(t);
    expect((await again.restore.run(t.engine.settings.get('restoreOnStart'))).map((o) => o.pond)).toEqual(['alpha', 'beta']);
  });

  it('says why a pond could not be connected at all', async () => {
    const t = await engine();
    await host(t, 'alpha', 'web', sshd.port, []);
    const { restore } = restorer(t);
    expect(await restore.run(['alpha'])).toEqual([{ pond: 'alpha', result: 'failed', problem: 'pond "alpha" has no members with exposed ports to connect' }]);
  });

  it('keeps the switch of a pond it cannot see while the claims cannot be read', async () => {
    const t = await engine(({ root }) => {
      const dir = claimsDir({ platform: 'linux', env: { HOME: path.join(root, 'home'), XDG_STATE_HOME: path.join(root, 'state') }, home: path.join(root, 'home') });
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      fs.writeFileSync(dir, 'not a directory');
    });
    t.engine.settings.set('restoreOnStart', ['crabbox-pond']);
    const { restore } = restorer(t);
    expect(await restore.run(['crabbox-pond'])).toMatchObject([{ pond: 'crabbox-pond', result: 'failed' }]);
    expect(t.engine.settings.get('restoreOnStart')).toEqual(['crabbox-pond']);
  });

  it('reports what there is once the wait is over, when a member has not finished its first try', async () => {
    // A server that accepts and never speaks: the SSH handshake waits for its own timeout.
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const t = await engine();
    await host(t, 'alpha', 'web', (silent.address() as net.AddressInfo).port, [web.port]);
    const clock = new FakeClock();
    const { restore } = restorer(t, { timers: clock.timers, settleMs: 30_000 });
    const running = restore.run(['alpha']);
    await expect.poll(() => clock.pendingDelays()).toEqual([30_000]);
    clock.advance(30_000);
    expect(await running).toEqual([{ pond: 'alpha', result: 'trouble', problems: ['web — connecting'] }]);
  });
});

describe('restoreLine and restoreNotice', () => {
  it('say nothing when there was nothing to restore, or everything came back', () => {
    expect(restoreLine({ phase: 'idle' })).toBeNull();
    expect(restoreLine({ phase: 'done', outcomes: [] })).toBeNull();
    expect(restoreLine({ phase: 'running', ponds: ['alpha'] })).toBe('Reconnecting alpha from last time…');
    expect(restoreLine({ phase: 'done', outcomes: [{ pond: 'alpha', result: 'connected' }, { pond: 'beta', result: 'connected' }] })).toBe('At start: alpha, beta reconnected');
    expect(restoreNotice([{ pond: 'alpha', result: 'connected' }])).toBeNull();
  });

  it('give one notice for every pond that did not come back whole', () => {
    expect(
      restoreNotice([
        { pond: 'alpha', result: 'connected' },
        { pond: 'beta', result: 'trouble', problems: ['db — gave up reconnecting'] },
        { pond: 'gamma', result: 'failed', problem: 'pond "gamma" has no members with exposed ports to connect' },
        { pond: 'delta', result: 'gone' },
      ]),
    ).toEqual({
      pond: 'beta',
      title: '3 ponds did not come back at start',
      body:
        'beta: db — gave up reconnecting. gamma: pond "gamma" has no members with exposed ports to connect. ' +
        'delta no longer exists; it will not be reconnected at start any more. Open Pond Desktop to see why and what to do.',
    });
    expect(restoreNotice([{ pond: 'delta', result: 'gone' }])?.title).toBe('Pond delta did not come back at start');
    expect(restoreLine({ phase: 'done', outcomes: [{ pond: 'a', result: 'gone' }, { pond: 'b', result: 'gone' }] })).toBe('At start: a, b no longer exist');
  });
});
