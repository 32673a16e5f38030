import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, MeshMemberShape, MeshPassphraseRequestShape } from '../contract/index';
import { pondFilePaths } from '../engine/exports';
import { generateKey } from '../engine/mesh/testing/keys';
import { exchange, startNamedEcho, type TestService } from '../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../engine/mesh/testing/sshd';
import { until } from '../engine/mesh/testing/wait';
import { createTestEngine, type TestEngine } from './testing/test-engine';

let sshd: Sshd;
let web: TestService;
let sshdDir: string;
const engines: TestEngine[] = [];

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-h-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  web = await startNamedEcho('web');
});

afterAll(async () => {
  await sshd.stop();
  await web.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const t of engines.splice(0)) await t.dispose();
});

function setup() {
  const t = createTestEngine();
  engines.push(t);
  return t;
}

function lastHealth(events: { event: EventName; payload: unknown }[], member: string): MeshMemberShape | undefined {
  return events
    .filter((e) => e.event === 'mesh:health')
    .map((e) => e.payload as MeshMemberShape)
    .filter((h) => h.member === member)
    .at(-1);
}

describe('mesh handlers', () => {
  it('connects a hand-added host, reports health, writes the env file, and disconnects', async () => {
    const { engine, events, call } = setup();
    await engine.start();
    const added = await call('hosts:add', { pond: 'Alpha', slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
    expect(added).toMatchObject({ result: { ok: true } });

    const connected = await call('mesh:connect', { pond: 'Alpha' });
    expect(connected).toMatchObject({ result: { pond: 'alpha', members: [{ member: 'web', provider: 'ssh', target: { host: '127.0.0.1', port: sshd.port } }] } });
    await until(() => lastHealth(events, 'web')?.forwards[0]?.state === 'ready', 'ready event');
    const status = await call('mesh:status', { pond: 'alpha' });
    const forward = (status as { result: { ponds: Array<{ members: MeshMemberShape[] }> } }).result.ponds[0]!.members[0]!.forwards[0]!;
    expect(forward).toMatchObject({ state: 'ready', remotePort: web.port });
    expect((await exchange(forward.localPort!, 'hi', 0)).toString()).toMatch(/^web\n/);

    const envPath = pondFilePaths(engine.deps.pathEnv, 'alpha').envPath;
    await until(() => fs.existsSync(envPath), 'env file');
    expect(fs.readFileSync(envPath, 'utf8')).toContain(`export CRABBOX_POND_WEB_${web.port}=127.0.0.1:${forward.localPort}`);
    expect(engine.deps.settings.get('forwardPorts')).toEqual({ [`alpha/web/${web.port}`]: forward.localPort });

    expect(await call('mesh:disconnect', { pond: 'alpha' })).toMatchObject({ result: { members: [{ session: { state: 'stopped' } }] } });
    await until(() => !fs.existsSync(envPath), 'env file removed');
    expect(await call('mesh:status', {})).toEqual({ result: { ponds: [] } });
  });

  it('opens the local address of a forward that is up in the browser, and nothing else on 127.0.0.1', async () => {
    const opened: string[] = [];
    const t = createTestEngine({ openExternal: async (url) => void opened.push(url), transport: 'ipc' });
    engines.push(t);
    const { engine, events, call } = t;
    await engine.start();
    await call('hosts:add', { pond: 'gamma', slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
    await call('mesh:connect', { pond: 'gamma' });
    await until(() => lastHealth(events, 'web')?.forwards[0]?.state === 'ready', 'ready event');
    const local = lastHealth(events, 'web')!.forwards[0]!.localPort!;
    expect(await call('app:openExternal', { url: `http://127.0.0.1:${local}/` })).toEqual({ result: { opened: true } });
    expect(opened).toEqual([`http://127.0.0.1:${local}/`]);
    for (const url of [`http://127.0.0.1:${local + 1}/`, `http://127.0.0.1:${local}/admin`, `http://localhost:${local}/`, `file:///etc/passwd`]) {
      expect(await call('app:openExternal', { url })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
    await call('mesh:disconnect', { pond: 'gamma' });
    expect(await call('app:openExternal', { url: `http://127.0.0.1:${local}/` })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(opened).toHaveLength(1);
  });

  it('answers mesh:disconnect and mesh:disconnectAll only once the files say what is left', async () => {
    const { engine, events, call } = setup();
    await engine.start();
    for (const slug of ['web', 'api']) {
      await call('hosts:add', { pond: 'delta', slug, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
    }
    const { envPath, hostsPath } = pondFilePaths(engine.deps.pathEnv, 'delta');
    const connectBoth = async () => {
      await call('mesh:connect', { pond: 'delta' });
      await until(() => lastHealth(events, 'web')?.forwards[0]?.state === 'ready' && lastHealth(events, 'api')?.forwards[0]?.state === 'ready', 'both ready');
      await until(() => fs.existsSync(envPath) && fs.readFileSync(envPath, 'utf8').includes('CRABBOX_POND_WEB_'), 'both in the env file');
    };

    await connectBoth();
    await call('mesh:disconnect', { pond: 'delta', member: 'web' });
    // No waiting here: the answer comes after the files were rewritten.
    expect(fs.readFileSync(envPath, 'utf8')).not.toContain('CRABBOX_POND_WEB_');
    expect(fs.readFileSync(envPath, 'utf8')).toContain('CRABBOX_POND_API_');
    await call('mesh:disconnect', { pond: 'delta' });
    expect([fs.existsSync(envPath), fs.existsSync(hostsPath)]).toEqual([false, false]);

    await connectBoth();
    await call('mesh:disconnectAll');
    expect([fs.existsSync(envPath), fs.existsSync(hostsPath)]).toEqual([false, false]);

    // The same through the engine's own calls, as the Electron shell and the agent make them.
    await connectBoth();
    await engine.mesh.disconnect({ pond: 'delta' });
    await engine.filesSettled();
    expect([fs.existsSync(envPath), fs.existsSync(hostsPath)]).toEqual([false, false]);
  });

  it('asks for a passphrase through an event and takes the answer through mesh:passphrase', async () => {
    const { engine, events, call } = setup();
    await engine.start();
    const key = generateKey(path.dirname(engine.deps.userDataDir), 'encrypted', { passphrase: 'hunter2' });
    sshd.authorize(key);
    await call('hosts:add', { pond: 'beta', slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: key.privatePath, expose: [String(web.port)] });
    await call('mesh:connect', { pond: 'beta' });
    await until(() => events.some((e) => e.event === 'mesh:passphraseRequest'), 'passphrase request');
    const request = events.find((e) => e.event === 'mesh:passphraseRequest')!.payload as MeshPassphraseRequestShape;
    expect(request).toMatchObject({ pond: 'beta', member: 'web', keyPath: key.privatePath, problem: null });
    expect(await call('mesh:passphrase', { requestId: request.requestId, passphrase: 'hunter2' })).toEqual({ result: { accepted: true } });
    await until(() => lastHealth(events, 'web')?.session.state === 'ready', 'ready with the decrypted key');
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(await call('mesh:passphrase', { requestId: request.requestId, passphrase: 'again' })).toEqual({ result: { accepted: false } });
  });

  it('forgets a changed host key after confirmation and reconnects', async () => {
    const { engine, events, call } = setup();
    await engine.start();
    await call('hosts:add', { pond: 'gamma', slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
    const knownHosts = path.join(engine.deps.pathEnv.env.HOME!, '.ssh', 'known_hosts');
    fs.mkdirSync(path.dirname(knownHosts), { recursive: true });
    const stale = generateKey(path.dirname(engine.deps.userDataDir), 'stale_host');
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${stale.publicLine}\n`);

    await call('mesh:connect', { pond: 'gamma' });
    await until(() => lastHealth(events, 'web')?.session.state === 'failed', 'host key refused');
    expect(lastHealth(events, 'web')!.session).toMatchObject({
      reason: 'host-key-changed',
      hostKey: { knownFingerprints: [stale.fingerprint], presentedFingerprint: sshd.hostKeyFingerprint, knownHostsPath: knownHosts },
    });
    expect(await call('mesh:forgetHostKey', { pond: 'gamma', member: 'web' })).toEqual({ result: { removed: 1 } });
    await until(() => lastHealth(events, 'web')?.session.state === 'ready', 'ready after forgetting');
  });

  it('names bad input and unknown members', async () => {
    const { engine, call } = setup();
    await engine.start();
    expect(await call('mesh:connect', { pond: 'alpha', remotePort: 80 })).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('remotePort') } });
    expect(await call('mesh:connect', { pond: '!!' })).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'pond name "!!" has no letter or digit, so it names no pond' } });
    expect(await call('mesh:connect', { pond: 'nowhere' })).toMatchObject({ error: { code: 'NOT_FOUND', message: 'pond "nowhere" has no members with exposed ports to connect' } });
    expect(await call('mesh:forgetHostKey', { pond: 'nowhere', member: 'web' })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await call('mesh:disconnectAll')).toEqual({ result: { ponds: [] } });
  });
});
