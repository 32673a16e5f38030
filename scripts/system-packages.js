/**
 * What the tests need from the system besides npm packages: OpenSSH's sshd (the SSH tests
 * start one on 127.0.0.1), OpenSSH's client tools, Chromium (the end-to-end tests) and, on
 * Linux, the `ip` command (the reliability suite's network namespace). On
 * Debian and Ubuntu as root `npm test` installs what is missing; anywhere else it stops at
 * once with one line saying what to install. Node's own modules only: this runs before `npm ci`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runStep } from './run.js';

/** Where the sshd fixture starts sshd (src/engine/mesh/testing/sshd.ts). */
export const SSHD_PATH = '/usr/sbin/sshd';
/** Where playwright.config.ts looks for Chromium unless CHROMIUM_PATH says otherwise. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const SSH_TOOLS = ['ssh', 'ssh-keygen', 'ssh-agent'];

function what(name, chromiumPath) {
  if (name === 'openssh-server') return `OpenSSH's server (${SSHD_PATH})`;
  if (name === 'openssh-client') return `OpenSSH's client tools (${SSH_TOOLS.join(', ')})`;
  if (name === 'iproute2') return 'the ip command (iproute2)';
  return chromiumPath ? `Chromium (at ${chromiumPath}, where CHROMIUM_PATH points)` : `Chromium (${DEFAULT_CHROMIUM}, or set CHROMIUM_PATH)`;
}

/** A probe of the real machine; tests pass their own. */
export function machineProbe(env = process.env) {
  return {
    env,
    platform: process.platform,
    file: (file) => fs.existsSync(file),
    command: (name) =>
      (env.PATH ?? '').split(path.delimiter).some((dir) => {
        try {
          fs.accessSync(path.join(dir, name), fs.constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  };
}

/** The Debian package names of what is missing. */
export function missingPackages(probe) {
  const missing = [];
  if (!probe.file(SSHD_PATH)) missing.push('openssh-server');
  if (!SSH_TOOLS.every((tool) => probe.command(tool))) missing.push('openssh-client');
  if (!probe.file(probe.env.CHROMIUM_PATH || DEFAULT_CHROMIUM)) missing.push('chromium');
  if (probe.platform === 'linux' && !probe.command('ip')) missing.push('iproute2');
  return missing;
}

function stopMessage(missing, platform, hasApt, chromiumPath) {
  const needs = missing.map((name) => what(name, chromiumPath)).join(' and ');
  if (platform === 'linux' && hasApt) {
    return `pond: the tests need ${needs}: run \`sudo apt-get install -y ${missing.join(' ')}\` (or npm test as root), then npm test again.`;
  }
  if (platform === 'darwin' && missing.length === 1 && missing[0] === 'chromium') {
    return 'pond: the end-to-end tests need Chromium: run `brew install --cask chromium` and set CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium, then npm test again.';
  }
  if (platform === 'win32') {
    return `pond: the tests need ${needs}, which they find only on Linux or macOS: run npm test inside WSL (Ubuntu or Debian).`;
  }
  return `pond: the tests need ${needs}: install them with your system's package manager, then npm test again.`;
}

/**
 * What to do about the system packages: nothing, install them with apt-get, or stop with
 * one line naming what to install and how.
 * @returns {{kind: 'ready'} | {kind: 'install', packages: string[]} | {kind: 'stop', message: string}}
 */
export function planSystemPackages({ missing, platform, isRoot, hasApt, chromiumPath }) {
  if (missing.length === 0) return { kind: 'ready' };
  if (platform === 'linux' && hasApt && isRoot) return { kind: 'install', packages: missing };
  return { kind: 'stop', message: stopMessage(missing, platform, hasApt, chromiumPath) };
}

/** Installs or reports what the tests need; returns the line to stop with, if any. */
export function ensureSystemPackages() {
  const probe = machineProbe();
  const isRoot = process.getuid?.() === 0;
  const chromiumPath = process.env.CHROMIUM_PATH || undefined;
  const facts = { platform: process.platform, isRoot, hasApt: probe.command('apt-get'), chromiumPath };
  const plan = planSystemPackages({ ...facts, missing: missingPackages(probe) });
  if (plan.kind === 'stop') return plan.message;
  if (plan.kind === 'install') {
    console.log(`pond: installing ${plan.packages.join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (runStep('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'inherit', 'inherit'] })) {
      runStep('apt-get', ['install', '-y', '-qq', ...plan.packages], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const still = missingPackages(probe);
    if (still.length > 0) {
      const needs = still.map((name) => what(name, chromiumPath)).join(' and ');
      return `pond: apt-get did not install ${still.join(' ')} (see its message above); install ${needs} by hand, then npm test again.`;
    }
  }
  // Debian's sshd, started as root, refuses to run without its privilege separation directory.
  if (process.platform === 'linux' && isRoot) fs.mkdirSync('/run/sshd', { recursive: true });
  return undefined;
}
