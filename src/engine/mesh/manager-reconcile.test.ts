import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberHealth } from './health';
import { MeshManager, type ForwardsChange } from './manager';
import { inMemoryPortMemory, PortAllocator } from './port-allocator';
import { exchange } from './testing/services';
import type { Sshd } from './testing/sshd';
import { useTwoSshds } from './testing/shared-servers';
import { until } from './testing/wait';
import type { MeshMember, SshTarget } from './types';

const mesh = useTwoSshds('mesh-reconcile-', { services: ['web-1', 'web-2', 'api-1', 'db-1'], rangeSize: 32 });
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function target(sshd: Sshd, name: string): SshTarget {
  return {
    host: '127.0.0.1',
    port: sshd.port,
    fallbackPorts: [],
    user: mesh.sshdA.user,
    auth: { kind: 'key', keyPath: mesh.sshdA.clientKeyPath },
    knownHostsPath: path.join(mesh.dir, `known_hosts_${name}_${sshd.port}`),
  };
}

function member(name: string, ports: number[], options: { pending?: boolean; sshd?: Sshd; leaseID?: string } = {}): MeshMember {
  const base = { pond: 'alpha', name, leaseID: options.leaseID ?? `cbx_${name}`, provider: 'hetzner', origin: 'crabbox' as const, ports: [...ports].sort((a, b) => a - b) };
  if (options.pending) return { ...base, target: null, pending: true, targetProblem: 'ssh endpoint not yet recorded for this lease' };
  return { ...base, target: target(options.sshd ?? mesh.sshdA, name) };
}

/** A manager over a pond whose members the test changes, as crabbox changes claims. */
function makeManager(initial: MeshMember[]) {
  let members = initial;
  const changes: ForwardsChange[] = [];
  const logs: string[] = [];
  let broken: string | null = null;
  const manager = new MeshManager({
    resolveMembers: async () => members,
    liveMembers: async () => {
      if (broken) throw new Error(broken);
      return members;
    },
    allocator: new PortAllocator({ memory: inMemoryPortMemory(), ...mesh.range }),
    askPassphrase: async () => null,
    onForwardsChanged: (c) => changes.push(c),
    log: (m) => logs.push(m),
    tuning: { backoffBaseMs: 100, backoffMaxMs: 400 },
  });
  cleanups.push(() => manager.disconnectAll());
  return {
    manager,
    changes,
    logs,
    /** The pond changed: the live directory reports it. */
    change: (next: MeshMember[]) => {
      members = next;
      return manager.reconcile();
    },
    breakListing: (why: string | null) => {
      broken = why;
    },
  };
}

function state(manager: MeshManager, name: string): MemberHealth | undefined {
  return manager.status('alpha').ponds[0]?.members.find((m) => m.member === name);
}

function forwardPort(manager: MeshManager, name: string, remote: number): number | null {
  return state(manager, name)?.forwards.find((f) => f.remotePort === remote)?.localPort ?? null;
}

function ready(manager: MeshManager, name: string, remotes: number[]): boolean {
  const forwards = state(manager, name)?.forwards ?? [];
  return remotes.every((r) => forwards.some((f) => f.remotePort === r && f.state === 'ready'));
}

async function greeting(localPort: number): Promise<string> {
  return (await exchange(localPort, 'ping', 0)).toString().split('\n')[0]!;
}

const peers = (change: ForwardsChange | undefined) => change?.forwards.map((f) => `${f.peer}:${f.remotePort}`) ?? [];

