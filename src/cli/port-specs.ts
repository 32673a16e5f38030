/**
 * `MEMBER:REMOTE=LOCAL` (`api:8080=15432`): a local port chosen for one forward, as
 * `pond connect --port` and `pond ports set` take it; `MEMBER[:REMOTE]` names forwards to reset.
 */
import { chosenPortProblem } from '../contract/index';
import { UsageError } from './types';

export interface PortSpec {
  member: string;
  remotePort: number;
  localPort: number;
}

function port(text: string): number | null {
  return /^\d{1,5}$/.test(text) ? Number(text) : null;
}

export function parsePortSpec(value: string): PortSpec {
  const match = /^([^:=\s]+):([^:=\s]+)=([^:=\s]+)$/.exec(value.trim());
  const remotePort = match ? port(match[2] ?? '') : null;
  const localPort = match ? port(match[3] ?? '') : null;
  if (!match || remotePort === null || localPort === null || remotePort < 1 || remotePort > 65535) {
    throw new UsageError(`--port wants MEMBER:REMOTE=LOCAL, e.g. api:8080=15432 (got ${JSON.stringify(value)})`);
  }
  const problem = chosenPortProblem(localPort);
  if (problem !== null) throw new UsageError(problem);
  return { member: match[1] ?? '', remotePort, localPort };
}

/** Two choices for one forward, or one port for two forwards, are a mistake on the command line. */
export function checkPortSpecs(specs: readonly PortSpec[]): void {
  for (const [i, spec] of specs.entries()) {
    const earlier = specs.slice(0, i);
    if (earlier.some((s) => s.member === spec.member && s.remotePort === spec.remotePort)) {
      throw new UsageError(`--port names ${spec.member}:${spec.remotePort} twice`);
    }
    if (earlier.some((s) => s.localPort === spec.localPort)) throw new UsageError(`--port gives port ${spec.localPort} to two forwards`);
  }
}

/** `web` or `web:8080`: the forwards of a member, or one of them. */
export function parseForwardRef(value: string): { member: string; remotePort?: number } {
  const [member = '', remote, extra] = value.trim().split(':');
  const remotePort = remote === undefined ? undefined : port(remote);
  if (member === '' || extra !== undefined || remotePort === null || (remotePort !== undefined && (remotePort < 1 || remotePort > 65535))) {
    throw new UsageError(`expected MEMBER or MEMBER:REMOTE, e.g. web or web:8080 (got ${JSON.stringify(value)})`);
  }
  return remotePort === undefined ? { member } : { member, remotePort };
}
