import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, MeshMemberShape, PortChoiceShape } from '../contract/index';
import { pondFilePaths } from '../engine/exports';
import { startForeignListener, type ForeignListener } from '../engine/mesh/testing/listeners';
import { findFreePortRange } from '../engine/mesh/testing/ports';
import { greeting, startNamedEcho, type TestService } from '../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../engine/mesh/testing/sshd';
import { until } from '../engine/mesh/testing/wait';
import { tempDir } from '../lib/testing/temp-dir';
import { createTestEngine, type TestEngine } from './testing/test-engine';

let sshd: Sshd;
let web: TestService;
let sshdDir: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ports-h-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  web = await startNamedEcho('web');
});

afterAll(async () => {
  await sshd.stop();
  await web.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(root?: string, range?: { min: number; max: number }): Promise<TestEngine & { range: { min: number; max: number } }> {
  const portRange = range ?? (await findFreePortRange(4));
  const t = createTestEngine({ ...(root !== undefined ? { root } : {}), mesh: { portRange } });
  cleanups.push(() => t.dispose());
  await t.engine.start();
  return { ...t, range: portRange };
}

async function foreign(port: number): Promise<ForeignListener> {
  const listener = await startForeignListener(port);
  cleanups.push(() => listener.stop());
  return listener;
}

async function addWeb(t: TestEngine, pond = 'alpha'): Promise<void> {
  const added = await t.call('hosts:add', { pond, slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
  expect(added).toMatchObject({ result: { ok: true } });
}

function webForward(t: TestEngine): MeshMemberShape['forwards'][number] | undefined {
  return t.events
    .filter((e: { event: EventName }) => e.event === 'mesh:health')
    .map((e) => e.payload as MeshMemberShape)
    .filter((h) => h.member === 'web')
    .at(-1)?.forwards[0];
}

/** A port outside the automatic range, free right now. */
async function spare(): Promise<number> {
  return (await findFreePortRange(1)).min;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('ports handlers', () => {
  it('moves a connected forward to the chosen port at once: open connections keep going, the files carry it, and it stays chosen after a restart', async () => {
    const root = tempDir('ports-restart-');
    const t = await setup(root);
    await addWeb(t);
    await t.call('mesh:connect', { pond: 'alpha' });
    await until(() => webForward(t)?.state === 'ready', 'web ready');
    const automatic = webForward(t)!.localPort!;
    expect(automatic).toBe(t.range.min);

    const open = net.connect({ host: '127.0.0.1', port: automatic });
    const greeted = new Promise<string>((resolve) => open.once('data', (chunk) => resolve(chunk.toString())));
    expect(await greeted).toBe('web\n');

    const chosen = await spare();
    const set = await t.call('ports:set', { pond: 'Alpha', member: 'web', remotePort: web.port, localPort: chosen });
    expect(set).toEqual({ result: { pond: 'alpha', member: 'web', remotePort: web.port, chosen, remembered: automatic, localPort: chosen } });
    // No waiting: the answer comes once the files were rewritten.
    const { envPath, hostsPath } = pondFilePaths(t.engine.deps.pathEnv, 'alpha');
    expect(fs.readFileSync(envPath, 'utf8')).toContain(`export CRABBOX_POND_WEB_${web.port}=127.0.0.1:${chosen}\n`);
    expect(fs.readFileSync(hostsPath, 'utf8')).toContain(`# local=127.0.0.1:${chosen} remote=:${web.port}`);
    expect(await greeting(chosen)).toBe('web');
    expect(await refused(automatic)).toBe(true);
    const echoed = new Promise<string>((resolve) => open.once('data', (chunk) => resolve(chunk.toString())));
    open.write('still here\n');
    expect(await echoed).toBe('still here\n');
    open.destroy();
    expect(t.events.filter((e) => e.event === 'ports:changed').map((e) => e.payload)).toEqual([{ pond: 'alpha' }]);
    expect(t.engine.deps.settings.get('chosenPorts')).toEqual({ [`alpha/web/${web.port}`]: chosen });

    await t.dispose();
    cleanups.splice(0);
    const again = await setup(root, t.range);
    await again.call('mesh:connect', { pond: 'alpha' });
    await until(() => webForward(again)?.state === 'ready', 'web ready after the restart');
    expect(webForward(again)).toMatchObject({ localPort: chosen, moved: null });
    expect(await again.call('ports:list', { pond: 'alpha' })).toEqual({
      result: { forwards: [{ pond: 'alpha', member: 'web', remotePort: web.port, chosen, remembered: automatic, localPort: chosen }] },
    });
  });

  it('refuses a port a program holds, naming it, and ports outside 1024–65535; the forward stays where it is', async () => {
    const t = await setup();
    await addWeb(t);
    await t.call('mesh:connect', { pond: 'alpha' });
    await until(() => webForward(t)?.state === 'ready', 'web ready');
    const holder = await foreign(0);
    const named = process.platform === 'linux' ? `it is held by node (pid ${holder.pid})` : 'it is ';
    expect(await t.call('ports:set', { pond: 'alpha', member: 'web', remotePort: web.port, localPort: holder.port })).toEqual({
      error: { code: 'CONFLICT', message: expect.stringContaining(`port ${holder.port} cannot be chosen: ${named}`) },
    });
    expect(await t.call('ports:set', { pond: 'alpha', member: 'web', remotePort: web.port, localPort: 443 })).toEqual({
      error: { code: 'INVALID_INPUT', message: 'port 443 cannot be chosen: local ports must be between 1024 and 65535 (lower ones need administrator rights)' },
    });
    expect(await t.call('ports:set', { pond: 'alpha', member: 'api', remotePort: web.port, localPort: 20000 })).toEqual({
      error: { code: 'NOT_FOUND', message: 'pond "alpha" has no member "api" with exposed ports (it has web)' },
    });
    expect(await t.call('ports:set', { pond: 'alpha', member: 'web', remotePort: 1, localPort: 20000 })).toEqual({
      error: { code: 'NOT_FOUND', message: `member "web" of pond "alpha" does not expose port 1 (it exposes ${web.port})` },
    });
    expect(webForward(t)).toMatchObject({ state: 'ready', localPort: t.range.min });
    expect(t.engine.deps.settings.get('chosenPorts')).toEqual({});
  });

  it('moves a forward whose chosen port a program took meanwhile, and its note names the program', async () => {
    const t = await setup();
    await addWeb(t);
    const chosen = await spare();
    expect(await t.call('ports:set', { pond: 'alpha', member: 'web', remotePort: web.port, localPort: chosen })).toMatchObject({ result: { chosen, localPort: null } });
    const holder = await foreign(chosen);
    await t.call('mesh:connect', { pond: 'alpha' });
    await until(() => webForward(t)?.state === 'ready', 'web ready');
    const reason = process.platform === 'linux' ? `port ${chosen} is held by node (pid ${holder.pid})` : expect.stringMatching(new RegExp(`^port ${chosen} is `));
    expect(webForward(t)).toMatchObject({ localPort: t.range.min, moved: { from: chosen, to: t.range.min, reason } });
    expect(await greeting(t.range.min)).toBe('web');
  });

  it('resets choices: connected forwards go back to their automatic port, and the reset ones are listed', async () => {
    const t = await setup();
    await addWeb(t);
    await t.call('mesh:connect', { pond: 'alpha' });
    await until(() => webForward(t)?.state === 'ready', 'web ready');
    const chosen = await spare();
    await t.call('ports:set', { pond: 'alpha', member: 'web', remotePort: web.port, localPort: chosen });
    const reset = (await t.call('ports:reset', { pond: 'alpha' })) as { result: { reset: PortChoiceShape[] } };
    expect(reset.result.reset).toEqual([{ pond: 'alpha', member: 'web', remotePort: web.port, chosen: null, remembered: t.range.min, localPort: t.range.min }]);
    expect(fs.readFileSync(pondFilePaths(t.engine.deps.pathEnv, 'alpha').envPath, 'utf8')).toContain(`=127.0.0.1:${t.range.min}\n`);
    expect(await greeting(t.range.min)).toBe('web');
    expect(await t.call('ports:reset', { pond: 'alpha', member: 'web' })).toEqual({ result: { reset: [] } });
    expect(await t.call('ports:reset', { pond: 'alpha', remotePort: 80 })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it('lists every remembered and chosen port, and for one pond also the ports its members expose', async () => {
    const t = await setup();
    await addWeb(t, 'beta');
    t.engine.deps.settings.set('forwardPorts', { 'alpha/api/8080': 51900 });
    expect(await t.call('ports:list', {})).toEqual({ result: { forwards: [{ pond: 'alpha', member: 'api', remotePort: 8080, chosen: null, remembered: 51900, localPort: null }] } });
    expect(await t.call('ports:list', { pond: 'beta' })).toEqual({ result: { forwards: [{ pond: 'beta', member: 'web', remotePort: web.port, chosen: null, remembered: null, localPort: null }] } });
  });
});

describe('restore handlers', () => {
  it('keeps the ponds to reconnect at start in the settings file, sorted, and says when they change', async () => {
    const t = await setup();
    expect(await t.call('ponds:restoreList')).toEqual({ result: { ponds: [] } });
    expect(await t.call('ponds:setRestore', { pond: 'Beta', restore: true })).toEqual({ result: { ponds: ['beta'] } });
    expect(await t.call('ponds:setRestore', { pond: 'alpha', restore: true })).toEqual({ result: { ponds: ['alpha', 'beta'] } });
    expect(await t.call('ponds:setRestore', { pond: 'alpha', restore: true })).toEqual({ result: { ponds: ['alpha', 'beta'] } });
    expect(await t.call('ponds:setRestore', { pond: 'beta', restore: false })).toEqual({ result: { ponds: ['alpha'] } });
    expect(t.engine.deps.settings.get('restoreOnStart')).toEqual(['alpha']);
    expect(t.events.filter((e) => e.event === 'ponds:restoreChanged')).toHaveLength(4);
    expect(await t.call('ponds:setRestore', { pond: '!!', restore: true })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
