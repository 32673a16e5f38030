import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey } from './keys';
import { startEcho } from './services';
import { startSsh2Server } from './ssh2-server';
import { until } from './wait';

const { Client } = ssh2;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ssh2-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function login(port: number, keyPath: string): Promise<InstanceType<typeof Client>> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'tester', privateKey: readFileSync(keyPath), hostVerifier: () => true });
  });
}

describe('startSsh2Server', () => {
  it('lets authorized keys in, refuses others, and forwards direct-tcpip to local ports', async () => {
    const hostKey = generateKey(dir, 'host');
    const allowed = generateKey(dir, 'allowed');
    const stranger = generateKey(dir, 'stranger');
    const server = await startSsh2Server({ hostKey, authorized: [allowed] });
    const echo = await startEcho();
    await expect(login(server.port, stranger.privatePath)).rejects.toThrow(/authentication methods failed/);
    const client = await login(server.port, allowed.privatePath);
    const reply = await new Promise<string>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', echo.port, (error, channel) => {
        if (error) return reject(error);
        channel.once('data', (d: Buffer) => resolve(d.toString()));
        channel.write('via ssh2');
      });
    });
    expect(reply).toBe('via ssh2');
    expect(server.connections()).toBe(2);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    server.dropClients();
    await closed;
    await until(() => server.openConnections() === 0, 'the server to see the client gone');
    await server.stop();
    await echo.stop();
  });
});
