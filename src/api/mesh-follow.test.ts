import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshPondShape } from '../contract/index';
import { parseEnvFile } from '../engine/exports';
import { findFreePortRange } from '../engine/mesh/testing/ports';
import { startNamedEcho, type TestService } from '../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../engine/mesh/testing/sshd';
import { until } from '../engine/mesh/testing/wait';
import { writeClaimAtomic } from '../engine/testing/claims-fixtures';
import { claimsDir, leaseKeyDir } from '../lib/paths';
import { createTestEngine, type TestEngine } from './testing/test-engine';

let sshd: Sshd;
let sshdDir: string;
const services: Record<string, TestService> = {};

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-follow-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  for (const name of ['web-1', 'web-2', 'api-1']) services[name] = await startNamedEcho(name);
});

afterAll(async () => {
  await sshd.stop();
  for (const service of Object.values(services)) await service.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

const port = (name: string) => services[name]!.port;

/** The claim crabbox writes for lease `cbx_web`, with its SSH endpoint once it has one. */
function writeWebClaim(t: TestEngine, ports: number[], endpoint: boolean): void {
  writeClaimAtomic(claimsDir(t.engine.deps.pathEnv), {
    leaseID: 'cbx_web',
    slug: 'web',
    provider: 'aws',
    pond: 'alpha',
    repoRoot: '/repo',
    claimedAt: '2026-06-10T12:00:00Z',
    lastUsedAt: '2026-06-10T12:00:00Z',
    labels: { crabbox_exposed_ports: ports.join('-') },
    ...(endpoint ? { sshHost: '127.0.0.1', sshPort: sshd.port } : {}),
  });
}

async function status(t: TestEngine): Promise<MeshPondShape | undefined> {
  const reply = (await t.call('mesh:status', { pond: 'alpha' })) as { result: { ponds: MeshPondShape[] } };
  return reply.result.ponds[0];
}

/** `member:remote` of every ready forward, as the env file lists them. */
function envFile(t: TestEngine): string[] | null {
  const file = path.join(t.env.HOME!, '.crabbox', 'pond', 'alpha', 'env');
  if (!fs.existsSync(file)) return null;
  return parseEnvFile(fs.readFileSync(file, 'utf8'), file).map((e) => e.name);
}

describe('the mesh follows the live pond (composition root)', () => {
  it('connects a member once crabbox records its address, follows ports and members, and lets the pond go', async () => {
    const t = createTestEngine({ env: { CRABBOX_SSH_USER: sshd.user }, mesh: { portRange: await findFreePortRange(16) } });
    try {
      await t.engine.start();
      const keyDir = leaseKeyDir(t.engine.deps.pathEnv, 'cbx_web');
      fs.mkdirSync(keyDir, { recursive: true, mode: 0o700 });
      fs.copyFileSync(sshd.clientKeyPath, path.join(keyDir, 'id_ed25519'));
      writeWebClaim(t, [port('web-1')], false);

      await t.call('mesh:connect', { pond: 'alpha' });
      expect((await status(t))?.members[0]?.session).toMatchObject({ state: 'waiting' });

      writeWebClaim(t, [port('web-1')], true);
      await until(async () => (await status(t))?.members[0]?.session.state === 'ready', 'web connected once its address is recorded');
      await until(() => envFile(t)?.join() === `CRABBOX_POND_WEB_${port('web-1')}`, 'the env file lists web');

      await t.call('hosts:add', { pond: 'alpha', slug: 'api', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(port('api-1'))] });
      writeWebClaim(t, [port('web-1'), port('web-2')].sort((a, b) => a - b), true);
      const webPorts = [port('web-1'), port('web-2')].sort((a, b) => a - b);
      const everything = [`CRABBOX_POND_API_${port('api-1')}`, ...webPorts.map((p) => `CRABBOX_POND_WEB_${p}`)].join();
      await until(() => envFile(t)?.join() === everything, () => `api and web's new port in the env file, not ${envFile(t)?.join()}`);

      fs.rmSync(path.join(claimsDir(t.engine.deps.pathEnv), 'cbx_web.json'));
      await until(() => envFile(t)?.join() === `CRABBOX_POND_API_${port('api-1')}`, 'web gone from the env file once its claim is');
      expect((await status(t))?.members.map((m) => m.member)).toEqual(['api']);

      const id = t.engine.hosts.list().find((h) => h.slug === 'api')!.id;
      await t.call('hosts:remove', { id });
      await until(() => envFile(t) === null, 'the env file removed once the pond is gone');
      expect(await status(t)).toBeUndefined();
    } finally {
      await t.dispose();
    }
  });
});
