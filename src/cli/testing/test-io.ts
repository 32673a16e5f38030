/** An in-memory CliIO for running commands in tests. */
import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { startOwner, type OwnerOptions, type RunningOwner } from '../../agent/owner-process';
import { claimText } from '../../engine/testing/claims-fixtures';
import { tempDir } from '../../lib/testing/temp-dir';
import { claimsDir } from '../../lib/paths';
import type { CliIO } from '../types';

export interface TestIO extends CliIO {
  stdout(): string;
  stderr(): string;
  /** Aborts `signal`, as Ctrl-C would. */
  interrupt(): void;
  /** The owner `startOwner` started in this process, once it has (stopped when the test finishes). */
  owner(): RunningOwner | undefined;
  /** The root holding HOME, XDG_CONFIG_HOME and XDG_STATE_HOME. */
  root: string;
}

export interface TestIOOptions {
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  /** Answers given to `readLine`, in order; null once exhausted. */
  answers?: string[];
  /** An existing root (e.g. a fake crabbox's); else a temp dir removed when the test finishes. */
  root?: string;
  /** The owner's session timings and port range (tests keep clear of 51820–52819). */
  ownerMesh?: OwnerOptions['mesh'];
}

/** Call it in a test (or a beforeEach): the temp root it makes goes with the test. */
export function testIO(options: TestIOOptions = {}): TestIO {
  const root = options.root ?? tempDir('pond-cli-');
  const env: Record<string, string | undefined> = {
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: path.join(root, 'state'),
    PATH: process.env.PATH,
    ...options.env,
  };
  let out = '';
  let err = '';
  const answers = [...(options.answers ?? [])];
  const controller = new AbortController();
  const pathEnv = { platform: 'linux' as const, env, home: env.HOME ?? '' };
  let owner: RunningOwner | undefined;
  return {
    root,
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    stdout: () => out,
    stderr: () => err,
    env,
    pathEnv,
    cwd: root,
    isTTY: options.isTTY ?? false,
    readLine: async (prompt) => {
      err += prompt;
      return answers.shift() ?? null;
    },
    signal: controller.signal,
    interrupt: () => controller.abort(),
    // The agent runs in this process here: the same owner code as `pond agent run`, without a child to clean up.
    startOwner: async () => {
      const started = await startOwner({ kind: 'agent', pathEnv, version: '0.0.0-test', log: (m) => void (err += `[agent] ${m}\n`), idleMs: null, ...(options.ownerMesh ? { mesh: options.ownerMesh } : {}) });
      owner = started;
      onTestFinished(() => started.stop('test finished'));
    },
    owner: () => owner,
  };
}

/** Writes claim files where crabbox keeps them for this IO's environment; returns the directory. */
export function writeClaims(io: TestIO, claims: Array<Record<string, unknown> & { leaseID: string }>): string {
  const dir = claimsDir(io.pathEnv);
  fs.mkdirSync(dir, { recursive: true });
  for (const c of claims) fs.writeFileSync(path.join(dir, `${c.leaseID}.json`), claimText(c));
  return dir;
}
