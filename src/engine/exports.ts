/**
 * A connected pond's `hosts` and `env` files under `$HOME/.crabbox/pond/<pond>/`, byte for
 * byte as crabbox writes them (spec §5.5), the `pond connect --json` forward table
 * (spec §8.2), and the same export lines rendered for other shells.
 *
 * Unlike crabbox, the files describe only forwards that are really listening: they are
 * rewritten atomically whenever that set changes and removed when the pond disconnects,
 * so `eval "$(cat ~/.crabbox/pond/<pond>/env)"` never hands out a dead port.
 */
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { replaceFile } from '../lib/atomic-file';
import { goJSON } from '../lib/go-json';
import type { ForwardSpec } from './mesh/types';
import { envSafeName } from '../lib/names';
import { pondStateDir, type PathEnv } from '../lib/paths';

export const HOSTS_FILE_NAME = 'hosts';
export const ENV_FILE_NAME = 'env';
export const HOSTS_FILE_HEADER = '# crabbox pond SSH-mesh operator-side aliases\n# Use CRABBOX_POND_<PEER>_<PORT> for the forwarded host:port.\n';
/** Contains an EM DASH and the literal `<name>`, exactly as crabbox writes it. */
export const ENV_FILE_HEADER = '# crabbox pond SSH-mesh \u2014 eval $(crabbox pond connect <name> --export)\n';

export const EXPORT_FORMATS = ['sh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportEntry {
  name: string;
  value: string;
}

export interface RenderedExports {
  format: ExportFormat;
  /** Everything, ready to paste or eval; `''` when there is nothing to export. */
  text: string;
  /** One self-contained line per export, in forward order. */
  lines: string[];
}

/** `CRABBOX_POND_<PEER>_<remotePort>`. */
export function exportName(peer: string, remotePort: number): string {
  return `CRABBOX_POND_${envSafeName(peer)}_${remotePort}`;
}

export function exportEntries(forwards: readonly ForwardSpec[]): ExportEntry[] {
  return forwards.map((f) => ({ name: exportName(f.peer, f.remotePort), value: `127.0.0.1:${f.localPort}` }));
}

/** renderPondMeshHostsFile: the raw member name, two spaces around the alias list. */
export function renderHostsFile(forwards: readonly ForwardSpec[]): string {
  let out = HOSTS_FILE_HEADER;
  for (const f of forwards) {
    out += `127.0.0.1  ${f.peer}.cbx ${f.peer}-${f.remotePort}.cbx  # local=127.0.0.1:${f.localPort} remote=:${f.remotePort}\n`;
  }
  return out;
}

