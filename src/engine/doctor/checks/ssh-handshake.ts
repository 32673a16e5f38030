/**
 * SSH members: a TCP connection, then the SSH handshake up to host-key verification, and
 * the verdict on the key the member presented. No authentication is attempted: the check
 * proves the door is there and is the right door, without knocking.
 */
import ssh2 from 'ssh2';
import type { Socket } from 'node:net';
import { checkHostKey, fingerprint, hostKeyAlgorithmsFor, hostToken, keyTypeOf, readKnownHosts, type HostKeyVerdict } from '../../mesh/known-hosts';
import { sshAddress, type SshAddress } from './endpoint';
import type { Checker, CheckOutcome } from './types';

const { Client } = ssh2;

type Handshake =
  | { ok: true; verdict: HostKeyVerdict; key: Buffer; software: string }
  | { ok: false; reason: string; verdict?: HostKeyVerdict; key?: Buffer };

function handshake(socket: Socket, address: SshAddress, port: number, knownHosts: string, timeoutMs: number, signal: AbortSignal): Promise<Handshake> {
  return new Promise((resolve) => {
    const client = new Client();
    let verdict: HostKeyVerdict | undefined;
    let key: Buffer | undefined;
    let settled = false;
    const finish = (result: Handshake) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      client.end();
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, reason: 'cancelled' });
    signal.addEventListener('abort', onAbort, { once: true });
    client.on('handshake', () => {
      // ssh2 keeps the server's software version only on a private field.
      const software = (client as unknown as { _remoteVer?: string })._remoteVer ?? '';
      if (verdict && key) finish({ ok: true, verdict, key, software });
      else finish({ ok: false, reason: 'the server completed a handshake without presenting a host key' });
    });
    client.on('error', (error: Error) => {
      const refused = verdict && (verdict.verdict === 'changed' || verdict.verdict === 'revoked');
      finish({ ok: false, reason: refused ? 'host key refused' : error.message, verdict, key });
    });
    client.on('close', () => finish({ ok: false, reason: 'the connection closed before the SSH handshake finished', verdict, key }));
    client.connect({
      sock: socket,
      username: address.user || 'pond-doctor',
      readyTimeout: timeoutMs,
      algorithms: { serverHostKey: hostKeyAlgorithmsFor(knownHosts, address.host, port) as ssh2.ServerHostKeyAlgorithm[] },
      hostVerifier: (presented: Buffer) => {
        key = presented;
        verdict = checkHostKey(knownHosts, address.host, port, presented);
        return verdict.verdict === 'known' || verdict.verdict === 'unknown';
      },
      authHandler: [],
    });
  });
}

function verdictOutcome(address: SshAddress, port: number, file: string, result: Extract<Handshake, { ok: true }>): CheckOutcome {
  const where = `${address.host}:${port}`;
  const server = result.software ? ` (${result.software})` : '';
  const presented = `${keyTypeOf(result.key)} ${fingerprint(result.key)}`;
  if (result.verdict.verdict === 'known') {
    return { status: 'ok', summary: `SSH handshake with ${where} ok${server}; host key matches known_hosts`, detail: `host key ${presented}\nknown_hosts ${file}`, fixes: [] };
  }
  return {
    status: 'ok',
    summary: `SSH handshake with ${where} ok${server}; host key not in known_hosts yet (trusted on first connect)`,
    detail: `host key ${presented}\nknown_hosts ${file}`,
    fixes: [],
  };
}

function refusedOutcome(name: string, address: SshAddress, port: number, file: string, verdict: HostKeyVerdict, key: Buffer): CheckOutcome {
  const where = `${address.host}:${port}`;
  const presented = `${keyTypeOf(key)} ${fingerprint(key)}`;
  if (verdict.verdict === 'revoked') {
    return {
      status: 'fail',
      summary: `${where} presented a host key that known_hosts marks @revoked`,
      detail: `presented ${presented}\nknown_hosts ${file}`,
      fixes: ['Do not connect to this member; replace it (release it and create a new one).'],
      reason: 'host key revoked',
    };
  }
  const known = verdict.verdict === 'changed' ? verdict.knownFingerprints.join(', ') : '';
  return {
    status: 'fail',
    summary: `host key for ${where} CHANGED — connections are refused`,
    detail: `presented ${presented}\nknown_hosts has ${known}\nknown_hosts ${file}`,
    fixes: [
      `If ${name} was re-created, forget its old key: ssh-keygen -R "${hostToken(address.host, port)}" -f "${file}"`,
      'Otherwise do not connect: something between you and the member may be intercepting the connection.',
    ],
    appFixes: [
      `If ${name} was re-created: choose Connect, then Remove old key… on ${name} in the Forwards tab, which shows both keys first.`,
      'Otherwise do not connect: something between you and the member may be intercepting the connection.',
    ],
    reason: 'host key changed',
  };
}

export const sshHandshake: Checker = {
  id: 'ssh-handshake',
  title: 'SSH handshake',
  applies: ({ member }) => member.row.transport === 'ssh' && sshAddress(member) !== null,
  async run({ pond, member, deps }, signal) {
    const address = sshAddress(member);
    if (!address) return { status: 'skip', summary: 'no SSH address recorded', fixes: [] };
    const file = address.knownHostsFile ?? deps.knownHostsFile;
    const failures: string[] = [];
    for (const port of address.ports) {
      const tcp = await deps.connect(address.host, port, deps.connectTimeoutMs, signal);
      if (!tcp.ok) {
        failures.push(`${address.host}:${port}: ${tcp.reason}`);
        continue;
      }
      const knownHosts = await readKnownHosts(file);
      const result = await handshake(tcp.socket, address, port, knownHosts, deps.connectTimeoutMs, signal);
      if (result.ok) return verdictOutcome(address, port, file, result);
      if (result.verdict && result.key && (result.verdict.verdict === 'changed' || result.verdict.verdict === 'revoked')) {
        return refusedOutcome(member.name, address, port, file, result.verdict, result.key);
      }
      return {
        status: 'fail',
        summary: `TCP connect to ${address.host}:${port} ok, but the SSH handshake failed: ${result.reason}`,
        fixes: [`Check that sshd runs on ${member.name} and listens on port ${port}.`],
        reason: result.reason,
      };
    }
    const reason = failures.length === 1 ? (failures[0] ?? '').replace(/^.*?: /, '') : failures.join('; ');
    return {
      status: 'fail',
      summary: `cannot connect to ${member.name}: ${failures.join('; ')}`,
      fixes: [
        `Check that ${member.name} is running (crabbox list --pond ${pond}) and that its SSH port is open to this machine.`,
        'A member that was stopped keeps its claim but loses its address; start it again or release it.',
      ],
      reason,
    };
  },
};
