/** The bookkeeping of the mesh views, kept apart from React so it is tested in plain Node; the words are in the contract (mesh-words.ts). */
import type { MeshForwardShape, MeshMemberShape, MeshPondShape, MeshStatusShape } from '../../../contract/index';

type Session = MeshMemberShape['session'];

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A `mesh:health` event folded into the pond's last status (members by name). */
export function mergeHealth(pond: MeshPondShape | undefined, health: MeshMemberShape): MeshPondShape {
  const members = (pond?.members ?? []).filter((m) => m.member !== health.member);
  // A member the user disconnected stays listed as stopped until the pond itself goes away.
  members.push(health);
  members.sort((a, b) => byName(a.member, b.member));
  return { pond: health.pond, members };
}

/** A pond's answer (connect, disconnect, retry) put in place of its entry in the whole status. */
export function replacePond(status: MeshStatusShape | undefined, pond: MeshPondShape): MeshStatusShape {
  const ponds = (status?.ponds ?? []).filter((p) => p.pond !== pond.pond);
  if (pond.members.length > 0) ponds.push(pond);
  return { ponds: ponds.sort((a, b) => byName(a.pond, b.pond)) };
}

/** A `mesh:health` event folded into the whole status. */
export function mergeStatus(status: MeshStatusShape | undefined, health: MeshMemberShape): MeshStatusShape {
  return replacePond(status, mergeHealth(pondOf(status, health.pond), health));
}

/** A pond's entry in a status answer, or an empty pond. */
export function pondOf(status: MeshStatusShape | undefined, pond: string): MeshPondShape {
  return status?.ponds.find((p) => p.pond === pond) ?? { pond, members: [] };
}

/** Whether something of the pond is held: Connect when not, Disconnect when it is. */
export function isConnected(pond: MeshPondShape): boolean {
  return pond.members.some((m) => m.session.state !== 'stopped' || m.forwards.some((f) => f.state !== 'stopped'));
}

/** Every forward of every pond, in pond, member and port order: the rows of the Connections table. */
export function allForwards(status: MeshStatusShape | undefined): MeshForwardShape[] {
  return (status?.ponds ?? [])
    .flatMap((p) => p.members.flatMap((m) => m.forwards))
    .sort((a, b) => byName(a.pond, b.pond) || byName(a.member, b.member) || a.remotePort - b.remotePort);
}

/** A countdown is on screen, so the window redraws every second while this holds. */
export function hasCountdown(ponds: readonly MeshPondShape[]): boolean {
  return ponds.some((p) => p.members.some((m) => (m.session.state === 'connecting' || m.session.state === 'reconnecting') && m.session.retryAt !== null));
}

/**
 * Ports web servers and dev servers usually listen on. A forward carries plain TCP and the
 * window cannot tell a web server from a database without talking to it, so "Open in
 * browser" is offered on these; any other address can still be copied.
 */
const HTTP_PORTS = new Set([80, 443, 3000, 3001, 4000, 4200, 4321, 5000, 5173, 5174, 8000, 8008, 8080, 8081, 8088, 8443, 8888, 9000, 9090]);

/** `http://127.0.0.1:<local>/` for a forward that is up to a port web servers use, else null. */
export function browserAddress(forward: MeshForwardShape): string | null {
  if (forward.state !== 'ready' || forward.localPort === null || forward.remote === 'closed' || !HTTP_PORTS.has(forward.remotePort)) return null;
  return `http://127.0.0.1:${forward.localPort}/`;
}

/** Bytes for people: 0 B, 1.5 KiB, 12 MiB, 3.2 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** What the "remove old key" confirmation says, with both fingerprints. */
export function hostKeyConfirmation(member: string, hostKey: NonNullable<Extract<Session, { state: 'failed' }>['hostKey']>): string {
  return `Remove the recorded key of ${hostKey.host}:${hostKey.port} from ${hostKey.knownHostsPath} and trust ${hostKey.presentedFingerprint} for ${member}? Only do this if you know the machine was re-created or re-keyed.`;
}
