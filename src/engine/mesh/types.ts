/** Shapes shared by the mesh engine (sessions/forwards) and its inputs (targets, files). */

export type SshAuth =
  | { kind: 'key'; keyPath: string }
  | { kind: 'agent'; socket: string };

export interface SshTarget {
  host: string;
  /** Tried first; then each of `fallbackPorts` (crabbox: 2222 then 22). */
  port: number;
  fallbackPorts: number[];
  user: string;
  auth: SshAuth;
  /** OpenSSH known_hosts file used for verification and trust on first use. */
  knownHostsPath: string;
}

/** One pond member as the mesh sees it, after name disambiguation (spec §5.3). */
export interface MeshMember {
  pond: string;
  name: string;
  leaseID: string;
  provider: string;
  origin: 'crabbox' | 'manual';
  /** Null when no SSH target is known (then the member's forwards cannot start). */
  target: SshTarget | null;
  /** Why `target` is null, in words the user can act on. */
  targetProblem?: string;
  /** `target` is null only because crabbox has not recorded the SSH address yet: waiting, not failed. */
  pending?: boolean;
  /** Exposed remote ports, ascending. */
  ports: number[];
}

/** A forward as `crabbox pond connect --json` prints it (spec §8.2). */
export interface ForwardSpec {
  peer: string;
  remotePort: number;
  localPort: number;
  leaseID: string;
}
