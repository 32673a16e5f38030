import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installFakeCrabbox } from '../src/engine/testing/fake-crabbox/index';
import { expect, startPondServe, test } from './fixtures';

test('releasing a pond from the UI: confirmation, per-member progress, honest summary', async ({ page }) => {
  const fake = installFakeCrabbox({ root: fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-crabbox-')) });
  fake.writeClaim({ leaseID: 'cbx_web', provider: 'hetzner', pond: 'demo', slug: 'web' });
  fake.writeClaim({ leaseID: 'cbx_db', provider: 'aws', pond: 'demo', slug: 'db' });
  fake.writeClaim({ leaseID: 'cbx_box', provider: 'hostinger', pond: 'demo', slug: 'box' });
  fake.fail('cbx_db', 'aws: terminate i-0abc: UnauthorizedOperation');
  fake.retain('cbx_box');
  const { host, stop } = await startPondServe(fake.env);
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('release-pond-button').click();

    const dialog = page.getByTestId('release-dialog');
    await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('Release pond demo');
    await expect(page.getByTestId('release-crabbox')).toContainText('Using crabbox 0.46.0');
    await expect(page.getByTestId('release-member-cbx_web')).toContainText('hetzner');
    await expect(page.getByTestId('release-member-cbx_db')).toContainText('aws');
    await expect(page.getByTestId('release-member-cbx_box')).toContainText('hostinger');
    await page.screenshot({ path: 'test-results/screenshots/release-confirm.png' });
    expect(fake.calls()).toEqual([]);

    // Release asks for the pond's name, as shown, before anything is touched.
    await expect(page.getByTestId('release-confirm')).toBeDisabled();
    await page.getByTestId('release-confirm-name').fill('dem');
    await expect(page.getByTestId('release-confirm')).toBeDisabled();
    await page.getByTestId('release-confirm-name').fill('Demo');
    await page.getByTestId('release-confirm').click();
    await expect(page.getByTestId('release-summary')).toContainText('Pond demo: 2 of 3 members released, crabbox keeps the claim of 1 reusable machine, 1 failed.');
    const status = (id: string) => page.getByTestId(`release-member-${id}`).getByTestId('release-member-status');
    await expect(status('cbx_web')).toHaveText('released');
    await expect(status('cbx_box')).toHaveText('released, claim kept');
    await expect(status('cbx_db')).toHaveText('failed');
    await expect(page.getByTestId('release-member-cbx_db')).toContainText('aws: terminate i-0abc: UnauthorizedOperation');
    await expect(dialog.getByRole('alert')).toContainText('1 failed');
    await page.screenshot({ path: 'test-results/screenshots/release-summary.png' });
    expect(fake.claimExists('cbx_web')).toBe(false);
    expect(fake.claimExists('cbx_db')).toBe(true);
  } finally {
    await stop();
    fs.rmSync(fake.root, { recursive: true, force: true });
  }
});

test('without crabbox the release is disabled and says what to install', async ({ page }) => {
  const fake = installFakeCrabbox({ root: fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-crabbox-')) });
  fake.writeClaim({ leaseID: 'cbx_web', provider: 'hetzner', pond: 'demo', slug: 'web' });
  const { host, stop } = await startPondServe({ ...fake.env, PATH: path.join(fake.root, 'no-crabbox-here') });
  try {
    await page.goto(host.url);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('release-pond-button').click();
    await expect(page.getByTestId('release-disabled')).toContainText('install crabbox 0.22.0 or newer');
    await expect(page.getByTestId('release-confirm')).toHaveCount(0);
    expect(fake.claimExists('cbx_web')).toBe(true);
  } finally {
    await stop();
    fs.rmSync(fake.root, { recursive: true, force: true });
  }
});
