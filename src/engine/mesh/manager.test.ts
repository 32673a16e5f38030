import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberHealth } from './health';
import { checkHostKey } from './known-hosts';
import { MeshManager, type ForwardsChange, type PassphraseRequest } from './manager';
import { inMemoryPortMemory, PortAllocator, type PortMemory } from './port-allocator';
import { startAgent } from './testing/agent';
import { generateKey } from './testing/keys';
import { startForeignListener } from './testing/listeners';
import { closedPort, exchange, greeting } from './testing/services';
import { useTwoSshds } from './testing/shared-servers';
import { until } from './testing/wait';
import type { MeshMember, SshAuth } from './types';

const mesh = useTwoSshds('mesh-manager-', { services: ['web-1', 'web-2', 'api-1', 'api-2', 'worker-1', 'worker-2', 'solo-1'], portCount: 3, rangeSize: 64 });
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

let counter = 0;
function member(pond: string, name: string, sshPort: number, ports: number[], options: { auth?: SshAuth; user?: string } = {}): MeshMember {
  counter += 1;
  return {
    pond,
    name,
    leaseID: `cbx_${name}_${counter}`,
    provider: 'hetzner',
    origin: 'crabbox',
    target: {
      host: '127.0.0.1',
      port: sshPort,
      fallbackPorts: [],
      user: options.user ?? mesh.sshdA.user,
      auth: options.auth ?? { kind: 'key', keyPath: mesh.sshdA.clientKeyPath },
      knownHostsPath: path.join(mesh.dir, `known_hosts_${pond}_${name}`),
    },
    ports: [...ports].sort((a, b) => a - b),
  };
}

function makeManager(members: MeshMember[], options: { memory?: PortMemory; askPassphrase?: (r: PassphraseRequest) => Promise<string | null> } = {}) {
  const health: MemberHealth[] = [];
  const changes: ForwardsChange[] = [];
  const manager = new MeshManager({
    resolveMembers: async (pond) => members.filter((m) => m.pond === pond),
    allocator: new PortAllocator({ memory: options.memory ?? inMemoryPortMemory(), ...mesh.range }),
    askPassphrase: options.askPassphrase ?? (async () => null),
    onHealth: (h) => health.push(h),
    onForwardsChanged: (c) => changes.push(c),
    tuning: { backoffBaseMs: 100, backoffMaxMs: 400 },
  });
  cleanups.push(() => manager.disconnectAll());
  return { manager, health, changes };
}

function memberState(manager: MeshManager, pond: string, name: string): MemberHealth {
  const found = manager.status(pond).ponds[0]?.members.find((m) => m.member === name);
  if (!found) throw new Error(`no member ${name} in ${pond}`);
  return found;
}

function localPort(manager: MeshManager, pond: string, name: string, remotePort: number): number {
  const forward = memberState(manager, pond, name).forwards.find((f) => f.remotePort === remotePort);
  if (!forward?.localPort) throw new Error(`no local port for ${name}:${remotePort}`);
  return forward.localPort;
}

function allReady(manager: MeshManager, pond: string): boolean {
  const ponds = manager.status(pond).ponds;
  return ponds.length > 0 && ponds[0]!.members.every((m) => m.forwards.length > 0 && m.forwards.every((f) => f.state === 'ready'));
}


