/**
 * Launches the built desktop app where Electron's binary can start. On machines without
 * the binary (it is fetched on first use and cannot be downloaded here) the spec says so
 * in one line and skips; e2e/shell.spec.ts runs the same built app everywhere, with a
 * stand-in for Electron.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

function electronBinary(): { path?: string; why?: string } {
  try {
    const pathFile = path.resolve('node_modules/electron/path.txt');
    const relative = fs.readFileSync(pathFile, 'utf8').trim();
    const binary = path.resolve('node_modules/electron/dist', relative);
    return fs.existsSync(binary) ? { path: binary } : { why: `the Electron binary ${binary} is not installed` };
  } catch {
    return { why: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)" };
  }
}

const binary = electronBinary();
if (!binary.path) console.log(`electron e2e: skipped — ${binary.why}; run \`npx install-electron\` on a networked machine to enable it`);

test('the desktop app shows its window on a start by hand, stays in the tray at login, and answers over IPC', async () => {
  test.skip(!binary.path, binary.why);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-electron-'));
  const env = { ...process.env, HOME: path.join(root, 'home'), XDG_CONFIG_HOME: path.join(root, 'config'), XDG_STATE_HOME: path.join(root, 'state') };
  const launch = (...args: string[]) => electron.launch({ executablePath: binary.path, args: ['.', `--user-data-dir=${path.join(root, 'data')}`, ...args], env });
  try {
    const login = await launch('--hidden');
    const hidden = await login.firstWindow();
    await hidden.waitForLoadState();
    expect(await login.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())).toBe(false);
    await login.close();

    const manual = await launch();
    const window = await manual.firstWindow();
    await expect.poll(() => manual.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())).toBe(true);
    await window.getByRole('button', { name: 'About' }).click();
    await expect(window.getByTestId('app-transport')).toHaveText('Electron IPC');
    await manual.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
