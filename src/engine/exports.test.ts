import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ENV_FILE_HEADER,
  EXPORT_FORMATS,
  exportEntries,
  exportName,
  forwardTable,
  forwardTableJSON,
  parseEnvFile,
  planForwards,
  PondFilesWriter,
  pondFilePaths,
  readPondEnv,
  removePondFiles,
  renderEnvFile,
  renderExportLine,
  renderExports,
  renderHostsFile,
  writePondFiles,
  type ExportFormat,
} from './exports';
import { replaceFile } from '../lib/atomic-file';
import type { ForwardSpec } from './mesh/types';
import type { PathEnv } from '../lib/paths';

let root: string;
let home: string;
let pe: PathEnv;

const web: ForwardSpec = { peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_aaa' };
const worker: ForwardSpec = { peer: 'worker', remotePort: 3000, localPort: 51821, leaseID: 'cbx_bbb' };

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pond-exports-'));
  home = path.join(root, 'home');
  mkdirSync(home);
  pe = { platform: 'linux', env: { HOME: home }, home };
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const mode = (file: string) => statSync(file).mode & 0o777;

describe('hosts and env files, byte for byte (spec §5.5)', () => {
  it('renders the hosts file exactly', () => {
    expect(renderHostsFile([web, { ...worker, remotePort: 3000 }, { ...worker, remotePort: 4000, localPort: 51822 }])).toBe(
      '# crabbox pond SSH-mesh operator-side aliases\n' +
        '# Use CRABBOX_POND_<PEER>_<PORT> for the forwarded host:port.\n' +
        '127.0.0.1  web.cbx web-8080.cbx  # local=127.0.0.1:51820 remote=:8080\n' +
        '127.0.0.1  worker.cbx worker-3000.cbx  # local=127.0.0.1:51821 remote=:3000\n' +
        '127.0.0.1  worker.cbx worker-4000.cbx  # local=127.0.0.1:51822 remote=:4000\n',
    );
  });

  it('renders the env file exactly, with the EM DASH and the literal <name>', () => {
    const { body, exports } = renderEnvFile([web, worker]);
    expect(Buffer.from(body, 'utf8').toString('hex')).toBe(
      Buffer.from(
        '# crabbox pond SSH-mesh \u2014 eval $(crabbox pond connect <name> --export)\n' +
          'export CRABBOX_POND_WEB_8080=127.0.0.1:51820\n' +
          'export CRABBOX_POND_WORKER_3000=127.0.0.1:51821\n',
        'utf8',
      ).toString('hex'),
    );
    expect(ENV_FILE_HEADER).toContain('\u2014');
    expect(Buffer.from(ENV_FILE_HEADER).includes(Buffer.from([0xe2, 0x80, 0x94]))).toBe(true);
    expect(exports).toEqual(['export CRABBOX_POND_WEB_8080=127.0.0.1:51820', 'export CRABBOX_POND_WORKER_3000=127.0.0.1:51821']);
  });

  it('keeps the raw member name in hosts and the env-safe one in exports', () => {
    const f: ForwardSpec = { peer: 'api-a.v2', remotePort: 80, localPort: 51900, leaseID: 'x' };
    expect(renderHostsFile([f])).toContain('127.0.0.1  api-a.v2.cbx api-a.v2-80.cbx  # local=127.0.0.1:51900 remote=:80\n');
    expect(renderEnvFile([f]).exports).toEqual(['export CRABBOX_POND_API_A_V2_80=127.0.0.1:51900']);
    expect(exportName('123-name', 22)).toBe('CRABBOX_POND_123_NAME_22');
    expect(exportName('---', 22)).toBe('CRABBOX_POND___22');
  });

  it('TestRenderPondMeshHostsFileIncludesAllPeers (§9 item 115)', () => {
    const body = renderHostsFile([web, worker]);
    for (const line of body.split('\n')) expect(line.startsWith('127.0.0.1:')).toBe(false);
    for (const s of ['web.cbx', 'worker.cbx', 'local=127.0.0.1:51820', 'local=127.0.0.1:51821']) expect(body).toContain(s);
  });

  it('TestRenderPondMeshEnvFileEmitsStableExports (§9 item 116)', () => {
    const { body, exports } = renderEnvFile([web, worker]);
    expect(exports).toHaveLength(2);
    expect(exports[0]).toBe('export CRABBOX_POND_WEB_8080=127.0.0.1:51820');
    expect(body).toContain('CRABBOX_POND_WORKER_3000=127.0.0.1:51821');
    expect(renderEnvFile([web, worker]).body).toBe(body);
  });

  it('TestPreparePondMeshSummaryRendersHostsAndEnv (§9 item 99)', async () => {
    let next = 60000;
    const forwards = await planForwards(
      [
        { name: 'web', leaseID: 'cbx_aaa', ports: [8080] },
        { name: 'idle', leaseID: 'cbx_ccc', ports: [] },
        { name: 'worker', leaseID: 'cbx_bbb', ports: [3000, 4000] },
      ],
      async () => ++next,
    );
    expect(forwards).toEqual([
      { peer: 'web', remotePort: 8080, localPort: 60001, leaseID: 'cbx_aaa' },
      { peer: 'worker', remotePort: 3000, localPort: 60002, leaseID: 'cbx_bbb' },
      { peer: 'worker', remotePort: 4000, localPort: 60003, leaseID: 'cbx_bbb' },
    ]);
    const paths = await writePondFiles(pe, 'alpha', forwards);
    expect(paths.hostsPath).toBe(path.join(home, '.crabbox', 'pond', 'alpha', 'hosts'));
    const hosts = readFileSync(paths.hostsPath, 'utf8');
    expect(hosts).toContain('web.cbx');
    expect(hosts).toContain('worker.cbx');
    expect(readFileSync(paths.envPath, 'utf8')).toContain('CRABBOX_POND_WEB_8080');
  });
});

describe('export formats', () => {
  const entries = exportEntries([web, worker]);

  it('renders every format for the real values', () => {
    const expected: Record<ExportFormat, string[]> = {
      sh: ['export CRABBOX_POND_WEB_8080=127.0.0.1:51820', 'export CRABBOX_POND_WORKER_3000=127.0.0.1:51821'],
      fish: ['set -gx CRABBOX_POND_WEB_8080 127.0.0.1:51820', 'set -gx CRABBOX_POND_WORKER_3000 127.0.0.1:51821'],
      powershell: ['$env:CRABBOX_POND_WEB_8080 = "127.0.0.1:51820"', '$env:CRABBOX_POND_WORKER_3000 = "127.0.0.1:51821"'],
      dotenv: ['CRABBOX_POND_WEB_8080=127.0.0.1:51820', 'CRABBOX_POND_WORKER_3000=127.0.0.1:51821'],
      json: ['{"CRABBOX_POND_WEB_8080":"127.0.0.1:51820"}', '{"CRABBOX_POND_WORKER_3000":"127.0.0.1:51821"}'],
    };
    for (const format of EXPORT_FORMATS) {
      const rendered = renderExports(entries, format);
      expect(rendered.lines).toEqual(expected[format]);
    }
    expect(renderExports(entries, 'sh').text).toBe(renderEnvFile([web, worker]).body.slice(ENV_FILE_HEADER.length));
    expect(JSON.parse(renderExports(entries, 'json').text)).toEqual({
      CRABBOX_POND_WEB_8080: '127.0.0.1:51820',
      CRABBOX_POND_WORKER_3000: '127.0.0.1:51821',
    });
    expect(renderExports([], 'sh').text).toBe('');
    expect(renderExports([], 'json').text).toBe('{}\n');
  });

  it('quotes awkward values so each shell reads them back unchanged', () => {
    const nasty = `it's a "$HOME" \`x\` \\ back\nslash`;
    const e = { name: 'V', value: nasty };
    expect(renderExportLine(e, 'sh')).toBe(`export V='it'\\''s a "$HOME" \`x\` \\ back\nslash'`);
    expect(execFileSync('sh', ['-c', `${renderExportLine(e, 'sh')}\nprintf %s "$V"`], { encoding: 'utf8' })).toBe(nasty);
    expect(renderExportLine(e, 'fish')).toBe(`set -gx V 'it\\'s a "$HOME" \`x\` \\\\ back\nslash'`);
    expect(renderExportLine(e, 'powershell')).toBe('$env:V = "it\'s a `"`$HOME`" ``x`` \\ back`nslash"');
    expect(renderExportLine({ name: 'V', value: 'a “b” c' }, 'powershell')).toBe('$env:V = "a `“b`” c"');
    expect(renderExportLine(e, 'dotenv')).toBe(`V="it's a \\"\\$HOME\\" \`x\` \\\\ back\\nslash"`);
    expect(renderExportLine({ name: 'V', value: 'two words' }, 'dotenv')).toBe(`V='two words'`);
    expect(renderExportLine({ name: 'V', value: '' }, 'sh')).toBe(`export V=''`);
    expect(JSON.parse(renderExportLine(e, 'json'))).toEqual({ V: nasty });
  });

  it('reads export lines back from an env file, naming a bad line', () => {
    const { body } = renderEnvFile([web, worker]);
    expect(parseEnvFile(body, 'env')).toEqual(entries);
    expect(() => parseEnvFile('# c\nexport A=1\nrm -rf /\n', '/h/env')).toThrow('/h/env:3: expected "export NAME=value", found "rm -rf /"');
  });
});

describe('forward table JSON (spec §8.2)', () => {
  it('is one compact line in struct order with Go HTML escaping', () => {
    const paths = pondFilePaths(pe, 'alpha');
    const json = forwardTableJSON(forwardTable(paths, [web, { ...worker, peer: 'a<b>&c', leaseID: 'l&d' }]));
    expect(json).toBe(
      `{"hostsPath":${JSON.stringify(paths.hostsPath)},"envPath":${JSON.stringify(paths.envPath)},` +
        `"exports":["export CRABBOX_POND_WEB_8080=127.0.0.1:51820","export CRABBOX_POND_A_B__C_3000=127.0.0.1:51821"],` +
        `"forwards":[{"peer":"web","remotePort":8080,"localPort":51820,"leaseID":"cbx_aaa"},` +
        `{"peer":"a\\u003cb\\u003e\\u0026c","remotePort":3000,"localPort":51821,"leaseID":"l\\u0026d"}]}\n`,
    );
    expect(json.split('\n')).toHaveLength(2);
    expect(JSON.parse(json).forwards[1].peer).toBe('a<b>&c');
  });

  it('writes a lone surrogate as U+FFFD, as Go does', () => {
    const json = forwardTableJSON(forwardTable(pondFilePaths(pe, 'alpha'), [{ ...web, leaseID: 'cbx_\ud800' }]));
    expect(json).toContain('"leaseID":"cbx_\ufffd"');
  });
});

describe('files on disk', () => {
  it('creates the directory 0700 and the files 0600, replacing looser modes', async () => {
    const dir = path.join(home, '.crabbox', 'pond', 'alpha');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'env'), 'old', { mode: 0o644 });
    chmodSync(path.join(dir, 'env'), 0o644);
    const paths = await writePondFiles(pe, 'alpha', [web]);
    expect(mode(paths.dir)).toBe(0o700);
    expect(mode(paths.hostsPath)).toBe(0o600);
    expect(mode(paths.envPath)).toBe(0o600);
    expect(readdirSync(paths.dir).sort()).toEqual(['env', 'hosts']);
  });

  it('replaces files by rename, so a reader never sees a half-written file', async () => {
    const paths = await writePondFiles(pe, 'alpha', [web]);
    const before = statSync(paths.envPath).ino;
    await writePondFiles(pe, 'alpha', [web, worker]);
    expect(statSync(paths.envPath).ino).not.toBe(before);
    expect(readFileSync(paths.envPath, 'utf8')).toBe(renderEnvFile([web, worker]).body);
  });

  it('leaves the previous file and no temp file behind when the replace fails', async () => {
    const paths = await writePondFiles(pe, 'alpha', [web]);
    const blocker = path.join(paths.dir, 'blocked');
    mkdirSync(path.join(blocker, 'inside'), { recursive: true });
    await expect(replaceFile(blocker, 'x')).rejects.toThrow();
    expect(readdirSync(paths.dir).sort()).toEqual(['blocked', 'env', 'hosts']);
    expect(readFileSync(paths.envPath, 'utf8')).toBe(renderEnvFile([web]).body);
  });

  it('removes both files and keeps the directory; removing twice is fine', async () => {
    const paths = await writePondFiles(pe, 'alpha', [web]);
    writeFileSync(path.join(paths.dir, 'daemon.json'), '{}');
    await removePondFiles(pe, 'alpha');
    await removePondFiles(pe, 'alpha');
    expect(readdirSync(paths.dir)).toEqual(['daemon.json']);
  });

  it('uses the literal HOME variable and fails with crabbox\'s message when it is unset', async () => {
    const noHome: PathEnv = { platform: 'linux', env: { HOME: '' }, home: '/from/os' };
    await expect(writePondFiles(noHome, 'alpha', [web])).rejects.toThrow('HOME is unset; cannot write pond SSH-mesh state files');
    expect(() => pondFilePaths(noHome, 'alpha')).toThrow('HOME is unset; cannot write pond SSH-mesh state files');
  });

  it('reads the env file back, or null when the pond is not connected', async () => {
    expect(await readPondEnv(pe, 'alpha')).toBeNull();
    const paths = await writePondFiles(pe, 'alpha', [web, worker]);
    expect(await readPondEnv(pe, 'alpha')).toEqual({ path: paths.envPath, entries: exportEntries([web, worker]) });
  });
});

