import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pondFilePaths } from '../../engine/exports';
import { startForeignListener, type ForeignListener } from '../../engine/mesh/testing/listeners';
import { findFreePortRange } from '../../engine/mesh/testing/ports';
import { greeting, startNamedEcho, type TestService } from '../../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../../engine/mesh/testing/sshd';
import { openConfBackend, SettingsStore } from '../../engine/settings-store';
import { writeClaimAtomic } from '../../engine/testing/claims-fixtures';
import { appDataDir, claimsDir, leaseKeyDir } from '../../lib/paths';
import { run } from '../main';
import { testIO, type TestIO } from '../testing/test-io';
import { connectCommand } from './connect';

let sshd: Sshd;
let web: TestService;
let dir: string;
const listeners: ForeignListener[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pond-ports-sshd-'));
  sshd = await startSshd({ dir });
  web = await startNamedEcho('web');
});

afterAll(async () => {
  await sshd.stop();
  await web.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  while (listeners.length > 0) await listeners.pop()?.stop();
});

async function foreign(port = 0): Promise<ForeignListener> {
  const listener = await startForeignListener(port);
  listeners.push(listener);
  return listener;
}

/** A pond alpha whose member web exposes the echo service through the real sshd. */
async function pond(): Promise<{ io: TestIO; range: { min: number; max: number }; spare: number }> {
  const range = await findFreePortRange(6);
  const io = testIO({ env: { CRABBOX_SSH_USER: sshd.user }, ownerMesh: { portRange: { min: range.min, max: range.max - 2 } } });
  writeClaimAtomic(claimsDir(io.pathEnv), {
    leaseID: 'cbx_00000000000a',
    slug: 'web',
    provider: 'hetzner',
    pond: 'alpha',
    repoRoot: '/repo',
    claimedAt: '2026-06-10T12:00:00Z',
    lastUsedAt: '2026-06-10T12:00:00Z',
    sshHost: '127.0.0.1',
    sshPort: sshd.port,
    labels: { crabbox_exposed_ports: String(web.port) },
  });
  const keyDir = leaseKeyDir(io.pathEnv, 'cbx_00000000000a');
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  copyFileSync(sshd.clientKeyPath, path.join(keyDir, 'id_ed25519'));
  // Two ports past the owner's range: free now, and never handed out automatically.
  return { io, range, spare: range.max - 1 };
}

const settingsOf = (io: TestIO) => new SettingsStore(openConfBackend(appDataDir(io.pathEnv)));

