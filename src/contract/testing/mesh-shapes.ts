/** Mesh shapes as the contract carries them, for tests of whatever reads them (words, panels, tray). */
import type { MeshForwardShape, MeshMemberShape } from '../mesh';

/** A ready forward of `alpha/web` 8080 → 51820, with `fields` over it. */
export function forwardShape(fields: Partial<MeshForwardShape> = {}): MeshForwardShape {
  return {
    state: 'ready',
    pond: 'alpha',
    member: 'web',
    leaseID: 'cbx_1',
    remotePort: 8080,
    localPort: 51820,
    activeConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    remote: 'open',
    lastError: null,
    moved: null,
    ...fields,
  } as MeshForwardShape;
}

/** Member `name` of pond `alpha` with the given session and forwards (one ready forward by default). */
export function memberShape(name: string, session: MeshMemberShape['session'], forwards: MeshForwardShape[] = [forwardShape({ member: name })]): MeshMemberShape {
  return { pond: 'alpha', member: name, leaseID: `cbx_${name}`, provider: 'hetzner', target: { host: '10.0.0.5', port: 2222, user: 'crabbox' }, session, forwards };
}
