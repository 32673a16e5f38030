import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PondConnectionChange } from './connection-changes';
import { MeshManager } from './manager';
import { inMemoryPortMemory, PortAllocator } from './port-allocator';
import type { SessionTuning } from './session';
import { FakeClock } from './testing/fake-clock';
import { generateKey } from './testing/keys';
import { findFreePortRange } from './testing/ports';
import { startNamedEcho, type TestService } from './testing/services';
import { startSshd, type Sshd } from './testing/sshd';
import { until } from './testing/wait';
import type { MeshMember } from './types';

let dir: string;
let echo: TestService;
let range: { min: number; max: number };
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-wake-'));
  echo = await startNamedEcho('web');
  range = await findFreePortRange(16);
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

afterAll(async () => {
  await echo.stop();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function sshdMember(name: string): Promise<{ sshd: Sshd; member: MeshMember }> {
  counter += 1;
  const sshd = await startSshd({ dir: path.join(dir, `${name}-${counter}`) });
  cleanups.push(() => sshd.stop());
  const member: MeshMember = {
    pond: 'alpha',
    name,
    leaseID: `cbx_${name}_${counter}`,
    provider: 'hetzner',
    origin: 'crabbox',
    target: {
      host: '127.0.0.1',
      port: sshd.port,
      fallbackPorts: [],
      user: sshd.user,
      auth: { kind: 'key', keyPath: sshd.clientKeyPath },
      knownHostsPath: path.join(dir, `known_hosts_${name}_${counter}`),
    },
    ports: [echo.port],
  };
  return { sshd, member };
}

/** The sessions run on a fake clock: a retry happens only when the test moves time, or on wake. */
function makeManager(members: MeshMember[], tuning: Partial<SessionTuning> = {}) {
  const changes: PondConnectionChange[] = [];
  const clock = new FakeClock();
  const manager = new MeshManager({
    resolveMembers: async () => members,
    allocator: new PortAllocator({ memory: inMemoryPortMemory(), ...range }),
    askPassphrase: async () => null,
    onConnection: (change) => changes.push(change),
    clock,
    tuning,
  });
  cleanups.push(() => manager.disconnectAll());
  return { manager, changes, clock };
}

function session(manager: MeshManager, name: string) {
  const found = manager.status('alpha').ponds[0]?.members.find((m) => m.member === name);
  if (!found) throw new Error(`no member ${name}`);
  return found.session;
}

function retryAt(manager: MeshManager, name: string): number | null {
  const s = session(manager, name);
  return s.state === 'reconnecting' || s.state === 'connecting' ? s.retryAt : null;
}

describe('MeshManager.wake against OpenSSH sshd', () => {
  it('starts a member that gave up over again, and reports each change of the pond once', async () => {
    const { sshd, member } = await sshdMember('web');
    const { manager, changes, clock } = makeManager([member], { maxFailures: 2 });
    await manager.connect({ pond: 'alpha' });
    await until(() => session(manager, 'web').state === 'ready', 'ready');
    await sshd.stop();
    while (session(manager, 'web').state !== 'failed') {
      await until(() => retryAt(manager, 'web') !== null || session(manager, 'web').state === 'failed', 'a retry scheduled, or giving up');
      const at = retryAt(manager, 'web');
      if (at !== null) clock.advance(at - clock.now());
    }
    expect(session(manager, 'web')).toMatchObject({ state: 'failed', reason: 'retries-exhausted' });
    // Given up, it only checks about once a minute whether the server is back.
    expect(clock.pendingDelays().some((ms) => ms >= 45_000 && ms <= 75_000)).toBe(true);

    await sshd.restart();
    manager.wake();
    await until(() => session(manager, 'web').state === 'ready', 'ready after wake');
    await until(() => changes.at(-1)?.connection === 'connected', 'connected reported');
    expect(changes.map((c) => `${c.previous}>${c.connection}`)).toEqual([
      'not-connected>connecting',
      'connecting>connected',
      'connected>reconnecting',
      'reconnecting>failed',
      'failed>connecting',
      'connecting>connected',
    ]);
    expect(changes[3]?.failed).toEqual([{ member: 'web', reason: 'retries-exhausted', lastError: expect.stringMatching(/connection refused/) }]);

    await manager.disconnect({ pond: 'alpha' });
    expect(changes.at(-1)).toMatchObject({ connection: 'not-connected', previous: 'connected', failed: [] });
  });

  it('makes a pending retry now instead of after its backoff, and leaves a changed host key failed', async () => {
    const web = await sshdMember('web');
    const api = await sshdMember('api');
    // The clock never moves: without wake the member would wait for its retry forever.
    const { manager } = makeManager([web.member, api.member]);
    await manager.connect({ pond: 'alpha' });
    await until(() => session(manager, 'web').state === 'ready' && session(manager, 'api').state === 'ready', 'both ready');

    await web.sshd.stop();
    await api.sshd.restart({ hostKey: generateKey(dir, `new_host_key_${counter}`).privatePath });
    await until(() => session(manager, 'web').state === 'reconnecting' && retryAt(manager, 'web') !== null, 'web waiting to retry');
    await web.sshd.restart();

    manager.wake();
    await until(() => session(manager, 'web').state === 'ready', 'web ready after wake');
    await until(() => session(manager, 'api').state === 'failed', 'api refuses the new host key');
    expect(session(manager, 'api')).toMatchObject({ state: 'failed', reason: 'host-key-changed' });
    manager.wake();
    expect(session(manager, 'api')).toMatchObject({ state: 'failed', reason: 'host-key-changed' });
  });
});
