/**
 * Puts the stand-in `crabbox` (crabbox.mjs beside this file) first on a PATH inside a
 * temp root, with crabbox's state dir under that root, and gives tests handles to write
 * claims and to make a lease's stop fail, hang, keep its claim or be unsupported. The
 * root is the caller's, and so is removing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./crabbox.mjs', import.meta.url));

export interface FakeClaim {
  leaseID: string;
  provider: string;
  pond: string;
  slug?: string;
  cloudID?: string;
  repoRoot?: string;
  [field: string]: unknown;
}

export interface FakeCall {
  argv: string[];
  cwd: string;
  pid: number;
}

export interface FakeCrabbox {
  root: string;
  binDir: string;
  /** The crabbox executable itself. */
  bin: string;
  controlDir: string;
  claimsDir: string;
  /** HOME, XDG_* and PATH (the fake first) for crabbox and for the code under test. */
  env: Record<string, string>;
  writeClaim(claim: FakeClaim): void;
  removeClaim(leaseID: string): void;
  claimExists(leaseID: string): boolean;
  fail(leaseID: string, message: string): void;
  hang(leaseID: string): void;
  retain(leaseID: string): void;
  unsupported(leaseID: string): void;
  /** Stops of this lease wait (running) until `letGo`. */
  hold(leaseID: string): void;
  letGo(leaseID: string): void;
  calls(): FakeCall[];
  /** Every count of concurrently running stops the fake saw when one started. */
  concurrency(): number[];
  /** The pids a hung stop recorded: the crabbox process and its child. */
  hangPids(leaseID: string): number[];
}

export function installFakeCrabbox(options: { root: string; version?: string | undefined }): FakeCrabbox {
  const { root } = options;
  const binDir = path.join(root, 'bin');
  const controlDir = path.join(root, 'control');
  const stateHome = path.join(root, 'state');
  const claimsDir = path.join(stateHome, 'crabbox', 'claims');
  for (const dir of [binDir, controlDir, claimsDir]) fs.mkdirSync(dir, { recursive: true });
  const bin = path.join(binDir, 'crabbox');
  fs.writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SCRIPT)} "$@"\n`, { mode: 0o755 });

  const env: Record<string, string> = {
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: stateHome,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    FAKE_CRABBOX_CONTROL: controlDir,
    FAKE_CRABBOX_VERSION: options.version ?? '0.46.0',
  };
  fs.mkdirSync(env.HOME as string, { recursive: true });
  const mark = (name: string, text = '') => fs.writeFileSync(path.join(controlDir, name), text);
  const readLines = (name: string) => {
    const file = path.join(controlDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
  };
  const claimFile = (id: string) => path.join(claimsDir, `${id}.json`);

  return {
    root,
    binDir,
    bin,
    controlDir,
    claimsDir,
    env,
    writeClaim(claim) {
      const full = {
        revision: '0123456789abcdef0123456789abcdef',
        slug: claim.slug ?? '',
        repoRoot: claim.repoRoot ?? '',
        claimedAt: '2026-06-10T12:00:00Z',
        lastUsedAt: '2026-06-10T12:00:00Z',
        ...claim,
      };
      fs.writeFileSync(claimFile(claim.leaseID), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
    },
    removeClaim: (id) => fs.rmSync(claimFile(id), { force: true }),
    claimExists: (id) => fs.existsSync(claimFile(id)),
    fail: (id, message) => mark(`${id}.fail`, message),
    hang: (id) => mark(`${id}.hang`),
    retain: (id) => mark(`${id}.retain`),
    unsupported: (id) => mark(`${id}.unsupported`),
    hold: (id) => mark(`${id}.hold`),
    letGo: (id) => fs.rmSync(path.join(controlDir, `${id}.hold`), { force: true }),
    calls: () => readLines('calls.log').map((l) => JSON.parse(l) as FakeCall),
    concurrency: () => readLines('concurrency.log').map(Number),
    hangPids: (id) => readLines(`${id}.pids`).map(Number),
  };
}

/**
 * True while a process with this pid runs (signal 0 probes without killing). A zombie
 * counts as gone: in a container nobody may reap an orphan that was killed.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
