/**
 * Tailnet members: can this machine reach the member over the tailnet? A TCP connection
 * to its SSH port answers that (a refusal still proves the host answered). When it does
 * not, `tailscale status` and `tailscale ping` say why: this machine is not on a tailnet,
 * does not see the member, the member is offline, or the policy lets pond members reach
 * each other but not this machine.
 */
import type { TailnetPeer } from '../tailnet-status';
import type { Checker, CheckContext, CheckOutcome } from './types';

/** 100.64.0.0/10, the CGNAT range Tailscale assigns IPv4 addresses from. */
export function isTailnetIPv4(ip: string): boolean {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  return parts[0] === 100 && (parts[1] ?? 0) >= 64 && (parts[1] ?? 0) <= 127;
}

function findPeer(peers: TailnetPeer[], endpoint: string): TailnetPeer | undefined {
  const name = endpoint.replace(/\.$/, '').toLowerCase();
  return peers.find((p) => p.ips.includes(endpoint) || p.dnsName.toLowerCase() === name || p.hostName.toLowerCase() === name);
}

const JOIN_FIXES = [
  'Install Tailscale on this machine and join the tailnet the pond uses (tailscale up).',
  'Pond members still reach each other over the tailnet; only checks from this machine are affected.',
];

async function explain(ctx: CheckContext, endpoint: string, tried: string): Promise<CheckOutcome> {
  const { member, deps } = ctx;
  const status = await deps.tailnetStatus();
  if (status.state !== 'running') {
    const local = deps.localAddresses().find(isTailnetIPv4);
    const why =
      status.state === 'no-cli'
        ? status.message
        : status.state === 'not-running'
          ? `Tailscale is ${status.backendState} here`
          : status.message;
    if (local && status.state === 'no-cli') {
      return {
        status: 'warn',
        summary: `cannot reach ${member.name} (${tried}); this machine has the tailnet address ${local}, but ${why}, so the path cannot be diagnosed`,
        fixes: ['Put the tailscale CLI on PATH (on macOS: the Tailscale app can install it) and run the doctor again.'],
      };
    }
    return { status: 'warn', summary: `this machine is not on the tailnet: ${why}; ${member.name} (${endpoint}) cannot be checked from here`, fixes: JOIN_FIXES };
  }
  const peer = findPeer(status.peers, endpoint);
  const tailnet = status.tailnet ? ` ${status.tailnet}` : '';
  if (!peer) {
    return {
      status: 'warn',
      summary: `this machine is on the tailnet${tailnet} but does not see ${member.name} (${endpoint})`,
      fixes: [
        `${member.name} may have joined another tailnet: check the auth key its lease was created with.`,
        'The tailnet policy may hide it from this machine: pond rows let pond members reach each other, not your laptop.',
      ],
    };
  }
  if (!peer.online) {
    return {
      status: 'fail',
      summary: `${member.name} (${endpoint}) is offline on the tailnet`,
      fixes: [`Check that ${member.name} is running; a stopped lease drops off the tailnet.`],
      reason: 'offline on the tailnet',
    };
  }
  const ip = peer.ips.find(isTailnetIPv4) ?? peer.ips[0] ?? endpoint;
  const ping = await deps.tailscalePing(ip, deps.connectTimeoutMs);
  if (ping.ok) {
    return {
      status: 'warn',
      summary: `the tailnet path to ${member.name} works (${ping.line}), but ${tried}: the tailnet policy does not let this machine connect`,
      fixes: ['That is expected with pond rows alone; add a rule for your own user if you want to reach members directly.'],
    };
  }
  return {
    status: 'fail',
    summary: `${member.name} (${ip}) does not answer on the tailnet: ${ping.message}`,
    fixes: [`Check that ${member.name} is running and that tailscaled on it is up.`],
    reason: ping.message,
  };
}

export const tailnetReach: Checker = {
  id: 'tailnet-reach',
  title: 'tailnet reachability',
  applies: ({ member }) => member.row.transport === 'tailnet' && member.row.endpoint !== '',
  async run(ctx, signal) {
    const { member, deps } = ctx;
    const endpoint = member.row.endpoint;
    const ports = member.target ? [...new Set([member.target.port, ...member.target.fallbackPorts])] : [22];
    const failures: string[] = [];
    for (const port of ports) {
      const tcp = await deps.connect(endpoint, port, deps.connectTimeoutMs, signal);
      if (tcp.ok) {
        tcp.socket.destroy();
        return { status: 'ok', summary: `${member.name} is reachable from this machine over the tailnet (${endpoint}:${port} accepts connections)`, fixes: [] };
      }
      if (tcp.code === 'ECONNREFUSED') {
        return { status: 'ok', summary: `${member.name} is reachable from this machine over the tailnet (${endpoint} answered; port ${port} is closed)`, fixes: [] };
      }
      failures.push(`${endpoint}:${port}: ${tcp.reason}`);
    }
    return explain(ctx, endpoint, `TCP to ${failures.join(', ')}`);
  },
};
