/**
 * The messages between the owner's main thread and a data-plane worker. The main thread
 * decides (when to connect, which host key to trust, which local port, which channel a
 * connection gets); the worker holds the sockets and does it. Ids of connections, channels
 * and listeners are chosen by the main thread; ids of accepted local connections by the worker.
 */
import type { Algorithms } from 'ssh2';

/** An error as it crosses: ssh2's `level`, Node's `code`, a channel-open failure's `reason`. */
export interface WireError {
  message: string;
  code?: string;
  level?: string;
  reason?: number;
}

export type PlaneAuth =
  /** Public-key auth; every signature is asked of the main thread, where the unlocked key stays. */
  | { kind: 'key'; publicKey: Uint8Array }
  | { kind: 'agent'; socket: string };

export interface PlaneSshConfig {
  host: string;
  port: number;
  username: string;
  auth: PlaneAuth;
  readyTimeout: number;
  keepaliveInterval: number;
  keepaliveCountMax: number;
  algorithms: Algorithms;
}

/** Byte counters a forward shares with the threads: bytesIn, bytesOut (BigInt64Array slots). */
export const BYTES_IN = 0;
export const BYTES_OUT = 1;
export const COUNTER_SLOTS = 2;

export type ToPlane =
  /** TCP to an SSH server; answered by `tcp`. */
  | { op: 'tcp'; id: number; host: string; port: number }
  /** SSH over the connection's TCP socket; answered by `ready` or `close`, with `verify`/`sign` on the way. */
  | { op: 'ssh'; id: number; config: PlaneSshConfig }
  | { op: 'verified'; id: number; request: number; ok: boolean }
  | { op: 'signed'; id: number; request: number; signature: Uint8Array | null; error: string | null }
  /** SSH disconnect, then the socket ends. */
  | { op: 'end'; id: number }
  | { op: 'destroy'; id: number }
  /** A direct-tcpip channel to 127.0.0.1:<remotePort> on the member; answered by `opened`. */
  | { op: 'open'; id: number; channel: number; sourcePort: number; remotePort: number }
  | { op: 'close-channel'; channel: number }
  /** A loopback listener on exactly `port`; answered by `listening`. */
  | { op: 'listen'; listener: number; port: number; counters: SharedArrayBuffer }
  /**
   * Stops listening; answered by `unlistened` once the port is free. `keep`: the connections
   * it accepted keep going (a forward moving to another port), else they are reset first.
   */
  | { op: 'unlisten'; listener: number; keep: boolean }
  /** Copies between an accepted connection and an open channel until either ends. */
  | { op: 'pipe'; local: number; channel: number }
  | { op: 'drop'; local: number };

export type FromPlane =
  | { ev: 'tcp'; id: number; error: WireError | null }
  | { ev: 'verify'; id: number; request: number; key: Uint8Array }
  | { ev: 'sign'; id: number; request: number; data: Uint8Array; hash: string | null }
  | { ev: 'ready'; id: number }
  | { ev: 'error'; id: number; error: WireError }
  /** The connection is gone for good (its socket closed); its id is free. */
  | { ev: 'close'; id: number }
  /** `not-connected`: the connection has no SSH session (any more) to open it on. */
  | { ev: 'opened'; channel: number; error: WireError | 'not-connected' | null }
  /** `code` is the errno name when the port could not be bound. */
  | { ev: 'listening'; listener: number; code: string | null }
  | { ev: 'unlistened'; listener: number }
  | { ev: 'accepted'; listener: number; local: number; sourcePort: number }
  | { ev: 'local-closed'; listener: number; local: number };

/**
 * The bytes of a view in a buffer of their own, for a message: posting a view copies its
 * whole ArrayBuffer, and ssh2's Buffers are slices of bigger ones (Node's 8 KiB pool, or the
 * 1 MiB slab a socket read into: copying that for each host key cost a 20-member bring-up
 * half its time, docs/connect.md "Performance").
 */
export function ownBytes(view: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(view);
}

export function toWireError(error: Error & { code?: unknown; level?: unknown; reason?: unknown }): WireError {
  return {
    message: error.message,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.level === 'string' ? { level: error.level } : {}),
    ...(typeof error.reason === 'number' ? { reason: error.reason } : {}),
  };
}

export function fromWireError(wire: WireError): Error & { code?: string; level?: string; reason?: number } {
  return Object.assign(new Error(wire.message), {
    ...(wire.code !== undefined ? { code: wire.code } : {}),
    ...(wire.level !== undefined ? { level: wire.level } : {}),
    ...(wire.reason !== undefined ? { reason: wire.reason } : {}),
  });
}
