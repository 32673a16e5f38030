/**
 * Fixtures for the shell specs: `shell.launch()` starts the built app under the harness in
 * temp HOME/XDG dirs and disposes of it after the test. Chromium runs with the flags of
 * playwright.config.ts plus file access for file:// pages, which Electron grants its own
 * renderer and plain Chromium does not (module scripts from file:// need it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import config from '../../playwright.config';
import { startDemoPond, type DemoPond } from '../fixtures';
import { launchShell, type ShellApp } from './harness';

const launchOptions = config.use?.launchOptions ?? {};

export interface ShellDirs {
  root: string;
  env: { HOME: string; XDG_CONFIG_HOME: string; XDG_STATE_HOME: string };
  /** Where the app keeps config.json: `<XDG_CONFIG_HOME>/Pond Desktop`. */
  userData: string;
  logFile: string;
}

export interface ShellLauncher {
  /** Temp HOME and XDG dirs; `configHome` reuses a config folder (e.g. a demo pond's). */
  dirs(options?: { root?: string; configHome?: string }): ShellDirs;
  launch(dirs: ShellDirs, options?: { args?: string[]; env?: Record<string, string> }): Promise<ShellApp>;
  /** e2e/fixtures.ts' demo pond (real sshd), stopped after the apps. */
  demoPond(options?: Parameters<typeof startDemoPond>[0]): Promise<DemoPond>;
  /** Runs after the apps and ponds are stopped (e.g. a proxy). */
  onCleanup(step: () => Promise<void>): void;
}

export const test = base.extend<{ shell: ShellLauncher }>({
  launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), '--allow-file-access-from-files'] },
  shell: async ({ browser }, use, testInfo) => {
    const apps: ShellApp[] = [];
    const roots: string[] = [];
    const ponds: DemoPond[] = [];
    const cleanups: Array<() => Promise<void>> = [];
    await use({
      dirs(options = {}) {
        const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pond-shell-'));
        if (!options.root) roots.push(root);
        const configHome = options.configHome ?? path.join(root, 'config');
        const env = { HOME: path.join(root, 'home'), XDG_CONFIG_HOME: configHome, XDG_STATE_HOME: path.join(root, 'state') };
        fs.mkdirSync(env.HOME, { recursive: true });
        const userData = path.join(configHome, 'Pond Desktop');
        return { root, env, userData, logFile: path.join(userData, 'logs', 'main.log') };
      },
      async launch(dirs, options = {}) {
        const app = await launchShell({ browser, env: { ...dirs.env, ...options.env }, ...(options.args ? { args: options.args } : {}) });
        apps.push(app);
        return app;
      },
      async demoPond(options) {
        const demo = await startDemoPond(options);
        ponds.push(demo);
        return demo;
      },
      onCleanup(step) {
        cleanups.push(step);
      },
    });
    for (const app of apps) {
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach(`app ${app.child.pid} output`, { body: app.output(), contentType: 'text/plain' });
      await app.dispose();
    }
    for (const demo of ponds) await demo.stop();
    for (const step of cleanups) await step();
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
