/**
 * The app's credential store: values encrypted by an injected cipher (Electron's
 * safeStorage in the desktop app) and kept as base64 under the settings key `secrets`.
 * Without a working cipher nothing is written: plaintext never touches the disk.
 */
import type { CredentialName, SecretStore, StoredSecret } from './credentials';
import { credentialSpec, credentialValueProblem } from './credentials';
import { PondError } from '../lib/errors';

/** Encrypts strings at rest; the same shape as the engine's SecretBox. */
export interface Cipher {
  isAvailable(): boolean;
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

/** The part of SettingsStore this store needs. */
export interface SecretsSetting {
  get(key: 'secrets'): Record<string, string>;
  set(key: 'secrets', value: Record<string, string>): void;
}

export class EncryptedSecretStore implements SecretStore {
  constructor(
    private readonly settings: SecretsSetting,
    private readonly cipher: Cipher | undefined,
  ) {}

  read(name: CredentialName): StoredSecret {
    const sealed = this.settings.get('secrets')[name];
    if (sealed === undefined) return { state: 'absent' };
    if (!this.cipher?.isAvailable()) return { state: 'unreadable', reason: 'encrypted storage is not available in this session' };
    try {
      return { state: 'ok', value: this.cipher.decrypt(sealed) };
    } catch {
      return { state: 'unreadable', reason: 'the saved value cannot be decrypted on this system; enter it again' };
    }
  }

  write(name: CredentialName, value: string): void {
    const problem = credentialValueProblem(name, value);
    if (problem) throw new PondError('INVALID_INPUT', problem);
    if (!this.cipher?.isAvailable()) {
      const vars = credentialSpec(name)?.env.join(' or ') ?? name;
      throw new PondError('UNAVAILABLE', `encrypted storage is not available on this system, so the value was not saved; set ${vars} in the environment instead`);
    }
    const sealed = this.cipher.encrypt(value.trim());
    this.settings.set('secrets', { ...this.settings.get('secrets'), [name]: sealed });
  }

  remove(name: CredentialName): void {
    const { [name]: _removed, ...rest } = this.settings.get('secrets');
    this.settings.set('secrets', rest);
  }
}
