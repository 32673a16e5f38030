/**
 * electron-builder.yml cannot be tried here in full (Electron's zip cannot be downloaded),
 * so it is checked against the JSON schema electron-builder itself validates with, and for
 * the settings the installers must have. e2e/packaging.spec.ts packs a Linux folder for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import afterPack from './after-pack.js';

const root = path.resolve(import.meta.dirname, '..');
const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
// The schema is written for TypeScript's generator: union types, and keywords ajv's strict mode does not know.
const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);

describe('electron-builder.yml', () => {
  it("matches electron-builder's own schema", () => {
    const valid = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would be refused by the schema with a misspelt key, so the check above means something', () => {
    expect(validate({ ...config, appID: config.appId })).toBe(false);
    expect(validate({ ...config, nsis: { ...config.nsis, startMenuShortcut: true } })).toBe(false);
  });

  it('names the app and uses the appId as its identity everywhere', () => {
    expect(config.appId).toBe('dev.crabbox.pond-desktop');
    expect(config.productName).toBe('Pond Desktop');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).productName).toBe('Pond Desktop');
  });

  it('builds a hardened, notarised dmg with its entitlements', () => {
    expect(config.mac).toMatchObject({ target: 'dmg', hardenedRuntime: true, notarize: true, icon: 'build/icon.icns' });
    expect(fs.readFileSync(path.join(root, config.mac.entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('builds an NSIS installer with a Start-menu shortcut that keeps settings on uninstall', () => {
    expect(config.win).toMatchObject({ target: 'nsis', icon: 'build/icon.ico' });
    expect(config.nsis).toMatchObject({ createStartMenuShortcut: true, shortcutName: 'Pond Desktop', deleteAppDataOnUninstall: false });
  });

  it('builds an AppImage and a deb with a desktop entry and the PNG icon set', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.desktop).toMatchObject({ Name: 'Pond Desktop', Categories: 'Network;Development;' });
    expect(fs.readdirSync(path.join(root, config.linux.icon))).toContain('512x512.png');
  });

  it('rebuilds native addons for Electron, keeps them out of the asar and sets the fuses after packing', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(path.resolve(root, config.afterPack)).toBe(path.join(root, 'scripts', 'after-pack.js'));
    expect(typeof afterPack).toBe('function');
  });

  it('ships the icons beside the asar, where src/electron/resources.ts looks for them', () => {
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources' }]);
  });
});
