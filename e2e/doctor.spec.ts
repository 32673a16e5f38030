import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimText } from '../src/engine/testing/claims-fixtures';
import { startPolicyServer } from '../src/engine/doctor/testing/policy-server';
import { closedPort } from '../src/engine/mesh/testing/services';
import { expect, startPondServe, test } from './fixtures';

const TAG = 'tag:cbx-pond-alice-demo';

test('doctor: matrix, live checks filling in, a contradicted cell, and the policy fix after its diff', async ({ page }) => {
  const policy = await startPolicyServer({ policy: '// team policy\n{\n  "grants": [],\n}\n' });
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-doctor-'));
  const claims = path.join(state, 'crabbox', 'claims');
  fs.mkdirSync(claims, { recursive: true });
  const [dbPort, webPort] = [await closedPort(), await closedPort()];
  fs.writeFileSync(path.join(claims, 'cbx_api.json'), claimText({ leaseID: 'cbx_api', slug: 'api', pond: 'demo', provider: 'hetzner' }));
  fs.writeFileSync(path.join(claims, 'cbx_db.json'), claimText({ leaseID: 'cbx_db', slug: 'db', pond: 'demo', provider: 'aws', sshHost: '127.0.0.1', sshPort: dbPort }));
  fs.writeFileSync(path.join(claims, 'cbx_web.json'), claimText({ leaseID: 'cbx_web', slug: 'web', pond: 'demo', provider: 'runpod', sshHost: '127.0.0.1', sshPort: webPort }));
  const { host, stop } = await startPondServe({
    XDG_STATE_HOME: state,
    CRABBOX_OWNER: 'alice@example.com',
    TS_API_KEY: 'tskey-api-test',
    CRABBOX_TS_API_URL: policy.url,
  });
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('pond-tab-doctor').click();
    const panel = page.getByTestId('doctor-panel');
    await expect(panel.locator('.transport-summary summary')).toHaveText('By transport: SSH 2 · Address pending 1');
    await panel.locator('.transport-summary summary').click();
    await expect(panel.getByTestId('doctor-cell-ssh-ssh')).toHaveText('SSH → SSH with a bridge SSH members share no network; only through a bridge you run');
    await expect(panel.getByTestId('doctor-cell-pending-ssh')).toContainText('its address is not known yet');
    await expect(panel.getByTestId('doctor-reach-web-db')).toHaveText('with a bridge');
    await expect(panel.getByTestId('doctor-reach-api-db')).toHaveText('no');
    await expect(panel.getByTestId('doctor-acl-status')).toHaveText('problem');
    await expect(panel.getByTestId('doctor-acl-text')).toHaveText(`The tailnet policy has no rows for ${TAG}, so members on the tailnet cannot reach each other. Fix it… shows the change before anything is written.`);
    await expect(panel.getByTestId('doctor-acl-snippet')).toContainText(`"${TAG}": ["autogroup:admin"]`);

    await panel.getByTestId('doctor-run-live').click();
    const checks = panel.getByTestId('doctor-check');
    await expect(checks).toHaveCount(3);
    await expect(panel.locator('[data-check="ssh-handshake:db"]')).toHaveAttribute('data-status', 'fail');
    await expect(panel.locator('[data-check="ssh-handshake:db"]')).toContainText(`cannot connect to db: 127.0.0.1:${dbPort}: connection refused`);
    await expect(panel.locator('[data-check="missing-endpoint:api"]')).toHaveAttribute('data-status', 'warn');
    await expect(panel.getByTestId('doctor-reach-web-db')).toHaveClass(/contradicted/);
    await expect(panel.getByTestId('doctor-reach-web-db')).toHaveText('failed');
    await expect(panel.getByTestId('doctor-contradiction')).toHaveText([
      /^web should reach db, but its SSH handshake failed: connection refused\./,
      /^db should reach web, but its SSH handshake failed: connection refused\./,
    ]);
    await expect(panel.getByTestId('doctor-verdict')).toHaveText('Found: the tailnet policy is missing the pond’s rows; 2 members could not be reached.');
    await page.screenshot({ path: 'test-results/screenshots/doctor-live.png', fullPage: true });

    await panel.getByTestId('doctor-fix').click();
    const dialog = page.getByTestId('doctor-fix-dialog');
    await expect(dialog.getByTestId('doctor-fix-diff')).toContainText(`+  "grants": [{"src":["${TAG}"],"dst":["${TAG}"],"ip":["*"]}],`);
    expect(policy.posts).toHaveLength(0);
    await page.screenshot({ path: 'test-results/screenshots/doctor-fix-diff.png' });
    await dialog.getByTestId('doctor-fix-apply').click();
    await expect(dialog.getByTestId('doctor-fix-done')).toHaveText(`Added the rows for ${TAG}.`);
    await dialog.getByTestId('doctor-fix-close').click();
    await expect(panel.getByTestId('doctor-acl-status')).toHaveText('ok');
    expect(policy.posts).toHaveLength(1);
    expect(policy.policy).toContain('// team policy\n');
    expect(await page.content()).not.toContain('tskey-api-test');
  } finally {
    await stop();
    await policy.stop();
    fs.rmSync(state, { recursive: true, force: true });
  }
});