describe('MeshManager against OpenSSH sshd', () => {
  it('carries data through every forward of a 3-member pond and survives sshd being killed and restarted', async () => {
    const members = [
      member('alpha', 'web', mesh.sshdA.ports[0]!, [mesh.servicePort('web-1'), mesh.servicePort('web-2')]),
      member('alpha', 'api', mesh.sshdA.ports[1]!, [mesh.servicePort('api-1'), mesh.servicePort('api-2')]),
      member('alpha', 'worker', mesh.sshdA.ports[2]!, [mesh.servicePort('worker-1'), mesh.servicePort('worker-2')]),
    ];
    const { manager, changes } = makeManager(members);
    const initial = await manager.connect({ pond: 'alpha' });
    expect(initial.members.map((m) => m.member)).toEqual(['api', 'web', 'worker']);
    await until(() => allReady(manager, 'alpha'), 'all forwards ready');

    /** local port → the service it must reach */
    const ports = new Map<number, string>();
    for (const m of members) {
      for (const remote of m.ports) {
        const local = localPort(manager, 'alpha', m.name, remote);
        expect(local).toBeGreaterThanOrEqual(mesh.range.min);
        expect(local).toBeLessThanOrEqual(mesh.range.max);
        expect(await greeting(local)).toBe(mesh.serviceName(remote));
        ports.set(local, mesh.serviceName(remote));
      }
    }
    expect(ports.size).toBe(6);
    const last = changes.at(-1)!;
    expect(last.connected).toBe(true);
    expect(last.forwards.map((f) => f.peer)).toEqual(['api', 'api', 'web', 'web', 'worker', 'worker']);
    expect(last.forwards.map((f) => f.localPort).sort()).toEqual([...ports.keys()].sort());
    const webLocal = localPort(manager, 'alpha', 'web', mesh.servicePort('web-1'));

    await mesh.sshdA.stop();
    await until(() => memberState(manager, 'alpha', 'web').session.state === 'reconnecting', 'reconnecting');
    const down = memberState(manager, 'alpha', 'web');
    expect(down.forwards.map((f) => f.state)).toEqual(['reconnecting', 'reconnecting']);
    expect(down.forwards.map((f) => f.localPort)).toContain(webLocal);
    await until(() => changes.at(-1)!.forwards.length === 0, 'env files emptied while down');

    const duringOutage = greeting(webLocal);
    await mesh.sshdA.restart();
    expect(await duringOutage).toBe('web-1');
    await until(() => allReady(manager, 'alpha'), 'all forwards ready again');
    for (const [local, name] of ports) expect(await greeting(local)).toBe(name);
    await until(() => changes.at(-1)!.forwards.length === 6, 'env files back');

    await manager.disconnect({ pond: 'alpha' });
    expect(changes.at(-1)).toEqual({ pond: 'alpha', forwards: [], connected: false });
    expect(manager.status().ponds).toEqual([]);
    await expect(exchange(webLocal, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('shows a remote port nobody listens on as closed, per forward', async () => {
    const nothing = await closedPort();
    const { manager } = makeManager([member('beta', 'web', mesh.sshdA.port, [mesh.servicePort('web-1'), nothing])]);
    await manager.connect({ pond: 'beta' });
    await until(() => memberState(manager, 'beta', 'web').forwards.every((f) => f.remote !== 'unknown'), 'probes done');
    const [open, closed] = memberState(manager, 'beta', 'web').forwards.sort((a, b) => (a.remotePort === nothing ? 1 : b.remotePort === nothing ? -1 : 0));
    expect(open).toMatchObject({ state: 'ready', remote: 'open' });
    expect(closed).toMatchObject({ state: 'ready', remote: 'closed', lastError: `nothing listens on remote port ${nothing} of web (connection refused)` });
  });

  it('refuses a changed host key loudly, leaves other members alone, and connects after the old key is removed', async () => {
    const members = [member('gamma', 'moved', mesh.sshdB.port, [mesh.servicePort('solo-1')]), member('gamma', 'steady', mesh.sshdA.port, [mesh.servicePort('web-1')])];
    const { manager, health } = makeManager(members);
    await manager.connect({ pond: 'gamma' });
    await until(() => allReady(manager, 'gamma'), 'ready');
    const oldFingerprint = mesh.sshdB.hostKeyFingerprint;
    const steadyPort = localPort(manager, 'gamma', 'steady', mesh.servicePort('web-1'));

    await mesh.sshdB.restart({ hostKey: generateKey(mesh.dir, `new_host_key_${Date.now()}`).privatePath });
    await until(() => memberState(manager, 'gamma', 'moved').session.state === 'failed', 'failed');
    const moved = memberState(manager, 'gamma', 'moved');
    expect(moved.session).toMatchObject({
      state: 'failed',
      reason: 'host-key-changed',
      hostKey: { host: '127.0.0.1', port: mesh.sshdB.port, knownFingerprints: [oldFingerprint], presentedFingerprint: mesh.sshdB.hostKeyFingerprint },
    });
    expect(moved.session.state === 'failed' && moved.session.lastError).toContain(`but the server presented ${mesh.sshdB.hostKeyFingerprint}`);
    expect(moved.forwards[0]).toMatchObject({ state: 'failed', reason: 'host-key-changed' });
    expect(health.some((h) => h.member === 'moved' && h.session.state === 'failed')).toBe(true);
    await expect(exchange(moved.forwards[0]!.localPort!, 'x', 1)).rejects.toThrow();

    expect(memberState(manager, 'gamma', 'steady').session.state).toBe('ready');
    expect(await greeting(steadyPort)).toBe('web-1');

    const { removed } = await manager.forgetHostKey({ pond: 'gamma', member: 'moved' });
    expect(removed).toBe(1);
    await until(() => memberState(manager, 'gamma', 'moved').session.state === 'ready', 'ready with the new key');
    const knownHosts = readFileSync(members[0]!.target!.knownHostsPath, 'utf8');
    expect(checkHostKey(knownHosts, '127.0.0.1', mesh.sshdB.port, mesh.sshdB.hostKey.blob).verdict).toBe('known');
    expect(await greeting(moved.forwards[0]!.localPort!)).toBe('solo-1');
  });

  it('one member failing never touches another member’s forwards', async () => {
    const members = [member('delta', 'lost', mesh.sshdB.port, [mesh.servicePort('solo-1')]), member('delta', 'fine', mesh.sshdA.port, [mesh.servicePort('api-1')])];
    const { manager } = makeManager(members);
    await manager.connect({ pond: 'delta' });
    await until(() => allReady(manager, 'delta'), 'ready');
    const finePort = localPort(manager, 'delta', 'fine', mesh.servicePort('api-1'));
    const inFlight = net.connect({ host: '127.0.0.1', port: finePort });
    await new Promise((r) => inFlight.once('data', r));

    await mesh.sshdB.stop();
    await until(() => memberState(manager, 'delta', 'lost').session.state === 'reconnecting', 'lost reconnecting');
    expect(memberState(manager, 'delta', 'fine').session.state).toBe('ready');
    const answer = new Promise<string>((resolve) => inFlight.once('data', (d: Buffer) => resolve(d.toString())));
    inFlight.write('still here');
    expect(await answer).toBe('still here');
    expect(await greeting(finePort)).toBe('api-1');
    inFlight.destroy();
    await mesh.sshdB.restart();
    await until(() => allReady(manager, 'delta'), 'lost is back');
  });

  it('never reconnects a member the user disconnected, and connects single forwards', async () => {
    const web = member('eps', 'web', mesh.sshdA.port, [mesh.servicePort('web-1'), mesh.servicePort('web-2')]);
    const api = member('eps', 'api', mesh.sshdA.port, [mesh.servicePort('api-1')]);
    const { manager, changes } = makeManager([web, api]);
    await manager.connect({ pond: 'eps', member: 'web', remotePort: mesh.servicePort('web-2') });
    await until(() => memberState(manager, 'eps', 'web').session.state === 'ready', 'web ready');
    expect(memberState(manager, 'eps', 'web').forwards.map((f) => [f.remotePort, f.state])).toEqual([[mesh.servicePort('web-2'), 'ready']]);
    expect(manager.status('eps').ponds[0]!.members.map((m) => m.member)).toEqual(['api', 'web']);
    expect(memberState(manager, 'eps', 'api').forwards).toEqual([]);

    await manager.connect({ pond: 'eps' });
    await until(() => allReady(manager, 'eps'), 'everything ready');
    await until(() => changes.at(-1)?.forwards.length === 3, 'three forwards announced');

    const webPort = localPort(manager, 'eps', 'web', mesh.servicePort('web-1'));
    await manager.disconnect({ pond: 'eps', member: 'web' });
    expect(memberState(manager, 'eps', 'web').session).toEqual({ state: 'stopped' });
    expect(memberState(manager, 'eps', 'web').forwards.every((f) => f.state === 'stopped' && f.localPort === null)).toBe(true);
    await until(() => changes.at(-1)?.forwards.map((f) => f.peer).join() === 'api', 'only api announced');
    await mesh.sshdA.restart();
    await until(() => memberState(manager, 'eps', 'api').forwards.every((f) => f.state === 'ready'), 'api back');
    expect(memberState(manager, 'eps', 'web').session).toEqual({ state: 'stopped' });
    await expect(exchange(webPort, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);

    await expect(manager.connect({ pond: 'eps', member: 'nobody' })).rejects.toThrow('pond "eps" has no member "nobody" with exposed ports');
    await expect(manager.connect({ pond: 'eps', member: 'web', remotePort: 1 })).rejects.toThrow(/does not expose port 1 \(it exposes/);
  });

  it('asks for the passphrase of an encrypted key and connects with it', async () => {
    const encrypted = generateKey(mesh.dir, `encrypted_${Date.now()}`, { passphrase: 'correct horse' });
    mesh.sshdA.authorize(encrypted);
    const requests: PassphraseRequest[] = [];
    const web = member('zeta', 'web', mesh.sshdA.port, [mesh.servicePort('web-1')], { auth: { kind: 'key', keyPath: encrypted.privatePath } });
    const { manager } = makeManager([web], {
      askPassphrase: async (request) => {
        requests.push(request);
        return 'correct horse';
      },
    });
    await manager.connect({ pond: 'zeta' });
    await until(() => allReady(manager, 'zeta'), 'ready');
    expect(requests).toEqual([{ pond: 'zeta', member: 'web', keyPath: encrypted.privatePath, problem: null }]);
    expect(await greeting(localPort(manager, 'zeta', 'web', mesh.servicePort('web-1')))).toBe('web-1');
  });

  it('authenticates through ssh-agent', async () => {
    const agent = await startAgent(mesh.dir);
    cleanups.push(() => agent.stop());
    await agent.add(mesh.sshdA.clientKeyPath);
    const web = member('eta', 'web', mesh.sshdA.port, [mesh.servicePort('web-2')], { auth: { kind: 'agent', socket: agent.socket } });
    const { manager } = makeManager([web]);
    await manager.connect({ pond: 'eta' });
    await until(() => allReady(manager, 'eta'), 'ready');
    expect(await greeting(localPort(manager, 'eta', 'web', mesh.servicePort('web-2')))).toBe('web-2');
  });

  it('moves a forward off a port a foreign program holds, names the program, and remembers the new port', async () => {
    const remote = mesh.servicePort('api-2');
    const memory = inMemoryPortMemory({ [`theta/api/${remote}`]: mesh.range.min + 40 });
    const foreign = await startForeignListener(mesh.range.min + 40);
    cleanups.push(() => foreign.stop());
    const { manager } = makeManager([member('theta', 'api', mesh.sshdA.port, [remote])], { memory });
    await manager.connect({ pond: 'theta' });
    await until(() => allReady(manager, 'theta'), 'ready');
    const forward = memberState(manager, 'theta', 'api').forwards[0]!;
    const reason = process.platform === 'linux' ? `port ${mesh.range.min + 40} is held by node (pid ${foreign.pid})` : expect.stringMatching(new RegExp(`^port ${mesh.range.min + 40} is `));
    expect(forward.moved).toEqual({ from: mesh.range.min + 40, to: forward.localPort, reason });
    expect(memory.all()[`theta/api/${remote}`]).toBe(forward.localPort);
    expect(await greeting(forward.localPort!)).toBe('api-2');
  });

  it('carries 200 concurrent connections through one forward without an error', async () => {
    const { manager } = makeManager([member('iota', 'web', mesh.sshdA.port, [mesh.servicePort('worker-1')])]);
    await manager.connect({ pond: 'iota' });
    await until(() => allReady(manager, 'iota'), 'ready');
    const port = localPort(manager, 'iota', 'web', mesh.servicePort('worker-1'));
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const text = `message-${i}-${'x'.repeat(i)}`;
        return exchange(port, text, 'worker-1\n'.length + text.length, 30_000).then((b) => b.toString() === `worker-1\n${text}`);
      }),
    );
    expect(replies.filter(Boolean)).toHaveLength(200);
    const forward = memberState(manager, 'iota', 'web').forwards[0]!;
    expect(forward.lastError).toBeNull();
    await until(() => memberState(manager, 'iota', 'web').forwards[0]!.activeConnections === 0, 'connections closed');
  });

  it('reports a member without an SSH target as failed, with the reason', async () => {
    const orphan: MeshMember = { ...member('kappa', 'orphan', mesh.sshdA.port, [8080]), target: null, targetProblem: 'lease cbx_9 has no SSH endpoint yet' };
    const { manager } = makeManager([orphan]);
    const health = await manager.connect({ pond: 'kappa' });
    expect(health.members[0]).toMatchObject({
      member: 'orphan',
      target: null,
      session: { state: 'failed', reason: 'no-target', lastError: 'lease cbx_9 has no SSH endpoint yet' },
      forwards: [{ state: 'failed', reason: 'no-target', remotePort: 8080, localPort: null }],
    });
  });
});
