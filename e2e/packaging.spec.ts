/**
 * `npm run dist` cannot run here in full: Electron's zip and the AppImage/deb tools cannot be
 * downloaded. This packs the built app into an unpacked Linux folder with electron-builder
 * and electron-builder.yml for real, over a stand-in for Electron's files (a file carrying a
 * real fuse wire), and checks what an installer would ship. The native rebuild is skipped
 * here because it downloads Electron's headers; electron-builder-config.test.js checks it is on.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { expect, test } from '@playwright/test';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

test('electron-builder packs the app into an asar, unpacks native addons, ships the icons and sets the fuses', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-pack-'));
  try {
    const electronDist = path.join(root, 'electron');
    fs.mkdirSync(electronDist);
    fs.writeFileSync(path.join(electronDist, 'electron'), Buffer.concat([Buffer.from('stand-in '), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]), { mode: 0o755 });
    const output = path.join(root, 'dist');
    const builder = path.resolve('node_modules/electron-builder/cli.js');
    const args = [builder, '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`];
    const packed = await run(process.execPath, args, { ...process.env, ELECTRON_BUILDER_CACHE: path.join(root, 'cache') });
    expect(packed.code, packed.output).toBe(0);

    const app = path.join(output, 'linux-unpacked');
    const asar = path.join(app, 'resources', 'app.asar');
    const files = listPackage(asar, { isPack: false }).map((file) => file.split(path.sep).join('/'));
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/ssh2/package.json']));
    expect(JSON.parse(extractFile(asar, 'package.json').toString()).main).toBe('out/main/index.js');
    // Only the app and its production dependencies: no sources, no CLI bundle, no build tools.
    expect(files.filter((file) => /^\/(src|out\/cli|scripts|e2e)\//.test(file) || file.startsWith('/node_modules/electron-builder/'))).toEqual([]);

    const unpacked = path.join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node');
    expect(fs.existsSync(unpacked), `${unpacked} is not unpacked`).toBe(true);
    for (const icon of ['icon.png', 'tray/okTemplate.png', 'tray/failed.ico', 'tray/degraded.png']) {
      expect(fs.existsSync(path.join(app, 'resources', 'resources', icon)), icon).toBe(true);
    }

    const wire = await getCurrentFuseWire(path.join(app, 'pond-desktop'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
