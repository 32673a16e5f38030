/** The words and bookkeeping of the mesh panels, kept apart from React so they are tested in plain Node. */
import type { MeshForwardShape, MeshMemberShape, MeshPondShape, MeshStatusShape } from '../../../contract/index';

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

function seconds(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

const REASONS: Record<Extract<Session, { state: 'failed' }>['reason'], string> = {
  'retries-exhausted': 'gave up after 10 attempts in a row',
  'host-key-changed': 'host key changed',
  'host-key-revoked': 'host key revoked',
  'key-unusable': 'SSH key unusable',
  'no-target': 'no SSH target',
  'port-unavailable': 'no local port',
};

/** The session in a short phrase for the badge. */
export function sessionBadge(session: Session): string {
  return session.state === 'failed' ? REASONS[session.reason] : session.state;
}

/** The session in a sentence: what happens now and what the user can do. */
export function sessionText(session: Session, now: number): string {
  switch (session.state) {
    case 'connecting':
      if (session.retryAt !== null) return `Attempt ${session.attempt} failed: ${session.lastError ?? 'unknown error'}. Next attempt in ${seconds(session.retryAt - now)}.`;
      return session.attempt > 1 ? `Connecting (attempt ${session.attempt})…` : 'Connecting…';
    case 'ready':
      return `Connected on SSH port ${session.port}.`;
    case 'reconnecting':
      if (session.retryAt !== null) return `Connection lost: ${session.lastError}. Local ports stay open; next attempt in ${seconds(session.retryAt - now)}.`;
      return `Connection lost: ${session.lastError}. Reconnecting now; local ports stay open.`;
    case 'failed':
      if (session.reason === 'host-key-changed') return 'The host presented a different key than the one on record. Nothing connects until the old key is removed.';
      return session.lastError;
    case 'stopped':
      return 'Disconnected.';
  }
}

/** One word or phrase per forward; a remote port nobody listens on is never shown as up. */
export function forwardBadge(forward: MeshForwardShape): { text: string; tone: 'ready' | 'connecting' | 'reconnecting' | 'failed' | 'stopped' | 'warn' } {
  switch (forward.state) {
    case 'ready':
      return forward.remote === 'closed' ? { text: 'remote port closed', tone: 'warn' } : { text: 'ready', tone: 'ready' };
    case 'failed':
      return { text: REASONS[forward.reason], tone: 'failed' };
    default:
      return { text: forward.state, tone: forward.state };
  }
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

/** A one-line summary of a pond for the connections list. */
export function pondSummary(pond: MeshPondShape): string {
  const forwards = pond.members.flatMap((m) => m.forwards);
  const ready = forwards.filter((f) => f.state === 'ready').length;
  const failed = pond.members.filter((m) => m.session.state === 'failed').length;
  const parts = [`${ready} of ${forwards.length} forward${forwards.length === 1 ? '' : 's'} up`];
  if (failed > 0) parts.push(`${failed} member${failed === 1 ? '' : 's'} failed`);
  return parts.join(', ');
}
