import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../lib/testing/temp-dir';
import { Lifecycle, settingsFileOptions, settingsFilePath } from './engine';
import { createTestEngine } from './testing/test-engine';

describe('Lifecycle', () => {
  it('starts in order and stops in reverse, running every cleanup even if one fails', async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    const life = new Lifecycle((m) => logged.push(m));
    life.onStart(() => void seen.push('start a'));
    life.onStart(async () => void seen.push('start b'));
    life.onStop(() => void seen.push('stop a'));
    life.onStop(() => {
      throw new Error('watcher already closed');
    });
    life.onStop(() => void seen.push('stop c'));
    await life.start();
    await life.stop();
    expect(seen).toEqual(['start a', 'start b', 'stop c', 'stop a']);
    expect(logged).toEqual(['shutdown: watcher already closed']);
    await life.stop();
    expect(seen).toHaveLength(4);
  });
});

describe('the composition root', () => {
  it('names the settings file and hands out the provider keys it knows, for redaction', async () => {
    expect(settingsFilePath('/u/Pond Desktop')).toBe('/u/Pond Desktop/config.json');
    const t = createTestEngine({ env: { E2B_API_KEY: 'e2b_from_env', ISLO_API_KEY: '  ', RAILWAY_PROJECT_ID: 'not-a-secret' } });
    try {
      expect(t.engine.secretValues()).toEqual(['e2b_from_env']);
      fs.writeFileSync(t.engine.settings.path, '{"secrets": 42}');
      expect(t.engine.secretValues()).toEqual(['e2b_from_env']);
    } finally {
      await t.dispose();
    }
  });
});

describe('settingsFileOptions', () => {
  it('gives electron-store (a conf) a 0600 file in a 0700 directory whatever the umask', () => {
    const dir = path.join(tempDir('pond-settings-options-'), 'Pond Desktop');
    const previous = process.umask(0);
    try {
      const store = new Conf<Record<string, unknown>>(settingsFileOptions(dir));
      store.set('crabboxPath', '/opt/crabbox');
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});

