/** Where to reach a member over SSH: its target if it has one, else its `ssh://host:port` endpoint. */
import type { DoctorMember } from './types';

export interface SshAddress {
  host: string;
  /** Tried in order; the first that accepts a connection is used. */
  ports: number[];
  user: string;
  knownHostsFile?: string;
}

/** `ssh://<host>:<port>` as crabbox writes it (host verbatim, so an IPv6 host has no brackets). */
export function parseSshEndpoint(endpoint: string): { host: string; port: number } | null {
  const match = /^ssh:\/\/(.+):(\d{1,5})$/.exec(endpoint);
  if (!match) return null;
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = Number(match[2]);
  return host !== '' && port >= 1 && port <= 65535 ? { host, port } : null;
}

export function sshAddress(member: DoctorMember): SshAddress | null {
  const { target, row } = member;
  if (target) {
    return {
      host: target.host,
      ports: [...new Set([target.port, ...target.fallbackPorts])],
      user: target.user,
      knownHostsFile: target.knownHostsPath,
    };
  }
  const parsed = parseSshEndpoint(row.endpoint);
  return parsed ? { host: parsed.host, ports: [parsed.port], user: '' } : null;
}
