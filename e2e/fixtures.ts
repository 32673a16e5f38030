/**
 * Starts the built `pond serve` with its own temp HOME and XDG dirs (so crabbox's files
 * and ours land there) and hands the test its URL, token and directories.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import type { Sshd } from '../electron/pond/mesh/testing/sshd';
import { openConfBackend, SettingsStore, type ManualMember } from '../electron/pond/settings-store';

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

export async function startPondServe(extraEnv: Record<string, string> = {}): Promise<{ host: PondHost; child: ChildProcess }> {
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
  const parsed = new URL(url);
  return {
    child,
    host: { url, origin: parsed.origin, token: parsed.searchParams.get('token') ?? '', root, env, stderr: () => stderr },
  };
}

export const test = base.extend<{ pondHost: PondHost }>({
  pondHost: async ({}, use) => {
    const { host, child } = await startPondServe();
    await use(host);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  },
});

/**
 * Writes hand-added members of pond `demo`, all behind `sshd`, into the settings file a
 * `pond serve` started with XDG_CONFIG_HOME=`configDir` reads.
 */
export function seedDemoMembers(configDir: string, sshd: Sshd, members: Array<{ slug: string; identityFile: string; port: number }>): void {
  const manual: ManualMember[] = members.map(({ slug, identityFile, port }) => ({
    id: `manual_${slug}`,
    pond: 'demo',
    slug,
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFile,
    ports: [port],
    addedAt: '2026-01-01T00:00:00Z',
  }));
  new SettingsStore(openConfBackend(path.join(configDir, 'Pond Desktop'))).set('manualMembers', manual);
}

/** The page's clipboard text (the test context must grant clipboard-read). */
export function readClipboard(page: Page): Promise<string> {
  type ClipboardWindow = { navigator: { clipboard: { readText(): Promise<string> } } };
  return page.evaluate(() => (globalThis as unknown as ClipboardWindow).navigator.clipboard.readText());
}

export { expect } from '@playwright/test';
