/**
 * Is this machine on a tailnet, and which peers does it see? Read from
 * `tailscale status --json`; `tailscale ping` tests the path to one peer. Commands run
 * through an injected runner, so tests use a real script standing in for `tailscale`.
 */
import type { RunOptions, RunResult } from '../../providers/lifecycle/run-process';

export type RunFn = (command: string, args: readonly string[], options: RunOptions) => Promise<RunResult>;

export interface TailnetPeer {
  hostName: string;
  dnsName: string;
  ips: string[];
  online: boolean;
  tags: string[];
}

export type TailnetStatus =
  | { state: 'no-cli'; message: string }
  | { state: 'error'; message: string }
  | { state: 'not-running'; backendState: string }
  | { state: 'running'; tailnet: string; selfIPs: string[]; peers: TailnetPeer[] };

export interface TailscaleCli {
  run: RunFn;
  env: Readonly<Record<string, string | undefined>>;
  /** The `tailscale` binary (a name on PATH or a path). */
  command: string;
  timeoutMs: number;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function peerOf(value: unknown): TailnetPeer | null {
  if (!value || typeof value !== 'object') return null;
  const p = value as Record<string, unknown>;
  return {
    hostName: typeof p.HostName === 'string' ? p.HostName : '',
    dnsName: typeof p.DNSName === 'string' ? p.DNSName.replace(/\.$/, '') : '',
    ips: strings(p.TailscaleIPs),
    online: p.Online === true,
    tags: strings(p.Tags),
  };
}

/** Parses `tailscale status --json`. */
export function parseTailnetStatus(stdout: string): TailnetStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { state: 'error', message: '`tailscale status --json` printed something that is not JSON' };
  }
  if (!parsed || typeof parsed !== 'object') return { state: 'error', message: '`tailscale status --json` printed no status object' };
  const status = parsed as Record<string, unknown>;
  const backendState = typeof status.BackendState === 'string' ? status.BackendState : '';
  if (backendState !== 'Running') return { state: 'not-running', backendState: backendState || 'unknown' };
  const self = peerOf(status.Self);
  const peers = Object.values((status.Peer as Record<string, unknown> | null) ?? {})
    .map(peerOf)
    .filter((p): p is TailnetPeer => p !== null);
  const current = status.CurrentTailnet as Record<string, unknown> | null | undefined;
  const tailnet = typeof current?.Name === 'string' ? current.Name : '';
  return { state: 'running', tailnet, selfIPs: self?.ips ?? [], peers };
}

export async function tailnetStatus(cli: TailscaleCli): Promise<TailnetStatus> {
  const result = await cli.run(cli.command, ['status', '--json'], { env: cli.env, timeoutMs: cli.timeoutMs });
  switch (result.kind) {
    case 'spawn-error':
      return /ENOENT/.test(result.message)
        ? { state: 'no-cli', message: `there is no \`${cli.command}\` command on this machine (Tailscale is not installed, or its CLI is not on PATH)` }
        : { state: 'no-cli', message: `the tailscale CLI could not be started (${result.message})` };
    case 'timeout':
      return { state: 'error', message: `\`tailscale status\` did not answer within ${cli.timeoutMs / 1000} s` };
    case 'signalled':
      return { state: 'error', message: `\`tailscale status\` was killed by ${result.signal}` };
    case 'exited':
      if (result.code === 127) return { state: 'no-cli', message: 'the tailscale CLI is not installed on this machine' };
      if (result.code !== 0) {
        const status = parseTailnetStatus(result.stdout);
        if (status.state === 'not-running') return status;
        return { state: 'error', message: `\`tailscale status\` failed: ${firstLine(result.stderr) || `exit status ${result.code}`}` };
      }
      return parseTailnetStatus(result.stdout);
  }
}

export type PingResult = { ok: true; line: string } | { ok: false; message: string };

/** `tailscale ping -c 1 --timeout 3s <ip>`: a disco ping, which works whatever the policy allows. */
export async function tailscalePing(cli: TailscaleCli, ip: string, timeoutMs: number): Promise<PingResult> {
  const seconds = Math.max(1, Math.round(timeoutMs / 1000));
  const result = await cli.run(cli.command, ['ping', '-c', '1', `--timeout=${seconds}s`, ip], {
    env: cli.env,
    timeoutMs: timeoutMs + cli.timeoutMs,
  });
  if (result.kind === 'exited' && result.code === 0) return { ok: true, line: firstLine(result.stdout) };
  if (result.kind === 'exited') return { ok: false, message: firstLine(result.stdout) || firstLine(result.stderr) || `exit status ${result.code}` };
  if (result.kind === 'spawn-error') return { ok: false, message: result.message };
  return { ok: false, message: `\`tailscale ping\` did not finish` };
}
