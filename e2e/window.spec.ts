/**
 * The window as a new user meets it, against real servers: three ponds across providers
 * (crabbox claims read by `pond serve`, a stand-in crabbox for release, hand-added hosts
 * behind a real sshd), at 1280 × 800 and at a compact 420 × 640, in light and dark.
 * Every view must fit without sideways scrolling and pass axe; connect, copy, release and
 * add host work from the keyboard alone. POND_DOCS_SCREENSHOTS=1 refreshes the
 * screenshots in docs/.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { installFakeCrabbox, type FakeCrabbox } from '../src/engine/testing/fake-crabbox/index';
import { closedPort, greeting } from '../src/engine/mesh/testing/services';
import { expect, readClipboard, startDemoPond, test, type DemoPond, type PondHost } from './fixtures';

const WIDE = { width: 1280, height: 800 };
const COMPACT = { width: 420, height: 640 };
const SLOW = { timeout: 20_000 };

interface Scene {
  demo: DemoPond;
  fake: FakeCrabbox;
  host: PondHost;
  stop(): Promise<void>;
}

/** Pond build (tailnet, SSH and a pending member, released by the stand-in crabbox), pond sandbox (E2B without a key, Blacksmith) and pond demo (two hand-added hosts behind a real sshd). */
async function scene(): Promise<Scene> {
  const fake = installFakeCrabbox({ root: fs.mkdtempSync(path.join(os.tmpdir(), 'pond-e2e-window-')) });
  fake.writeClaim({ leaseID: 'cbx_runner', provider: 'hetzner', pond: 'build', slug: 'runner', tailscaleIPv4: '100.64.1.3', labels: { crabbox_exposed_ports: '8080-9090' } });
  fake.writeClaim({ leaseID: 'cbx_cache', provider: 'aws', pond: 'build', slug: 'cache', sshHost: '127.0.0.1', sshPort: await closedPort() });
  fake.writeClaim({ leaseID: 'cbx_queue', provider: 'aws', pond: 'build', slug: 'queue' });
  fake.writeClaim({ leaseID: 'e2b_notebook', provider: 'e2b', pond: 'sandbox', slug: 'notebook', labels: { crabbox_exposed_ports: '8888' } });
  fake.writeClaim({ leaseID: 'bsm_ci', provider: 'blacksmith', pond: 'sandbox', slug: 'ci' });
  const demo = await startDemoPond();
  const { host } = await demo.serve(fake.env);
  return {
    demo,
    fake,
    host,
    async stop() {
      await demo.stop();
      fs.rmSync(fake.root, { recursive: true, force: true });
    },
  };
}

