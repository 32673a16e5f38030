/**
 * The CLI as a client of the one owner of the forwards, against real OpenSSH: connect
 * --export, status, env, disconnect, the agent commands, and pond serve sharing a pond
 * with the CLI. The owner runs in this process (testIO.startOwner), the same code as
 * `pond agent run`; e2e/agent.spec.ts covers the detached agent process and kill -9.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pondFilePaths } from '../../engine/exports';
import { findFreePortRange } from '../../engine/mesh/testing/ports';
import { greeting, startNamedEcho, type TestService } from '../../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../../engine/mesh/testing/sshd';
import { until } from '../../engine/mesh/testing/wait';
import { writeClaimAtomic } from '../../engine/testing/claims-fixtures';
import { claimsDir, leaseKeyDir } from '../../lib/paths';
import { tempDir } from '../../lib/testing/temp-dir';
import { run } from '../main';
import { testIO, type TestIO } from '../testing/test-io';

let sshd: Sshd;
let web: TestService;
let api: TestService;
let sshdRoot: string;

beforeAll(async () => {
  sshdRoot = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'pond-owner-sshd-'));
  sshd = await startSshd({ dir: sshdRoot });
  web = await startNamedEcho('web');
  api = await startNamedEcho('api');
});

afterAll(async () => {
  await sshd?.stop();
  await web?.stop();
  await api?.stop();
  fs.rmSync(sshdRoot, { recursive: true, force: true });
});

/** A pond `alpha` of two members on the real sshd, and an IO whose owner uses a free port range. */
async function pond(): Promise<{ io: TestIO; range: { min: number; max: number }; again: () => TestIO }> {
  const range = await findFreePortRange(10);
  const options = { env: { CRABBOX_SSH_USER: sshd.user, CRABBOX_SSH_KEY: sshd.clientKeyPath }, ownerMesh: { portRange: range } };
  const io = testIO(options);
  const members = [
    { leaseID: 'cbx_00000000000a', slug: 'web', port: web.port },
    { leaseID: 'cbx_00000000000b', slug: 'api', port: api.port },
  ];
  for (const m of members) {
    writeClaimAtomic(claimsDir(io.pathEnv), {
      leaseID: m.leaseID,
      slug: m.slug,
      provider: 'aws',
      pond: 'alpha',
      repoRoot: '/repo',
      sshHost: '127.0.0.1',
      sshPort: sshd.port,
      labels: { crabbox_exposed_ports: String(m.port) },
    });
    fs.mkdirSync(leaseKeyDir(io.pathEnv, m.leaseID), { recursive: true, mode: 0o700 });
  }
  // Later commands are other processes of the same user: same HOME, same owner.
  return { io, range, again: () => testIO({ ...options, root: io.root }) };
}


