import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayProblem, electronBinary, ensureElectronBinary, firstErrorLine, rootProblem } from './electron-binary.js';

let dir;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-electron-bin-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A node_modules/electron with the given install.js (the `install-electron` command). */
function electronPackage(installScript) {
  const pkg = path.join(dir, 'electron');
  fs.mkdirSync(pkg);
  fs.writeFileSync(path.join(pkg, 'install.js'), installScript);
  return pkg;
}

const INSTALLS = `
const fs = require('node:fs');
const path = require('node:path');
fs.mkdirSync(path.join(__dirname, 'dist'));
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '');
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
`;
const FAILS = `
const error = new TypeError('fetch failed');
console.error(error.stack);
process.exit(1);
`;

describe('electronBinary', () => {
  it('finds the executable path.txt names inside dist/', () => {
    const pkg = electronPackage('');
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(electronBinary(pkg, {})).toBe(path.join(pkg, 'dist', 'electron'));
  });

  it('finds nothing before install-electron ran (no path.txt)', () => {
    expect(electronBinary(electronPackage(''), {})).toBeUndefined();
  });

  it('looks in ELECTRON_OVERRIDE_DIST_PATH instead of dist/ when it is set', () => {
    const pkg = electronPackage(INSTALLS);
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    const override = path.join(dir, 'override');
    fs.mkdirSync(override);
    expect(electronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBeUndefined();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(electronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(path.join(override, 'electron'));
  });
});

describe('ensureElectronBinary', () => {
  it('runs install-electron when the binary is missing and returns what it installed', () => {
    const pkg = electronPackage(INSTALLS);
    expect(ensureElectronBinary(pkg, {})).toEqual({ kind: 'ready', binary: path.join(pkg, 'dist', 'electron') });
  });

  it("says in one line why the binary is unavailable when install-electron fails", () => {
    const result = ensureElectronBinary(electronPackage(FAILS), {});
    expect(result).toEqual({ kind: 'unavailable', reason: "Electron's binary is not installed and could not be downloaded (fetch failed)" });
  });

  it('does not fetch what is already there', () => {
    const pkg = electronPackage(FAILS);
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(ensureElectronBinary(pkg, {}).kind).toBe('ready');
  });
});

describe('firstErrorLine', () => {
  it('keeps the message of the first error and drops its stack', () => {
    expect(firstErrorLine('\nHTTPError: Response code 404 (Not Found)\n    at download (x.js:1:1)\n')).toBe('Response code 404 (Not Found)');
  });

  it('says so when the command printed nothing', () => {
    expect(firstErrorLine('')).toBe('no message');
  });
});

describe('what keeps Electron from starting', () => {
  it('needs a display on Linux, X11 or Wayland', () => {
    expect(displayProblem({ platform: 'linux', env: {} })).toBe('there is no display (DISPLAY and WAYLAND_DISPLAY are unset)');
    expect(displayProblem({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBeUndefined();
    expect(displayProblem({ platform: 'linux', env: { DISPLAY: ':0' } })).toBeUndefined();
    expect(displayProblem({ platform: 'darwin', env: {} })).toBeUndefined();
  });

  it('refuses root on Linux, where the sandbox would have to be turned off', () => {
    expect(rootProblem({ platform: 'linux', isRoot: true })).toMatch(/does not run as root/);
    expect(rootProblem({ platform: 'linux', isRoot: false })).toBeUndefined();
  });
});