describe('pond connect --port', () => {
  it('connects on the chosen port, keeps the choice, and pond ports shows and moves it', async () => {
    const { io, range, spare } = await pond();
    const connect = connectCommand({ mesh: { portRange: range } });
    expect(await connect.run(['alpha', '--export', '--port', `web:${web.port}=${spare}`], io)).toBe(0);
    expect(io.stdout()).toBe(`export CRABBOX_POND_WEB_${web.port}=127.0.0.1:${spare}\n`);
    expect(await greeting(spare)).toBe('web');
    expect(settingsOf(io).get('chosenPorts')).toEqual({ [`alpha/web/${web.port}`]: spare });

    const listed = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', 'alpha'], listed)).toBe(0);
    expect(listed.stdout()).toBe(
      'POND   MEMBER  REMOTE  CHOSEN  REMEMBERED  NOW\n' + `alpha  web     ${String(web.port).padEnd(6)}  ${spare}   -           127.0.0.1:${spare}\n`,
    );

    // Through the owner: the forward moves now and the env file follows before the command returns.
    const other = range.max;
    const set = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', 'set', 'alpha', `web:${web.port}=${other}`], set)).toBe(0);
    expect(set.stdout()).toBe(`web:${web.port} of pond "alpha": chose 127.0.0.1:${other}; it listens there now\n`);
    const { envPath } = pondFilePaths(io.pathEnv, 'alpha');
    expect(readFileSync(envPath, 'utf8')).toContain(`export CRABBOX_POND_WEB_${web.port}=127.0.0.1:${other}\n`);
    expect(await greeting(other)).toBe('web');

    const reset = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', 'reset', 'alpha', `web:${web.port}`], reset)).toBe(0);
    expect(reset.stdout()).toBe(`web:${web.port} of pond "alpha": back to an automatic port; it listens on 127.0.0.1:${range.min} now\n`);
    expect(readFileSync(envPath, 'utf8')).toContain(`=127.0.0.1:${range.min}\n`);
    expect(settingsOf(io).get('chosenPorts')).toEqual({});

    const json = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ forwards: [{ pond: 'alpha', member: 'web', remotePort: web.port, chosen: null, remembered: range.min, localPort: range.min }] });
    expect(await run(['disconnect', 'alpha'], testIO({ root: io.root, env: io.env }))).toBe(0);
  });

  it('refuses a chosen port a program holds, naming the program, and connects nothing', async () => {
    const { io, range } = await pond();
    const holder = await foreign();
    const named = process.platform === 'linux' ? `held by node (pid ${holder.pid})` : '';
    // The command's error, which `pond` prints as `pond connect: <message>` with exit 1.
    await expect(connectCommand({ mesh: { portRange: range } }).run(['alpha', '--export', '--port', `web:${web.port}=${holder.port}`], io)).rejects.toThrow(
      `port ${holder.port} cannot be chosen: it is ${named}`,
    );
    expect(io.stdout()).toBe('');
    expect(existsSync(pondFilePaths(io.pathEnv, 'alpha').envPath)).toBe(false);
    expect(io.owner()?.engine.mesh.status().ponds).toEqual([]);
  });

  it('names what is wrong with a --port: its form, a port below 1024, a member or port the pond does not have', async () => {
    const { io } = await pond();
    expect(await run(['connect', 'alpha', '--port', 'web=8080'], io)).toBe(2);
    expect(io.stderr()).toContain('pond connect: --port wants MEMBER:REMOTE=LOCAL, e.g. api:8080=15432 (got "web=8080")');
    const low = testIO({ root: io.root, env: io.env });
    expect(await run(['connect', 'alpha', '--port', `web:${web.port}=80`], low)).toBe(2);
    expect(low.stderr()).toContain('port 80 cannot be chosen: local ports must be between 1024 and 65535 (lower ones need administrator rights)');
    const twice = testIO({ root: io.root, env: io.env });
    expect(await run(['connect', 'alpha', '--port', 'web:1=20000', '--port', 'api:2=20000'], twice)).toBe(2);
    expect(twice.stderr()).toContain('--port gives port 20000 to two forwards');
    const member = testIO({ root: io.root, env: io.env });
    expect(await run(['connect', 'alpha', '--json', '--port', 'api:8080=20000'], member)).toBe(1);
    expect(member.stderr()).toContain('pond connect: pond "alpha" has no member "api" with exposed ports (it has web)');
    const remote = testIO({ root: io.root, env: io.env });
    expect(await run(['connect', 'alpha', '--json', '--port', 'web:1=20000'], remote)).toBe(1);
    expect(remote.stderr()).toContain(`member "web" of pond "alpha" does not expose port 1 (it exposes ${web.port})`);
  });

  it('with --json alone, tries the chosen port in the table without keeping it', async () => {
    const { io, range, spare } = await pond();
    expect(await connectCommand({ mesh: { portRange: range } }).run(['alpha', '--json', '--port', `web:${web.port}=${spare}`], io)).toBe(0);
    expect(JSON.parse(io.stdout()).forwards).toEqual([{ peer: 'web', remotePort: web.port, localPort: spare, leaseID: 'cbx_00000000000a' }]);
    expect(settingsOf(io).get('chosenPorts')).toEqual({});
  });
});

describe('pond ports without an owner', () => {
  it('keeps choices in the settings file, lists them, and resets them', async () => {
    const { io, spare } = await pond();
    expect(await run(['ports', 'set', 'alpha', `web:${web.port}=${spare}`], io)).toBe(0);
    expect(io.stdout()).toBe(`web:${web.port} of pond "alpha": chose 127.0.0.1:${spare}\n`);
    expect(settingsOf(io).get('chosenPorts')).toEqual({ [`alpha/web/${web.port}`]: spare });
    const listed = testIO({ root: io.root, env: io.env });
    expect(await run(['ports'], listed)).toBe(0);
    expect(listed.stdout()).toContain(`alpha  web     ${String(web.port).padEnd(6)}  ${spare}   -           -\n`);
    const reset = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', 'reset', 'alpha'], reset)).toBe(0);
    expect(reset.stdout()).toBe(`web:${web.port} of pond "alpha": back to an automatic port\n`);
    const again = testIO({ root: io.root, env: io.env });
    expect(await run(['ports', 'reset', 'alpha', 'web'], again)).toBe(0);
    expect(again.stdout()).toBe('pond "alpha" has no chosen ports for web\n');
    expect(io.owner()).toBeUndefined();
  });

  it('says when there is nothing to list, and names bad arguments', async () => {
    const io = testIO();
    expect(await run(['ports'], io)).toBe(0);
    expect(io.stdout()).toBe('no forward has a chosen or remembered port yet\n');
    const usage = testIO();
    expect(await run(['ports', 'set', 'alpha'], usage)).toBe(2);
    expect(usage.stderr()).toContain('pond ports set needs at least one MEMBER:REMOTE=LOCAL, e.g. api:8080=15432');
    const ref = testIO();
    expect(await run(['ports', 'reset', 'alpha', 'web:x'], ref)).toBe(2);
    expect(ref.stderr()).toContain('expected MEMBER or MEMBER:REMOTE, e.g. web or web:8080 (got "web:x")');
  });
});
