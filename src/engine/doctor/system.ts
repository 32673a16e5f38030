/**
 * The doctor's dependencies on a real machine: the HTTP client, the user's known_hosts, the
 * `tailscale` and `git` commands, network interfaces. Tests build their own.
 */
import os from 'node:os';
import path from 'node:path';
import { defaultHttpClient, type HttpClient } from '../../lib/http';
import { runProcess, type RunOptions, type RunResult } from '../../providers/lifecycle/run-process';
import type { CheckDeps } from './checks/types';
import type { GitEmailReader } from './owner-tag';
import { tcpConnect } from './tcp';
import { tailnetStatus, tailscalePing, type RunFn, type TailnetStatus, type TailscaleCli } from './tailnet-status';

export const CONNECT_TIMEOUT_MS = 3000;
export const URL_TIMEOUT_MS = 3000;
export const FORWARD_GRACE_MS = 500;
const COMMAND_TIMEOUT_MS = 5000;

export interface SystemOptions {
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd?: string;
  run?: RunFn;
  http?: HttpClient;
}

function localAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => a !== undefined)
    .map((a) => a.address);
}

export function systemCheckDeps(options: SystemOptions): CheckDeps {
  const run: RunFn = options.run ?? ((c: string, a: readonly string[], o: RunOptions): Promise<RunResult> => runProcess(c, a, o));
  const cli: TailscaleCli = { run, env: options.env, command: options.env.POND_TAILSCALE_CLI || 'tailscale', timeoutMs: COMMAND_TIMEOUT_MS };
  let status: Promise<TailnetStatus> | undefined;
  return {
    http: options.http ?? defaultHttpClient(),
    connect: tcpConnect,
    knownHostsFile: path.join(options.home, '.ssh', 'known_hosts'),
    tailnetStatus: () => (status ??= tailnetStatus(cli)),
    tailscalePing: (ip, timeoutMs) => tailscalePing(cli, ip, timeoutMs),
    localAddresses,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    urlTimeoutMs: URL_TIMEOUT_MS,
    forwardGraceMs: FORWARD_GRACE_MS,
  };
}

/** `git config --get user.email` in the current repository, as crabbox runs it. */
export function systemGitEmail(options: SystemOptions): GitEmailReader {
  const run: RunFn = options.run ?? ((c, a, o) => runProcess(c, a, o));
  return async () => {
    const result = await run('git', ['config', '--get', 'user.email'], { env: options.env, cwd: options.cwd, timeoutMs: COMMAND_TIMEOUT_MS });
    return result.kind === 'exited' && result.code === 0 ? result.stdout : null;
  };
}
