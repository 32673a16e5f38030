/**
 * Whether `npm run build` has to run before starting: a built part is missing, or a source
 * or build setting changed after the last build. Node's own modules only: this runs before `npm ci`.
 */
import fs from 'node:fs';
import path from 'node:path';

export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/cli/pond.js'];
const SOURCE_DIRS = ['src'];
const SOURCE_FILES = [
  'package.json',
  'package-lock.json',
  'electron.vite.config.ts',
  'vite.cli.config.ts',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
];

function modifiedAt(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

// A folder's time changes whenever a file is added to it, tests included; only files count.
function fileModifiedAt(file) {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

// Tests and their helpers never reach the build, so editing them needs no rebuild.
function reachesBuild(relative) {
  return !/\.test\.tsx?$/.test(relative) && !relative.split(path.sep).includes('testing');
}

function newestSource(root) {
  let newest = 0;
  const consider = (file) => (newest = Math.max(newest, fileModifiedAt(file) ?? 0));
  for (const file of SOURCE_FILES) consider(path.join(root, file));
  for (const dir of SOURCE_DIRS) {
    const base = path.join(root, dir);
    const entries = fs.existsSync(base) ? fs.readdirSync(base, { recursive: true }) : [];
    for (const relative of entries) if (reachesBuild(relative)) consider(path.join(base, relative));
  }
  return newest;
}

export function buildIsStale(root) {
  const built = BUILD_OUTPUTS.map((file) => modifiedAt(path.join(root, file)));
  if (built.some((time) => time === undefined)) return true;
  return newestSource(root) > Math.min(...built);
}
