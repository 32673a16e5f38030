/**
 * What the mesh reports about itself: one SSH session per member, one health record per
 * forward. States are discriminated unions so the UI, the CLI and the env-file writer can
 * tell "waiting for an address", "up", "coming back", "given up" and "switched off" apart
 * without guessing.
 * Times are milliseconds since the epoch from the mesh's clock.
 */
import type { PortMove } from './port-allocator';

export type FailureReason =
  /** 10 connection attempts in a row failed. */
  | 'retries-exhausted'
  /** The host presented a key other than the one in known_hosts. */
  | 'host-key-changed'
  /** The host presented a key marked `@revoked`. */
  | 'host-key-revoked'
  /** The private key cannot be read or decrypted (missing file, wrong or no passphrase). */
  | 'key-unusable'
  /** No SSH target is known for the member. */
  | 'no-target'
  /** No local port could be bound for the forward. */
  | 'port-unavailable';

export interface HostKeyMismatch {
  host: string;
  port: number;
  knownHostsPath: string;
  /** Fingerprints known_hosts holds for the host (`SHA256:…`). */
  knownFingerprints: string[];
  presentedFingerprint: string;
  presentedType: string;
}

export type SessionHealth =
  /** Connected, but crabbox has not recorded the member's SSH address yet: it connects once it has. */
  | { state: 'waiting'; detail: string }
  | { state: 'connecting'; attempt: number; retryAt: number | null; lastError: string | null }
  | { state: 'ready'; port: number; since: number }
  | { state: 'reconnecting'; attempt: number; retryAt: number | null; lastError: string }
  | { state: 'failed'; reason: FailureReason; lastError: string; hostKey: HostKeyMismatch | null }
  | { state: 'stopped' };

/** Whether the remote port accepted the last channel: `closed` means nothing listens there. */
export type RemotePortStatus = 'unknown' | 'open' | 'closed';

export type ForwardState =
  | { state: 'waiting' }
  | { state: 'connecting' }
  | { state: 'ready' }
  | { state: 'reconnecting'; retryAt: number | null }
  | { state: 'failed'; reason: FailureReason }
  | { state: 'stopped' };

export type ForwardHealth = ForwardState & {
  pond: string;
  member: string;
  leaseID: string;
  remotePort: number;
  /** Null until a local port is bound. */
  localPort: number | null;
  activeConnections: number;
  /** Bytes that came from the remote port to local clients. */
  bytesIn: number;
  /** Bytes local clients sent to the remote port. */
  bytesOut: number;
  remote: RemotePortStatus;
  lastError: string | null;
  /** Set when the remembered local port was busy and the forward moved. */
  moved: PortMove | null;
};

export interface MemberHealth {
  pond: string;
  member: string;
  leaseID: string;
  provider: string;
  target: { host: string; port: number; user: string } | null;
  session: SessionHealth;
  forwards: ForwardHealth[];
}

export interface PondHealth {
  pond: string;
  members: MemberHealth[];
}

export interface MeshStatus {
  ponds: PondHealth[];
}

/** The forward's state follows its member's session unless the forward itself is off or unbound. */
export function forwardStateFor(session: SessionHealth, own: 'stopped' | 'unbound' | 'bound'): ForwardState {
  if (own === 'stopped') return { state: 'stopped' };
  if (session.state === 'waiting') return { state: 'waiting' };
  if (own === 'unbound' && session.state !== 'failed') return { state: 'connecting' };
  switch (session.state) {
    case 'connecting':
      return { state: 'connecting' };
    case 'ready':
      return { state: 'ready' };
    case 'reconnecting':
      return { state: 'reconnecting', retryAt: session.retryAt };
    case 'failed':
      return { state: 'failed', reason: session.reason };
    case 'stopped':
      return { state: 'stopped' };
  }
}
