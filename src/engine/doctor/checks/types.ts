/**
 * The shape of a live doctor check (one checker per file in this folder): whether it
 * applies to a member, and what running it found. Checks never throw for a finding; a
 * failure to reach something is a result with status `fail` and the reason.
 */
import type { PeerRow } from '../../../contract/index';
import type { HttpClient } from '../../../lib/http';
import type { ForwardSpec, SshTarget } from '../../mesh/types';
import type { PingResult, TailnetStatus } from '../tailnet-status';
import type { tcpConnect } from '../tcp';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** More lines: addresses, fingerprints, raw errors. */
  detail?: string;
  /** What the user can do, one step per entry. */
  fixes: string[];
  /** The same steps for the window, naming its buttons where it has one (the CLI prints `fixes`). */
  appFixes?: string[];
  /** For a failure: the short cause ("connection refused"), quoted where the matrix is contradicted. */
  reason?: string;
}

/** A pond member as the doctor sees it. */
export interface DoctorMember {
  /** Unique within the pond (slug, with the lease ID when slugs repeat). */
  name: string;
  row: PeerRow;
  /** The SSH target when one is known (crabbox claim, manual host). */
  target?: SshTarget;
  /** Forwards of this member the mesh currently holds open. */
  forwards: ForwardSpec[];
}

export interface CheckDeps {
  /** For the URL members' HEAD. */
  http: HttpClient;
  /** One TCP connection attempt (tcp.ts); injectable to simulate an unreachable network. */
  connect: typeof tcpConnect;
  /** known_hosts for members without an SSH target of their own. */
  knownHostsFile: string;
  /** `tailscale status`, read once per doctor run however many members ask. */
  tailnetStatus: () => Promise<TailnetStatus>;
  tailscalePing: (ip: string, timeoutMs: number) => Promise<PingResult>;
  /** This machine's IP addresses (a 100.64.0.0/10 one suggests Tailscale is up). */
  localAddresses: () => string[];
  connectTimeoutMs: number;
  /** HEAD timeout for URL members (crabbox's probe uses 3 s). */
  urlTimeoutMs: number;
  /** How long a probe through a forward waits to see the far end hang up. */
  forwardGraceMs: number;
}

export interface CheckContext {
  pond: string;
  member: DoctorMember;
  deps: CheckDeps;
}

export interface Checker {
  id: string;
  /** Short name shown beside the member: "SSH handshake", "HTTPS HEAD" … */
  title: string;
  applies(ctx: CheckContext): boolean;
  run(ctx: CheckContext, signal: AbortSignal): Promise<CheckOutcome>;
}
