import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { previewForwardTable } from './connect-preview';
import { MeshManager } from './manager';
import { inMemoryPortMemory, PortAllocator, type PortMemory } from './port-allocator';
import { findFreePortRange } from './testing/ports';
import type { MeshMember } from './types';

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Members waiting for their address: their listeners are bound like any other's, and no SSH is needed to see the ports. */
function member(name: string, ports: number[]): MeshMember {
  return { pond: 'alpha', name, leaseID: `cbx_${name}`, provider: 'hetzner', origin: 'crabbox', target: null, pending: true, targetProblem: 'no address yet', ports };
}

async function hold(port: number): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve()));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
}

const paths = { dir: '/h/.crabbox/pond/alpha', hostsPath: '/h/.crabbox/pond/alpha/hosts', envPath: '/h/.crabbox/pond/alpha/env' };

/** `pond connect --json`'s ports for the members, then the ports a connect binds, as `member:remote=local`. */
async function previewThenConnect(members: MeshMember[], range: { min: number; max: number }, memory: PortMemory) {
  const allocator = new PortAllocator({ memory, ...range });
  // The preview gets the members as the engine resolves them: sorted by name (spec §5.3).
  const sorted = [...members].sort((a, b) => (a.name < b.name ? -1 : 1));
  const table = JSON.parse(await previewForwardTable('alpha', sorted, paths, allocator.preview(), () => {})) as {
    forwards: Array<{ peer: string; remotePort: number; localPort: number }>;
  };
  const preview = table.forwards.map((f) => `${f.peer}:${f.remotePort}=${f.localPort}`);
  // The mesh is handed the members in another order than their names: it must not matter.
  const manager = new MeshManager({ resolveMembers: async () => [...members].reverse(), allocator, askPassphrase: async () => null });
  cleanups.push(() => manager.disconnectAll());
  const health = await manager.connect({ pond: 'alpha' });
  const connected = health.members.flatMap((m) => m.forwards.map((f) => `${f.member}:${f.remotePort}=${f.localPort}`));
  return { preview, connected };
}

describe('MeshManager hands out local ports in crabbox order', () => {
  it('members by name, ports ascending, one at a time, around ports other programs hold', async () => {
    const range = await findFreePortRange(12);
    const at = (i: number) => range.min + i;
    await hold(at(0));
    await hold(at(2));
    const members = [member('api', [8080, 9090]), member('web', [3000]), member('db', [5432, 6432])];
    const { preview, connected } = await previewThenConnect(members, range, inMemoryPortMemory());
    expect(connected).toEqual([`api:8080=${at(1)}`, `api:9090=${at(3)}`, `db:5432=${at(4)}`, `db:6432=${at(5)}`, `web:3000=${at(6)}`]);
    expect(preview).toEqual(connected);
  });

  it('agrees with the preview when a remembered port is taken and the forward moves', async () => {
    const range = await findFreePortRange(12);
    const at = (i: number) => range.min + i;
    const memory = inMemoryPortMemory({ 'alpha/api/8080': at(0), 'alpha/web/3000': at(1) });
    await hold(at(0));
    const members = [member('api', [8080]), member('web', [3000]), member('db', [5432])];
    const { preview, connected } = await previewThenConnect(members, range, memory);
    // api moves off its taken port to the first free one nobody remembers; web keeps its own.
    expect(connected).toEqual([`api:8080=${at(2)}`, `db:5432=${at(3)}`, `web:3000=${at(1)}`]);
    expect(preview).toEqual(connected);
  });
});
