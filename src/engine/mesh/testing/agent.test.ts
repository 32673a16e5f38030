import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from './agent';
import { generateKey } from './keys';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'agent-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startAgent', () => {
  it('holds added keys and goes away on stop', async () => {
    const agent = await startAgent(dir);
    const key = generateKey(dir, 'agent_key');
    await agent.add(key.privatePath);
    const { stdout } = await run('ssh-add', ['-l', '-E', 'sha256'], { env: { ...process.env, SSH_AUTH_SOCK: agent.socket } });
    expect(stdout).toContain(key.fingerprint);
    await agent.stop();
    await expect(run('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: agent.socket } })).rejects.toThrow();
  });
});
