/**
 * `npm start`: installs the locked npm packages when needed, builds when the build is missing
 * or stale, fetches Electron's binary when it is missing, and starts the tray app. Where
 * Electron cannot start (no binary, no display, root) it says why in one line and serves
 * the same UI for a browser with `pond serve`, so the app always runs.
 */
import path from 'node:path';
import { BUILD_OUTPUTS, buildIsStale } from './build-state.js';
import { displayProblem, ensureElectronBinary, rootProblem } from './electron-binary.js';
import { ensureNodeModules } from './node-modules.js';
import { runForwardingSignals, runNpm } from './run.js';

const root = path.resolve(import.meta.dirname, '..');
const facts = { platform: process.platform, env: process.env, isRoot: process.getuid?.() === 0 };

if (!ensureNodeModules(root)) {
  console.error('pond: npm ci failed (see above); fix that, then npm start again.');
  process.exit(1);
}
if (buildIsStale(root)) {
  console.log('pond: building (npm run build)');
  if (!runNpm(['run', 'build'], { cwd: root })) {
    console.error('pond: the build failed (see above); fix that, then npm start again.');
    process.exit(1);
  }
}

let reason = displayProblem(facts);
if (!reason) {
  const electron = ensureElectronBinary(path.join(root, 'node_modules', 'electron'));
  reason = electron.kind === 'unavailable' ? electron.reason : rootProblem(facts);
  if (!reason && electron.kind === 'ready') {
    const app = await runForwardingSignals(electron.binary, ['.'], { cwd: root });
    if (app.code === 0 || app.stopped) process.exit(app.code);
    reason = `Electron stopped with exit code ${app.code}`;
  }
}

console.error(`pond: the desktop app cannot start here: ${reason}. Serving the same UI for your browser instead.`);
const cli = path.join(root, BUILD_OUTPUTS.find((file) => file.startsWith('out/cli/')));
const served = await runForwardingSignals(process.execPath, [cli, 'serve'], { cwd: root });
process.exit(served.code);
