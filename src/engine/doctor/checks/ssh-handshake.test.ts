import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type TestKey } from '../../mesh/testing/keys';
import { closedPort } from '../../mesh/testing/services';
import { startSshd, type Sshd } from '../../mesh/testing/sshd';
import { startSsh2Server, type TestSsh2Server } from '../../mesh/testing/ssh2-server';
import { member, testCheckDeps } from '../testing/check-deps';
import { sshHandshake } from './ssh-handshake';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pond-doctor-ssh-'));
let sshd: Sshd;
let fake: TestSsh2Server;
let otherKey: TestKey;
let ecdsaHostKey: TestKey;

beforeAll(async () => {
  sshd = await startSshd({ dir: path.join(dir, 'sshd') });
  otherKey = generateKey(dir, 'other_host_key');
  ecdsaHostKey = generateKey(dir, 'ecdsa_host_key', { type: 'ecdsa' });
  fake = await startSsh2Server({ hostKey: ecdsaHostKey, authorized: [] });
});
afterAll(async () => {
  await sshd?.stop();
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function knownHosts(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

const sshMember = (port: number) => member('web', { transport: 'ssh', endpoint: `ssh://127.0.0.1:${port}` });
const run = (m: ReturnType<typeof sshMember>, knownHostsFile: string) =>
  sshHandshake.run({ pond: 'alpha', member: m, deps: testCheckDeps({ knownHostsFile }) }, new AbortController().signal);

describe('ssh handshake check', () => {
  it('applies to ssh members with an address', () => {
    const deps = testCheckDeps();
    expect(sshHandshake.applies({ pond: 'alpha', member: sshMember(22), deps })).toBe(true);
    expect(sshHandshake.applies({ pond: 'alpha', member: member('x', { transport: 'ssh', endpoint: '' }), deps })).toBe(false);
    expect(sshHandshake.applies({ pond: 'alpha', member: member('x', { transport: 'tailnet', endpoint: '100.64.0.1' }), deps })).toBe(false);
  });

  it('reports a first-use host key against real sshd', async () => {
    const result = await run(sshMember(sshd.port), path.join(dir, 'missing_known_hosts'));
    expect(result.status).toBe('ok');
    expect(result.summary).toMatch(new RegExp(`^SSH handshake with 127\\.0\\.0\\.1:${sshd.port} ok \\(OpenSSH_[^)]+\\); host key not in known_hosts yet`));
    expect(result.detail).toContain(sshd.hostKeyFingerprint);
  });

  it('confirms a host key known_hosts already lists', async () => {
    const file = knownHosts('known_ok', [`[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicLine}`]);
    const result = await run(sshMember(sshd.port), file);
    expect(result.status).toBe('ok');
    expect(result.summary).toContain('host key matches known_hosts');
  });

  it('fails loudly on a changed host key and names the fix', async () => {
    const file = knownHosts('known_changed', [`[127.0.0.1]:${sshd.port} ${otherKey.publicLine}`]);
    const result = await run(sshMember(sshd.port), file);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(`host key for 127.0.0.1:${sshd.port} CHANGED — connections are refused`);
    expect(result.detail).toContain(`presented ssh-ed25519 ${sshd.hostKeyFingerprint}`);
    expect(result.detail).toContain(otherKey.fingerprint);
    expect(result.fixes[0]).toBe(`If web was re-created, forget its old key: ssh-keygen -R "[127.0.0.1]:${sshd.port}" -f "${file}"`);
    // The window names its own button instead of a command.
    expect(result.appFixes?.[0]).toBe('If web was re-created: choose Connect, then Remove old key… on web in the Forwards tab, which shows both keys first.');
    expect(result.reason).toBe('host key changed');
  });

  it('fails on a revoked key', async () => {
    const file = knownHosts('known_revoked', [`@revoked [127.0.0.1]:${sshd.port} ${sshd.hostKey.publicLine}`]);
    const result = await run(sshMember(sshd.port), file);
    expect(result).toMatchObject({ status: 'fail', reason: 'host key revoked' });
  });

  it('sees a key of another type as changed (ssh2 server with an ECDSA key)', async () => {
    const file = knownHosts('known_type', [`[127.0.0.1]:${fake.port} ${otherKey.publicLine}`]);
    const result = await run(sshMember(fake.port), file);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain(`presented ecdsa-sha2-nistp256 ${ecdsaHostKey.fingerprint}`);
  });

  it('says "connection refused" for a closed port', async () => {
    const port = await closedPort();
    const result = await run(sshMember(port), path.join(dir, 'none'));
    expect(result).toMatchObject({ status: 'fail', reason: 'connection refused' });
    expect(result.summary).toBe(`cannot connect to web: 127.0.0.1:${port}: connection refused`);
  });

  it('falls back to the next port of the SSH target', async () => {
    const port = await closedPort();
    const m = member('db', { transport: 'ssh', endpoint: '' }, {
      target: { host: '127.0.0.1', port, fallbackPorts: [sshd.port], user: 'crabbox', auth: { kind: 'key', keyPath: '/x' }, knownHostsPath: path.join(dir, 'kh_target') },
    });
    const result = await sshHandshake.run({ pond: 'alpha', member: m, deps: testCheckDeps() }, new AbortController().signal);
    expect(result.status).toBe('ok');
    expect(result.summary).toContain(`127.0.0.1:${sshd.port}`);
    expect(result.detail).toContain(path.join(dir, 'kh_target'));
  });

  it('fails the handshake against something that is not SSH', async () => {
    const server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const result = await run(sshMember(port), path.join(dir, 'none'));
      expect(result.status).toBe('fail');
      expect(result.summary).toMatch(new RegExp(`^TCP connect to 127\\.0\\.0\\.1:${port} ok, but the SSH handshake failed: `));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
