import { generateKey } from '../src/engine/mesh/testing/keys';
import { exchange } from '../src/engine/mesh/testing/services';
import { expect, startDemoPond, test } from './fixtures';

test('mesh: connect a pond, survive an sshd restart, refuse a changed host key, unlock an encrypted key', async ({ page }) => {
  const demo = await startDemoPond({ apiPassphrase: 'open sesame' });
  const { root, sshd, web, api } = demo;
  const locked = demo.locked!;
  const { host } = await demo.serve();
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('mesh-connect').click();

    // The encrypted key asks for its passphrase; a wrong one is named, the right one unlocks it.
    await expect(page.getByTestId('mesh-passphrase-dialog')).toContainText(locked.privatePath);
    await page.getByTestId('mesh-passphrase-input').fill('wrong');
    await page.getByTestId('mesh-passphrase-submit').click();
    await expect(page.getByTestId('mesh-passphrase-problem')).toContainText('wrong passphrase');
    await page.getByTestId('mesh-passphrase-input').fill('open sesame');
    await page.getByTestId('mesh-passphrase-submit').click();
    await expect(page.getByTestId('mesh-passphrase-dialog')).toHaveCount(0);
    await page.getByTestId('pond-tab-forwards').click();

    const webState = page.getByTestId(`mesh-forward-web-${web.port}-state`);
    await expect(webState).toHaveText('ready');
    await expect(page.getByTestId(`mesh-forward-api-${api.port}-state`)).toHaveText('ready');
    const local = Number((await page.getByTestId(`mesh-forward-web-${web.port}-local`).innerText()).match(/127\.0\.0\.1:(\d+)/)?.[1]);
    expect((await exchange(local, 'hi', 0)).toString()).toMatch(/^web\n/);
    await page.screenshot({ path: 'test-results/screenshots/mesh.png' });

    // sshd goes away and comes back: the same local port works again with no click.
    await sshd.stop();
    await expect(webState).toHaveText('reconnecting');
    await sshd.restart();
    await expect(webState).toHaveText('ready');
    expect((await exchange(local, 'again', 0)).toString()).toMatch(/^web\n/);

    // A new host key is refused with both fingerprints until the old one is removed.
    const oldFingerprint = sshd.hostKeyFingerprint;
    await sshd.restart({ hostKey: generateKey(root, 'new_host_key').privatePath });
    await expect(page.getByTestId('mesh-hostkey-web-known')).toContainText(oldFingerprint);
    await expect(page.getByTestId('mesh-hostkey-web-presented')).toContainText(sshd.hostKeyFingerprint);
    await expect(webState).toHaveText('host key changed');
    await page.screenshot({ path: 'test-results/screenshots/mesh-host-key.png' });
    await page.getByTestId('mesh-hostkey-web-remove').click();
    await page.getByTestId('mesh-hostkey-web-confirm').click();
    await expect(webState).toHaveText('ready');
    await expect(page.getByTestId('mesh-hostkey-web')).toHaveCount(0);

    await page.getByRole('button', { name: 'Connections' }).click();
    await expect(page.getByTestId('mesh-connection-demo')).toContainText('forwards up');
    await page.getByTestId('mesh-disconnect-all').click();
    await expect(page.getByTestId('mesh-connections-empty')).toBeVisible();
    await expect(exchange(local, 'x', 1)).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    await demo.stop();
  }
});
