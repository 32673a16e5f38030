/**
 * SSH mesh benchmark (issues 5 and 17): our ssh2 forward against OpenSSH `ssh -N -L`, in one
 * run, against the same sshd and the same services, with the same cipher
 * (aes128-gcm@openssh.com). Load is generated and served by separate processes, and our
 * steady forwards live in a process of their own as `ssh` does, so no side shares an event
 * loop with the traffic it carries or with the harness.
 *
 * Figures: bulk throughput each way (256 MiB per run; one warm-up run each, then
 * MESH_BENCH_ROUNDS interleaved rounds, default 5: the goal is the median of the rounds'
 * ratios) with the CPU each forwarding process used per GiB (all its threads, from
 * /proc/<pid>/task/<tid>/schedstat); the owner's event-loop delay (p50, p99, max, from
 * perf_hooks.monitorEventLoopDelay on the forwarder's main thread) during a 1 GiB download;
 * round-trip time of small messages (mean and p99 per round, the goal the median of the
 * rounds' ratios) with the CPU per round trip; bring-up of a 20-member pond (20 sshd
 * ports on two sshd instances) against 20 ssh processes started together (median of the
 * rounds' ratios); and the engine's resident memory with 20 members × 5 forwards idle (its
 * data-plane threads run the worker built as `npm run build` builds it, into the run's temp
 * directory). Throughput, CPU and round trips are also measured through a bare ssh2 forward
 * (no engine: one `forwardOut` per connection, streams piped, one Node thread) in the same
 * rounds, as the reference for what ssh2 and Node cost by themselves.
 *
 * MESH_BENCH_ONLY=throughput stops after the throughput and event-loop figures; =upload or
 * =download measures only that direction (the event-loop figures come with downloads), so a
 * profile (below) holds one direction; =rtt measures only round trips.
 * MESH_BENCH_PROFILE=<dir> runs the forwarder under `node --cpu-prof` (its data-plane threads
 * too), writing one .cpuprofile per thread into <dir>; `node --import tsx bench/cpu-profile.ts
 * <dir>` prints their top frames. The same file plays four helper roles when MESH_BENCH_ROLE
 * is set (services, driver, forwarder, bare, rss).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import ssh2 from 'ssh2';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataPlane, sharedDataPlane } from '../src/engine/mesh/data-plane/data-plane';
import { MeshManager } from '../src/engine/mesh/manager';
import { inMemoryPortMemory, PortAllocator } from '../src/engine/mesh/port-allocator';
import { findFreePortRange } from '../src/engine/mesh/testing/ports';
import { startBulk, startEcho } from '../src/engine/mesh/testing/services';
import { startSshd, type Sshd } from '../src/engine/mesh/testing/sshd';
import type { MeshMember } from '../src/engine/mesh/types';
import type { BenchResult } from './run';

const CIPHER = 'aes128-gcm@openssh.com';
const BULK_BYTES = 256 * 1024 * 1024;
const BULK_ROUNDS = Number(process.env.MESH_BENCH_ROUNDS ?? 5);
if (!Number.isInteger(BULK_ROUNDS) || BULK_ROUNDS < 1) throw new Error(`MESH_BENCH_ROUNDS must be a whole number of rounds ≥ 1, not ${JSON.stringify(process.env.MESH_BENCH_ROUNDS)}`);
/** The download during which the owner's event-loop delay is measured. */
const LAG_BYTES = 1024 * 1024 * 1024;
/** Echoes per side in each round; a round is several short batches, each side's in turn. */
const RTT_PER_ROUND = 400;
const RTT_SIZE = 64;
/** A forward in use has run its JavaScript hot; the first echoes also open the channel. */
const RTT_WARM_UP = 3_000;
/** Short batches, so drift in a shared machine's load hits every side alike. */
const RTT_BATCHES = 4;
const BRING_UP_MEMBERS = 20;
const ONLY = process.env.MESH_BENCH_ONLY;
if (ONLY !== undefined && !['throughput', 'upload', 'download', 'rtt'].includes(ONLY)) throw new Error(`MESH_BENCH_ONLY must be throughput, upload, download or rtt, not ${JSON.stringify(ONLY)}`);
const DIRECTIONS = (['upload', 'download'] as const).filter((op) => ONLY === undefined || ONLY === 'throughput' || ONLY === op);
const SELF = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Helper processes

