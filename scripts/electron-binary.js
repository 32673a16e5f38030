/**
 * Electron's binary: finding it, fetching it when it is missing (Electron 42 and later no
 * longer download it during `npm install`; the package's `install-electron` command does),
 * and what keeps it from starting on this machine. Node's own modules only, like every
 * set-up script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runQuiet } from './run.js';

/**
 * The binary's path when it is installed. Mirrors node_modules/electron/index.js, which
 * electron-vite and Playwright use: path.txt names the executable inside dist/, and
 * ELECTRON_OVERRIDE_DIST_PATH replaces dist/.
 */
export function electronBinary(electronDir, env = process.env) {
  let relative;
  try {
    relative = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    relative = undefined;
  }
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = dist ? path.join(dist, relative ?? 'electron') : relative && path.join(electronDir, 'dist', relative);
  return binary && fs.existsSync(binary) ? binary : undefined;
}

/** The one line worth showing from a failed command's output: its first error message. */
export function firstErrorLine(output) {
  const line = output
    .split(/\r?\n/)
    .map((text) => text.trim())
    .find((text) => text !== '' && !text.startsWith('at '));
  return (line ?? 'no message').replace(/^[A-Za-z]*Error: /, '');
}

/**
 * Runs `install-electron` when the binary is missing.
 * @returns {{kind: 'ready', binary: string} | {kind: 'unavailable', reason: string}}
 */
export function ensureElectronBinary(electronDir, env = process.env) {
  const present = electronBinary(electronDir, env);
  if (present) return { kind: 'ready', binary: present };
  console.log("pond: fetching Electron's binary (install-electron)");
  const fetched = runQuiet(process.execPath, [path.join(electronDir, 'install.js')], { env });
  const binary = electronBinary(electronDir, env);
  if (binary) return { kind: 'ready', binary };
  const why = fetched.ok ? 'install-electron finished without it' : firstErrorLine(fetched.output);
  return { kind: 'unavailable', reason: `Electron's binary is not installed and could not be downloaded (${why})` };
}

/** Why Electron cannot open a window here before anything is fetched, if it cannot. */
export function displayProblem({ platform, env }) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/** Chromium's sandbox, which the app keeps on, refuses to run as root on Linux. */
export function rootProblem({ platform, isRoot }) {
  if (platform === 'linux' && isRoot) return 'Electron does not run as root with its sandbox on; start it as a normal user';
  return undefined;
}
