import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey, readPublicKey } from './keys';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keys-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateKey', () => {
  it('makes keys with ssh-keygen and reads their public half', () => {
    const key = generateKey(dir, 'k', { type: 'ecdsa' });
    expect(key.publicLine).toMatch(/^ecdsa-sha2-nistp256 AAAA/);
    expect(key.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key.publicPath], { encoding: 'utf8' }).split(' ')[1]);
    expect(readPublicKey(key.privatePath)).toEqual(key);
  });

  it('encrypts with a passphrase when asked', () => {
    const key = generateKey(dir, 'locked', { passphrase: 'pw' });
    expect(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', key.privatePath], { stdio: 'pipe' })).toThrow();
    const derived = execFileSync('ssh-keygen', ['-y', '-P', 'pw', '-f', key.privatePath], { encoding: 'utf8' });
    expect(derived.split(' ').slice(0, 2).join(' ')).toBe(key.publicLine);
  });
});
