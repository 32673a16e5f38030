import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportsService } from './exports-service';
import { pondFilePaths, renderEnvFile, writePondFiles } from './exports';
import type { ForwardSpec } from './mesh/types';
import type { PathEnv } from '../lib/paths';

let root: string;
let pe: PathEnv;
let logs: string[];
let changes: string[];

const web: ForwardSpec = { peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_a' };
const db: ForwardSpec = { peer: 'db', remotePort: 5432, localPort: 51821, leaseID: 'cbx_b' };

function service(env: PathEnv = pe): ExportsService {
  return new ExportsService({ pathEnv: env, log: (m) => logs.push(m), onChange: (p) => changes.push(p) });
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pond-exsvc-'));
  pe = { platform: 'linux', env: { HOME: root }, home: root };
  logs = [];
  changes = [];
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('ExportsService', () => {
  it('writes the files from live forwards and serves them in any format', async () => {
    const svc = service();
    await svc.apply({ pond: 'alpha', forwards: [db, web], connected: true });
    const { envPath } = pondFilePaths(pe, 'alpha');
    expect(readFileSync(envPath, 'utf8')).toBe(renderEnvFile([db, web]).body);
    expect(changes).toEqual(['alpha']);
    const view = await svc.get('Alpha', 'fish');
    expect(view).toEqual({
      pond: 'alpha',
      format: 'fish',
      source: 'mesh',
      envPath,
      text: 'set -gx CRABBOX_POND_DB_5432 127.0.0.1:51821\nset -gx CRABBOX_POND_WEB_8080 127.0.0.1:51820\n',
      lines: [
        { name: 'CRABBOX_POND_DB_5432', value: '127.0.0.1:51821', line: 'set -gx CRABBOX_POND_DB_5432 127.0.0.1:51821' },
        { name: 'CRABBOX_POND_WEB_8080', value: '127.0.0.1:51820', line: 'set -gx CRABBOX_POND_WEB_8080 127.0.0.1:51820' },
      ],
    });
  });

  it('removes the files when the pond disconnects, and then reports nothing', async () => {
    const svc = service();
    await svc.apply({ pond: 'alpha', forwards: [web], connected: true });
    await svc.apply({ pond: 'alpha', forwards: [], connected: false });
    expect(existsSync(pondFilePaths(pe, 'alpha').envPath)).toBe(false);
    const view = await svc.get('alpha', 'sh');
    expect([view.source, view.text, view.lines]).toEqual(['none', '', []]);
  });

  it('removes the files while connected but with nothing up, and still counts the pond as live', async () => {
    const svc = service();
    await svc.apply({ pond: 'alpha', forwards: [web], connected: true });
    await svc.apply({ pond: 'alpha', forwards: [], connected: true });
    expect(existsSync(pondFilePaths(pe, 'alpha').envPath)).toBe(false);
    expect((await svc.get('alpha', 'sh')).source).toBe('mesh');
  });

  it('reads an env file kept by another process when this app has not connected the pond', async () => {
    await writePondFiles(pe, 'beta', [web]);
    const view = await service().get('beta', 'powershell');
    expect(view.source).toBe('env-file');
    expect(view.lines.map((l) => l.line)).toEqual(['$env:CRABBOX_POND_WEB_8080 = "127.0.0.1:51820"']);
  });

  it('reports an unreadable env file as a problem instead of failing', async () => {
    const { envPath, dir } = pondFilePaths(pe, 'beta');
    mkdirSync(dir, { recursive: true });
    writeFileSync(envPath, 'garbage\n');
    const view = await service().get('beta', 'sh');
    expect(view.source).toBe('none');
    expect(view.problem).toBe(`${envPath}:1: expected "export NAME=value", found "garbage"`);
  });

  it('keeps serving live exports and names the problem when the files cannot be written', async () => {
    const blocked = path.join(root, '.crabbox');
    writeFileSync(blocked, 'not a directory');
    chmodSync(blocked, 0o600);
    const svc = service();
    await svc.apply({ pond: 'alpha', forwards: [web], connected: true });
    const view = await svc.get('alpha', 'sh');
    expect(view.source).toBe('mesh');
    expect(view.text).toBe('export CRABBOX_POND_WEB_8080=127.0.0.1:51820\n');
    expect(view.problem).toMatch(/^the env and hosts files of pond "alpha" cannot be updated: /);
    expect(logs).toHaveLength(1);
  });

  it('works without HOME: exports are served from memory with crabbox\'s message as the problem', async () => {
    const svc = service({ platform: 'linux', env: {}, home: root });
    await svc.apply({ pond: 'alpha', forwards: [web], connected: true });
    const view = await svc.get('alpha', 'dotenv');
    expect(view.envPath).toBe('');
    expect(view.text).toBe('CRABBOX_POND_WEB_8080=127.0.0.1:51820\n');
    expect(view.problem).toContain('HOME is unset; cannot write pond SSH-mesh state files');
  });

  it('removeAll() removes the files of every pond it wrote', async () => {
    const svc = service();
    await svc.apply({ pond: 'alpha', forwards: [web], connected: true });
    await svc.apply({ pond: 'beta', forwards: [db], connected: true });
    await svc.removeAll();
    expect(existsSync(pondFilePaths(pe, 'alpha').envPath) || existsSync(pondFilePaths(pe, 'beta').envPath)).toBe(false);
  });

  it('rejects a pond name with no letter or digit', async () => {
    await expect(service().get('!!', 'sh')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
