import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimText } from '../src/engine/testing/claims-fixtures';
import { FakeIslo } from '../src/providers/bridge/testing/servers';
import { expect, startPondServe, test } from './fixtures';

const KEY = 'isk_e2e_key_0123456789abcdef';

test('public URLs: Islo share listed, a new one published for a port, credentials shown by source only', async ({ page }) => {
  const islo = await new FakeIslo(KEY).start();
  islo.sandbox('crabbox-web-1', [{ share_id: 'shr_1', url: 'https://web.share.islo.test', port: 8080, created_at: '2026-06-10T11:00:00Z', expires_at: null }]);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-bridge-'));
  const claims = path.join(state, 'crabbox', 'claims');
  fs.mkdirSync(claims, { recursive: true });
  fs.writeFileSync(
    path.join(claims, 'isb_crabbox-web-1.json'),
    claimText({ leaseID: 'isb_crabbox-web-1', slug: 'web', pond: 'demo', provider: 'islo', labels: { crabbox_exposed_ports: '3000-8080' } }),
  );
  const { host, stop } = await startPondServe({ XDG_STATE_HOME: state, ISLO_API_KEY: KEY, ISLO_BASE_URL: islo.url });
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('pond-tab-urls').click();
    const panel = page.getByTestId('bridge-panel');
    const member = panel.getByTestId('bridge-member');
    await expect(member).toContainText('web');
    await expect(member.getByTestId('bridge-target-url').first()).toHaveText('https://web.share.islo.test');
    await expect(member.getByTestId('bridge-status')).toHaveText('1 public URL.');

    await member.getByTestId('bridge-port').fill('70000');
    await member.getByTestId('bridge-publish').click();
    await expect(member.getByRole('alert')).toContainText('A port is a number from 1 to 65535.');

    await member.getByTestId('bridge-port').fill('3000');
    await member.getByTestId('bridge-publish').click();
    await expect(member.getByTestId('bridge-published').getByTestId('bridge-target-url')).toHaveText('https://new-1.share.islo.test');
    await expect(member.getByTestId('bridge-published')).toContainText('expires in 24 h');
    // Listed once, whether or not Islo already lists the new share.
    await expect(member.getByTestId('bridge-target-url').filter({ hasText: 'https://new-1.share.islo.test' })).toHaveCount(1);
    await page.screenshot({ path: 'test-results/screenshots/bridge-published.png' });
    expect(JSON.parse(islo.requests.find((r) => r.method === 'POST' && r.path.endsWith('/shares'))!.body)).toEqual({ port: 3000, ttl_seconds: 86400 });

    // In a browser, Open in browser is a link to a new tab, not a request the host cannot serve.
    const open = member.getByTestId('bridge-published').getByTestId('bridge-open');
    await expect(open).toHaveAttribute('href', 'https://new-1.share.islo.test');
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(member).not.toContainText('browser could');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByTestId('credential-source-ISLO_API_KEY')).toHaveText('Set by ISLO_API_KEY in the environment.');
    await expect(page.getByTestId('credential-source-E2B_API_KEY')).toHaveText('Not set. Enter it here or set CRABBOX_E2B_API_KEY or E2B_API_KEY.');
    await expect(page.getByTestId('credentials-no-storage')).toBeVisible();
    await expect(page.getByTestId('credential-input-E2B_API_KEY')).toBeDisabled();
    expect(await page.content()).not.toContain(KEY);
    await page.screenshot({ path: 'test-results/screenshots/bridge-credentials.png' });
  } finally {
    await stop();
    await islo.close();
    fs.rmSync(state, { recursive: true, force: true });
  }
});
