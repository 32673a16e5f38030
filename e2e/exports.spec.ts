import fs from 'node:fs';
import path from 'node:path';
import { expect, readClipboard, startDemoPond, test } from './fixtures';

test('export lines: copy one or all, switch shells, and they always match the env file', async ({ page, context }) => {
  const demo = await startDemoPond();
  const { web, api } = demo;
  const { host } = await demo.serve();
  const envFile = path.join(host.env.HOME as string, '.crabbox', 'pond', 'demo', 'env');
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin });
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('pond-tab-exports').click();
    await expect(page.getByTestId('exports-panel')).toContainText('connect the pond');
    await page.getByTestId('mesh-connect').click();

    const lines = page.getByTestId('exports-line');
    await expect(lines).toHaveCount(2);
    const webLine = lines.filter({ hasText: `CRABBOX_POND_WEB_${web.port}=` });
    await expect(webLine).toHaveText(new RegExp(`^export CRABBOX_POND_WEB_${web.port}=127\\.0\\.0\\.1:5\\d{4}`));
    const shown = (await webLine.getByTestId('exports-line-text').innerText()).trim();

    // The lines on screen are exactly the ones in the file scripts eval.
    const file = fs.readFileSync(envFile, 'utf8');
    expect(file.startsWith('# crabbox pond SSH-mesh — eval $(crabbox pond connect <name> --export)\n')).toBe(true);
    expect(file).toContain(`${shown}\n`);

    await webLine.getByRole('button').click();
    expect(await readClipboard(page)).toBe(shown);
    await page.getByTestId('exports-copy-all').click();
    const all = await readClipboard(page);
    expect(all).toContain(shown);
    expect(all).toMatch(new RegExp(`export CRABBOX_POND_API_${api.port}=127\\.0\\.0\\.1:5\\d{4}`));

    await page.getByTestId('exports-format').selectOption('fish');
    await expect(lines.first()).toHaveText(/^set -gx CRABBOX_POND_/);
    await page.screenshot({ path: 'test-results/screenshots/exports.png', fullPage: true });

    // Disconnected: no line is offered and the file is gone, so nothing stale can be eval'ed.
    await page.getByTestId('mesh-disconnect').first().click();
    await expect(lines).toHaveCount(0);
    expect(fs.existsSync(envFile)).toBe(false);
  } finally {
    await demo.stop();
  }
});
