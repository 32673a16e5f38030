/**
 * A network namespace joined to this one by a veth pair, for cutting a member's network
 * without touching anything else: its own /30 in 10.213.0.0/16, its processes, and a
 * cleanup that runs however the suite ends (also after a crash: namespaces a dead run
 * left are removed at the next start). Needs `ip` and CAP_NET_ADMIN (root).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { track } from '../src/engine/mesh/testing/processes';
import { CannotRun } from './scenario';
import { bounded } from './wait';

const PREFIX = 'pond-faults-';

export interface Namespace {
  name: string;
  /** This side of the link. */
  hostAddress: string;
  /** The namespace's side: where its services listen. */
  address: string;
  /** `ip netns exec <name>`: prefix for a command run inside. */
  launcher: string[];
  linkDown(): void;
  linkUp(): void;
  /** A TCP echo service on the namespace's 127.0.0.1:`port`. */
  startEcho(port: number): Promise<void>;
  remove(): void;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What `ip` said on stderr, else the error's first line. */
function why(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  return stderr.split('\n')[0] || (error as Error).message.split('\n')[0]!;
}

function quietly(run: () => unknown): void {
  try {
    run();
  } catch {
    // already gone
  }
}

function removeNamespace(name: string, hostIf: string): void {
  const pids = (() => {
    try {
      return ip('netns', 'pids', name).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  })();
  for (const pid of pids) quietly(() => process.kill(pid, 'SIGKILL'));
  quietly(() => ip('link', 'del', hostIf));
  quietly(() => ip('netns', 'del', name));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces an earlier run left behind when it died. */
function sweepLeftovers(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const match = new RegExp(`^${PREFIX}(\\d+)\\b`).exec(line);
    if (match && !alive(Number(match[1]))) removeNamespace(`${PREFIX}${match[1]}`, `pfh${match[1]}`);
  }
}

const removers = new Set<() => void>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const remove of removers) remove();
  });
}

export async function createNamespace(): Promise<Namespace> {
  try {
    ip('-V');
  } catch (error) {
    throw new CannotRun(`the \`ip\` command is not available (${why(error)}); install iproute2`);
  }
  const id = process.pid;
  const name = `${PREFIX}${id}`;
  const hostIf = `pfh${id}`;
  const nsIf = `pfn${id}`;
  const subnet = `10.213.${id % 250}`;
  const hostAddress = `${subnet}.1`;
  const address = `${subnet}.2`;
  const remove = () => removeNamespace(name, hostIf);
  try {
    sweepLeftovers();
    ip('netns', 'add', name);
  } catch (error) {
    throw new CannotRun(`cannot create a network namespace (${why(error)}); the suite needs root or CAP_NET_ADMIN`);
  }
  removers.add(remove);
  hookExit();
  const inside = (...args: string[]) => ip('netns', 'exec', name, 'ip', ...args);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    inside('addr', 'add', `${address}/30`, 'dev', nsIf);
    inside('link', 'set', nsIf, 'up');
    inside('link', 'set', 'lo', 'up');
  } catch (error) {
    remove();
    removers.delete(remove);
    throw new CannotRun(`cannot set up the namespace's link: ${why(error)}`);
  }
  const launcher = ['ip', 'netns', 'exec', name];
  const children: ChildProcess[] = [];
  return {
    name,
    hostAddress,
    address,
    launcher,
    linkDown: () => void ip('link', 'set', hostIf, 'down'),
    linkUp: () => void ip('link', 'set', hostIf, 'up'),
    async startEcho(port) {
      const script = `require('node:net').createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
      const child = spawn(launcher[0]!, [...launcher.slice(1), process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      track(child);
      children.push(child);
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      await bounded(`the echo service in ${name}`, 15_000, () => out.includes('listening'));
    },
    remove() {
      for (const child of children) quietly(() => child.kill('SIGKILL'));
      remove();
      removers.delete(remove);
    },
  };
}
