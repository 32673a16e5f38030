import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimText } from '../src/engine/testing/claims-fixtures';
import { expect, startPondServe, test } from './fixtures';

function writeClaim(dir: string, fields: { leaseID: string; [key: string]: unknown }): void {
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${fields.leaseID}.json.tmp-1`);
  fs.writeFileSync(tmp, claimText(fields));
  fs.renameSync(tmp, path.join(dir, `${fields.leaseID}.json`));
}

test('ponds: members with transports, live claims, problems, and hand-added hosts with field errors', async ({ page }) => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-state-'));
  const claims = path.join(state, 'crabbox', 'claims');
  writeClaim(claims, { leaseID: 'cbx_web', slug: 'web', pond: 'Demo', provider: 'hetzner', tailscaleIPv4: '100.64.1.3' });
  writeClaim(claims, { leaseID: 'cbx_job', slug: 'job', pond: 'demo', provider: 'blacksmith' });
  fs.writeFileSync(path.join(claims, 'cbx_broken.json'), '{"leaseID":');
  const { host, stop } = await startPondServe({ XDG_STATE_HOME: state });
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('pond-demo')).toContainText('2 members');
    await expect(page.getByTestId('member-web-transport')).toHaveText('tailnet');
    await expect(page.getByTestId('member-web-endpoint')).toHaveText('100.64.1.3');
    await expect(page.getByTestId('member-job')).toContainText('blacksmith owns connectivity');
    await expect(page.getByTestId('ponds-problems')).toContainText('1 file could not be read');
    await page.getByTestId('ponds-problems').locator('summary').click();
    await expect(page.getByTestId('ponds-problem')).toContainText(path.join(claims, 'cbx_broken.json'));

    // A lease created by crabbox while the app is open shows up by itself.
    writeClaim(claims, { leaseID: 'cbx_db', slug: 'db', pond: 'demo', provider: 'aws', sshHost: '10.0.0.7', sshPort: 22 });
    await expect(page.getByTestId('member-db-endpoint')).toHaveText('ssh://10.0.0.7:22');
    await expect(page.getByTestId('pond-demo')).toContainText('3 members');

    // A hand-added host: refused field by field, then added, edited, removed.
    await page.getByTestId('host-add-open').click();
    await page.getByTestId('host-add-slug').fill('cache');
    await page.getByTestId('host-add-host').fill('bad host');
    await page.getByTestId('host-add-expose').fill('70000');
    await page.getByTestId('host-add-save').click();
    await expect(page.getByTestId('host-add-host-error')).toContainText('must be a host name or IP address');
    await expect(page.getByTestId('host-add-user-error')).toContainText('user is required');
    await expect(page.getByTestId('host-add-expose-error')).toHaveText('--expose "70000" must be a TCP port in 1..65535');
    await page.screenshot({ path: 'test-results/screenshots/ponds-host-errors.png' });
    await page.getByTestId('host-add-host').fill('cache.lan');
    await page.getByTestId('host-add-user').fill('ops');
    await page.getByTestId('host-add-expose').fill('6379');
    await page.getByTestId('host-add-save').click();
    await expect(page.getByTestId('member-cache-endpoint')).toHaveText('ssh://cache.lan:22');
    await expect(page.getByTestId('member-cache-transport')).toHaveText('ssh');

    await page.getByTestId('host-edit-cache').click();
    await page.getByTestId('host-edit-port').fill('2222');
    await page.getByTestId('host-edit-save').click();
    await expect(page.getByTestId('member-cache-endpoint')).toHaveText('ssh://cache.lan:2222');
    await page.screenshot({ path: 'test-results/screenshots/ponds.png' });

    await page.getByTestId('host-remove-cache').click();
    await page.getByTestId('host-remove-confirm-cache').click();
    await expect(page.getByTestId('member-cache')).toHaveCount(0);

    // crabbox deletes a claim: the member goes away.
    fs.rmSync(path.join(claims, 'cbx_job.json'));
    await expect(page.getByTestId('member-job')).toHaveCount(0);
  } finally {
    await stop();
    fs.rmSync(state, { recursive: true, force: true });
  }
});
