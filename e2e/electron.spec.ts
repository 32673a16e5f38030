/**
 * Launches the built desktop app where Electron's binary can start. On machines without
 * the binary (it is fetched on first use and cannot be downloaded here) the spec says so
 * in one line and skips.
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

test('the desktop app starts hidden in the tray and its window shows app info over IPC', async () => {
  test.skip(!binary.path, binary.why);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-electron-'));
  const app = await electron.launch({
    executablePath: binary.path,
    args: ['.', `--user-data-dir=${path.join(root, 'data')}`],
    env: { ...process.env, HOME: path.join(root, 'home'), XDG_CONFIG_HOME: path.join(root, 'config'), XDG_STATE_HOME: path.join(root, 'state') },
  });
  const window = await app.firstWindow();
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())).toBe(false);
  try {
    await window.getByRole('button', { name: 'About' }).click();
    await expect(window.getByTestId('app-transport')).toHaveText('Electron IPC');
  } finally {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
