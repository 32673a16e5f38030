import { describe, expect, it } from 'vitest';
import type { MeshConnectionShape } from '../contract/index';
import { useSshdAndWeb } from '../engine/mesh/testing/shared-servers';
import { until } from '../engine/mesh/testing/wait';
import { createTestEngine } from './testing/test-engine';


const servers = useSshdAndWeb('mesh-events-sshd-');

describe('mesh:connection', () => {
  it('goes out once per change of a pond, from connecting to not connected', async () => {
    const t = createTestEngine();
    try {
      await t.engine.start();
      await t.call('hosts:add', { pond: 'alpha', slug: 'web', host: '127.0.0.1', port: servers.sshd.port, user: servers.sshd.user, identityFile: servers.sshd.clientKeyPath, expose: [String(servers.web.port)] });
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
