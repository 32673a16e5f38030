/**
 * The desktop app's settings: electron-store over the same file and options the CLI
 * opens with conf (the composition root's settingsFileOptions), plus safeStorage for secrets.
 */
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { settingsFileOptions, type SecretBox } from '../api/engine';
import type { Settings, SettingsBackend } from '../engine/settings-store';

export function openSettings(userDataDir: string): SettingsBackend {
  return new ElectronStore<Settings>(settingsFileOptions(userDataDir)) as unknown as SettingsBackend;
}

export const safeStorageBox: SecretBox = {
  // On Linux without a keyring Electron falls back to `basic_text`, which only obfuscates.
  isAvailable: () =>
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
  decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
};