/** Fails naming what sticks out when the page is wider than the window. */
async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.locator('body').evaluate((body) => {
    const doc = body.ownerDocument.documentElement;
    const wide = [...body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !el.closest('.table-wrap, .tabs, .code-block'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').slice(0, 40)}"`);
    return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
  });
  expect(overflow.scroll, `${where}: the page scrolls sideways; wider than the window: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(overflow.client);
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(found, `${where}: accessibility violations`).toEqual([]);
}

/** No sideways scrolling, no axe violation; a screenshot of each view is kept in test-results for review. */
async function check(page: Page, where: string): Promise<void> {
  await expectNoSidewaysScroll(page, where);
  await expectAccessible(page, where);
  await page.screenshot({ path: `test-results/screenshots/window/${where.replace(/[^a-z0-9]+/gi, '-')}.png` });
}

/** Presses Tab until `target` has the focus: proof that the keyboard alone reaches it. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

/** An HTTP server on the first free port of those web servers use, so the window offers Open in browser for it. */
async function startWebSite(): Promise<{ port: number; close(): Promise<void> }> {
  for (const port of [8080, 8000, 8888, 3000, 5000, 9000, 8081, 5173, 4000, 8008]) {
    const server = http.createServer((_req, res) => res.end('<!doctype html><title>site</title><h1>hello from site</h1>'));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  throw new Error('no usual web port is free on 127.0.0.1');
}

test.describe.configure({ timeout: 180_000 });

for (const theme of ['light', 'dark'] as const) {
  for (const size of [WIDE, COMPACT]) {
    const at = `${size.width} × ${size.height}, ${theme}`;
    test(`every view fits a ${at} window without sideways scrolling and passes axe`, async ({ page }) => {
      const s = await scene();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) refused.push(message.text());
      });
      try {
        await page.emulateMedia({ colorScheme: theme });
        await page.setViewportSize(size);
        await page.goto(s.host.url);
        await page.getByTestId('pond-demo-connect').click();
        await expect(page.getByTestId('pond-demo-state')).toHaveText('connected', SLOW);
        await expect(page.getByTestId('ponds-list')).toBeVisible();
        await check(page, `ponds, ${at}`);

        await page.getByTestId('pond-demo').click();
        await expect(page.getByTestId('member-web')).toBeVisible();
        await check(page, `demo members, ${at}`);
        await page.getByTestId('pond-tab-forwards').click();
        await expect(page.getByTestId(`mesh-forward-web-${s.demo.web.port}-state`)).toHaveText('ready');
        await check(page, `demo forwards, ${at}`);
        await page.getByTestId('pond-tab-exports').click();
        await expect(page.getByTestId('exports-line')).toHaveCount(2);
        await check(page, `demo exports, ${at}`);
        await page.getByTestId('pond-tab-doctor').click();
        await page.getByTestId('doctor-run-live').click();
        await expect(page.getByTestId('doctor-verdict')).toHaveText(/^(No problems|Found)/, SLOW);
        await check(page, `demo doctor, ${at}`);

        await page.getByTestId('pond-back').click();
        await page.getByTestId('pond-build').click();
        await expect(page.getByTestId('member-queue')).toContainText('Address pending');
        await check(page, `build members, ${at}`);
        await page.getByTestId('pond-tab-doctor').click();
        await expect(page.getByTestId('doctor-acl')).toBeVisible();
        await page.locator('.transport-summary summary').click();
        await check(page, `build doctor, ${at}`);

        await page.getByTestId('pond-back').click();
        await page.getByTestId('pond-sandbox').click();
        // One member, one description: E2B without a key is "No pond connection" on Members and on URLs alike.
        await expect(page.getByTestId('member-notebook-transport')).toHaveText('No pond connection', SLOW);
        await check(page, `sandbox members, ${at}`);
        await page.getByTestId('pond-tab-urls').click();
        await expect(page.getByTestId('bridge-member').locator('.badge')).toHaveText('No pond connection');
        await check(page, `sandbox URLs, ${at}`);

        await page.getByTestId('pond-tab-members').click();
        await page.getByTestId('pond-add-host').click();
        await expect(page.getByTestId('host-add-dialog')).toBeVisible();
        await check(page, `add host dialog, ${at}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('release-pond-button').click();
        await expect(page.getByTestId('release-members')).toBeVisible();
        await check(page, `release dialog, ${at}`);
        await page.keyboard.press('Escape');

        for (const view of ['Connections', 'Settings', 'About']) {
          await page.getByRole('button', { name: view, exact: true }).click();
          await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
          await check(page, `${view}, ${at}`);
        }
        // Nothing the window does needs what its Content-Security-Policy refuses (inline styles or scripts).
        expect(refused).toEqual([]);
      } finally {
        await s.stop();
      }
    });
  }
}

