/**
 * Starts the built `pond serve` with its own temp HOME and XDG dirs (so crabbox's files
 * and ours land there) and hands the test its URL, token and directories.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';

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

/** The page's clipboard text (the test context must grant clipboard-read). */
export function readClipboard(page: Page): Promise<string> {
  type ClipboardWindow = { navigator: { clipboard: { readText(): Promise<string> } } };
  return page.evaluate(() => (globalThis as unknown as ClipboardWindow).navigator.clipboard.readText());
}

export { expect } from '@playwright/test';
