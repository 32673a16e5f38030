import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshConnectionShape } from '../contract/index';
import { startNamedEcho, type TestService } from '../engine/mesh/testing/services';
import { startSshd, type Sshd } from '../engine/mesh/testing/sshd';
import { until } from '../engine/mesh/testing/wait';
import { createTestEngine } from './testing/test-engine';

let sshd: Sshd;
let web: TestService;
let sshdDir: string;

beforeAll(async () => {
  sshdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-events-sshd-'));
  sshd = await startSshd({ dir: sshdDir });
  web = await startNamedEcho('web');
});

afterAll(async () => {
  await sshd.stop();
  await web.stop();
  fs.rmSync(sshdDir, { recursive: true, force: true });
});

describe('mesh:connection', () => {
  it('goes out once per change of a pond, from connecting to not connected', async () => {
    const t = createTestEngine();
    try {
      await t.engine.start();
      await t.call('hosts:add', { pond: 'alpha', slug: 'web', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, expose: [String(web.port)] });
      const changes = () => t.events.filter((e) => e.event === 'mesh:connection').map((e) => e.payload as MeshConnectionShape);
      await t.call('mesh:connect', { pond: 'alpha' });
      await until(() => changes().at(-1)?.connection === 'connected', 'connected');
      await t.call('mesh:disconnect', { pond: 'alpha' });
      expect(changes().map((c) => [c.pond, c.previous, c.connection, c.forwardsReady, c.forwardsTotal])).toEqual([
        ['alpha', 'not-connected', 'connecting', 0, 1],
        ['alpha', 'connecting', 'connected', 1, 1],
        ['alpha', 'connected', 'not-connected', 0, 0],
      ]);
    } finally {
      await t.dispose();
    }
  });
});
