import { describe, expect, it } from 'vitest';
import type { MeshSelection } from './manager';
import type { MeshStatus } from './health';
import { inMemoryPortMemory, PortAllocator } from './port-allocator';
import { PortChoices } from './port-choices';
import { findFreePortRange } from './testing/ports';
import type { MeshMember } from './types';

function member(name: string, ports: number[]): MeshMember {
  return { pond: 'alpha', name, leaseID: `cbx_${name}`, provider: 'hetzner', origin: 'crabbox', target: null, ports };
}

function choicesOver(options: { remembered?: Record<string, number>; chosen?: Record<string, number>; members?: MeshMember[]; status?: MeshStatus }) {
  const memory = inMemoryPortMemory(options.remembered);
  const choices = inMemoryPortMemory(options.chosen);
  const rebinds: MeshSelection[] = [];
  const changes: string[] = [];
  const ports = new PortChoices({
    allocator: new PortAllocator({ memory, choices }),
    memory,
    choices,
    members: async () => options.members ?? [],
    mesh: {
      status: () => options.status ?? { ponds: [] },
      rebind: async (selection) => {
        rebinds.push(selection);
        return { pond: selection.pond, members: [] };
      },
    },
    onChange: (pond) => changes.push(pond),
  });
  return { ports, rebinds, changes, choices };
}

describe('PortChoices', () => {
  it("lists remembered and chosen ports in crabbox order, and a pond's exposed ports without either", async () => {
    const { ports } = choicesOver({
      remembered: { 'beta/web/80': 51822, 'alpha/web/8080': 51820, 'alpha/api/9090': 51821 },
      chosen: { 'alpha/web/8080': 15432 },
      members: [member('web', [8080, 3000]), member('api', [9090])],
    });
    expect(await ports.list()).toEqual([
      { pond: 'alpha', member: 'api', remotePort: 9090, chosen: null, remembered: 51821, localPort: null },
      { pond: 'alpha', member: 'web', remotePort: 8080, chosen: 15432, remembered: 51820, localPort: null },
      { pond: 'beta', member: 'web', remotePort: 80, chosen: null, remembered: 51822, localPort: null },
    ]);
    expect((await ports.list('alpha')).map((r) => `${r.member}:${r.remotePort}`)).toEqual(['api:9090', 'web:3000', 'web:8080']);
  });

  it('shows the port a forward listens on now', async () => {
    const forward = { state: 'ready' as const, pond: 'alpha', member: 'web', leaseID: 'cbx_web', remotePort: 8080, localPort: 51820, activeConnections: 0, bytesIn: 0, bytesOut: 0, remote: 'open' as const, lastError: null, moved: null };
    const status: MeshStatus = { ponds: [{ pond: 'alpha', members: [{ pond: 'alpha', member: 'web', leaseID: 'cbx_web', provider: 'hetzner', target: null, session: { state: 'ready', port: 22, since: 0 }, forwards: [forward] }] }] };
    const { ports } = choicesOver({ remembered: { 'alpha/web/8080': 51820 }, status });
    expect(await ports.list('alpha')).toEqual([{ pond: 'alpha', member: 'web', remotePort: 8080, chosen: null, remembered: 51820, localPort: 51820 }]);
  });

  it('chooses only for a forward the pond has, then has it rebound', async () => {
    const free = (await findFreePortRange(1)).min;
    const { ports, rebinds, changes } = choicesOver({ members: [member('web', [8080])] });
    await expect(ports.set({ pond: 'alpha', member: 'db', remotePort: 5432 }, free)).rejects.toThrow('pond "alpha" has no member "db" with exposed ports (it has web)');
    await expect(ports.set({ pond: 'alpha', member: 'web', remotePort: 5432 }, free)).rejects.toThrow('member "web" of pond "alpha" does not expose port 5432 (it exposes 8080)');
    expect(await ports.set({ pond: 'alpha', member: 'web', remotePort: 8080 }, free)).toEqual({ pond: 'alpha', member: 'web', remotePort: 8080, chosen: free, remembered: null, localPort: null });
    expect(rebinds).toEqual([{ pond: 'alpha', member: 'web', remotePort: 8080 }]);
    expect(changes).toEqual(['alpha']);
  });

  it('resets the choices a selection names, and nothing else', async () => {
    const { ports, rebinds, choices } = choicesOver({ chosen: { 'alpha/web/8080': 15432, 'alpha/api/9090': 15433, 'beta/web/8080': 15434 } });
    expect((await ports.reset({ pond: 'alpha', member: 'web' })).map((r) => r.chosen)).toEqual([null]);
    expect(choices.all()).toEqual({ 'alpha/api/9090': 15433, 'beta/web/8080': 15434 });
    expect(await ports.reset({ pond: 'gamma' })).toEqual([]);
    expect(rebinds).toEqual([{ pond: 'alpha', member: 'web' }]);
  });
});
