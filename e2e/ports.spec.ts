import path from 'node:path';
import { startForeignListener } from '../src/engine/mesh/testing/listeners';
import { freePort } from '../src/engine/mesh/testing/ports';
import { greeting } from '../src/engine/mesh/testing/services';
import { openConfBackend, SettingsStore } from '../src/engine/settings-store';
import { expect, startDemoPond, test } from './fixtures';

test("ports: choose a forward's local port before and while connected; a taken one is refused naming its holder; back to automatic", async ({ page }) => {
  const demo = await startDemoPond();
  const holder = await startForeignListener(0);
  const { host } = await demo.serve();
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('pond-tab-forwards').click();
    const row = `ports-web-${demo.web.port}`;

    // Not connected yet: each forward says where it will listen, and its port can be chosen now.
    await expect(page.getByTestId(`${row}-plan`)).toHaveText('automatic: the first free port from 51820');
    const first = await freePort();
    await page.getByTestId(`${row}-port-edit`).click();
    await page.getByTestId(`${row}-port-input`).fill(String(first));
    await page.getByTestId(`${row}-port-save`).click();
    await expect(page.getByTestId(`${row}-plan`)).toHaveText(`127.0.0.1:${first}, chosen by you`);

    await page.getByTestId('mesh-connect').click();
    const forward = `mesh-forward-web-${demo.web.port}`;
    await expect(page.getByTestId(`${forward}-state`)).toHaveText('ready');
    await expect(page.getByTestId(`${forward}-local`)).toHaveText(`127.0.0.1:${first}`);
    await expect(page.getByTestId(`${forward}-chosen`)).toBeVisible();
    expect(await greeting(first)).toBe('web');

    // While connected: a port below 1024 is refused in plain words before anything is asked,
    // a port another program holds is refused naming it, a free one takes effect at once.
    await page.getByTestId(`${forward}-port-edit`).click();
    await page.getByTestId(`${forward}-port-input`).fill('80');
    await page.getByTestId(`${forward}-port-save`).click();
    await expect(page.getByTestId(`${forward}-port-error`)).toHaveText('Port 80 cannot be used: choose a number from 1024 to 65535 (lower ones need administrator rights).');
    await page.getByTestId(`${forward}-port-input`).fill(String(holder.port));
    await page.getByTestId(`${forward}-port-save`).click();
    await expect(page.getByTestId(`${forward}-port-error`)).toHaveText(`Port ${holder.port} cannot be chosen: it is held by node (pid ${holder.pid})`);
    await page.screenshot({ path: 'test-results/screenshots/ports-refused.png' });
    const second = await freePort();
    await page.getByTestId(`${forward}-port-input`).fill(String(second));
    await page.getByTestId(`${forward}-port-save`).click();
    await expect(page.getByTestId(`${forward}-local`)).toHaveText(`127.0.0.1:${second}`);
    expect(await greeting(second)).toBe('web');
    await page.getByTestId('pond-tab-exports').click();
    await expect(page.getByTestId('pond-page')).toContainText(`CRABBOX_POND_WEB_${demo.web.port}=127.0.0.1:${second}`);

    // Automatic: back to a port from 51820 on, and no longer marked chosen.
    await page.getByTestId('pond-tab-forwards').click();
    await page.getByTestId(`${forward}-port-edit`).click();
    await page.getByTestId(`${forward}-port-auto`).click();
    await expect(page.getByTestId(`${forward}-local`)).toHaveText(/^127\.0\.0\.1:5(18[2-9]\d|2[0-8]\d\d)$/);
    await expect(page.getByTestId(`${forward}-chosen`)).toHaveCount(0);
    const settings = new SettingsStore(openConfBackend(path.join(demo.root, 'config', 'Pond Desktop')));
    expect(settings.get('chosenPorts')).toEqual({});
  } finally {
    await holder.stop();
    await demo.stop();
  }
});

test('the pond page switches reconnecting at start on and off, remembered in the settings file', async ({ page }) => {
  const demo = await startDemoPond();
  const { host } = await demo.serve();
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    const restore = page.getByTestId('pond-restore');
    await expect(restore).not.toBeChecked();
    await expect(page.getByLabel('Reconnect when Pond Desktop starts')).toBeVisible();
    await restore.check();
    const settings = new SettingsStore(openConfBackend(path.join(demo.root, 'config', 'Pond Desktop')));
    await expect.poll(() => settings.get('restoreOnStart')).toEqual(['demo']);
    await page.reload();
    await page.getByTestId('pond-demo').click();
    await expect(page.getByTestId('pond-restore')).toBeChecked();
    // The switch shows a click at once, whatever the page's timers do: hold back its
    // zero-delay timers (the query library's default way to deliver changes) while unchecking.
    await page.evaluate(() => {
      const system = globalThis.setTimeout;
      globalThis.setTimeout = ((callback: () => void, ms?: number) => system(callback, ms || 300)) as typeof globalThis.setTimeout;
    });
    await page.getByTestId('pond-restore').uncheck();
    await expect.poll(() => settings.get('restoreOnStart')).toEqual([]);
  } finally {
    await demo.stop();
  }
});
