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
    await expect(page.getByTestId('pond-demo-state')).toHaveText('not connected');
    await expect(page.getByTestId('ponds-problems')).toContainText('1 file could not be read');
    await page.getByTestId('ponds-problems').locator('summary').click();
    await expect(page.getByTestId('ponds-problem')).toContainText(path.join(claims, 'cbx_broken.json'));

    // A lease created by crabbox while the app is open shows up by itself, in the list and on the pond's page.
    writeClaim(claims, { leaseID: 'cbx_db', slug: 'db', pond: 'demo', provider: 'aws', sshHost: '10.0.0.7', sshPort: 22 });
    await expect(page.getByTestId('pond-demo')).toContainText('3 members');
    await page.getByTestId('pond-demo').click();
    await expect(page.getByTestId('member-web-transport')).toHaveText('Tailnet');
    await expect(page.getByTestId('member-web-endpoint')).toHaveText('100.64.1.3');
    await expect(page.getByTestId('member-job')).toContainText('Blacksmith Testbox handles its own connectivity.');
    await expect(page.getByTestId('member-db-endpoint')).toHaveText('ssh://10.0.0.7:22');

    // A hand-added host: refused field by field in plain words, then added, edited, removed.
    await page.getByTestId('pond-add-host').click();
    await expect(page.getByTestId('host-add-pond')).toHaveValue('demo');
    await page.getByTestId('host-add-slug').fill('cache');
    await page.getByTestId('host-add-host').fill('bad host');
    await page.getByTestId('host-add-expose').fill('70000');
    await page.getByTestId('host-add-save').click();
    await expect(page.getByTestId('host-add-host-error')).toHaveText('"bad host" is not a host name or IP address: use letters, digits, ".", "-" and ":" only, e.g. build-1.example.com or 10.0.0.5.');
    await expect(page.getByTestId('host-add-user-error')).toHaveText('Enter the login name on the host, e.g. ops.');
    await expect(page.getByTestId('host-add-expose-error')).toHaveText('"70000" is not a port: use numbers from 1 to 65535, separated by commas.');
    await page.screenshot({ path: 'test-results/screenshots/ponds-host-errors.png' });
    await page.getByTestId('host-add-host').fill('cache.lan');
    await page.getByTestId('host-add-user').fill('ops');
    await page.getByTestId('host-add-expose').fill('6379');
    await page.getByTestId('host-add-save').click();
    await expect(page.getByTestId('member-cache-endpoint')).toHaveText('ssh://cache.lan:22');
    await expect(page.getByTestId('member-cache-transport')).toHaveText('SSH');

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
