/**
 * Installs the locked npm packages when node_modules is missing or older than
 * package-lock.json. Node's own modules only: this runs before `npm ci`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runNpm } from './run.js';

function modifiedAt(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** npm writes node_modules/.package-lock.json at the end of every install, so it dates the install. */
export function needsInstall(root) {
  const installed = modifiedAt(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return true;
  const locked = modifiedAt(path.join(root, 'package-lock.json'));
  return locked !== undefined && locked > installed;
}

export function ensureNodeModules(root) {
  if (!needsInstall(root)) return true;
  console.log('pond: installing the locked npm packages (npm ci)');
  return runNpm(['ci', '--no-audit', '--no-fund'], { cwd: root });
}
