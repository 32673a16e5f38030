/**
 * The user's side of local ports: list each forward's chosen, remembered and current port,
 * choose one, and reset choices. The decisions themselves are the allocator's (it refuses
 * or accepts a port, and binds); this checks the forward exists and has connected forwards
 * move to their new port at once.
 */
import type { PortChoiceShape } from '../../contract/index';
import { byteCompare } from '../../lib/byte-order';
import { PondError } from '../../lib/errors';
import type { MeshSelection } from './manager';
import type { MeshStatus, PondHealth } from './health';
import { forwardPortKey, parseForwardPortKey, type ForwardKey, type PortAllocator, type PortMemory } from './port-allocator';
import type { MeshMember } from './types';

export interface PortChoicesDeps {
  allocator: PortAllocator;
  /** The remembered and the chosen ports, as the allocator keeps them. */
  memory: PortMemory;
  choices: PortMemory;
  /** The pond's members as a connect would resolve them. */
  members(pond: string): Promise<readonly MeshMember[]>;
  mesh: { status(pond?: string): MeshStatus; rebind(selection: MeshSelection): Promise<PondHealth> };
  /** A pond's choices changed (becomes `ports:changed`). */
  onChange(pond: string): void;
}

function byForward(a: ForwardKey, b: ForwardKey): number {
  return byteCompare(a.pond, b.pond) || byteCompare(a.member, b.member) || a.remotePort - b.remotePort;
}

export class PortChoices {
  constructor(private readonly deps: PortChoicesDeps) {}

  /** Every forward with a chosen or remembered port (of one pond, or all), plus, for one pond, each port its members expose. */
  async list(pond?: string): Promise<PortChoiceShape[]> {
    const chosen = this.deps.choices.all();
    const remembered = this.deps.memory.all();
    const forwards = new Map<string, ForwardKey>();
    for (const key of [...Object.keys(remembered), ...Object.keys(chosen)]) {
      const forward = parseForwardPortKey(key);
      if (forward && (pond === undefined || forward.pond === pond)) forwards.set(key, forward);
    }
    if (pond !== undefined) {
      for (const member of await this.deps.members(pond)) {
        for (const remotePort of member.ports) forwards.set(forwardPortKey({ pond, member: member.name, remotePort }), { pond, member: member.name, remotePort });
      }
    }
    const listening = new Map<string, number>();
    for (const p of this.deps.mesh.status(pond).ponds) {
      for (const m of p.members) {
        for (const f of m.forwards) if (f.localPort !== null && f.state !== 'stopped') listening.set(forwardPortKey(f), f.localPort);
      }
    }
    return [...forwards.values()].sort(byForward).map((f) => {
      const key = forwardPortKey(f);
      return { ...f, chosen: chosen[key] ?? null, remembered: remembered[key] ?? null, localPort: listening.get(key) ?? null };
    });
  }

  /** Chooses a forward's local port (refused with the reason when it cannot be had); a connected forward moves to it now. */
  async set(forward: ForwardKey, localPort: number): Promise<PortChoiceShape> {
    await this.requireForward(forward);
    await this.deps.allocator.choose(forward, localPort);
    this.deps.onChange(forward.pond);
    await this.deps.mesh.rebind(forward);
    return this.row(forward);
  }

  /** Forgets the choices of a pond, a member or one forward; connected ones move to their automatic port now. */
  async reset(selection: MeshSelection): Promise<PortChoiceShape[]> {
    const reset = Object.keys(this.deps.choices.all())
      .map(parseForwardPortKey)
      .filter((f): f is ForwardKey => f !== null && f.pond === selection.pond)
      .filter((f) => (selection.member === undefined || f.member === selection.member) && (selection.remotePort === undefined || f.remotePort === selection.remotePort))
      .sort(byForward);
    if (reset.length === 0) return [];
    this.deps.allocator.unchoose(reset);
    this.deps.onChange(selection.pond);
    await this.deps.mesh.rebind(selection);
    const rows = await this.list(selection.pond);
    return reset.map((f) => rows.find((r) => forwardPortKey(r) === forwardPortKey(f)) ?? { ...f, chosen: null, remembered: null, localPort: null });
  }

  private async row(forward: ForwardKey): Promise<PortChoiceShape> {
    const rows = await this.list(forward.pond);
    const row = rows.find((r) => forwardPortKey(r) === forwardPortKey(forward));
    if (!row) throw new PondError('NOT_FOUND', `${forward.member}:${forward.remotePort} of pond ${forward.pond} is gone`);
    return row;
  }

  /** Throws, naming what the pond has instead, unless the pond has this forward. */
  async requireForward({ pond, member, remotePort }: ForwardKey): Promise<void> {
    const members = (await this.deps.members(pond)).filter((m) => m.ports.length > 0);
    const found = members.find((m) => m.name === member);
    if (!found) {
      const names = members.map((m) => m.name).join(', ');
      throw new PondError('NOT_FOUND', `pond "${pond}" has no member "${member}" with exposed ports${names ? ` (it has ${names})` : ''}`);
    }
    if (!found.ports.includes(remotePort)) {
      throw new PondError('NOT_FOUND', `member "${member}" of pond "${pond}" does not expose port ${remotePort} (it exposes ${found.ports.join(', ')})`);
    }
  }
}
