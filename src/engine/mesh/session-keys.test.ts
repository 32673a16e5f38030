import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from './session-keys';
import { generateKey } from './testing/keys';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plain = generateKey(dir, 'plain');
const encrypted = generateKey(dir, 'encrypted', { passphrase: 'open sesame' });

function scripted(answers: Array<string | null>) {
  const asked: Array<{ keyPath: string; problem: string | null }> = [];
  return {
    asked,
    ask: async (keyPath: string, problem: string | null) => {
      asked.push({ keyPath, problem });
      return answers.shift() ?? null;
    },
  };
}

describe('KeyRing', () => {
  it('loads an unencrypted key without asking', async () => {
    const prompt = scripted([]);
    const result = await new KeyRing().load(plain.privatePath, prompt.ask);
    expect(result.ok && result.key.getPublicSSH().equals(plain.blob)).toBe(true);
    expect(prompt.asked).toEqual([]);
  });

  it('asks for a passphrase, says when it was wrong, and keeps the decrypted key for reconnects', async () => {
    const ring = new KeyRing();
    const prompt = scripted(['guess', 'open sesame']);
    const result = await ring.load(encrypted.privatePath, prompt.ask);
    expect(result.ok && result.key.getPublicSSH().equals(encrypted.blob)).toBe(true);
    expect(prompt.asked).toEqual([
      { keyPath: encrypted.privatePath, problem: null },
      { keyPath: encrypted.privatePath, problem: `wrong passphrase for ${encrypted.privatePath} (attempt 1 of 3)` },
    ]);
    const again = await ring.load(encrypted.privatePath, prompt.ask);
    expect(again.ok).toBe(true);
    expect(prompt.asked).toHaveLength(2);
  });

  it('gives a clear error after three wrong passphrases or a cancel', async () => {
    const wrong = await new KeyRing().load(encrypted.privatePath, scripted(['a', 'b', 'c']).ask);
    expect(wrong).toEqual({ ok: false, error: `wrong passphrase for ${encrypted.privatePath} (3 tries)` });
    const cancelled = await new KeyRing().load(encrypted.privatePath, scripted([null]).ask);
    expect(cancelled).toEqual({ ok: false, error: `no passphrase was given for ${encrypted.privatePath}` });
  });

  it('asks once for members loading the same key at the same time', async () => {
    const ring = new KeyRing();
    const prompt = scripted(['open sesame']);
    const results = await Promise.all([1, 2, 3].map(() => ring.load(encrypted.privatePath, prompt.ask)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(prompt.asked).toHaveLength(1);
  });

  it('reads a key file again when it changed on disk', async () => {
    const ring = new KeyRing();
    const file = path.join(dir, 'rotating');
    copyFileSync(plain.privatePath, file);
    const first = await ring.load(file, scripted([]).ask);
    copyFileSync(encrypted.privatePath, file);
    const prompt = scripted(['open sesame']);
    const second = await ring.load(file, prompt.ask);
    expect(first.ok && first.key.getPublicSSH().equals(plain.blob)).toBe(true);
    expect(second.ok && second.key.getPublicSSH().equals(encrypted.blob)).toBe(true);
    expect(prompt.asked).toHaveLength(1);
  });

  it('names the file when it is missing or not a key', async () => {
    const missing = path.join(dir, 'missing');
    expect(await new KeyRing().load(missing, scripted([]).ask)).toEqual({ ok: false, error: `cannot read SSH key ${missing}: the file does not exist` });
    const junk = path.join(dir, 'junk');
    writeFileSync(junk, 'not a key');
    const result = await new KeyRing().load(junk, scripted([]).ask);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(new RegExp(`^${junk} is not a private key that can be used \\(`));
  });
});