test('status first: pond rows, the pond header and the window title say the state; the header and tabs stay put; the countdown ticks', async ({ page }) => {
  const s = await scene();
  try {
    await page.setViewportSize(COMPACT);
    await page.goto(s.host.url);
    await expect(page.getByTestId('pond-demo-state')).toHaveText('not connected');
    await page.getByTestId('pond-demo-connect').click();
    await expect(page.getByTestId('pond-demo-state')).toHaveText('connected', SLOW);
    await expect(page.getByTestId('pond-row-demo')).toContainText('2 of 2 forwards up');
    await expect(page).toHaveTitle('Pond Desktop — 1 connected');

    await page.getByTestId('pond-demo').click();
    await expect(page).toHaveTitle('demo — connected · Pond Desktop');
    await expect(page.getByTestId('pond-state')).toHaveText('connected');

    // On a long page the navigation, the pond header and its tabs stay where they are.
    await page.getByTestId('pond-tab-doctor').click();
    await page.getByTestId('doctor-run-live').click();
    await expect(page.getByTestId('doctor-check')).toHaveCount(4, SLOW);
    await page.mouse.wheel(0, 2_000);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBeGreaterThan(50);
    const nav = await page.getByRole('navigation', { name: 'Sections' }).boundingBox();
    const header = await page.locator('.pond-header').boundingBox();
    expect(nav?.y).toBe(0);
    expect(header?.y).toBeCloseTo(nav!.height, 0);
    await expect(page.getByTestId('pond-tab-forwards')).toBeInViewport();
    await expect(page.getByTestId('mesh-disconnect')).toBeInViewport();

    // The server goes away: every place says reconnecting, and the countdown counts down.
    await page.getByTestId('pond-tab-forwards').click();
    await s.demo.sshd.stop();
    await expect(page.getByTestId('pond-state')).toHaveText('reconnecting', SLOW);
    await expect(page).toHaveTitle('demo — reconnecting · Pond Desktop');
    const text = page.getByTestId('mesh-member-web-text');
    await expect(text).toContainText('next attempt in', SLOW);
    const first = await text.innerText();
    await expect.poll(() => text.innerText(), { timeout: 5_000 }).not.toBe(first);
    await expect(text).toContainText('next attempt in');

    // The server is back: Retry now on each member still waiting. A member whose own countdown
    // ran out first (while the other's retry held the buttons) is back without one.
    await s.demo.sshd.restart();
    for (const member of ['web', 'api']) {
      const retry = page.getByTestId(`mesh-member-${member}-retry`);
      await retry.click({ timeout: 10_000 }).catch(() => expect(retry).toHaveCount(0));
    }
    await expect(page.getByTestId('pond-state')).toHaveText('connected', SLOW);
  } finally {
    await s.stop();
  }
});

test('a member crabbox has no address for yet is waiting, never failed, wherever the window says it', async ({ page }) => {
  const s = await scene();
  try {
    s.fake.writeClaim({ leaseID: 'cbx_later', provider: 'aws', pond: 'later', slug: 'later', labels: { crabbox_exposed_ports: '8080' } });
    await page.goto(s.host.url);
    await page.getByTestId('pond-later-connect').click();
    await expect(page.getByTestId('pond-later-state')).toHaveText('connecting', SLOW);
    await expect(page.getByTestId('pond-row-later')).toContainText('0 of 1 forward up, 1 member waiting for an address');
    await page.getByTestId('pond-later').click();
    await expect(page.getByTestId('pond-state')).toHaveText('connecting');
    await page.getByTestId('pond-tab-forwards').click();
    await expect(page.getByTestId('mesh-member-later-state')).toHaveText('waiting for an address');
    await expect(page.getByTestId('mesh-member-later-text')).toContainText('It connects by itself once the address is known.');
    await expect(page.getByTestId('mesh-forward-later-8080-state')).toHaveText('waiting for an address');
    await expect(page.getByTestId('mesh-member-later-retry')).toHaveCount(0);
    await page.getByRole('button', { name: 'Connections', exact: true }).click();
    await expect(page.getByTestId('mesh-connection-later')).toContainText('connecting');
    await expect(page.getByTestId('mesh-connection-later')).not.toContainText('failed');
    await expect(page.getByTestId('connection-later-later-8080-state')).toHaveText('waiting for an address');
  } finally {
    await s.stop();
  }
});

