/**
 * crabbox's SSH defaults and overrides (spec §1.6; internal/cli/config.go:baseConfig,
 * configPaths, applyFileConfig, applyEnv). Layers, later wins: built-in defaults, the
 * user config file (or only `CRABBOX_CONFIG` when set), `./crabbox.yaml`,
 * `./.crabbox.yaml`, then the `CRABBOX_SSH_*` environment variables.
 *
 * Loading never throws: a broken file or value becomes `{ ok: false, error }` naming the
 * file or variable, so callers can still serve members that do not need this config.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { crabboxConfigFile, PathError, type PathEnv } from '../../lib/paths';

export const DEFAULT_SSH_USER = 'crabbox';
export const DEFAULT_SSH_PORT = 2222;
export const DEFAULT_SSH_FALLBACK_PORTS: readonly number[] = [22];

/** Where a value came from, in words: `default`, an env variable name, or a file path. */
export type ValueSource = string;

export interface CrabboxSshConfig {
  user: string;
  /** Absolute path of the configured private key; `''` when no home directory is known. */
  key: string;
  port: number;
  fallbackPorts: number[];
  sources: { user: ValueSource; key: ValueSource; port: ValueSource; fallbackPorts: ValueSource };
  /** Config files that existed and were read, in the order applied. */
  files: string[];
}

export type CrabboxConfigResult = { ok: true; config: CrabboxSshConfig } | { ok: false; error: string };

/** The `ssh:` section of one config file; absent keys are undefined. */
export interface FileSshSection {
  user?: string;
  key?: string;
  port?: string;
  fallbackPorts?: string[];
}

export interface LoadOptions {
  pathEnv: PathEnv;
  /** Directory whose `crabbox.yaml` / `.crabbox.yaml` apply (the CLI's cwd); omit to skip them. */
  cwd?: string;
  readText?: (file: string) => Promise<string>;
}

class ConfigValueError extends Error {}

function pathApi(pe: PathEnv): path.PlatformPath {
  return pe.platform === 'win32' ? path.win32 : path.posix;
}

/** Go's os.UserHomeDir(): `%USERPROFILE%` on Windows, `$HOME` elsewhere. */
function osHome(pe: PathEnv): string {
  const fromEnv = pe.platform === 'win32' ? pe.env.USERPROFILE : pe.env.HOME;
  return fromEnv || pe.home;
}

/** expandUserPath: `~` and `~/…` only. Relative paths resolve against `base`. */
export function expandKeyPath(pe: PathEnv, value: string, base: string | undefined): string {
  const p = pathApi(pe);
  const home = osHome(pe);
  let out = value;
  if (home && out === '~') out = home;
  else if (home && (out.startsWith('~/') || (pe.platform === 'win32' && out.startsWith('~\\')))) out = p.join(home, out.slice(2));
  return base && !p.isAbsolute(out) ? p.resolve(base, out) : out;
}

/**
 * The files crabbox would read, in order (configPaths). Files that do not exist are
 * skipped by the loader, exactly as crabbox skips them.
 */
export function crabboxConfigPaths(pe: PathEnv, cwd: string | undefined): string[] {
  const p = pathApi(pe);
  const explicit = pe.env.CRABBOX_CONFIG;
  if (explicit) return [cwd ? p.resolve(cwd, explicit) : explicit];
  const out: string[] = [];
  try {
    out.push(crabboxConfigFile(pe));
  } catch (error) {
    if (!(error instanceof PathError)) throw error;
  }
  if (cwd) out.push(p.join(cwd, 'crabbox.yaml'), p.join(cwd, '.crabbox.yaml'));
  return out;
}

/** One YAML scalar as Go's yaml.v3 decodes it into a string field: source text, null → `''`. */
function scalarText(node: unknown, doc: Document, where: string): string {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (resolved === null || resolved === undefined) return '';
  if (!isScalar(resolved)) throw new ConfigValueError(`${where} must be a single value, not a ${isSeq(resolved) ? 'list' : 'mapping'}`);
  if (resolved.value === null) return '';
  if (resolved.type === 'PLAIN' && typeof resolved.source === 'string') return resolved.source;
  return String(resolved.value);
}

/**
 * Reads the `ssh:` section of one crabbox config file. Throws an Error whose message
 * names the file (`parse config <file>: …`, crabbox's wording) on bad YAML or types.
 */