describe('pond connect --export, status, env and disconnect, through the owner', () => {
  it('holds the forwards after the command returns, and stops them on disconnect', async () => {
    const { io, range, again } = await pond();
    expect(await run(['connect', 'Alpha', '--export'], io)).toBe(0);
    expect(io.stdout()).toBe(`export CRABBOX_POND_API_${api.port}=127.0.0.1:${range.min}\nexport CRABBOX_POND_WEB_${web.port}=127.0.0.1:${range.min + 1}\n`);
    expect(io.stderr()).toContain(`  -L 127.0.0.1:${range.min} -> api:${api.port}\n`);
    expect(io.stderr()).toMatch(/pond "alpha" SSH-mesh forwards held by pond agent \(pid \d+\) \(2 forwards\); stop them with `pond disconnect alpha`\n$/);
    expect(await greeting(range.min)).toBe('api');
    expect(await greeting(range.min + 1)).toBe('web');

    const paths = pondFilePaths(io.pathEnv, 'alpha');
    expect(JSON.parse(fs.readFileSync(path.join(paths.dir, 'daemon.json'), 'utf8'))).toMatchObject({ pond: 'alpha', pids: [], owner: { pid: process.pid, kind: 'agent' } });

    const status = again();
    expect(await run(['status'], status)).toBe(0);
    expect(status.stdout()).toMatch(new RegExp(`^POND +MEMBER +REMOTE +LOCAL +STATE +LAST ERROR\\nalpha +api +${api.port} +127\\.0\\.0\\.1:${range.min} +ready *\\n`));
    const json = again();
    expect(await run(['status', 'alpha', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({
      owner: { kind: 'agent', ponds: ['alpha'] },
      forwards: [
        { pond: 'alpha', member: 'api', remotePort: api.port, localAddress: `127.0.0.1:${range.min}`, state: 'ready', lastError: null },
        { pond: 'alpha', member: 'web', remotePort: web.port, localAddress: `127.0.0.1:${range.min + 1}`, state: 'ready', lastError: null },
      ],
    });

    const env = again();
    expect(await run(['env', 'alpha', '--format', 'fish'], env)).toBe(0);
    expect(env.stdout()).toBe(`set -gx CRABBOX_POND_API_${api.port} 127.0.0.1:${range.min}\nset -gx CRABBOX_POND_WEB_${web.port} 127.0.0.1:${range.min + 1}\n`);

    const stop = again();
    expect(await run(['disconnect', 'alpha'], stop)).toBe(0);
    expect(stop.stdout()).toBe('pond "alpha": stopped 2 forwards and removed its env and hosts files\n');
    expect(fs.readdirSync(paths.dir)).toEqual([]);
    await expect(greeting(range.min)).rejects.toThrow();
    const after = again();
    expect(await run(['env', 'alpha'], after)).toBe(1);
    expect(after.stderr()).toContain('pond "alpha" is not connected (its forwards are not up)');
    const twice = again();
    expect(await run(['disconnect', 'alpha'], twice)).toBe(0);
    expect(twice.stdout()).toBe('pond "alpha" has no forwards up\n');
  });

  it('prints the forward table of what came up with --json, the flag before the name', async () => {
    const { io, range, again } = await pond();
    expect(await run(['connect', '--export', '--json', 'alpha'], io)).toBe(0);
    const table = JSON.parse(io.stdout()) as { envPath: string; exports: string[]; forwards: unknown[] };
    expect(table.envPath).toBe(pondFilePaths(io.pathEnv, 'alpha').envPath);
    expect(table.forwards).toEqual([
      { peer: 'api', remotePort: api.port, localPort: range.min, leaseID: 'cbx_00000000000b' },
      { peer: 'web', remotePort: web.port, localPort: range.min + 1, leaseID: 'cbx_00000000000a' },
    ]);
    expect(await run(['disconnect', '--all'], again())).toBe(0);
  });

  it('exits 1 with every reason when no forward came up', async () => {
    const { io } = await pond();
    writeClaimAtomic(claimsDir(io.pathEnv), { leaseID: 'cbx_00000000000c', slug: 'db', provider: 'aws', pond: 'beta', repoRoot: '/r', labels: { crabbox_exposed_ports: '5432' } });
    expect(await run(['connect', 'beta', '--export'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toContain('pond "beta": no forward came up:\n  db:5432: ');
  });
});

describe('pond agent', () => {
  it('starts, says who holds the forwards, and stops', async () => {
    const { io, again } = await pond();
    const none = again();
    expect(await run(['agent', 'status'], none)).toBe(1);
    expect(none.stdout()).toContain('no owner of the forwards is running');
    expect(await run(['agent', 'start'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^started: pond agent \(pid \d+\), listening on .*control\.sock; log: .*agent\.log\n$/);
    const second = again();
    expect(await run(['agent', 'start'], second)).toBe(0);
    expect(second.stdout()).toMatch(/^already running: pond agent/);
    const status = again();
    expect(await run(['agent', 'status', '--json'], status)).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({ owner: { kind: 'agent', pid: process.pid, ponds: [] } });
    const stop = again();
    expect(await run(['agent', 'stop'], stop)).toBe(0);
    expect(stop.stdout()).toMatch(/^stopped pond agent \(pid \d+\)\n$/);
    await io.owner()!.stopped;
    const gone = again();
    expect(await run(['agent', 'status'], gone)).toBe(1);
  });
});

describe('pond serve and the CLI share one pond', () => {
  it('a pond connected from the CLI is held by pond serve and shows in its API', async () => {
    const { io, again } = await pond();
    const serveIO = again();
    const serving = run(['serve', '--renderer', tempDir('pond-renderer-')], serveIO);
    await until(() => serveIO.stdout().includes('Open: '), () => `pond serve to start; stderr: ${serveIO.stderr()}`);
    expect(serveIO.stdout()).toContain('(this process holds the forwards until it stops)');

    expect(await run(['connect', 'alpha', '--export'], io)).toBe(0);
    expect(io.stderr()).toMatch(/held by pond serve \(pid \d+\)/);

    const url = new URL(/^Open: (\S+)$/m.exec(serveIO.stdout())![1]!);
    const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, { headers: { origin: url.origin } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<{ envelope: { result: { ponds: Array<{ pond: string; members: Array<{ forwards: Array<{ localPort: number }> }> }> } } }>((resolve) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { kind: string; id?: number };
        if (frame.kind === 'response' && frame.id === 1) resolve(frame as never);
      }),
    );
    ws.send(JSON.stringify({ id: 1, channel: 'mesh:status', input: {} }));
    const status = (await reply).envelope.result;
    expect(status.ponds.map((p) => p.pond)).toEqual(['alpha']);
    const printed = [...io.stdout().matchAll(/=127\.0\.0\.1:(\d+)$/gm)].map((m) => Number(m[1]));
    expect(printed).toHaveLength(2);
    expect(status.ponds[0]!.members.flatMap((m) => m.forwards.map((f) => f.localPort))).toEqual(printed);
    ws.close();

    serveIO.interrupt();
    expect(await serving).toBe(0);
    expect(fs.readdirSync(pondFilePaths(io.pathEnv, 'alpha').dir)).toEqual([]);
  });
});