describe('PondFilesWriter', () => {
  it('writes on change, skips identical sets, and removes the files when nothing is live', async () => {
    const writer = new PondFilesWriter(pe, 'alpha');
    const { envPath, hostsPath } = pondFilePaths(pe, 'alpha');
    expect(await writer.update([web])).toBe('written');
    const ino = statSync(envPath).ino;
    expect(await writer.update([web])).toBe('unchanged');
    expect(statSync(envPath).ino).toBe(ino);
    expect(await writer.update([web, worker])).toBe('written');
    expect(readFileSync(envPath, 'utf8')).toBe(renderEnvFile([web, worker]).body);
    expect(await writer.update([])).toBe('removed');
    expect(existsSync(envPath) || existsSync(hostsPath)).toBe(false);
    expect(await writer.update([])).toBe('unchanged');
  });

  it('removes stale files from an earlier run on its first empty update', async () => {
    const { envPath } = await writePondFiles(pe, 'alpha', [web]);
    expect(await new PondFilesWriter(pe, 'alpha').update([])).toBe('removed');
    expect(existsSync(envPath)).toBe(false);
  });

  it('serializes concurrent updates: the last one wins', async () => {
    const writer = new PondFilesWriter(pe, 'alpha');
    const sets = [[web], [web, worker], [worker], [web]];
    await Promise.all(sets.map((s) => writer.update(s)));
    expect(readFileSync(pondFilePaths(pe, 'alpha').envPath, 'utf8')).toBe(renderEnvFile([web]).body);
  });

  it('clear() removes the files', async () => {
    const writer = new PondFilesWriter(pe, 'alpha');
    await writer.update([web]);
    await writer.clear();
    expect(existsSync(pondFilePaths(pe, 'alpha').envPath)).toBe(false);
    expect(await writer.update([web])).toBe('written');
  });
});