export function parseSshSection(text: string, file: string): FileSshSection {
  const docs = parseAllDocuments(text);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return {};
  const problem = doc.errors[0];
  if (problem) throw new Error(`parse config ${file}: ${(problem.message.split('\n')[0] ?? '').replace(/:\s*$/, '')}`);
  const root = isAlias(doc.contents) ? doc.contents.resolve(doc) : doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return {};
  if (!isMap(root)) throw new Error(`parse config ${file}: the file must be a YAML mapping (key: value lines)`);
  const rawSsh = root.get('ssh', true) as Node | null | undefined;
  const ssh = isAlias(rawSsh) ? rawSsh.resolve(doc) : rawSsh;
  if (ssh === undefined || ssh === null || (isScalar(ssh) && ssh.value === null)) return {};
  if (!isMap(ssh)) throw new Error(`parse config ${file}: ssh must be a mapping with user, key, port and fallbackPorts`);
  try {
    const out: FileSshSection = {};
    for (const field of ['user', 'key', 'port'] as const) {
      if (ssh.has(field)) out[field] = scalarText(ssh.get(field, true), doc, `ssh.${field}`);
    }
    if (ssh.has('fallbackPorts')) {
      const rawList = ssh.get('fallbackPorts', true) as Node | null | undefined;
      const list = isAlias(rawList) ? rawList.resolve(doc) : rawList;
      if (list !== null && list !== undefined && !(isScalar(list) && list.value === null)) {
        if (!isSeq(list)) throw new ConfigValueError('ssh.fallbackPorts must be a list of ports, e.g. [22]');
        out.fallbackPorts = list.items.map((item, i) => scalarText(item, doc, `ssh.fallbackPorts[${i}]`));
      }
    }
    return out;
  } catch (error) {
    if (error instanceof ConfigValueError) throw new Error(`parse config ${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A port string as crabbox would pass it to `ssh -p`, checked to be 1..65535. */
export function parseSshPort(value: string, where: string): number {
  const text = value.trim();
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConfigValueError(`${where} ${JSON.stringify(value)} is not a TCP port in 1..65535`);
  }
  return n;
}

/** normalizeList: trimmed, empties dropped. */
function normalizeList(values: readonly string[]): string[] {
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Applies defaults, file sections (in order) and the environment. Pure; throws an Error
 * naming the offending variable or file when a port is not a port.
 */
export function resolveSshConfig(
  pe: PathEnv,
  sections: ReadonlyArray<{ file: string; ssh: FileSshSection }>,
  cwd: string | undefined,
): CrabboxSshConfig {
  const home = osHome(pe);
  const config: CrabboxSshConfig = {
    user: DEFAULT_SSH_USER,
    key: home ? pathApi(pe).join(home, '.ssh', 'id_ed25519') : '',
    port: DEFAULT_SSH_PORT,
    fallbackPorts: [...DEFAULT_SSH_FALLBACK_PORTS],
    sources: { user: 'default', key: 'default', port: 'default', fallbackPorts: 'default' },
    files: sections.map((s) => s.file),
  };
  for (const { file, ssh } of sections) {
    const where = `config ${file}: ssh`;
    if (ssh.user) [config.user, config.sources.user] = [ssh.user, file];
    if (ssh.key) [config.key, config.sources.key] = [expandKeyPath(pe, ssh.key, cwd), file];
    if (ssh.port) [config.port, config.sources.port] = [parseSshPort(ssh.port, `${where}.port`), file];
    if (ssh.fallbackPorts) {
      config.fallbackPorts = normalizeList(ssh.fallbackPorts).map((v) => parseSshPort(v, `${where}.fallbackPorts entry`));
      config.sources.fallbackPorts = file;
    }
  }
  const env = pe.env;
  if (env.CRABBOX_SSH_USER) [config.user, config.sources.user] = [env.CRABBOX_SSH_USER, 'CRABBOX_SSH_USER'];
  if (env.CRABBOX_SSH_KEY) [config.key, config.sources.key] = [expandKeyPath(pe, env.CRABBOX_SSH_KEY, cwd), 'CRABBOX_SSH_KEY'];
  if (env.CRABBOX_SSH_PORT) {
    [config.port, config.sources.port] = [parseSshPort(env.CRABBOX_SSH_PORT, 'CRABBOX_SSH_PORT'), 'CRABBOX_SSH_PORT'];
  }
  const fallback = env.CRABBOX_SSH_FALLBACK_PORTS;
  if (fallback !== undefined) {
    config.fallbackPorts =
      fallback.trim().toLowerCase() === 'none'
        ? []
        : normalizeList(fallback.split(',')).map((v) => parseSshPort(v, 'CRABBOX_SSH_FALLBACK_PORTS entry'));
    config.sources.fallbackPorts = 'CRABBOX_SSH_FALLBACK_PORTS';
  }
  return config;
}

/** sshPortCandidates: the primary port then the fallbacks, repeats dropped. */
export function sshPortCandidates(port: number, fallbackPorts: readonly number[]): number[] {
  return [...new Set([port, ...fallbackPorts])];
}

async function defaultReadText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/** Reads every config file crabbox would read and resolves the SSH settings. */
export async function loadCrabboxSshConfig(options: LoadOptions): Promise<CrabboxConfigResult> {
  const { pathEnv, cwd } = options;
  const readText = options.readText ?? defaultReadText;
  try {
    const sections: Array<{ file: string; ssh: FileSshSection }> = [];
    for (const file of crabboxConfigPaths(pathEnv, cwd)) {
      let text: string;
      try {
        text = await readText(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new Error(`read config ${file}: ${(error as Error).message}`, { cause: error });
      }
      sections.push({ file, ssh: text.trim() === '' ? {} : parseSshSection(text, file) });
    }
    return { ok: true, config: resolveSshConfig(pathEnv, sections, cwd) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
