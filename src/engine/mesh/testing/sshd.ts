/**
 * A real OpenSSH sshd on 127.0.0.1 for tests and benchmarks: its own config, host key and
 * authorized_keys in a temp directory, one or more listening ports, killable and
 * restartable on the same ports (optionally with a different host key), and freezable
 * (SIGSTOP, every process of it) like a machine that stopped answering. The fault suite
 * also starts one inside a network namespace (`launcher`, `listenAddress`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKey, readPublicKey, type TestKey } from './keys';
import { freePort } from './ports';
import { descendantsOf, killTree, track } from './processes';
import { until } from './wait';

export const SSHD_PATH = '/usr/sbin/sshd';
const MAX_PORTS = 16;

export interface SshdOptions {
  /** Temp directory for config, keys and logs (created if missing). */
  dir: string;
  /** Fixed first port; picked at random when absent. */
  port?: number;
  /** How many ports to listen on (default 1, at most 16: sshd's MAX_LISTEN_SOCKS); extra ones are picked at random. */
  portCount?: number;
  /** Private host key file to use instead of a fresh ed25519 one. */
  hostKey?: string;
  /** Extra sshd_config lines. */
  config?: string[];
  /** Address to listen on (default 127.0.0.1). */
  listenAddress?: string;
  /** Command that execs sshd, e.g. `['ip', 'netns', 'exec', 'ns1']` (default: sshd itself). */
  launcher?: string[];
}

export interface Sshd {
  port: number;
  ports: number[];
  /** The login name: whoever runs the tests. */
  user: string;
  hostKey: TestKey;
  hostKeyFingerprint: string;
  /** An unencrypted ed25519 key already in authorized_keys. */
  clientKey: TestKey;
  clientKeyPath: string;
  authorizedKeysPath: string;
  /** Adds a public key (a `.pub` path or a TestKey) to authorized_keys. */
  authorize(key: TestKey): void;
  /** Everything sshd wrote to stderr so far. */
  log(): string;
  /** Kills sshd and every connection it serves (SIGKILL: like the server vanishing). */
  stop(): Promise<void>;
  /** Starts again on the same ports, with another host key if given. */
  restart(options?: { hostKey?: string }): Promise<void>;
  /** The listener and every connection process, as they are now (empty when stopped). */
  pids(): number[];
  /** SIGSTOP to every process of it: connections stay open and nothing answers. */
  freeze(): void;
  /** SIGCONT to every process freeze stopped. */
  thaw(): void;
}

function writeConfig(dir: string, ports: number[], hostKeyPath: string, authorizedKeysPath: string, extra: string[], listenAddress: string): string {
  const file = path.join(dir, 'sshd_config');
  const lines = [
    ...ports.map((p) => `Port ${p}`),
    `ListenAddress ${listenAddress}`,
    `HostKey ${hostKeyPath}`,
    'PidFile none',
    'UsePAM no',
    'PermitRootLogin yes',
    'StrictModes no',
    `AuthorizedKeysFile ${authorizedKeysPath}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AllowTcpForwarding yes',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'UseDNS no',
    'MaxStartups 1000',
    'MaxSessions 100',
    'LogLevel INFO',
    ...extra,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Started = { ok: true; child: ChildProcess } | { ok: false; bindFailed: boolean; log: string };

function launch(configFile: string, ports: number[], onLog: (chunk: string) => void, listenAddress: string, launcher: string[]): Promise<Started> {
  return new Promise((resolve) => {
    const argv = [...launcher, SSHD_PATH, '-D', '-e', '-f', configFile];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let text = '';
    const waiting = new Set(ports);
    const timer = setTimeout(() => {
      void killTree(child).then(() => resolve({ ok: false, bindFailed: false, log: `${text}\n(sshd did not start within 10 s)` }));
    }, 10_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      text += chunk;
      onLog(chunk);
      for (const match of text.matchAll(/Server listening on (\S+) port (\d+)\./g)) if (match[1] === listenAddress) waiting.delete(Number(match[2]));
      if (waiting.size === 0) {
        clearTimeout(timer);
        resolve({ ok: true, child });
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ ok: false, bindFailed: /Bind to port|Cannot bind/.test(text), log: text });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, bindFailed: false, log: `${text}\n${error.message}` });
    });
  });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const { dir } = options;
  const listenAddress = options.listenAddress ?? '127.0.0.1';
  const launcher = options.launcher ?? [];
  if ((options.portCount ?? 1) > MAX_PORTS) throw new Error(`sshd listens on at most ${MAX_PORTS} ports; start several instead`);
  mkdirSync(dir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  let hostKey = options.hostKey ? readPublicKey(options.hostKey) : generateKey(dir, 'ssh_host_ed25519_key');
  const clientKey = existsSync(path.join(dir, 'client_ed25519')) ? readPublicKey(path.join(dir, 'client_ed25519')) : generateKey(dir, 'client_ed25519');
  const authorizedKeysPath = path.join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, `${clientKey.publicLine}\n`, { mode: 0o600 });
  let logText = '';
  const onLog = (chunk: string) => {
    logText += chunk;
  };

  let ports: number[] = [];
  let child: ChildProcess | null = null;
  let frozen: number[] = [];
  let lastLog = '';
  for (let attempt = 0; attempt < 5 && !child; attempt += 1) {
    ports = [];
    if (options.port !== undefined) ports.push(options.port);
    while (ports.length < (options.portCount ?? 1)) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const configFile = writeConfig(dir, ports, hostKey.privatePath, authorizedKeysPath, options.config ?? [], listenAddress);
    const started = await launch(configFile, ports, onLog, listenAddress, launcher);
    if (started.ok) child = started.child;
    else {
      lastLog = started.log;
      if (!started.bindFailed || options.port !== undefined) break;
    }
  }
  if (!child) throw new Error(`sshd did not start:\n${lastLog}`);

  const sshd: Sshd = {
    port: ports[0]!,
    ports,
    user: os.userInfo().username,
    hostKey,
    hostKeyFingerprint: hostKey.fingerprint,
    clientKey,
    clientKeyPath: clientKey.privatePath,
    authorizedKeysPath,
    authorize: (key) => appendFileSync(authorizedKeysPath, `${key.publicLine}\n`),
    log: () => logText,
    stop: async () => {
      if (child) await killTree(child);
      child = null;
      frozen = [];
    },
    restart: async (restartOptions = {}) => {
      if (child) await killTree(child);
      child = null;
      frozen = [];
      if (restartOptions.hostKey) {
        hostKey = readPublicKey(restartOptions.hostKey);
        sshd.hostKey = hostKey;
        sshd.hostKeyFingerprint = hostKey.fingerprint;
      }
      const configFile = writeConfig(dir, ports, hostKey.privatePath, authorizedKeysPath, options.config ?? [], listenAddress);
      // The old listener's port can take a moment to be released after SIGKILL.
      await until(
        async () => {
          const started = await launch(configFile, ports, onLog, listenAddress, launcher);
          if (!started.ok && !started.bindFailed) throw new Error(`sshd did not restart:\n${started.log}`);
          if (started.ok) child = started.child;
          return started.ok;
        },
        `sshd to bind ${ports.join(', ')} again`,
        10_000,
      );
    },
    pids: () => (child?.pid !== undefined ? [child.pid, ...descendantsOf(child.pid)] : []),
    freeze: () => {
      frozen = sshd.pids();
      for (const pid of frozen) signal(pid, 'SIGSTOP');
    },
    thaw: () => {
      for (const pid of frozen) signal(pid, 'SIGCONT');
      frozen = [];
    },
  };
  return sshd;
}
