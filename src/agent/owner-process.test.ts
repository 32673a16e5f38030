import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePondFiles } from '../engine/exports';
import { renderDaemonFile } from '../engine/owner';
import type { PathEnv } from '../lib/paths';
import { tempDir } from '../lib/testing/temp-dir';
import { ControlClient } from './control-client';
import { OwnerRunningError } from './control-server';
import { startOwner, type IdleTimers } from './owner-process';

function environment(): PathEnv {
  const root = tempDir('pond-owner-proc-');
  const env = { HOME: path.join(root, 'home'), XDG_CONFIG_HOME: path.join(root, 'config'), XDG_STATE_HOME: path.join(root, 'state') };
  fs.mkdirSync(env.HOME, { recursive: true });
  return { platform: 'linux', env, home: env.HOME };
}

/** Interval timers the test fires by hand, and a clock it moves. */
class ManualTimers implements IdleTimers {
  time = 0;
  private readonly ticks = new Set<() => void>();
  setInterval(fn: () => void): unknown {
    this.ticks.add(fn);
    return fn;
  }
  clearInterval(handle: unknown): void {
    this.ticks.delete(handle as () => void);
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const tick of this.ticks) tick();
  }
}

describe('startOwner', () => {
  it('stops by itself after holding nothing for the idle time, and frees the control socket', async () => {
    const pe = environment();
    const timers = new ManualTimers();
    const logs: string[] = [];
    const owner = await startOwner({ kind: 'agent', pathEnv: pe, version: 't', log: (m) => logs.push(m), idleMs: 60_000, timers });
    timers.advance(59_000);
    expect(await ControlClient.connect(owner.server.endpoint.path)).not.toBeNull();
    timers.advance(1_000);
    expect(await owner.stopped).toBe('idle');
    expect(logs).toContain('agent stopping: idle');
    expect(await ControlClient.connect(owner.server.endpoint.path)).toBeNull();
  });

  it('refuses to be a second owner, and steps down when a client asks it to hand over', async () => {
    const pe = environment();
    const owner = await startOwner({ kind: 'agent', pathEnv: pe, version: 't', log: () => {}, idleMs: null });
    await expect(startOwner({ kind: 'serve', pathEnv: pe, version: 't', log: () => {}, idleMs: null })).rejects.toBeInstanceOf(OwnerRunningError);
    const client = (await ControlClient.connect(owner.server.endpoint.path))!;
    expect(await client.call('owner:info')).toMatchObject({ kind: 'agent', pid: process.pid, version: 't', ponds: [] });
    expect(await client.call('owner:handOver')).toEqual({ ponds: [] });
    expect(await owner.stopped).toBe('handed over');
    await client.closed;
  });

  it('sweeps the files a dead owner left before it starts, and says so', async () => {
    const pe = environment();
    const paths = await writePondFiles(pe, 'alpha', [{ peer: 'web', remotePort: 80, localPort: 51820, leaseID: 'cbx_a' }]);
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    fs.writeFileSync(path.join(paths.dir, 'daemon.json'), renderDaemonFile('alpha', new Date(), [], { pid: child.pid!, processStartedAt: new Date().toISOString(), kind: 'agent', endpoint: null }));
    const logs: string[] = [];
    const owner = await startOwner({ kind: 'agent', pathEnv: pe, version: 't', log: (m) => logs.push(m), idleMs: null });
    expect(logs).toContain(`pond "alpha": removed its env, hosts and daemon.json files: their owner (pond agent, pid ${child.pid}) is no longer running`);
    expect(fs.readdirSync(paths.dir)).toEqual([]);
    await owner.stop('test');
  });
});
