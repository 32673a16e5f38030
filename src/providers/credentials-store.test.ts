import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsStore, openConfBackend } from '../engine/settings-store';
import { Credentials } from './credentials';
import { EncryptedSecretStore, type Cipher } from './credentials-store';

/** A reversible stand-in for safeStorage that makes plaintext impossible to miss on disk. */
const xorCipher: Cipher = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)).toString('base64'),
  decrypt: (sealed) => Buffer.from([...Buffer.from(sealed, 'base64')].map((b) => b ^ 0x5a)).toString(),
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function settings(): SettingsStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pond-creds-'));
  dirs.push(dir);
  return new SettingsStore(openConfBackend(dir));
}

describe('EncryptedSecretStore', () => {
  it('stores only ciphertext in the settings file and reads it back', () => {
    const s = settings();
    const store = new EncryptedSecretStore(s, xorCipher);
    store.write('ISLO_API_KEY', '  isk_live_plaintext_value  ');
    const onDisk = readFileSync(s.path, 'utf8');
    expect(onDisk).not.toContain('isk_live_plaintext_value');
    expect(Object.keys(s.get('secrets'))).toEqual(['ISLO_API_KEY']);
    expect(store.read('ISLO_API_KEY')).toEqual({ state: 'ok', value: 'isk_live_plaintext_value' });
    expect(new Credentials({}, store).get('ISLO_API_KEY')).toBe('isk_live_plaintext_value');
  });

  it('refuses to save without a working cipher and names the environment variables instead', () => {
    const s = settings();
    const store = new EncryptedSecretStore(s, { ...xorCipher, isAvailable: () => false });
    expect(() => store.write('E2B_API_KEY', 'e2b_abc')).toThrow(
      'encrypted storage is not available on this system, so the value was not saved; set CRABBOX_E2B_API_KEY or E2B_API_KEY in the environment instead',
    );
    expect(s.get('secrets')).toEqual({});
    expect(() => new EncryptedSecretStore(s, undefined).write('E2B_API_KEY', 'x')).toThrow(/not available/);
  });

  it('rejects bad values before touching the file', () => {
    const s = settings();
    const store = new EncryptedSecretStore(s, xorCipher);
    expect(() => store.write('ISLO_API_KEY', '')).toThrow('Islo API key must not be empty');
    expect(s.get('secrets')).toEqual({});
  });

  it('reports a value it cannot decrypt as unreadable, without throwing', () => {
    const s = settings();
    s.set('secrets', { RAILWAY_API_TOKEN: 'garbage' });
    const store = new EncryptedSecretStore(s, {
      ...xorCipher,
      decrypt: () => {
        throw new Error('bad key');
      },
    });
    expect(store.read('RAILWAY_API_TOKEN')).toEqual({ state: 'unreadable', reason: 'the saved value cannot be decrypted on this system; enter it again' });
    expect(new Credentials({}, store).get('RAILWAY_API_TOKEN')).toBeUndefined();
    expect(new EncryptedSecretStore(s, undefined).read('RAILWAY_API_TOKEN').state).toBe('unreadable');
  });

  it('removes one value and keeps the others', () => {
    const s = settings();
    const store = new EncryptedSecretStore(s, xorCipher);
    store.write('ISLO_API_KEY', 'a');
    store.write('E2B_API_KEY', 'b');
    store.remove('ISLO_API_KEY');
    expect(store.read('ISLO_API_KEY')).toEqual({ state: 'absent' });
    expect(store.read('E2B_API_KEY')).toEqual({ state: 'ok', value: 'b' });
  });
});