function spawnRole(role: string, env: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', SELF], {
    env: { ...process.env, MESH_BENCH_ROLE: role, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** Line-oriented JSON RPC with a helper process. */
function rpc(child: ChildProcess): { next(): Promise<unknown>; call(message: unknown): Promise<unknown> } {
  const lines = readline.createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  // A helper that dies answers every question left with an error instead of leaving the run hanging.
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w(JSON.stringify({ error: `a helper process exited (${signal ?? code}) before it answered` }));
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const take = (line: string) => {
        const parsed = JSON.parse(line) as { error?: string };
        if (parsed.error) reject(new Error(parsed.error));
        else resolve(parsed);
      };
      const ready = queue.shift();
      if (ready !== undefined) take(ready);
      else waiting.push(take);
    });
  return {
    next,
    call: (message) => {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
      return next();
    },
  };
}

type DriverCommand = { op: 'upload' | 'download'; port: number; bytes: number } | { op: 'rtt'; port: number; count: number; size: number };

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function header(mode: 'u' | 'd', bytes: number): Buffer {
  const h = Buffer.alloc(9);
  h.write(mode, 0);
  h.writeBigUInt64BE(BigInt(bytes), 1);
  return h;
}

async function drive(command: DriverCommand): Promise<unknown> {
  const socket = await connect(command.port);
  if (command.op === 'upload') {
    const block = Buffer.alloc(256 * 1024, 0x62);
    const start = process.hrtime.bigint();
    const done = new Promise<void>((resolve, reject) => {
      socket.once('data', () => resolve());
      socket.once('error', reject);
    });
    socket.write(header('u', command.bytes));
    let left = command.bytes;
    while (left > 0) {
      const n = Math.min(left, block.length);
      left -= n;
      if (!socket.write(n === block.length ? block : block.subarray(0, n))) await new Promise((r) => socket.once('drain', r));
    }
    await done;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    socket.destroy();
    return { ms };
  }
  if (command.op === 'download') {
    const start = process.hrtime.bigint();
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.once('end', () => resolve());
      socket.once('error', reject);
      socket.write(header('d', command.bytes));
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    socket.destroy();
    if (received !== command.bytes) throw new Error(`download got ${received} of ${command.bytes} bytes`);
    return { ms };
  }
  if (command.op !== 'rtt') throw new Error(`unknown driver op ${JSON.stringify(command)}`);
  const { size, count } = command;
  const message = Buffer.alloc(size, 0x63);
  const samples: number[] = [];
  let pending: ((chunk: Buffer) => void) | null = null;
  let got = 0;
  socket.on('data', (chunk: Buffer) => pending?.(chunk));
  const echoOnce = () =>
    new Promise<void>((resolve) => {
      got = 0;
      pending = (chunk) => {
        got += chunk.length;
        if (got >= size) resolve();
      };
      socket.write(message);
    });
  // The first echo also waits for the forward to open its channel: that is bring-up, not RTT.
  await echoOnce();
  for (let i = 0; i < count; i += 1) {
    const start = process.hrtime.bigint();
    await echoOnce();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  socket.destroy();
  return { samples };
}

async function roleServices(): Promise<void> {
  const bulk = await startBulk();
  const echo = await startEcho();
  const echoes = await Promise.all([1, 2, 3, 4, 5].map(() => startEcho()));
  process.stdout.write(`${JSON.stringify({ bulk: bulk.port, echo: echo.port, echoes: echoes.map((e) => e.port) })}\n`);
}

async function roleDriver(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      process.stdout.write(`${JSON.stringify(await drive(JSON.parse(line) as DriverCommand))}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
    }
  }
}

/** The members and port range a forwarder or rss helper serves, passed in its environment. */
interface MembersConfig {
  members: MeshMember[];
  range: { min: number; max: number };
}

function membersConfigEnv(config: MembersConfig): Record<string, string> {
  return { MESH_BENCH_CONFIG: JSON.stringify(config) };
}

function readMembersConfig(): MembersConfig {
  return JSON.parse(process.env.MESH_BENCH_CONFIG ?? '{}') as MembersConfig;
}

async function roleRss(): Promise<void> {
  const config = readMembersConfig();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  // The worker as the app and the CLI ship it: from source, each thread would also hold tsx.
  const workerBundle = process.env.MESH_BENCH_WORKER!;
  const manager = new MeshManager({
    dataPlane: new DataPlane(undefined, () => new Worker(workerBundle)),
    resolveMembers: async () => config.members,
    allocator: new PortAllocator({ memory: inMemoryPortMemory(), ...config.range }),
    askPassphrase: async () => null,
    tuning: { algorithms: { cipher: [CIPHER] } },
  });
  await manager.connect({ pond: 'rss' });
  await waitAllReady(manager, 'rss', 60_000);
  await new Promise((r) => setTimeout(r, 2_000));
  gc?.();
  const idle = process.memoryUsage().rss;
  const forwards = manager.status('rss').ponds[0]?.members.reduce((n, m) => n + m.forwards.length, 0) ?? 0;
  process.stdout.write(`${JSON.stringify({ baseline, idle, forwards })}\n`);
  await manager.disconnectAll();
  process.exit(0);
}

/**
 * Holds the steady forwards in a process of its own, as OpenSSH's `ssh` is one. On `lag`
 * it starts recording its main thread's event-loop delay, on `lag?` it answers with the
 * figures since (ms).
 */
async function roleForwarder(): Promise<void> {
  const config = readMembersConfig();
  const pond = config.members[0]!.pond;
  const manager = newManager(config.members, config.range);
  await manager.connect({ pond });
  await waitAllReady(manager, pond, 30_000);
  const forwards = manager.status(pond).ponds[0]!.members.flatMap((m) => m.forwards.map((f) => ({ remotePort: f.remotePort, localPort: f.localPort })));
  process.stdout.write(`${JSON.stringify({ forwards })}\n`);
  const lag = monitorEventLoopDelay({ resolution: 1 });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as string;
    if (command === 'stop') break;
    if (command === 'lag') {
      lag.reset();
      lag.enable();
      process.stdout.write('{}\n');
    } else if (command === 'lag?') {
      lag.disable();
      const ms = (ns: number) => ns / 1e6;
      process.stdout.write(`${JSON.stringify({ p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max), samples: lag.count })}\n`);
    }
  }
  await manager.disconnectAll();
  // Ended threads write their CPU profiles (MESH_BENCH_PROFILE) before the process exits.
  await sharedDataPlane().close();
  process.exit(0);
}

/**
 * A bare ssh2 forward, the reference the engine is held to: one client, a listener per
 * remote port, one `forwardOut` per local connection piped both ways, all on the main
 * thread; nothing of ours in the path. Prints its local ports, in the remote ports' order.
 */
async function roleBare(): Promise<void> {
  const { sshPort, user, keyPath, remotePorts } = JSON.parse(process.env.MESH_BENCH_BARE!) as { sshPort: number; user: string; keyPath: string; remotePorts: number[] };
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port: sshPort, username: user, privateKey: readFileSync(keyPath), algorithms: { cipher: [CIPHER] }, hostVerifier: () => true });
  });
  const listen = async (remotePort: number) => {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (error, channel) => {
        if (error) return socket.destroy();
        socket.pipe(channel).pipe(socket);
        socket.once('close', () => channel.close());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  };
  const ports: number[] = [];
  for (const remotePort of remotePorts) ports.push(await listen(remotePort));
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
}

// ---------------------------------------------------------------------------------------
// Measurement helpers

function waitAllReady(manager: MeshManager, pond: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const members = manager.status(pond).ponds[0]?.members ?? [];
      if (members.length > 0 && members.every((m) => m.forwards.every((f) => f.state === 'ready'))) resolve();
      else if (Date.now() > deadline) reject(new Error(`pond ${pond} not ready within ${timeoutMs} ms: ${JSON.stringify(members.map((m) => m.session))}`));
      else setTimeout(check, 2);
    };
    check();
  });
}

/** Resolves once one byte makes the round trip through `port` (retrying refused connects). */
async function echoWorks(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.setNoDelay(true);
        socket.once('connect', () => socket.write('.'));
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
        socket.once('close', () => reject(new Error('closed')));
      });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function sshArgs(sshd: Sshd, sshPort: number, knownHosts: string, forwards: Array<[number, number]>): string[] {
  return [
    '-i',
    sshd.clientKeyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=2',
    '-p',
    String(sshPort),
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'ControlMaster=no',
    '-o',
    'ControlPath=none',
    '-c',
    CIPHER,
    '-N',
    '-o',
    'ExitOnForwardFailure=yes',
    ...forwards.flatMap(([local, remote]) => ['-L', `127.0.0.1:${local}:127.0.0.1:${remote}`]),
    `${sshd.user}@127.0.0.1`,
  ];
}

function startSsh(args: string[]): ChildProcess {
  const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.resume();
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function member(name: string, sshd: Sshd, sshPort: number, ports: number[], knownHosts: string): MeshMember {
  return {
    pond: 'bench',
    name,
    leaseID: `bench_${name}`,
    provider: 'ssh',
    origin: 'manual',
    target: { host: '127.0.0.1', port: sshPort, fallbackPorts: [], user: sshd.user, auth: { kind: 'key', keyPath: sshd.clientKeyPath }, knownHostsPath: knownHosts },
    ports,
  };
}

/**
 * Builds the CLI as `npm run build` does, into node_modules/.cache (where its dependencies
 * resolve); resolves with its data-plane worker.
 */
function buildWorker(): Promise<string> {
  const root = path.dirname(path.dirname(SELF));
  const outDir = path.join(root, 'node_modules', '.cache', 'mesh-bench-cli');
  const vite = spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.cli.config.ts', '--outDir', outDir, '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => {
    vite.once('error', reject);
    vite.once('exit', (code) => (code === 0 ? resolve(path.join(outDir, 'mesh-worker.js')) : reject(new Error(`building the data-plane worker failed (vite exited with ${code})`))));
  });
}

function newManager(members: MeshMember[], range: { min: number; max: number }): MeshManager {
  return new MeshManager({
    resolveMembers: async () => members,
    allocator: new PortAllocator({ memory: inMemoryPortMemory(), ...range }),
    askPassphrase: async () => null,
    tuning: { algorithms: { cipher: [CIPHER] } },
    probeRemotePorts: false,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `min–max` of the values, rounded. */
function spread(values: number[], digits = 3): string {
  return `${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)}`;
}

/** CPU seconds a process used so far, all its threads, in nanoseconds' precision (schedstat). */
function cpuSecondsOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1e9;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ---------------------------------------------------------------------------------------

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const results: BenchResult[] = [];
  try {
    // sshd listens on at most 16 ports, so the 20 member ports come from two instances.
    const [sshd, sshd2] = await Promise.all([
      startSshd({ dir: path.join(dir, 'sshd'), portCount: BRING_UP_MEMBERS / 2 }),
      startSshd({ dir: path.join(dir, 'sshd2'), portCount: BRING_UP_MEMBERS / 2 }),
    ]);
    cleanups.push(() => sshd.stop(), () => sshd2.stop());
    sshd2.authorize(sshd.clientKey);
    const memberPorts = [...sshd.ports, ...sshd2.ports];
    const servicesChild = spawnRole('services');
    const driverChild = spawnRole('driver');
    children.push(servicesChild, driverChild);
    const services = (await rpc(servicesChild).next()) as { bulk: number; echo: number; echoes: number[] };
    const driver = rpc(driverChild);
    const range = await findFreePortRange(200);
    const sshPorts = await findFreePortRange(BRING_UP_MEMBERS + 2);
    const ourKnownHosts = path.join(dir, 'known_hosts_ours');
    const sshKnownHosts = path.join(dir, 'known_hosts_openssh');

    // Steady forwards for throughput and RTT: one member, two forwards, on sshd's first port.
    const profile = process.env.MESH_BENCH_PROFILE;
    const forwarderChild = spawnRole(
      'forwarder',
      membersConfigEnv({ members: [member('steady', sshd, sshd.port, [services.bulk, services.echo], ourKnownHosts)], range }),
      profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`] : [],
    );
    children.push(forwarderChild);
    const forwarder = rpc(forwarderChild);
    const { forwards: ourForwards } = (await forwarder.next()) as { forwards: Array<{ remotePort: number; localPort: number }> };
    const ourBulk = ourForwards.find((f) => f.remotePort === services.bulk)!.localPort;
    const ourEcho = ourForwards.find((f) => f.remotePort === services.echo)!.localPort;
    const [sshBulk, sshEcho] = [sshPorts.max, sshPorts.max - 1];
    const ssh = startSsh(sshArgs(sshd, sshd.port, sshKnownHosts, [[sshBulk, services.bulk], [sshEcho, services.echo]]));
    children.push(ssh);
    const bareChild = spawnRole('bare', { MESH_BENCH_BARE: JSON.stringify({ sshPort: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, remotePorts: [services.bulk, services.echo] }) });
    children.push(bareChild);
    const { ports: [bareBulk, bareEcho] } = (await rpc(bareChild).next()) as { ports: [number, number] };
    await Promise.all([sshEcho, ourEcho, bareEcho].map((port) => echoWorks(port, Date.now() + 30_000)));
    const forwarding = { ours: { pid: forwarderChild.pid!, bulk: ourBulk, echo: ourEcho }, openssh: { pid: ssh.pid!, bulk: sshBulk, echo: sshEcho }, bare: { pid: bareChild.pid!, bulk: bareBulk!, echo: bareEcho! } };
    type Side = keyof typeof forwarding;
    const SIDES = Object.keys(forwarding) as Side[];

    const rates: Record<string, number[]> = {};
    const cpuPerGiB: Record<string, number[]> = {};
    /** CPU seconds a forwarding process used, all its threads (ours, ssh, bare ssh2). */
    const cpuSeconds = (who: Side) => cpuSecondsOf(forwarding[who].pid);
    const bulkRun = async (who: Side, op: 'upload' | 'download', bytes: number) => {
      const before = cpuSeconds(who);
      const { ms } = (await driver.call({ op, port: forwarding[who].bulk, bytes })) as { ms: number };
      (cpuPerGiB[`${op}/${who}`] ??= []).push(((cpuSeconds(who) - before) * (1024 * MiB)) / bytes);
      return bytes / MiB / (ms / 1000);
    };
    for (const op of DIRECTIONS) {
      for (const who of SIDES) await bulkRun(who, op, BULK_BYTES);
      for (const who of SIDES) cpuPerGiB[`${op}/${who}`] = [];
      for (let roundNo = 0; roundNo < BULK_ROUNDS; roundNo += 1) {
        // The order turns each round, so no side always follows the same one.
        for (let k = 0; k < SIDES.length; k += 1) {
          const who = SIDES[(k + roundNo) % SIDES.length]!;
          (rates[`${op}/${who}`] ??= []).push(await bulkRun(who, op, BULK_BYTES));
        }
      }
    }
    for (const op of DIRECTIONS) {
      const ours = rates[`${op}/ours`]!;
      const theirs = rates[`${op}/openssh`]!;
      const ratios = ours.map((o, i) => o / theirs[i]!);
      const ratio = median(ratios);
      const label = op === 'upload' ? 'local→remote' : 'remote→local';
      results.push({ name: `throughput ${label}, ours`, value: round(median(ours), 1), unit: 'MiB/s', note: `256 MiB through one forward, median of ${BULK_ROUNDS} rounds interleaved with OpenSSH after one warm-up run each (range ${spread(ours, 0)}), cipher ${CIPHER}` });
      results.push({ name: `throughput ${label}, openssh`, value: round(median(theirs), 1), unit: 'MiB/s', note: `range ${spread(theirs, 0)}` });
      results.push({ name: `throughput ${label}, ours/openssh`, value: round(ratio), unit: 'ratio', goal: '≥ 0.9', ok: ratio >= 0.9, note: `median of the rounds' ratios; range ${spread(ratios)}` });
      const bareRatios = rates[`${op}/bare`]!.map((b, i) => b / theirs[i]!);
      results.push({ name: `throughput ${label}, bare ssh2/openssh`, value: round(median(bareRatios)), unit: 'ratio', note: `reference: ssh2 alone, no engine (${spread(bareRatios)})` });
      const cpuOurs = cpuPerGiB[`${op}/ours`]!;
      const cpuTheirs = cpuPerGiB[`${op}/openssh`]!;
      results.push({ name: `CPU per GiB ${label}, ours`, value: round(median(cpuOurs), 2), unit: 's/GiB', note: `forwarding process, all threads; median of ${BULK_ROUNDS} (range ${spread(cpuOurs, 2)})` });
      results.push({ name: `CPU per GiB ${label}, openssh`, value: round(median(cpuTheirs), 2), unit: 's/GiB', note: `the ssh process; median of ${BULK_ROUNDS} (range ${spread(cpuTheirs, 2)})` });
      const cpuBare = cpuPerGiB[`${op}/bare`]!;
      results.push({ name: `CPU per GiB ${label}, bare ssh2`, value: round(median(cpuBare), 2), unit: 's/GiB', note: `the bare ssh2 process; median of ${BULK_ROUNDS} (range ${spread(cpuBare, 2)})` });
    }

    // The owner's main thread while a 1 GiB download goes through one of its forwards.
    if (DIRECTIONS.includes('download')) {
      await forwarder.call('lag');
      await driver.call({ op: 'download', port: ourBulk, bytes: LAG_BYTES });
      const lag = (await forwarder.call('lag?')) as { p50: number; p99: number; max: number; samples: number };
      const lagNote = `forwarder's main thread during a 1 GiB download through one forward (perf_hooks.monitorEventLoopDelay, 1 ms resolution, ${lag.samples} samples)`;
      results.push({ name: 'owner event-loop delay p50', value: round(lag.p50, 2), unit: 'ms', note: lagNote });
      results.push({ name: 'owner event-loop delay p99', value: round(lag.p99, 2), unit: 'ms', goal: '≤ 10', ok: lag.p99 <= 10 });
      results.push({ name: 'owner event-loop delay max', value: round(lag.max, 2), unit: 'ms' });
    }

    const stopForwarder = async () => {
      forwarderChild.stdin!.write(`${JSON.stringify('stop')}\n`);
      await new Promise((resolve) => forwarderChild.once('exit', resolve));
    };
    if (ONLY !== undefined && ONLY !== 'rtt') {
      await stopForwarder();
      return results;
    }

    // Round trips: each round is short batches of echoes, ours, OpenSSH's and bare ssh2's in
    // turn (the order turning each batch), so drift in the machine's load hits every side alike.
    const echoes = async (port: number, count: number) => ((await driver.call({ op: 'rtt', port, count, size: RTT_SIZE })) as { samples: number[] }).samples;
    for (const who of SIDES) await echoes(forwarding[who].echo, RTT_WARM_UP);
    const rtt: Record<Side, number[][]> = { ours: [], openssh: [], bare: [] };
    const rttCpu: Record<Side, number> = { ours: 0, openssh: 0, bare: 0 };
    for (let roundNo = 0; roundNo < BULK_ROUNDS; roundNo += 1) {
      const thisRound: Record<Side, number[]> = { ours: [], openssh: [], bare: [] };
      for (let b = 0; b < RTT_BATCHES; b += 1) {
        for (let k = 0; k < SIDES.length; k += 1) {
          const who = SIDES[(k + b) % SIDES.length]!;
          const before = cpuSeconds(who);
          thisRound[who].push(...(await echoes(forwarding[who].echo, RTT_PER_ROUND / RTT_BATCHES)));
          rttCpu[who] += cpuSeconds(who) - before;
        }
      }
      for (const who of SIDES) rtt[who].push(thisRound[who]);
    }
    const rttNote = `${RTT_PER_ROUND} sequential ${RTT_SIZE}-byte echoes per side in each of ${BULK_ROUNDS} rounds, in batches of ${RTT_PER_ROUND / RTT_BATCHES} taking turns, after ${RTT_WARM_UP} warm-up echoes each`;
    for (const [stat, of] of [
      ['mean', mean],
      ['p99', (values: number[]) => percentile(values, 99)],
    ] as const) {
      const per = (who: Side) => rtt[who].map(of);
      const ratios = (who: Side) => per(who).map((v, i) => v / per('openssh')[i]!);
      const ours = median(ratios('ours'));
      results.push({ name: `rtt ${stat}, ours`, value: round(median(per('ours'))), unit: 'ms', note: `${rttNote}; median of the rounds (range ${spread(per('ours'))})` });
      results.push({ name: `rtt ${stat}, openssh`, value: round(median(per('openssh'))), unit: 'ms', note: `range ${spread(per('openssh'))}` });
      results.push({ name: `rtt ${stat}, ours/openssh`, value: round(ours), unit: 'ratio', goal: '≤ 1.2', ok: ours <= 1.2, note: `median of the rounds' ratios; range ${spread(ratios('ours'))}` });
      results.push({ name: `rtt ${stat}, bare ssh2/openssh`, value: round(median(ratios('bare'))), unit: 'ratio', note: `reference: ssh2 alone, no engine (${spread(ratios('bare'))})` });
    }
    const cpuPerEcho = (who: Side) => (rttCpu[who] * 1e6) / (RTT_PER_ROUND * BULK_ROUNDS);
    results.push({ name: 'CPU per round trip, ours', value: round(cpuPerEcho('ours'), 1), unit: 'µs', note: 'the forwarding process, all threads, over every round' });
    results.push({ name: 'CPU per round trip, openssh', value: round(cpuPerEcho('openssh'), 1), unit: 'µs', note: 'the ssh process' });
    results.push({ name: 'CPU per round trip, bare ssh2', value: round(cpuPerEcho('bare'), 1), unit: 'µs', note: 'the bare ssh2 process' });
    await stopChild(bareChild);
    await stopChild(ssh);
    await stopForwarder();
    if (ONLY === 'rtt') return results;

    // Bring-up: 20 members on 20 sshd ports, one forward each, until every forward echoes.
    const bringUpOurs = async () => {
      const members = memberPorts.map((p, i) => member(`m${String(i).padStart(2, '0')}`, sshd, p, [services.echo], ourKnownHosts));
      const manager = newManager(members, range);
      const start = process.hrtime.bigint();
      await manager.connect({ pond: 'bench' });
      const ports = manager.status('bench').ponds[0]!.members.map((m) => m.forwards[0]!.localPort!);
      await Promise.all(ports.map((p) => echoWorks(p, Date.now() + 60_000)));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      await manager.disconnectAll();
      return ms;
    };
    const bringUpOpenSsh = async () => {
      const start = process.hrtime.bigint();
      const procs = memberPorts.map((p, i) => startSsh(sshArgs(sshd, p, sshKnownHosts, [[sshPorts.min + i, services.echo]])));
      await Promise.all(memberPorts.map((_, i) => echoWorks(sshPorts.min + i, Date.now() + 60_000)));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      await Promise.all(procs.map(stopChild));
      return ms;
    };
    await bringUpOurs();
    await bringUpOpenSsh();
    const oursUp: number[] = [];
    const sshUp: number[] = [];
    for (let i = 0; i < BULK_ROUNDS; i += 1) {
      oursUp.push(await bringUpOurs());
      sshUp.push(await bringUpOpenSsh());
    }
    const upRatios = oursUp.map((o, i) => o / sshUp[i]!);
    const upRatio = median(upRatios);
    results.push({ name: '20-member bring-up, ours', value: round(median(oursUp), 1), unit: 'ms', note: `until every forward echoes; median of ${BULK_ROUNDS} rounds interleaved with OpenSSH after a warm-up, known host keys (range ${spread(oursUp, 0)})` });
    results.push({ name: '20-member bring-up, openssh', value: round(median(sshUp), 1), unit: 'ms', note: `20 \`ssh -N -L\` processes started together (range ${spread(sshUp, 0)})` });
    results.push({ name: '20-member bring-up, ours/openssh', value: round(upRatio), unit: 'ratio', goal: '≤ 0.5', ok: upRatio <= 0.5, note: `median of the rounds' ratios; range ${spread(upRatios)}` });

    // Memory: 20 members × 5 forwards, idle, in a process of its own, with the built worker.
    const workerBundle = await buildWorker();
    const rssMembers = memberPorts.map((p, i) => member(`m${String(i).padStart(2, '0')}`, sshd, p, services.echoes, ourKnownHosts));
    const rssChild = spawnRole('rss', { ...membersConfigEnv({ members: rssMembers.map((m) => ({ ...m, pond: 'rss' })), range }), MESH_BENCH_WORKER: workerBundle }, ['--expose-gc']);
    children.push(rssChild);
    const rss = (await rpc(rssChild).next()) as { baseline: number; idle: number; forwards: number };
    results.push({ name: 'idle RSS, 20 members × 5 forwards', value: round(rss.idle / MiB, 1), unit: 'MiB', note: `whole Node process (its main thread runs the engine through tsx) and its data-plane threads, built as the CLI builds them; ${rss.forwards} forwards ready` });
    results.push({ name: 'idle RSS added by the mesh', value: round((rss.idle - rss.baseline) / MiB, 1), unit: 'MiB', note: 'RSS after bring-up minus RSS before, same process' });
    return results;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const role = process.env.MESH_BENCH_ROLE;
if (role === 'services') await roleServices();
else if (role === 'driver') await roleDriver();
else if (role === 'rss') await roleRss();
else if (role === 'forwarder') await roleForwarder();
else if (role === 'bare') await roleBare();
else if (role) throw new Error(`unknown MESH_BENCH_ROLE ${role}`);
