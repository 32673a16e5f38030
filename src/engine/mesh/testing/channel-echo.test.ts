import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataPlane } from '../data-plane/data-plane';
import { DEFAULT_TUNING, MemberSession, systemClock } from '../session';
import { KeyRing } from '../session-keys';
import { echoThroughChannel } from './channel-echo';
import { generateKey } from './keys';
import { startEcho } from './services';
import { startSsh2Server } from './ssh2-server';
import { until } from './wait';

const dir = mkdtempSync(path.join(os.tmpdir(), 'channel-echo-'));
const plane = new DataPlane(1);
afterAll(async () => {
  await plane.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('echoThroughChannel', () => {
  it('sends text through a channel of a session and resolves with the echo', async () => {
    const clientKey = generateKey(dir, 'client');
    const server = await startSsh2Server({ hostKey: generateKey(dir, 'host'), authorized: [clientKey] });
    const echo = await startEcho();
    const lane = plane.lane();
    const target = { host: '127.0.0.1', port: server.port, fallbackPorts: [], user: 'tester', auth: { kind: 'key' as const, keyPath: clientKey.privatePath }, knownHostsPath: path.join(dir, 'known_hosts') };
    const session = new MemberSession(
      { pond: 'alpha', name: 'web', leaseID: 'cbx_1', provider: 'hetzner', origin: 'crabbox', target, ports: [echo.port] },
      { clock: systemClock, tuning: DEFAULT_TUNING, keys: new KeyRing(), askPassphrase: async () => null, lane, onChange: () => {} },
    );
    session.start();
    await until(() => session.health.state === 'ready', 'ready');
    expect(await echoThroughChannel(lane, session.openChannel(echo.port, 0), 'round trip')).toBe('round trip');
    session.stop();
    await server.stop();
    await echo.stop();
  });
});