/** renderPondMeshEnvFile: the file body and its `export …` lines (without newlines). */
export function renderEnvFile(forwards: readonly ForwardSpec[]): { body: string; exports: string[] } {
  const exports = exportEntries(forwards).map((e) => `export ${e.name}=${e.value}`);
  return { body: ENV_FILE_HEADER + exports.map((line) => `${line}\n`).join(''), exports };
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/** A PowerShell expandable string: backtick escapes, and the typographic quotes PowerShell also treats as `"`. */
function powershellQuote(value: string): string {
  const escaped = value.replace(/[`$"\u201C\u201D\u201E]/g, '`$&').replace(/\0/g, '`0').replace(/\n/g, '`n').replace(/\r/g, '`r').replace(/\t/g, '`t');
  return `"${escaped}"`;
}

/** dotenv: bare when safe, single-quoted (literal in dotenv, compose, python-dotenv) when possible. */
function dotenvQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export function renderExportLine(entry: ExportEntry, format: ExportFormat): string {
  switch (format) {
    case 'sh':
      return `export ${entry.name}=${shQuote(entry.value)}`;
    case 'fish':
      return `set -gx ${entry.name} ${fishQuote(entry.value)}`;
    case 'powershell':
      return `$env:${entry.name} = ${powershellQuote(entry.value)}`;
    case 'dotenv':
      return `${entry.name}=${dotenvQuote(entry.value)}`;
    case 'json':
      return JSON.stringify({ [entry.name]: entry.value });
  }
}

export function renderExports(entries: readonly ExportEntry[], format: ExportFormat): RenderedExports {
  const lines = entries.map((e) => renderExportLine(e, format));
  if (format === 'json') {
    const object: Record<string, string> = {};
    for (const e of entries) object[e.name] = e.value;
    return { format, text: `${JSON.stringify(object, null, 2)}\n`, lines };
  }
  return { format, text: lines.map((l) => `${l}\n`).join(''), lines };
}

const EXPORT_LINE = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Reads the export lines back from an env file; other non-comment lines are an error naming the line. */
export function parseEnvFile(text: string, file: string): ExportEntry[] {
  const out: ExportEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = EXPORT_LINE.exec(line);
    if (!match) throw new Error(`${file}:${i + 1}: expected "export NAME=value", found ${JSON.stringify(line)}`);
    out.push({ name: match[1] ?? '', value: match[2] ?? '' });
  });
  return out;
}

export interface PondFilePaths {
  dir: string;
  hostsPath: string;
  envPath: string;
}

/** The pond's file paths; throws crabbox's `HOME is unset; …` error when HOME is empty. */
export function pondFilePaths(pe: PathEnv, pond: string): PondFilePaths {
  const dir = pondStateDir(pe, pond);
  const p = pe.platform === 'win32' ? path.win32 : path.posix;
  return { dir, hostsPath: p.join(dir, HOSTS_FILE_NAME), envPath: p.join(dir, ENV_FILE_NAME) };
}

/** The `pond connect --json` object (pondMeshSummary). */
export interface ForwardTable {
  hostsPath: string;
  envPath: string;
  exports: string[];
  forwards: ForwardSpec[];
}

export function forwardTable(paths: PondFilePaths, forwards: readonly ForwardSpec[]): ForwardTable {
  return { hostsPath: paths.hostsPath, envPath: paths.envPath, exports: renderEnvFile(forwards).exports, forwards: [...forwards] };
}

/** Spec §8.2: Go's json.Encoder output — compact, struct field order, HTML-escaped, one newline. */
export function forwardTableJSON(table: ForwardTable): string {
  const forwards = table.forwards.map((f) => ({ peer: f.peer, remotePort: f.remotePort, localPort: f.localPort, leaseID: f.leaseID }));
  return `${goJSON({ hostsPath: table.hostsPath, envPath: table.envPath, exports: table.exports, forwards })}\n`;
}

/** Writes both files for `forwards` (dir 0700, files 0600); returns their paths. */
export async function writePondFiles(pe: PathEnv, pond: string, forwards: readonly ForwardSpec[]): Promise<PondFilePaths> {
  const paths = pondFilePaths(pe, pond);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await chmod(paths.dir, 0o700);
  await replaceFile(paths.hostsPath, renderHostsFile(forwards), 0o600);
  await replaceFile(paths.envPath, renderEnvFile(forwards).body, 0o600);
  return paths;
}

/** Removes both files (missing is fine); the directory stays, as crabbox may keep `daemon.json` there. */
export async function removePondFiles(pe: PathEnv, pond: string): Promise<void> {
  const paths = pondFilePaths(pe, pond);
  await rm(paths.envPath, { force: true });
  await rm(paths.hostsPath, { force: true });
}

/** The exports in the pond's env file, or null when there is no env file (not connected). */
export async function readPondEnv(pe: PathEnv, pond: string): Promise<{ path: string; entries: ExportEntry[] } | null> {
  const { envPath } = pondFilePaths(pe, pond);
  let text: string;
  try {
    text = await readFile(envPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${envPath}: ${(error as Error).message}`, { cause: error });
  }
  return { path: envPath, entries: parseEnvFile(text, envPath) };
}

/**
 * Keeps one pond's files equal to its live forwards. Updates are serialized and a write
 * happens only when the rendered files would change; an empty set removes the files.
 */
export class PondFilesWriter {
  private last: string | null = null;
  private readonly queue = new PQueue({ concurrency: 1 });

  constructor(
    private readonly pe: PathEnv,
    private readonly pond: string,
  ) {}

  /** Resolves to what happened; rejects with the filesystem error (the previous files stay). */
  update(forwards: readonly ForwardSpec[]): Promise<'written' | 'unchanged' | 'removed'> {
    const snapshot = [...forwards];
    return this.queue.add(async () => {
      if (snapshot.length === 0) {
        if (this.last === '') return 'unchanged';
        await removePondFiles(this.pe, this.pond);
        this.last = '';
        return 'removed';
      }
      const rendered = renderHostsFile(snapshot) + renderEnvFile(snapshot).body;
      if (rendered === this.last) return 'unchanged';
      await writePondFiles(this.pe, this.pond, snapshot);
      this.last = rendered;
      return 'written';
    });
  }

  /** Removes the files (pond disconnected). */
  clear(): Promise<void> {
    return this.queue.add(async () => {
      await removePondFiles(this.pe, this.pond);
      this.last = '';
    });
  }
}

/**
 * The forward table of preparePondMeshSummary: members in their (name) order, each
 * member's ports ascending, a local port from `allocate` for each. Members without ports
 * contribute nothing.
 */
export async function planForwards(
  members: ReadonlyArray<{ name: string; leaseID: string; ports: readonly number[] }>,
  allocate: (member: { name: string; leaseID: string }, remotePort: number) => Promise<number>,
): Promise<ForwardSpec[]> {
  const forwards: ForwardSpec[] = [];
  for (const member of members) {
    for (const remotePort of member.ports) {
      forwards.push({ peer: member.name, remotePort, localPort: await allocate(member, remotePort), leaseID: member.leaseID });
    }
  }
  return forwards;
}
