/**
 * The crabbox lifecycle adapter: crabbox owns lease lifecycle (provider credentials, the
 * coordinator, claim locks), so stopping a crabbox member means running the user's own
 * `crabbox stop`. This module finds the binary, checks its version and runs one stop.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { canonicalProvider } from '../catalogue';
import { INSTALL_HINT, MIN_CRABBOX_VERSION, meetsMinimum, parseCrabboxVersion } from './crabbox-version';
import { runProcess, type SpawnFn } from './run-process';

export interface CrabboxCliDeps {
  /** The `crabboxPath` setting; '' means "look on PATH". May throw for a broken settings file. */
  configuredPath: () => string;
  /** Environment for the lookup and for crabbox itself (PATH, HOME, XDG_*, provider tokens). */
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  spawn?: SpawnFn;
  versionTimeoutMs?: number;
}

export type CrabboxStatus =
  | { state: 'ready'; path: string; version: string; note?: string }
  | { state: 'missing'; message: string }
  | { state: 'too-old'; path: string; version: string; message: string }
  | { state: 'unusable'; path: string; message: string };

export interface StopRequest {
  /** The claim's provider as written; crabbox is given its canonical name. */
  provider: string;
  leaseID: string;
  /** Where crabbox runs: the claim's repo root picks up the repo-local crabbox.yaml it was leased with. */
  cwd?: string;
  timeoutMs: number;
}

export type StopOutcome =
  | { kind: 'stopped'; output: string }
  /** crabbox's `provider=<p> does not support stop`: a warning, not an error (spec §6, §10.9). */
  | { kind: 'unsupported'; message: string; output: string }
  | { kind: 'failed'; message: string; output: string };

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    if (platform !== 'win32') await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `crabbox` on PATH (with PATHEXT on Windows), or null. */
export async function findOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): Promise<string | null> {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const rawPath = env.PATH ?? env.Path ?? '';
  const dirs = rawPath.split(platform === 'win32' ? ';' : ':').filter((d) => d !== '');
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, name + ext);
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}

function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

export class CrabboxCli {
  constructor(private readonly deps: CrabboxCliDeps) {}

  private async locate(): Promise<{ path: string } | { missing: string }> {
    let configured: string;
    try {
      configured = this.deps.configuredPath().trim();
    } catch (error) {
      return { missing: `cannot read the crabbox path setting: ${(error as Error).message}` };
    }
    if (configured !== '') {
      if (await isExecutableFile(configured, this.deps.platform)) return { path: configured };
      return {
        missing: `the crabbox path in Settings (${configured}) is not an executable file; fix it, or clear it to use crabbox from PATH, or ${INSTALL_HINT}`,
      };
    }
    const found = await findOnPath('crabbox', this.deps.env, this.deps.platform);
    if (found) return { path: found };
    return { missing: `crabbox is not installed: no crabbox on PATH; ${INSTALL_HINT}, or set its path in Settings` };
  }

  /** Where crabbox is and whether it may run releases. Never throws. */
  async status(): Promise<CrabboxStatus> {
    const located = await this.locate();
    if ('missing' in located) return { state: 'missing', message: located.missing };
    const bin = located.path;
    const run = await runProcess(bin, ['--version'], {
      env: this.deps.env,
      platform: this.deps.platform,
      spawn: this.deps.spawn,
      timeoutMs: this.deps.versionTimeoutMs ?? 15_000,
    });
    if (run.kind === 'spawn-error') {
      return { state: 'unusable', path: bin, message: `cannot run ${bin}: ${run.message}; ${INSTALL_HINT}` };
    }
    if (run.kind !== 'exited' || run.code !== 0) {
      const why = run.kind === 'timeout' ? `did not answer within ${run.timeoutMs / 1000}s` : `failed: ${lastLine(run.output) || run.kind}`;
      return { state: 'unusable', path: bin, message: `\`${bin} --version\` ${why}; ${INSTALL_HINT}` };
    }
    const version = parseCrabboxVersion(run.stdout);
    if (!version) {
      return {
        state: 'unusable',
        path: bin,
        message: `\`${bin} --version\` printed ${JSON.stringify(lastLine(run.output))}, not a crabbox version; is this crabbox? ${INSTALL_HINT}`,
      };
    }
    if (!meetsMinimum(version)) {
      return {
        state: 'too-old',
        path: bin,
        version: version.text,
        message: `crabbox ${version.text} at ${bin} is too old: releasing ponds needs crabbox ${MIN_CRABBOX_VERSION} or newer; ${INSTALL_HINT}`,
      };
    }
    if (version.kind === 'dev') {
      return { state: 'ready', path: bin, version: version.text, note: 'a development build of crabbox; its version cannot be checked' };
    }
    return { state: 'ready', path: bin, version: version.text };
  }

  /** `crabbox stop [--provider <p>] --id <lease>`: the argv crabbox's own pond release uses per claim. */
  stopArgs(request: Pick<StopRequest, 'provider' | 'leaseID'>): string[] {
    const provider = canonicalProvider(request.provider);
    return provider === '' ? ['stop', '--id', request.leaseID] : ['stop', '--provider', provider, '--id', request.leaseID];
  }

  async stop(bin: string, request: StopRequest): Promise<StopOutcome> {
    const run = await runProcess(bin, this.stopArgs(request), {
      env: this.deps.env,
      cwd: request.cwd,
      platform: this.deps.platform,
      spawn: this.deps.spawn,
      timeoutMs: request.timeoutMs,
    });
    switch (run.kind) {
      case 'spawn-error':
        return { kind: 'failed', message: `cannot run ${bin}: ${run.message}`, output: '' };
      case 'timeout':
        return {
          kind: 'failed',
          message: `crabbox stop did not finish within ${run.timeoutMs / 1000}s and was killed; the lease may still be running — check it with \`crabbox status --id ${request.leaseID}\``,
          output: run.output,
        };
      case 'signalled':
        return { kind: 'failed', message: `crabbox stop was killed by ${run.signal}`, output: run.output };
      case 'exited': {
        if (run.code === 0) return { kind: 'stopped', output: run.output };
        const message = lastLine(run.stderr) || lastLine(run.stdout) || `crabbox stop exited with code ${run.code}`;
        if (/^provider=\S* does not support stop$/.test(message)) return { kind: 'unsupported', message, output: run.output };
        return { kind: 'failed', message, output: run.output };
      }
    }
  }
}