test('keyboard only: add a host, connect, copy the exports, open a web port, release a pond to its summary', async ({ page, context }) => {
  const s = await scene();
  const site = await startWebSite();
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.host.origin });
    await page.setViewportSize(WIDE);
    await page.goto(s.host.url);
    await expect(page.getByTestId('pond-demo')).toBeVisible();

    // Add host: the dialog takes the focus, keeps it, and gives it back.
    await tabTo(page, page.getByTestId('pond-demo'));
    await page.keyboard.press('Enter');
    const addHost = page.getByTestId('pond-add-host');
    await tabTo(page, addHost);
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('host-add-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('host-add-pond')).toBeFocused();
    await expect(page.getByTestId('host-add-pond')).toHaveValue('demo');
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(addHost).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    const type = async (field: string, text: string) => {
      await tabTo(page, page.getByTestId(`host-add-${field}`));
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(text);
    };
    await type('slug', 'site');
    await type('host', '127.0.0.1');
    await type('port', String(s.demo.sshd.port));
    await type('user', s.demo.sshd.user);
    await type('identityFile', s.demo.sshd.clientKeyPath);
    await type('expose', String(site.port));
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('member-site-ports')).toHaveText(String(site.port));

    // Connect, then Copy exports, from the header.
    await tabTo(page, page.getByTestId('mesh-connect'));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('pond-state')).toHaveText('connected', SLOW);
    await expect(page.getByTestId('pond-summary')).toHaveText('3 of 3 forwards up');
    await expect(page.getByTestId('pond-copy-exports')).toBeEnabled();
    await tabTo(page, page.getByTestId('pond-copy-exports'));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('pond-copy-exports')).toHaveText('Copied');
    const copied = await readClipboard(page);
    expect(copied.split('\n').filter(Boolean)).toHaveLength(3);
    expect(copied).toMatch(new RegExp(`^export CRABBOX_POND_SITE_${site.port}=127\\.0\\.0\\.1:\\d+$`, 'm'));

    // Connections: one table of every forward; the web port opens in a new tab of this browser.
    await tabTo(page, page.getByRole('button', { name: 'Connections', exact: true }));
    await page.keyboard.press('Enter');
    const row = page.getByTestId(`connection-demo-site-${site.port}`);
    await expect(row.getByTestId(`connection-demo-site-${site.port}-state`)).toHaveText('ready');
    await expect(page.getByTestId('connections-table').locator('tbody tr')).toHaveCount(3);
    await expect(page.getByTestId(`connection-demo-web-${s.demo.web.port}-open`)).toHaveCount(0);
    const open = row.getByTestId(`connection-demo-site-${site.port}-open`);
    await tabTo(page, open);
    const [tab] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('Enter')]);
    await expect(tab.locator('h1')).toHaveText('hello from site');
    await tab.close();

    // Release pond build from its page: confirm by typing its name; the summary stays after the page is gone.
    await tabTo(page, page.getByRole('button', { name: 'Ponds', exact: true }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByTestId('pond-build'));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByTestId('release-pond-button'));
    await page.keyboard.press('Enter');
    const release = page.getByTestId('release-dialog');
    await expect(release.getByTestId('release-members').locator('li')).toHaveCount(3);
    await tabTo(page, page.getByTestId('release-confirm-name'));
    await page.keyboard.type('build');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('release-summary')).toContainText('Pond build: 3 of 3 members released.', SLOW);
    await expect(page.getByTestId('pond-gone')).toContainText('Pond build is no longer on this machine');
    await expect(release).toBeVisible();
    expect(['cbx_runner', 'cbx_cache', 'cbx_queue'].map((id) => s.fake.claimExists(id))).toEqual([false, false, false]);
    await page.keyboard.press('Escape');
    await expect(release).toHaveCount(0);
    await expect(page.getByTestId('pond-build')).toHaveCount(0);
  } finally {
    await site.close();
    await s.stop();
  }
});

test('screenshots of the window at both sizes', async ({ page }) => {
  const s = await scene();
  try {
    await page.goto(s.host.url);
    await page.getByTestId('pond-demo-connect').click();
    await expect(page.getByTestId('pond-demo-state')).toHaveText('connected', SLOW);
    const toDocs = process.env.POND_DOCS_SCREENSHOTS === '1';
    const shoot = async (name: string) => {
      await page.screenshot({ path: `test-results/screenshots/${name}` });
      if (toDocs) await page.screenshot({ path: `docs/${name}` });
    };

    await page.setViewportSize(WIDE);
    await page.getByTestId('pond-demo').click();
    await page.getByTestId('pond-tab-forwards').click();
    await expect(page.getByTestId(`mesh-forward-api-${s.demo.api.port}-state`)).toHaveText('ready');
    // Some traffic, so the counters show what they are for.
    const local = Number((await page.getByTestId(`mesh-forward-web-${s.demo.web.port}-local`).innerText()).split(':')[1]);
    expect(await greeting(local)).toBe('web');
    await expect(page.getByTestId(`mesh-forward-web-${s.demo.web.port}`)).not.toContainText('↓ 0 B', SLOW);
    await shoot('screenshot.png');

    await page.setViewportSize(COMPACT);
    await page.getByTestId('pond-back').click();
    await expect(page.getByTestId('pond-build-state')).toHaveText('not connected');
    await shoot('screenshot-compact.png');
  } finally {
    await s.stop();
  }
});