describe('MeshManager follows the pond while connected', () => {
  it('holds a member without an address as waiting, not failed, then connects it on the same port once it has one', async () => {
    const { manager, change, changes } = makeManager([member('web', [mesh.servicePort('web-1')], { pending: true }), member('api', [mesh.servicePort('api-1')])]);
    const health = await manager.connect({ pond: 'alpha' });
    expect(health.members.find((m) => m.member === 'web')).toMatchObject({
      session: { state: 'waiting', detail: 'ssh endpoint not yet recorded for this lease' },
      forwards: [{ state: 'waiting', remotePort: mesh.servicePort('web-1') }],
    });
    const webLocal = forwardPort(manager, 'web', mesh.servicePort('web-1'));
    expect(webLocal).not.toBeNull();
    await until(() => ready(manager, 'api', [mesh.servicePort('api-1')]), 'api ready');
    await until(() => peers(changes.at(-1)).join() === `api:${mesh.servicePort('api-1')}`, 'only api in the files');
    await expect(exchange(webLocal!, 'x', 1)).rejects.toThrow();

    await change([member('web', [mesh.servicePort('web-1')]), member('api', [mesh.servicePort('api-1')])]);
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'web ready once its address is known');
    expect(forwardPort(manager, 'web', mesh.servicePort('web-1'))).toBe(webLocal);
    expect(await greeting(webLocal!)).toBe('web-1');
    await until(() => peers(changes.at(-1)).join() === `api:${mesh.servicePort('api-1')},web:${mesh.servicePort('web-1')}`, 'web in the files');
  });

  it('adds and removes forwards as the member exposes ports, rewriting the table', async () => {
    const { manager, change, changes } = makeManager([member('web', [mesh.servicePort('web-1')])]);
    await manager.connect({ pond: 'alpha' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'ready');
    const first = forwardPort(manager, 'web', mesh.servicePort('web-1'))!;

    await change([member('web', [mesh.servicePort('web-1'), mesh.servicePort('web-2')])]);
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1'), mesh.servicePort('web-2')]), 'the new port forwarded');
    expect(forwardPort(manager, 'web', mesh.servicePort('web-1'))).toBe(first);
    expect(await greeting(forwardPort(manager, 'web', mesh.servicePort('web-2'))!)).toBe('web-2');
    await until(() => peers(changes.at(-1)).length === 2, 'both in the files');

    await change([member('web', [mesh.servicePort('web-2')])]);
    expect(state(manager, 'web')?.forwards.map((f) => f.remotePort)).toEqual([mesh.servicePort('web-2')]);
    await expect(exchange(first, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
    await until(() => peers(changes.at(-1)).join() === `web:${mesh.servicePort('web-2')}`, 'the removed port gone from the files');
  });

  it('stops a member that left, connects one that joined, and lets the pond go when nothing is left', async () => {
    const { manager, change, changes } = makeManager([member('web', [mesh.servicePort('web-1')]), member('api', [mesh.servicePort('api-1')])]);
    await manager.connect({ pond: 'alpha' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]) && ready(manager, 'api', [mesh.servicePort('api-1')]), 'both ready');
    const apiLocal = forwardPort(manager, 'api', mesh.servicePort('api-1'))!;

    await change([member('web', [mesh.servicePort('web-1')]), member('db', [mesh.servicePort('db-1')])]);
    expect(state(manager, 'api')).toBeUndefined();
    await expect(exchange(apiLocal, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
    await until(() => ready(manager, 'db', [mesh.servicePort('db-1')]), 'db joined');
    expect(await greeting(forwardPort(manager, 'db', mesh.servicePort('db-1'))!)).toBe('db-1');
    await until(() => peers(changes.at(-1)).join() === `db:${mesh.servicePort('db-1')},web:${mesh.servicePort('web-1')}`, 'files follow');

    await change([]);
    expect(manager.status().ponds).toEqual([]);
    expect(changes.at(-1)).toEqual({ pond: 'alpha', forwards: [], connected: false });
  });

  it('treats a new lease under the same name as a member that left and one that joined', async () => {
    const { manager, change } = makeManager([member('web', [mesh.servicePort('web-1')], { leaseID: 'cbx_old' })]);
    await manager.connect({ pond: 'alpha' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'ready');
    await change([member('web', [mesh.servicePort('web-1')], { leaseID: 'cbx_new' })]);
    await until(() => state(manager, 'web')?.leaseID === 'cbx_new' && ready(manager, 'web', [mesh.servicePort('web-1')]), 'the new lease ready');
  });

  it('connects only what the user connected: a member connected alone does not pull in newcomers', async () => {
    const { manager, change } = makeManager([member('web', [mesh.servicePort('web-1')]), member('api', [mesh.servicePort('api-1')])]);
    await manager.connect({ pond: 'alpha', member: 'web' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'web ready');
    await change([member('web', [mesh.servicePort('web-1'), mesh.servicePort('web-2')]), member('api', [mesh.servicePort('api-1')]), member('db', [mesh.servicePort('db-1')])]);
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1'), mesh.servicePort('web-2')]), 'web follows its own ports');
    expect(state(manager, 'api')?.session).toEqual({ state: 'stopped' });
    expect(state(manager, 'db')?.session).toEqual({ state: 'stopped' });
    expect(state(manager, 'db')?.forwards).toEqual([]);
  });

  it('changes nothing while the members cannot be read, and says why', async () => {
    const { manager, change, logs, breakListing } = makeManager([member('web', [mesh.servicePort('web-1')])]);
    await manager.connect({ pond: 'alpha' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'ready');
    breakListing('the crabbox claims directory /c cannot be read (EACCES)');
    await change([]);
    expect(ready(manager, 'web', [mesh.servicePort('web-1')])).toBe(true);
    expect(logs).toEqual(['pond "alpha": the forwards cannot follow the pond\'s changes right now: the crabbox claims directory /c cannot be read (EACCES)']);
  });

  it('keeps a working connection when the address changes, and uses the new address when it drops', async () => {
    const { manager, change } = makeManager([member('web', [mesh.servicePort('web-1')], { sshd: mesh.sshdA })]);
    await manager.connect({ pond: 'alpha' });
    await until(() => ready(manager, 'web', [mesh.servicePort('web-1')]), 'ready');
    const local = forwardPort(manager, 'web', mesh.servicePort('web-1'))!;
    const inFlight = net.connect({ host: '127.0.0.1', port: local });
    // Reset once its session is lost (sshd A stops below).
    inFlight.on('error', () => {});
    cleanups.push(() => inFlight.destroy());
    await new Promise((r) => inFlight.once('data', r));

    await change([member('web', [mesh.servicePort('web-1')], { sshd: mesh.sshdB })]);
    expect(state(manager, 'web')?.session).toMatchObject({ state: 'ready', port: mesh.sshdA.port });
    const answer = new Promise<string>((resolve) => inFlight.once('data', (d: Buffer) => resolve(d.toString())));
    inFlight.write('still here');
    expect(await answer).toBe('still here');

    await mesh.sshdA.stop();
    cleanups.push(() => mesh.sshdA.restart());
    await until(() => state(manager, 'web')?.session.state === 'ready' && state(manager, 'web')?.target?.port === mesh.sshdB.port, 'ready at the new address');
    expect(await greeting(local)).toBe('web-1');
  });
});
