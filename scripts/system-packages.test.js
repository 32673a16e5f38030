import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, machineProbe, missingPackages, planSystemPackages, SSHD_PATH } from './system-packages.js';

function fakeProbe({ files = [], commands = [], env = {} }) {
  return { env, file: (file) => files.includes(file), command: (name) => commands.includes(name) };
}
const ALL_TOOLS = ['ssh', 'ssh-keygen', 'ssh-agent'];

describe('missingPackages', () => {
  it('finds nothing missing on a machine with sshd, the client tools and Chromium', () => {
    expect(missingPackages(fakeProbe({ files: [SSHD_PATH, DEFAULT_CHROMIUM], commands: ALL_TOOLS }))).toEqual([]);
  });

  it('names the Debian package of each missing part', () => {
    expect(missingPackages(fakeProbe({ commands: ['ssh', 'ssh-keygen'] }))).toEqual(['openssh-server', 'openssh-client', 'chromium']);
  });

  it('on Linux also needs the ip command, for the reliability suite', () => {
    const linux = (commands) => ({ ...fakeProbe({ files: [SSHD_PATH, DEFAULT_CHROMIUM], commands }), platform: 'linux' });
    expect(missingPackages(linux(ALL_TOOLS))).toEqual(['iproute2']);
    expect(missingPackages(linux([...ALL_TOOLS, 'ip']))).toEqual([]);
  });

  it('looks for Chromium where CHROMIUM_PATH points', () => {
    const probe = fakeProbe({ files: [SSHD_PATH, '/opt/chromium/chrome'], commands: ALL_TOOLS, env: { CHROMIUM_PATH: '/opt/chromium/chrome' } });
    expect(missingPackages(probe)).toEqual([]);
  });
});

describe('planSystemPackages', () => {
  it('does nothing when nothing is missing', () => {
    expect(planSystemPackages({ missing: [], platform: 'darwin', isRoot: false, hasApt: false })).toEqual({ kind: 'ready' });
  });

  it('installs with apt-get on Debian or Ubuntu as root', () => {
    expect(planSystemPackages({ missing: ['openssh-server', 'chromium'], platform: 'linux', isRoot: true, hasApt: true })).toEqual({
      kind: 'install',
      packages: ['openssh-server', 'chromium'],
    });
  });

  it('stops with the sudo command to run on Debian or Ubuntu as a normal user', () => {
    const plan = planSystemPackages({ missing: ['openssh-server', 'chromium'], platform: 'linux', isRoot: false, hasApt: true });
    expect(plan.kind).toBe('stop');
    expect(plan.message).toContain('`sudo apt-get install -y openssh-server chromium`');
    expect(plan.message).toContain("OpenSSH's server (/usr/sbin/sshd) and Chromium");
    expect(plan.message).not.toContain('\n');
  });

  it('points macOS at Homebrew and CHROMIUM_PATH for Chromium', () => {
    const plan = planSystemPackages({ missing: ['chromium'], platform: 'darwin', isRoot: false, hasApt: false });
    expect(plan).toEqual({
      kind: 'stop',
      message:
        'pond: the end-to-end tests need Chromium: run `brew install --cask chromium` and set CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium, then npm test again.',
    });
  });

  it('sends Windows to WSL, where sshd lives where the tests look for it', () => {
    const plan = planSystemPackages({ missing: ['openssh-server', 'openssh-client', 'chromium'], platform: 'win32', isRoot: false, hasApt: false });
    expect(plan.kind).toBe('stop');
    expect(plan.message).toMatch(/run npm test inside WSL/);
  });

  it('names the path CHROMIUM_PATH points at when Chromium is not there', () => {
    const plan = planSystemPackages({ missing: ['chromium'], platform: 'linux', isRoot: false, hasApt: false, chromiumPath: '/opt/chrome/chrome' });
    expect(plan.message).toBe("pond: the tests need Chromium (at /opt/chrome/chrome, where CHROMIUM_PATH points): install them with your system's package manager, then npm test again.");
  });

  it('names what to install on a Linux without apt-get, even as root', () => {
    const plan = planSystemPackages({ missing: ['openssh-client'], platform: 'linux', isRoot: true, hasApt: false });
    expect(plan).toEqual({
      kind: 'stop',
      message: "pond: the tests need OpenSSH's client tools (ssh, ssh-keygen, ssh-agent): install them with your system's package manager, then npm test again.",
    });
  });
});

describe('machineProbe', () => {
  let dir;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds executables on PATH and ignores files that cannot run', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-probe-'));
    fs.writeFileSync(path.join(dir, 'ssh-agent'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'ssh'), 'not a program', { mode: 0o644 });
    const probe = machineProbe({ PATH: ['/nonexistent', dir].join(path.delimiter) });
    expect(probe.command('ssh-agent')).toBe(true);
    expect(probe.command('ssh')).toBe(false);
    expect(probe.command('ssh-keygen')).toBe(false);
    expect(probe.file(path.join(dir, 'ssh'))).toBe(true);
  });
});
