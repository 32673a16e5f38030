import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, buildIsStale } from './build-state.js';

let root;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-build-state-'));
  touch('package.json', 1000);
  touch('src/cli/pond.ts', 1000);
  for (const file of BUILD_OUTPUTS) touch(file, 2000);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function touch(relative, seconds) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  fs.utimesSync(file, seconds, seconds);
}

describe('buildIsStale', () => {
  it('is fresh when every built part is newer than every source', () => {
    expect(buildIsStale(root)).toBe(false);
  });

  it('is stale when a built part is missing', () => {
    fs.rmSync(path.join(root, 'out/renderer/index.html'));
    expect(buildIsStale(root)).toBe(true);
  });

  it('is stale when a source deep under src/ changed after the build', () => {
    touch('src/renderer/features/ponds/PondList.tsx', 3000);
    expect(buildIsStale(root)).toBe(true);
  });

  it('is stale when a build setting changed after the build', () => {
    touch('electron.vite.config.ts', 3000);
    expect(buildIsStale(root)).toBe(true);
  });

  it('ignores tests and test helpers, which never reach the build', () => {
    touch('src/cli/main.test.ts', 3000);
    touch('src/engine/mesh/testing/sshd.ts', 3000);
    expect(buildIsStale(root)).toBe(false);
  });
});
