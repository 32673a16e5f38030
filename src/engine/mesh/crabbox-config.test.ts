import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PathEnv } from '../../lib/paths';
import {
  crabboxConfigPaths,
  loadCrabboxSshConfig,
  parseSshSection,
  resolveSshConfig,
  sshPortCandidates,
  type CrabboxSshConfig,
} from './crabbox-config';

let root: string;
let home: string;
let cwd: string;

function pe(env: Record<string, string | undefined> = {}): PathEnv {
  return { platform: 'linux', env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env }, home };
}

async function userConfig(text: string): Promise<string> {
  const file = path.join(home, '.config', 'crabbox', 'config.yaml');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function load(env: Record<string, string | undefined> = {}, withCwd = true): Promise<CrabboxSshConfig> {
  const result = await loadCrabboxSshConfig({ pathEnv: pe(env), ...(withCwd ? { cwd } : {}) });
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return result.config;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pond-cfg-'));
  home = path.join(root, 'home');
  cwd = path.join(root, 'repo');
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('defaults (spec §1.6)', () => {
  it('is crabbox@…:2222, fallback 22, ~/.ssh/id_ed25519 when nothing is configured', async () => {
    const config = await load();
    expect(config).toEqual({
      user: 'crabbox',
      key: path.join(home, '.ssh', 'id_ed25519'),
      port: 2222,
      fallbackPorts: [22],
      sources: { user: 'default', key: 'default', port: 'default', fallbackPorts: 'default' },
      files: [],
    });
  });

  it('has no key when no home directory is known', () => {
    const config = resolveSshConfig({ platform: 'linux', env: {}, home: '' }, [], undefined);
    expect(config.key).toBe('');
  });

  it('uses USERPROFILE for the default key on Windows', () => {
    const config = resolveSshConfig({ platform: 'win32', env: { USERPROFILE: 'C:\\Users\\ada' }, home: 'C:\\x' }, [], undefined);
    expect(config.key).toBe('C:\\Users\\ada\\.ssh\\id_ed25519');
  });
});

describe('config files', () => {
  it('reads the ssh section of the user config, expanding ~ in the key', async () => {
    const file = await userConfig('provider: hetzner\nssh:\n  user: ops\n  key: ~/keys/crab\n  port: 2200\n  fallbackPorts: [22, "2022"]\n');
    const config = await load();
    expect(config.user).toBe('ops');
    expect(config.key).toBe(path.join(home, 'keys', 'crab'));
    expect(config.port).toBe(2200);
    expect(config.fallbackPorts).toEqual([22, 2022]);
    expect(config.sources).toEqual({ user: file, key: file, port: file, fallbackPorts: file });
    expect(config.files).toEqual([file]);
  });

  it('applies ./crabbox.yaml then ./.crabbox.yaml over the user config (configPaths order)', async () => {
    await userConfig('ssh:\n  user: from-user\n  port: 2201\n  key: /keys/user\n');
    await writeFile(path.join(cwd, 'crabbox.yaml'), 'ssh:\n  user: from-repo\n  port: 2202\n');
    await writeFile(path.join(cwd, '.crabbox.yaml'), 'ssh:\n  port: 2203\n');
    const config = await load();
    expect(config.user).toBe('from-repo');
    expect(config.port).toBe(2203);
    expect(config.key).toBe('/keys/user');
    expect(config.sources.port).toBe(path.join(cwd, '.crabbox.yaml'));
  });

  it('ignores repository files when no cwd is given (desktop app)', async () => {
    await writeFile(path.join(cwd, 'crabbox.yaml'), 'ssh:\n  user: from-repo\n');
    expect((await load({}, false)).user).toBe('crabbox');
  });

  it('reads only CRABBOX_CONFIG when it is set, resolved against cwd', async () => {
    await userConfig('ssh:\n  user: from-user\n');
    await writeFile(path.join(cwd, 'crabbox.yaml'), 'ssh:\n  user: from-repo\n');
    await writeFile(path.join(cwd, 'other.yaml'), 'ssh:\n  user: explicit\n');
    const config = await load({ CRABBOX_CONFIG: 'other.yaml' });
    expect(config.user).toBe('explicit');
    expect(config.files).toEqual([path.join(cwd, 'other.yaml')]);
    expect(crabboxConfigPaths(pe({ CRABBOX_CONFIG: '/etc/crab.yaml' }), cwd)).toEqual(['/etc/crab.yaml']);
  });

  it('keeps fallback ports when the file has no fallbackPorts, and honours an explicit empty list', async () => {
    await userConfig('ssh:\n  port: "22"\n');
    expect((await load()).fallbackPorts).toEqual([22]);
    await userConfig('ssh:\n  fallbackPorts: []\n');
    const config = await load();
    expect(config.fallbackPorts).toEqual([]);
    expect(config.sources.fallbackPorts).toContain('config.yaml');
  });

  it('treats empty files, empty ssh sections and null values as absent', async () => {
    await userConfig('');
    expect((await load()).user).toBe('crabbox');
    await userConfig('ssh:\n');
    expect((await load()).user).toBe('crabbox');
    await userConfig('ssh:\n  user: ~\n  port: null\n');
    const config = await load();
    expect([config.user, config.port]).toEqual(['crabbox', 2222]);
  });

  it('names the file for malformed YAML instead of throwing', async () => {
    const file = await userConfig('ssh: [\n');
    const result = await loadCrabboxSshConfig({ pathEnv: pe(), cwd });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.startsWith(`parse config ${file}: `)).toBe(true);
      expect(result.error).toContain('line 2, column 1');
      expect(result.error).not.toMatch(/[:\n]$/);
    }
  });

  it('names the file and field for wrong types and bad ports', async () => {
    const file = await userConfig('ssh: yes\n');
    let result = await loadCrabboxSshConfig({ pathEnv: pe(), cwd });
    expect(result).toEqual({ ok: false, error: `parse config ${file}: ssh must be a mapping with user, key, port and fallbackPorts` });
    await userConfig('ssh:\n  user: [a, b]\n');
    result = await loadCrabboxSshConfig({ pathEnv: pe(), cwd });
    expect(result).toEqual({ ok: false, error: `parse config ${file}: ssh.user must be a single value, not a list` });
    await userConfig('ssh:\n  fallbackPorts: 22\n');
    result = await loadCrabboxSshConfig({ pathEnv: pe(), cwd });
    expect(result).toEqual({ ok: false, error: `parse config ${file}: ssh.fallbackPorts must be a list of ports, e.g. [22]` });
    await userConfig('ssh:\n  port: 70000\n');
    result = await loadCrabboxSshConfig({ pathEnv: pe(), cwd });
    expect(result).toEqual({ ok: false, error: `config ${file}: ssh.port "70000" is not a TCP port in 1..65535` });
  });

  it('reports an unreadable config file by name', async () => {
    const result = await loadCrabboxSshConfig({
      pathEnv: pe(),
      readText: async () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    expect(result).toEqual({ ok: false, error: `read config ${path.join(home, '.config', 'crabbox', 'config.yaml')}: EACCES: permission denied` });
  });
});

describe('parseSshSection (yaml.v3 string decoding)', () => {
  it('keeps the source text of plain scalars, as Go decodes them into strings', () => {
    expect(parseSshSection('ssh:\n  port: 0x8AE\n  user: 007\n', 'f')).toEqual({ port: '0x8AE', user: '007' });
  });

  it('resolves anchors and aliases', () => {
    expect(parseSshSection('defaults: &d 2200\nssh:\n  port: *d\n', 'f')).toEqual({ port: '2200' });
  });

  it('reads only the first document', () => {
    expect(parseSshSection('ssh:\n  user: one\n---\nssh:\n  user: two\n', 'f')).toEqual({ user: 'one' });
  });

  it('rejects a top level that is not a mapping', () => {
    expect(() => parseSshSection('- a\n- b\n', 'cfg.yaml')).toThrow('parse config cfg.yaml: the file must be a YAML mapping');
  });

  it('rejects duplicate keys like yaml.v3', () => {
    expect(() => parseSshSection('ssh:\n  user: a\n  user: b\n', 'cfg.yaml')).toThrow(/^parse config cfg\.yaml: /);
  });
});

describe('environment overrides (applyEnv runs after every file)', () => {
  it('CRABBOX_SSH_* beat the config file', async () => {
    await userConfig('ssh:\n  user: file\n  key: /file/key\n  port: 2200\n  fallbackPorts: [2022]\n');
    const config = await load({
      CRABBOX_SSH_USER: 'envuser',
      CRABBOX_SSH_KEY: '~/env/key',
      CRABBOX_SSH_PORT: '2345',
      CRABBOX_SSH_FALLBACK_PORTS: ' 22 , ,2022,',
    });
    expect(config.user).toBe('envuser');
    expect(config.key).toBe(path.join(home, 'env', 'key'));
    expect(config.port).toBe(2345);
    expect(config.fallbackPorts).toEqual([22, 2022]);
    expect(config.sources).toEqual({
      user: 'CRABBOX_SSH_USER',
      key: 'CRABBOX_SSH_KEY',
      port: 'CRABBOX_SSH_PORT',
      fallbackPorts: 'CRABBOX_SSH_FALLBACK_PORTS',
    });
  });

  it('empty strings do not override, except the fallback list which becomes empty', async () => {
    const config = await load({ CRABBOX_SSH_USER: '', CRABBOX_SSH_PORT: '', CRABBOX_SSH_FALLBACK_PORTS: '' });
    expect([config.user, config.port, config.fallbackPorts]).toEqual(['crabbox', 2222, []]);
  });

  it('CRABBOX_SSH_FALLBACK_PORTS=none means no fallback', async () => {
    expect((await load({ CRABBOX_SSH_FALLBACK_PORTS: ' NONE ' })).fallbackPorts).toEqual([]);
  });

  it('names the variable when a port is not a port', async () => {
    expect(await loadCrabboxSshConfig({ pathEnv: pe({ CRABBOX_SSH_PORT: 'ssh' }) })).toEqual({
      ok: false,
      error: 'CRABBOX_SSH_PORT "ssh" is not a TCP port in 1..65535',
    });
    expect(await loadCrabboxSshConfig({ pathEnv: pe({ CRABBOX_SSH_FALLBACK_PORTS: '22,0' }) })).toEqual({
      ok: false,
      error: 'CRABBOX_SSH_FALLBACK_PORTS entry "0" is not a TCP port in 1..65535',
    });
  });
});

describe('sshPortCandidates', () => {
  it('puts the primary first and drops repeats', () => {
    expect(sshPortCandidates(2222, [22])).toEqual([2222, 22]);
    expect(sshPortCandidates(22, [22, 2022, 22])).toEqual([22, 2022]);
    expect(sshPortCandidates(22, [])).toEqual([22]);
  });
});
