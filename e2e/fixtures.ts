/**
 * Starts the built `pond serve` with its own temp HOME and XDG dirs (so crabbox's files
 * and ours land there) and hands the test its URL, token and directories.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { generateKey, type TestKey } from '../src/engine/mesh/testing/keys';
import { startNamedEcho, type TestService } from '../src/engine/mesh/testing/services';
import { startSshd, type Sshd } from '../src/engine/mesh/testing/sshd';
import { openConfBackend, SettingsStore, type ManualMember } from '../src/engine/settings-store';

export interface PondHost {
  url: string;
  origin: string;
  token: string;
  root: string;
  env: Record<string, string>;
  /** Output the host printed on stderr so far (for diagnostics). */
  stderr(): string;
}

const CLI = path.resolve('out/cli/pond.js');

export interface PondServe {
  host: PondHost;
  /** Stops `pond serve` and removes its temp root. */
  stop(): Promise<void>;
}

export async function startPondServe(extraEnv: Record<string, string> = {}): Promise<PondServe> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: path.join(root, 'state'),
    ...extraEnv,
  };
  fs.mkdirSync(env.HOME as string, { recursive: true });
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pond serve printed no URL; stderr: ${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /^Open: (\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`pond serve exited with ${code}; stderr: ${stderr}`)));
  });
  // A host that dies under a test shows up as a closed page; say why where the run is read.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`pond serve exited while a test used it (${signal ?? `exit ${code}`}); its stderr:\n${stderr}`);
  });
  const parsed = new URL(url);
  return {
    host: { url, origin: parsed.origin, token: parsed.searchParams.get('token') ?? '', root, env, stderr: () => stderr },
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ pondHost: PondHost }>({
  pondHost: async ({}, use) => {
    const serve = await startPondServe();
    await use(serve.host);
    await serve.stop();
  },
});

export interface DemoPond {
  root: string;
  sshd: Sshd;
  web: TestService;
  api: TestService;
  /** The encrypted key `api` logs in with, when one was asked for. */
  locked?: TestKey;
  /** Starts `pond serve` reading this pond's settings file (with `env` over its own); stopped by `stop()`. */
  serve(env?: Record<string, string>): Promise<PondServe>;
  stop(): Promise<void>;
}

/**
 * Pond `demo`: two hand-added members, `web` and `api`, behind one real sshd, each
 * exposing a named echo service. With `apiPassphrase`, `api` logs in with an encrypted key.
 */
export async function startDemoPond(options: { apiPassphrase?: string } = {}): Promise<DemoPond> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-demo-'));
  const sshd = await startSshd({ dir: path.join(root, 'sshd') });
  const web = await startNamedEcho('web');
  const api = await startNamedEcho('api');
  const locked = options.apiPassphrase === undefined ? undefined : generateKey(root, 'locked', { passphrase: options.apiPassphrase });
  if (locked) sshd.authorize(locked);
  const config = path.join(root, 'config');
  const member = (slug: string, identityFile: string, port: number): ManualMember => ({
    id: `manual_${slug}`,
    pond: 'demo',
    slug,
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFile,
    ports: [port],
    addedAt: '2026-01-01T00:00:00Z',
  });
  new SettingsStore(openConfBackend(path.join(config, 'Pond Desktop'))).set('manualMembers', [
    member('web', sshd.clientKeyPath, web.port),
    member('api', locked?.privatePath ?? sshd.clientKeyPath, api.port),
  ]);
  const serves: PondServe[] = [];
  return {
    root,
    sshd,
    web,
    api,
    ...(locked ? { locked } : {}),
    async serve(env = {}) {
      const started = await startPondServe({ ...env, XDG_CONFIG_HOME: config });
      serves.push(started);
      return started;
    },
    async stop() {
      for (const serve of serves) await serve.stop();
      await sshd.stop();
      await web.stop();
      await api.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The page's clipboard text (the test context must grant clipboard-read). */
export function readClipboard(page: Page): Promise<string> {
  type ClipboardWindow = { navigator: { clipboard: { readText(): Promise<string> } } };
  return page.evaluate(() => (globalThis as unknown as ClipboardWindow).navigator.clipboard.readText());
}

export { expect } from '@playwright/test';
