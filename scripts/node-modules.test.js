import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsInstall } from './node-modules.js';

let root;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-node-modules-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function touch(relative, seconds) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{}');
  fs.utimesSync(file, seconds, seconds);
}

describe('needsInstall', () => {
  it('asks for npm ci when node_modules was never installed', () => {
    touch('package-lock.json', 1000);
    expect(needsInstall(root)).toBe(true);
  });

  it('asks for npm ci when package-lock.json changed after the last install', () => {
    touch('node_modules/.package-lock.json', 1000);
    touch('package-lock.json', 2000);
    expect(needsInstall(root)).toBe(true);
  });

  it('leaves an install newer than package-lock.json alone', () => {
    touch('package-lock.json', 1000);
    touch('node_modules/.package-lock.json', 2000);
    expect(needsInstall(root)).toBe(false);
  });
});
