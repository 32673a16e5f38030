import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import afterPack, { electronExecutable } from './after-pack.js';

// Electron's fuse wire: a sentinel, the wire's version and length, then one byte per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; the rest off.
const DEFAULT_WIRE = '10110001';
// The wire holds ASCII '0' (off) or '1' (on) per fuse.
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);

let dir;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-after-pack-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in for Electron's executable: arbitrary bytes around a real fuse wire. */
function fakeElectron(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([Buffer.from('\x7fELF stand-in '), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(DEFAULT_WIRE), Buffer.from(' end')]));
}

const packager = { executableName: 'pond-desktop', appInfo: { productFilename: 'Pond Desktop' } };
const X64 = 1;

async function fusesAfterPack(electronPlatformName, executable) {
  fakeElectron(executable);
  await afterPack({ appOutDir: dir, electronPlatformName, arch: X64, packager });
  return getCurrentFuseWire(executable);
}

describe('afterPack', () => {
  it("turns off running as Node, NODE_OPTIONS and --inspect and turns on asar integrity and asar-only loading", async () => {
    const wire = await fusesAfterPack('linux', path.join(dir, 'pond-desktop'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
  });

  it("leaves the fuses it was not asked to set at Electron's defaults", async () => {
    const wire = await fusesAfterPack('linux', path.join(dir, 'pond-desktop'));
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(OFF);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(ON);
  });

  it("sets them in the Windows executable and in the macOS app's framework", async () => {
    const windows = await fusesAfterPack('win32', path.join(dir, 'Pond Desktop.exe'));
    expect(windows[FuseV1Options.RunAsNode]).toBe(OFF);
    const framework = path.join(dir, 'Pond Desktop.app/Contents/Frameworks/Electron Framework.framework/Electron Framework');
    fakeElectron(framework);
    await afterPack({ appOutDir: dir, electronPlatformName: 'darwin', arch: X64, packager });
    expect((await getCurrentFuseWire(path.join(dir, 'Pond Desktop.app')))[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
  });

  it('stops the build, naming the platform, when it does not know where the executable is', () => {
    expect(() => electronExecutable({ appOutDir: dir, electronPlatformName: 'aix', packager })).toThrow(
      'afterPack: no Electron executable is known for the platform "aix"',
    );
  });
});
