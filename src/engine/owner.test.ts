import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PathEnv } from '../lib/paths';
import { until } from './mesh/testing/wait';
import { describeSweep, ownerAlive, readOwner, renderDaemonFile, sweepStaleFiles, systemProcessProbe, thisProcess, type OwnerIdentity, type ProcessProbe } from './owner';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

function home(): PathEnv {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-owner-'));
  roots.push(root);
  return { platform: 'linux', env: { HOME: root }, home: root };
}

function pondFiles(pe: PathEnv, pond: string, daemon?: string): string {
  const dir = path.join(pe.env.HOME!, '.crabbox', 'pond', pond);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'env'), 'export CRABBOX_POND_WEB_80=127.0.0.1:51820\n');
  fs.writeFileSync(path.join(dir, 'hosts'), '127.0.0.1  web.cbx web-80.cbx  # local=127.0.0.1:51820 remote=:80\n');
  if (daemon !== undefined) fs.writeFileSync(path.join(dir, 'daemon.json'), daemon);
  return dir;
}

const owner = (pid: number, startedMs = 1_700_000_000_000): OwnerIdentity => ({ pid, processStartedAt: new Date(startedMs).toISOString(), kind: 'agent', endpoint: '/run/pond.sock' });
const probe = (alive: Record<number, number | null>): ProcessProbe => ({ alive: (pid) => pid in alive, startedAt: async (pid) => alive[pid] ?? null });

describe('daemon.json', () => {
  it("carries crabbox's fields, an empty pid list crabbox's disconnect leaves alone, and the owner", () => {
    const text = renderDaemonFile('alpha', new Date('2026-06-10T12:00:00.789Z'), [{ peer: 'web', remotePort: 80, localPort: 51820, leaseID: 'cbx_a' }], owner(4242));
    expect(JSON.parse(text)).toEqual({
      pond: 'alpha',
      startedAt: '2026-06-10T12:00:00Z',
      pids: [],
      forwards: [{ peer: 'web', remotePort: 80, localPort: 51820, leaseID: 'cbx_a' }],
      owner: owner(4242),
    });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "pond": "alpha",\n');
  });

  it('reads the owner back, and nothing from a file crabbox wrote or a broken one', async () => {
    const pe = home();
    pondFiles(pe, 'alpha', renderDaemonFile('alpha', new Date(), [], owner(4242)));
    pondFiles(pe, 'crab', JSON.stringify({ pond: 'crab', startedAt: '2026-06-10T12:00:00Z', pids: [99], forwards: [] }));
    pondFiles(pe, 'broken', '{');
    expect(await readOwner(pe, 'alpha')).toEqual(owner(4242));
    expect(await readOwner(pe, 'crab')).toBeNull();
    expect(await readOwner(pe, 'broken')).toBeNull();
    expect(await readOwner(pe, 'none')).toBeNull();
  });
});

describe('ownerAlive', () => {
  it('is alive only while the same process runs: a reused pid with another start time is not the owner', async () => {
    expect(await ownerAlive(owner(10), probe({ 10: 1_700_000_000_500 }))).toBe(true);
    expect(await ownerAlive(owner(10), probe({ 10: 1_700_000_900_000 }))).toBe(false);
    expect(await ownerAlive(owner(10), probe({}))).toBe(false);
    expect(await ownerAlive(owner(10), probe({ 10: null }))).toBe(true);
  });

  it('knows this process on this system, and a process that exited', async () => {
    const system = systemProcessProbe();
    expect(await ownerAlive(thisProcess('agent', null), system)).toBe(true);
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await ownerAlive(owner(pid, Date.now()), system)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('takes a killed process nobody has reaped yet for dead', async () => {
    // A shell that forks a child and never waits for it: once killed, the child is a zombie.
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number((await new Promise<Buffer>((resolve) => parent.stdout.once('data', resolve))).toString().trim());
    // Only once the shell has become `sleep` is there nobody left to reap the child.
    await until(() => fs.readFileSync(`/proc/${parent.pid}/cmdline`, 'utf8').startsWith('sleep'), 'the shell to exec sleep');
    const system = systemProcessProbe();
    expect(system.alive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await until(() => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '), 'the killed child to become a zombie');
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(system.alive(pid)).toBe(false);
    parent.kill('SIGKILL');
    await new Promise((resolve) => parent.once('exit', resolve));
  });
});

describe('sweepStaleFiles', () => {
  it("removes the files of ponds whose owner is gone, and leaves live owners' and crabbox's own", async () => {
    const pe = home();
    const dead = pondFiles(pe, 'dead', renderDaemonFile('dead', new Date(), [], owner(111)));
    const live = pondFiles(pe, 'live', renderDaemonFile('live', new Date(), [], owner(222)));
    const crab = pondFiles(pe, 'crab');
    const swept = await sweepStaleFiles(pe, probe({ 222: 1_700_000_000_000 }));
    expect(swept.map((s) => s.pond)).toEqual(['dead']);
    expect(fs.readdirSync(dead)).toEqual([]);
    expect(fs.readdirSync(live).sort()).toEqual(['daemon.json', 'env', 'hosts']);
    expect(fs.readdirSync(crab).sort()).toEqual(['env', 'hosts']);
    expect(describeSweep(swept[0]!)).toBe('pond "dead": removed its env, hosts and daemon.json files: their owner (pond agent, pid 111) is no longer running');
  });

  it('finds nothing to do without a pond directory or HOME', async () => {
    expect(await sweepStaleFiles(home(), probe({}))).toEqual([]);
    expect(await sweepStaleFiles({ platform: 'linux', env: {}, home: '' }, probe({}))).toEqual([]);
  });
});
