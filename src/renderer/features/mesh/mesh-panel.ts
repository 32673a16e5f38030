/** The bookkeeping of the mesh panels, kept apart from React so it is tested in plain Node; the words are in the contract (mesh-words.ts). */
import type { MeshMemberShape, MeshPondShape, MeshStatusShape } from '../../../contract/index';

type Session = MeshMemberShape['session'];

/** A `mesh:health` event folded into the pond's last status (members by name). */
export function mergeHealth(pond: MeshPondShape | undefined, health: MeshMemberShape): MeshPondShape {
  const members = (pond?.members ?? []).filter((m) => m.member !== health.member);
  // A member the user disconnected stays listed as stopped until the pond itself goes away.
  members.push(health);
  members.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  return { pond: health.pond, members };
}

/** A pond's entry in a status answer, or an empty pond. */
export function pondOf(status: MeshStatusShape | undefined, pond: string): MeshPondShape {
  return status?.ponds.find((p) => p.pond === pond) ?? { pond, members: [] };
}

export function isConnected(pond: MeshPondShape): boolean {
  return pond.members.some((m) => m.session.state !== 'stopped' || m.forwards.some((f) => f.state !== 'stopped'));
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
