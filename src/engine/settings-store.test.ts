import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir as newTempDir } from '../lib/testing/temp-dir';
import { lazyConfBackend, openConfBackend, prepareSettingsDir, SettingsStore } from './settings-store';

const tempDir = () => newTempDir('pond-settings-');

describe('SettingsStore', () => {
  it('starts from defaults and persists to <dir>/config.json', () => {
    const dir = tempDir();
    const store = new SettingsStore(openConfBackend(dir));
    expect(store.path).toBe(path.join(dir, 'config.json'));
    expect(store.get('manualMembers')).toEqual([]);
    store.set('forwardPorts', { 'pr-42/api/8080': 51820 });
    expect(new SettingsStore(openConfBackend(dir)).get('forwardPorts')).toEqual({ 'pr-42/api/8080': 51820 });
  });

  it('names the key when the file holds a bad value, without losing the others', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ crabboxPath: '/usr/bin/crabbox', forwardPorts: { a: 'x' } }));
    const store = new SettingsStore(openConfBackend(dir));
    expect(() => store.get('forwardPorts')).toThrow(/config\.json: forwardPorts\.a: /);
    expect(store.get('crabboxPath')).toBe('/usr/bin/crabbox');
  });

  it('refuses to write a value outside the schema', () => {
    const store = new SettingsStore(openConfBackend(tempDir()));
    expect(() => store.set('forwardPorts', { a: 70000 })).toThrow();
    expect(() => store.set('chosenPorts', { a: 80 })).toThrow();
  });

  it('reads a file from before chosen ports and restore on start with both empty, keeping what it holds', () => {
    const dir = tempDir();
    const before = { version: 1, manualMembers: [], forwardPorts: { 'alpha/web/8080': 51821 }, crabboxPath: '', secrets: {}, notifications: false };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(before));
    const store = new SettingsStore(openConfBackend(dir));
    expect(store.get('chosenPorts')).toEqual({});
    expect(store.get('restoreOnStart')).toEqual([]);
    expect(store.get('forwardPorts')).toEqual({ 'alpha/web/8080': 51821 });
    expect(store.get('notifications')).toBe(false);
    store.set('chosenPorts', { 'alpha/web/8080': 15432 });
    expect(new SettingsStore(lazyConfBackend(dir)).get('chosenPorts')).toEqual({ 'alpha/web/8080': 15432 });
  });

  it('names a chosen port below 1024 in a hand-edited file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ chosenPorts: { 'alpha/web/8080': 80 } }));
    expect(() => new SettingsStore(openConfBackend(dir)).get('chosenPorts')).toThrow(/config\.json: chosenPorts\.alpha\/web\/8080: /);
  });

  it('reports an unreadable settings file with its path and what to do', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{not json');
    expect(() => openConfBackend(dir)).toThrow(/config\.json cannot be read .*fix or move it aside/);
  });
});

describe('lazyConfBackend', () => {
  it('reads defaults without creating the file, and creates it on the first write', () => {
    const dir = path.join(tempDir(), 'Pond Desktop');
    const store = new SettingsStore(lazyConfBackend(dir));
    expect(store.path).toBe(path.join(dir, 'config.json'));
    expect(store.get('manualMembers')).toEqual([]);
    expect(fs.existsSync(store.path)).toBe(false);
    store.set('crabboxPath', '/opt/crabbox');
    expect(fs.existsSync(store.path)).toBe(true);
    expect(new SettingsStore(openConfBackend(dir)).get('crabboxPath')).toBe('/opt/crabbox');
  });

  it('sees a file another process wrote, and names a broken one only when it is read', () => {
    const dir = tempDir();
    const store = new SettingsStore(lazyConfBackend(dir));
    new SettingsStore(openConfBackend(dir)).set('crabboxPath', '/usr/bin/crabbox');
    expect(store.get('crabboxPath')).toBe('/usr/bin/crabbox');
    const broken = tempDir();
    fs.writeFileSync(path.join(broken, 'config.json'), '{not json');
    const lazy = new SettingsStore(lazyConfBackend(broken));
    expect(() => lazy.get('manualMembers')).toThrow(/config\.json cannot be read .*fix or move it aside/);
  });
});

describe('the settings file on disk', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  /** Runs `body` with a umask that lets everyone read and write what is created. */
  function withOpenUmask(body: () => void): void {
    const previous = process.umask(0);
    try {
      body();
    } finally {
      process.umask(previous);
    }
  }

  it('is 0600 in a 0700 directory whatever the umask', () => {
    const dir = path.join(tempDir(), 'Pond Desktop');
    withOpenUmask(() => {
      const store = new SettingsStore(lazyConfBackend(dir));
      store.set('crabboxPath', '/opt/crabbox');
      store.set('manualMembers', []);
      expect(mode(dir)).toBe(0o700);
      expect(mode(store.path)).toBe(0o600);
    });
  });

  it('tightens a directory and file an older version left open', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'config.json'), '{}', { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'config.json'), 0o644);
    prepareSettingsDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'config.json'))).toBe(0o600);
    expect(new SettingsStore(openConfBackend(dir)).get('crabboxPath')).toBe('');
  });
});

