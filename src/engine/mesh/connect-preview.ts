/**
 * `pond connect --json` (spec §8.2): the forward table a connect would produce, each local
 * port chosen as a connect would choose it (bound, then let go), with nothing connected,
 * no file written and no new port remembered.
 */
import { forwardTable, forwardTableJSON, planForwards, type PondFilePaths } from '../exports';
import { listenLoopback } from './loopback-listener';
import type { BoundPort, PortAllocator, PortMove } from './port-allocator';
import type { MeshMember } from './types';

export async function previewForwardTable(
  pond: string,
  members: readonly MeshMember[],
  paths: PondFilePaths,
  allocator: PortAllocator,
  onMove: (member: string, remotePort: number, move: PortMove) => void,
): Promise<string> {
  const bound: BoundPort[] = [];
  try {
    const forwards = await planForwards(members, async (member, remotePort) => {
      const port = await allocator.bind({ pond, member: member.name, remotePort }, (p) => listenLoopback(p, (socket) => socket.destroy()));
      bound.push(port);
      if (port.moved) onMove(member.name, remotePort, port.moved);
      return port.port;
    });
    return forwardTableJSON(forwardTable(paths, forwards));
  } finally {
    await Promise.all(bound.map((b) => allocator.release(b)));
  }
}
