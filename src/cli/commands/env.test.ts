import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writePondFiles } from '../../engine/exports';
import { run } from '../main';
import { testIO, type TestIO } from '../testing/test-io';

const forwards = [
  { peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_a' },
  { peer: 'api-a', remotePort: 3000, localPort: 51821, leaseID: 'cbx_b' },
];

let io: TestIO;

afterEach(() => {
  rmSync(io.root, { recursive: true, force: true });
});

describe('pond env', () => {
  it('prints the live exports in every format', async () => {
    io = testIO();
    await writePondFiles(io.pathEnv, 'alpha', forwards);
    const outputs: Record<string, string> = {};
    for (const format of ['sh', 'fish', 'powershell', 'dotenv', 'json']) {
      const one = testIO({ root: io.root });
      expect(await run(['env', '--format', format, 'Alpha'], one)).toBe(0);
      outputs[format] = one.stdout();
    }
    expect(outputs).toEqual({
      sh: 'export CRABBOX_POND_WEB_8080=127.0.0.1:51820\nexport CRABBOX_POND_API_A_3000=127.0.0.1:51821\n',
      fish: 'set -gx CRABBOX_POND_WEB_8080 127.0.0.1:51820\nset -gx CRABBOX_POND_API_A_3000 127.0.0.1:51821\n',
      powershell: '$env:CRABBOX_POND_WEB_8080 = "127.0.0.1:51820"\n$env:CRABBOX_POND_API_A_3000 = "127.0.0.1:51821"\n',
      dotenv: 'CRABBOX_POND_WEB_8080=127.0.0.1:51820\nCRABBOX_POND_API_A_3000=127.0.0.1:51821\n',
      json: '{\n  "CRABBOX_POND_WEB_8080": "127.0.0.1:51820",\n  "CRABBOX_POND_API_A_3000": "127.0.0.1:51821"\n}\n',
    });
  });

  it('defaults to sh', async () => {
    io = testIO();
    await writePondFiles(io.pathEnv, 'alpha', forwards);
    expect(await run(['env', 'alpha'], io)).toBe(0);
    expect(io.stdout()).toBe('export CRABBOX_POND_WEB_8080=127.0.0.1:51820\nexport CRABBOX_POND_API_A_3000=127.0.0.1:51821\n');
  });

  it('says the pond is not connected and exits 1 when there is no env file', async () => {
    io = testIO();
    expect(await run(['env', 'alpha'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('pond "alpha" is not connected (no live forwards in its env file); connect it with `pond connect alpha` or in Pond Desktop\n');
  });

  it('rejects a missing name, a bad name and an unknown format with exit 2', async () => {
    io = testIO();
    expect(await run(['env'], io)).toBe(2);
    expect(io.stderr()).toContain('usage: pond env <name>');
    const bad = testIO({ root: io.root });
    expect(await run(['env', '!!'], bad)).toBe(2);
    expect(bad.stderr()).toContain('--pond must contain at least one letter or digit');
    const format = testIO({ root: io.root });
    expect(await run(['env', 'alpha', '--format', 'zsh'], format)).toBe(2);
    expect(format.stderr()).toContain('--format must be one of sh, fish, powershell, dotenv, json (got "zsh")');
  });

  it('reports an unset HOME with crabbox\'s message', async () => {
    io = testIO({ env: { HOME: '' } });
    expect(await run(['env', 'alpha'], io)).toBe(2);
    expect(io.stderr()).toBe('pond env: HOME is unset; cannot write pond SSH-mesh state files\n');
  });
});
