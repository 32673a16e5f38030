/**
 * The desktop app as people use it, without Electron's binary: the built app runs under the
 * shell harness (e2e/shell/harness.ts) with real OpenSSH sshd members, its window is a
 * Chromium page running the built renderer and preload, and the tray, clipboard, dialogs,
 * notifications and power events are the stand-in's (e2e/shell/electron-standin.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MeshStatusShape } from '../src/contract/index';
import { generateKey } from '../src/engine/mesh/testing/keys';
import { startProxy } from '../src/engine/mesh/testing/proxy';
import { freePort } from '../src/engine/mesh/testing/ports';
import { greeting } from '../src/engine/mesh/testing/services';
import { openConfBackend, SettingsStore, type ManualMember } from '../src/engine/settings-store';
import { desktopExec } from '../src/electron/login-item';
import type { DemoPond } from './fixtures';
import type { ShellApp } from './shell/harness';
import type { RecordedMenuItem, StandInState } from './shell/protocol';
import { expect, test, type ShellDirs, type ShellLauncher } from './shell/fixtures';

const SLOW = { timeout: 20_000 };
const run = promisify(execFile);

function labels(items: RecordedMenuItem[] | undefined): string[] {
  return (items ?? []).filter((i) => i.type !== 'separator').map((i) => i.label);
}

function item(state: StandInState, ...path: string[]): RecordedMenuItem | undefined {
  let items = state.tray?.menu ?? [];
  let found: RecordedMenuItem | undefined;
  for (const label of path) {
    found = items.find((i) => i.label === label);
    items = found?.submenu ?? [];
  }
  return found;
}

/** The tray's labels, polled until the app's state settles to what the test expects. */
async function trayLabels(app: ShellApp): Promise<string[]> {
  return labels((await app.state()).tray?.menu);
}

function envFile(dirs: ShellDirs, pond: string): string {
  return path.join(dirs.env.HOME, '.crabbox', 'pond', pond, 'env');
}

function log(dirs: ShellDirs): string {
  return fs.existsSync(dirs.logFile) ? fs.readFileSync(dirs.logFile, 'utf8') : '';
}

/** The demo pond (two hand-added members behind one real sshd) and an app reading its settings. */
async function demoApp(shell: ShellLauncher, demo: DemoPond, args: string[] = [], env: Record<string, string> = {}) {
  const dirs = shell.dirs({ root: demo.root, configHome: path.join(demo.root, 'config') });
  const app = await shell.launch(dirs, { args, env });
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — not connected');
  return { dirs, app };
}

async function meshStatus(app: ShellApp): Promise<MeshStatusShape> {
  const page = await app.window();
  type PondWindow = { pond: { meshStatus(input: object): Promise<{ result: MeshStatusShape }> } };
  return (await page.evaluate(() => (globalThis as unknown as PondWindow).pond.meshStatus({}))).result;
}

test('a start by hand shows the window, a login start stays in the tray, a second start brings the window forward', async ({ shell }) => {
  const dirs = shell.dirs();
  const manual = await shell.launch(dirs);
  const page = await manual.window();
  await expect.poll(async () => (await manual.state()).windows[0]?.visible).toBe(true);
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('Electron IPC');
  const state = await manual.state();
  expect(state.tray).toMatchObject({ image: expect.stringMatching(/resources\/tray\/idle\.png$/), tooltip: 'Pond Desktop — No ponds found', clickListeners: 0 });
  expect(labels(state.tray?.menu)).toEqual([
    'No ponds found',
    'Open Pond Desktop',
    'Disconnect all',
    'Start at login',
    'Notify when a pond fails or recovers',
    'Open log folder',
    'Pond Desktop 0.1.0',
    'Quit Pond Desktop',
  ]);
  await manual.clickMenu('Quit Pond Desktop');
  expect(await manual.exited).toEqual({ code: 0, signal: null });

  const login = await shell.launch(dirs, { args: ['--hidden'] });
  await login.window();
  await expect.poll(() => trayLabels(login), SLOW).toContain('Quit Pond Desktop');
  expect((await login.state()).windows).toMatchObject([{ visible: false, shows: 0 }]);
  expect(log(dirs)).toContain('at login: staying in the tray');

  const second = await shell.launch(dirs);
  expect(await second.exited).toEqual({ code: 0, signal: null });
  await expect.poll(async () => (await login.state()).windows[0]).toMatchObject({ visible: true, shows: 1, focuses: 1 });
  expect((await login.state()).secondInstances).toHaveLength(1);
  expect(log(dirs)).toContain('started again: bringing the window forward');
});

test('tray: connect a pond, copy its exports, retry, disconnect, disconnect all, open, start at login, quit', async ({ shell }) => {
  const demo = await shell.demoPond();
  const { dirs, app } = await demoApp(shell, demo, ['--hidden']);
  expect(labels(item(await app.state(), 'demo — not connected')?.submenu)).toEqual([
    '2 members',
    'Connect',
    'Retry failed',
    'Copy exports (sh)',
    'Copy exports as',
    'Open',
    'Release pond…',
  ]);

  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  const state = await app.state();
  expect(labels(state.tray?.menu)[0]).toBe('1 pond connected');
  expect(state.tray).toMatchObject({ image: expect.stringMatching(/tray\/ok\.png$/), tooltip: 'Pond Desktop — 1 pond connected · 2/2 forwards up' });
  expect(state.windows[0]?.visible).toBe(false);

  await app.clickMenu('demo — connected', 'Copy exports (sh)');
  await expect.poll(async () => (await app.state()).clipboard).toContain(`export CRABBOX_POND_WEB_${demo.web.port}=127.0.0.1:`);
  const copied = (await app.state()).clipboard;
  expect(fs.readFileSync(envFile(dirs, 'demo'), 'utf8')).toContain(copied.split('\n').find((l) => l.includes('_WEB_')));
  const local = Number(/CRABBOX_POND_WEB_\d+=127\.0\.0\.1:(\d+)/.exec(copied)?.[1]);
  expect(await greeting(local)).toBe('web');
  await app.clickMenu('demo — connected', 'Copy exports as', 'fish');
  await expect.poll(async () => (await app.state()).clipboard).toMatch(/^set -gx CRABBOX_POND_/m);

  // The server goes away: the members wait to reconnect and Retry failed has something to do.
  expect(item(await app.state(), 'demo — connected', 'Retry failed')?.enabled).toBe(false);
  await demo.sshd.stop();
  await expect.poll(async () => item(await app.state(), 'demo — reconnecting', 'Retry failed')?.enabled, SLOW).toBe(true);
  await demo.sshd.restart();
  await app.clickMenu('demo — reconnecting', 'Retry failed');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');

  await app.clickMenu('demo — connected', 'Disconnect');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — not connected');
  expect(fs.existsSync(envFile(dirs, 'demo'))).toBe(false);
  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  await app.clickMenu('Disconnect all');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — not connected');

  const page = await app.window();
  await app.clickMenu('demo — not connected', 'Open');
  await expect.poll(async () => (await app.state()).windows[0]?.visible).toBe(true);
  await expect(page.getByTestId('mesh-connect')).toBeVisible();

  const autostart = path.join(dirs.env.XDG_CONFIG_HOME, 'autostart', 'pond-desktop.desktop');
  const builds = (await app.state()).tray?.menuBuilds ?? 0;
  await app.clickMenu('Start at login');
  await expect.poll(() => fs.existsSync(autostart)).toBe(true);
  await expect.poll(async () => (await app.state()).tray?.menuBuilds).toBeGreaterThan(builds);
  expect(item(await app.state(), 'Start at login')?.checked).toBe(true);
  expect(fs.readFileSync(autostart, 'utf8')).toContain(`\nExec=${desktopExec([process.execPath, path.resolve(import.meta.dirname, '..'), '--hidden'])}\n`);
  await app.clickMenu('Start at login');
  await expect.poll(() => fs.existsSync(autostart)).toBe(false);
  await app.clickMenu('Open log folder');
  await expect.poll(async () => (await app.state()).openedPaths).toEqual([path.dirname(dirs.logFile)]);

  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(() => fs.existsSync(envFile(dirs, 'demo')), SLOW).toBe(true);
  await app.clickMenu('Quit Pond Desktop');
  expect(await app.exited).toEqual({ code: 0, signal: null });
  expect(fs.existsSync(envFile(dirs, 'demo'))).toBe(false);
  const text = log(dirs);
  for (const line of [
    /\[info\]\s+start: Pond Desktop 0\.1\.0 on linux/,
    /\[info\]\s+tray: Connect demo\n/,
    /\[info\]\s+pond demo: not connected → connecting, 0\/2 forwards up\n/,
    /\[info\]\s+pond demo: (connecting|degraded) → connected, 2\/2 forwards up\n/,
    /\[warn\]\s+demo\/web: reconnecting \(the server closed the connection\)\n/,
    /\[info\]\s+tray: Retry demo\n/,
    /\[info\]\s+pond demo: connected → not connected, 0\/0 forwards up\n/,
    /\[info\]\s+quit: done\n/,
  ]) {
    expect(text).toMatch(line);
  }
});

test('quitting exits within 5 s and removes the env files even while a session hangs', async ({ shell }) => {
  const demo = await shell.demoPond();
  const proxy = await startProxy(demo.sshd.port);
  shell.onCleanup(() => proxy.stop());
  // A third member whose network died: its SSH handshake never completes.
  proxy.blackhole();
  const settings = new SettingsStore(openConfBackend(path.join(demo.root, 'config', 'Pond Desktop')));
  const stuck: ManualMember = { ...settings.get('manualMembers')[0]!, id: 'manual_stuck', slug: 'stuck', port: proxy.port };
  settings.set('manualMembers', [...settings.get('manualMembers'), stuck]);
  const { dirs, app } = await demoApp(shell, demo, ['--hidden']);
  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(async () => item(await app.state(), 'demo — degraded', '3 members · 2/3 forwards up'), SLOW).toBeTruthy();
  expect(labels(item(await app.state(), 'demo — degraded')?.submenu)).toContain('stuck — connecting');
  expect(fs.existsSync(envFile(dirs, 'demo'))).toBe(true);

  const asked = Date.now();
  await app.clickMenu('Quit Pond Desktop');
  expect(await app.exited).toEqual({ code: 0, signal: null });
  expect(Date.now() - asked).toBeLessThan(5_000);
  expect(fs.existsSync(envFile(dirs, 'demo'))).toBe(false);
  expect(log(dirs)).toMatch(/quit: (done|sessions did not close in time; quitting anyway)/);
});

test("the window's Copy button copies through the app's permission handler; nothing else is allowed", async ({ shell }) => {
  const demo = await shell.demoPond();
  const { dirs, app } = await demoApp(shell, demo, [], { E2B_API_KEY: 'e2b_live_shellsecret' });
  const page = await app.window();
  await page.getByTestId('pond-demo').click();
  await page.getByTestId('mesh-connect').click();
  await page.getByTestId('pond-tab-exports').click();
  const webLine = page.getByTestId('exports-line').filter({ hasText: `CRABBOX_POND_WEB_${demo.web.port}=` });
  await expect(webLine).toHaveText(/^export CRABBOX_POND_WEB_\d+=127\.0\.0\.1:\d+/, SLOW);
  const shown = (await webLine.getByTestId('exports-line-text').innerText()).trim();
  await webLine.getByRole('button').click();
  await expect(webLine.getByRole('button')).toHaveText('Copied');
  expect((await app.state()).clipboard).toBe(shown);

  type ClipboardWindow = { navigator: { clipboard: { readText(): Promise<string> } } };
  const error = await page.evaluate(() => (globalThis as unknown as ClipboardWindow).navigator.clipboard.readText().then(() => 'read', (e: Error) => e.name));
  expect(error).toBe('NotAllowedError');
  const rendererPage = page.url();
  expect(rendererPage).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html$/);
  expect((await app.state()).permissions).toEqual([
    { permission: 'clipboard-sanitized-write', url: rendererPage, granted: true, asked: 'check' },
    { permission: 'clipboard-read', url: rendererPage, granted: false, asked: 'check+request' },
  ]);

  // Navigation away and new windows are refused (and logged without the secrets in them).
  type BrowsingWindow = { open(url: string): unknown; location: { href: string } };
  await page.evaluate(() => {
    const browsing = globalThis as unknown as BrowsingWindow;
    browsing.open('https://example.com/popup');
    browsing.location.href = 'https://example.com/?token=c2hlbGx0b2tlbg&k=e2b_live_shellsecret';
  });
  await expect.poll(() => log(dirs)).toContain('guard: refused to navigate to https://example.com/?token=[redacted]&k=[redacted]');
  expect(log(dirs)).toContain('guard: refused to open a window for https://example.com/popup');
  expect(page.url()).toBe(rendererPage);
  await expect(page.getByTestId('mesh-disconnect').first()).toBeVisible();
  expect(log(dirs)).not.toMatch(/c2hlbGx0b2tlbg|e2b_live_shellsecret/);
});

test('a settings file that is not JSON is moved aside with a message saying where; the app starts with defaults and shows itself', async ({ shell }) => {
  const dirs = shell.dirs();
  fs.mkdirSync(dirs.userData, { recursive: true });
  const file = path.join(dirs.userData, 'config.json');
  fs.writeFileSync(file, '{"manualMembers": [ oops');
  const app = await shell.launch(dirs, { args: ['--hidden'] });
  await expect.poll(async () => (await app.state()).dialogs, SLOW).toHaveLength(1);
  const [dialog] = (await app.state()).dialogs;
  const moved = fs.readdirSync(dirs.userData).find((name) => /^config\.unreadable-.+\.json$/.test(name));
  expect(moved).toBeDefined();
  expect(fs.readFileSync(path.join(dirs.userData, moved!), 'utf8')).toBe('{"manualMembers": [ oops');
  expect(dialog).toMatchObject({ kind: 'messageBox', type: 'warning', message: 'Pond Desktop could not read its settings and started with default settings.' });
  expect(dialog?.detail).toContain(`The settings file ${file} could not be read: `);
  expect(dialog?.detail).toContain(`It was moved to ${path.join(dirs.userData, moved!)}, so nothing in it is lost.`);
  expect(dialog?.detail).toContain(`fix the file (it must be valid JSON) and move it back to ${file}.`);

  const page = await app.window();
  await expect.poll(async () => (await app.state()).windows[0]?.visible).toBe(true);
  await expect.poll(() => trayLabels(app), SLOW).toContain('No ponds found');
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('Electron IPC');
  expect(log(dirs)).toContain(`settings: ${file} could not be read`);
});

test('Release pond… in the tray opens the window on the pond with its release confirmation over it', async ({ shell }) => {
  const demo = await shell.demoPond();
  const { app } = await demoApp(shell, demo, ['--hidden']);
  const page = await app.window();
  // The page must be listening: a navigation asked for before it loaded has no one to reach.
  await expect(page.getByTestId('pond-demo')).toHaveCount(1, SLOW);
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') blocked.push(message.text());
  });
  await app.clickMenu('demo — not connected', 'Release pond…');
  await expect.poll(async () => (await app.state()).windows[0]?.visible, SLOW).toBe(true);
  const dialog = page.getByTestId('release-dialog');
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('Release pond demo');
  await expect(dialog.getByTestId('release-members').locator('li')).toHaveCount(2);
  await expect(page).toHaveTitle('demo — not connected · Pond Desktop');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('pond-page')).toBeVisible();
  // The dialog needs nothing the page's Content-Security-Policy refuses.
  expect(blocked).toEqual([]);
});

test('a tray action that fails while the window is hidden says so in a dialog naming the log', async ({ shell }) => {
  const dirs = shell.dirs();
  const member: ManualMember = { id: 'manual_w', pond: 'empty', slug: 'w', host: '127.0.0.1', port: 22, user: 'u', ports: [], addedAt: '2026-01-01T00:00:00Z' };
  new SettingsStore(openConfBackend(dirs.userData)).set('manualMembers', [member]);
  const app = await shell.launch(dirs, { args: ['--hidden'] });
  await expect.poll(() => trayLabels(app), SLOW).toContain('empty — not connected');
  await app.clickMenu('empty — not connected', 'Connect');
  await expect.poll(async () => (await app.state()).dialogs, SLOW).toEqual([
    {
      kind: 'messageBox',
      type: 'error',
      message: 'Connect empty failed',
      detail: `pond "empty" has no members with exposed ports to connect\n\nThe log has the details: ${dirs.logFile}`,
    },
  ]);
  expect(log(dirs)).toContain('tray: Connect empty failed: pond "empty" has no members with exposed ports to connect');
});

test('waking from sleep reconnects at once instead of after the backoff', async ({ shell }) => {
  const demo = await shell.demoPond();
  const { dirs, app } = await demoApp(shell, demo, ['--hidden']);
  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  await demo.sshd.stop();
  // Wait until both members are several seconds away from their next attempt.
  const waiting = async () => {
    const members = (await meshStatus(app)).ponds[0]?.members ?? [];
    return members.every((m) => m.session.state === 'reconnecting' && m.session.retryAt !== null && m.session.retryAt - Date.now() > 6_000);
  };
  await expect.poll(waiting, { timeout: 45_000 }).toBe(true);
  await demo.sshd.restart();
  const before = (await meshStatus(app)).ponds[0]!.members.map((m) => (m.session.state === 'reconnecting' ? m.session.retryAt : null));
  expect(before.every((at) => at !== null && at > Date.now())).toBe(true);

  await app.perform({ op: 'powerMonitor', event: 'resume' });
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  const after = (await meshStatus(app)).ponds[0]!.members.map((m) => (m.session.state === 'ready' ? m.session.since : Infinity));
  after.forEach((since, i) => expect(since).toBeLessThan(before[i]!));
  expect(log(dirs)).toContain('the computer woke up: reconnecting members that gave up or wait to retry');
});

test('a passphrase request from a tray Connect brings the window forward; the passphrase never reaches the log', async ({ shell }) => {
  const demo = await shell.demoPond({ apiPassphrase: 'open sesame' });
  const { dirs, app } = await demoApp(shell, demo, ['--hidden']);
  const page = await app.window();
  expect((await app.state()).windows[0]?.visible).toBe(false);
  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(async () => (await app.state()).windows[0], SLOW).toMatchObject({ visible: true });
  await expect(page.getByTestId('mesh-passphrase-dialog')).toContainText(demo.locked!.privatePath);
  await page.getByTestId('mesh-passphrase-input').fill('open sesame');
  await page.getByTestId('mesh-passphrase-submit').click();
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  const text = log(dirs);
  expect(text).toContain(`demo/api: asking for the passphrase of ${demo.locked!.privatePath}`);
  expect(text).not.toContain('open sesame');
});

test('a pond that fails and recovers raises one notification each; the setting turns them off', async ({ shell }) => {
  const demo = await shell.demoPond();
  const { dirs, app } = await demoApp(shell, demo);
  const page = await app.window();
  await page.getByTestId('pond-demo').click();
  await page.getByTestId('mesh-connect').click();
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');

  // A new host key: both members refuse it, which only the user can resolve.
  await demo.sshd.restart({ hostKey: generateKey(demo.root, 'new_host_key').privatePath });
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — failed');
  expect((await app.state()).tray?.image).toMatch(/tray\/failed\.png$/);
  await expect(page.getByTestId('pond-state')).toHaveText('failed');
  await page.getByTestId('pond-tab-forwards').click();
  for (const member of ['web', 'api']) {
    await page.getByTestId(`mesh-hostkey-${member}-remove`).click();
    await page.getByTestId(`mesh-hostkey-${member}-confirm`).click();
  }
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  const notifications = (await app.state()).notifications;
  expect(notifications.map((n) => n.title)).toEqual([expect.stringMatching(/^Pond demo (degraded|failed)$/), 'Pond demo connected again']);
  expect(notifications[0]?.body).toMatch(/host key changed\. Open Pond Desktop to see why and what to do\.$/);
  expect(notifications[1]?.body).toBe('All 2 of its forwards are up.');

  await app.perform({ op: 'clickNotification', index: 0 });
  await expect.poll(async () => (await app.state()).windows[0]?.focuses).toBeGreaterThan(1);

  await app.clickMenu('Notify when a pond fails or recovers');
  await expect.poll(async () => item(await app.state(), 'Notify when a pond fails or recovers')?.checked).toBe(false);
  await demo.sshd.restart({ hostKey: generateKey(demo.root, 'newer_host_key').privatePath });
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — failed');
  expect((await app.state()).notifications).toHaveLength(2);
  expect(log(dirs)).toContain('notification: Pond demo connected again: All 2 of its forwards are up.');
});

test('a packaged app loads its own page whatever ELECTRON_RENDERER_URL says', async ({ shell }) => {
  const dirs = shell.dirs();
  const app = await shell.launch(dirs, { env: { POND_STANDIN_PACKAGED: '1', ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/' } });
  const page = await app.window();
  expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html$/);
  expect((await app.state()).windows[0]?.url).toBe(page.url());
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('Electron IPC');
});

test('the app takes over the forwards a pond agent held, on the same local ports, and the CLI then talks to the app', async ({ shell }) => {
  const demo = await shell.demoPond();
  const dirs = shell.dirs({ root: demo.root, configHome: path.join(demo.root, 'config') });
  const cli = async (args: string[]) => {
    const { stdout } = await run(process.execPath, [path.resolve('out/cli/pond.js'), ...args], { env: { ...dirs.env, PATH: process.env.PATH ?? '' } });
    return stdout;
  };
  let agentPid: number | undefined = undefined;
  shell.onCleanup(async () => {
    // Should the take-over fail, the agent must not outlive the test.
    if (agentPid !== undefined && fs.existsSync(`/proc/${agentPid}`)) process.kill(agentPid, 'SIGKILL');
  });
  const exported = await cli(['connect', 'demo', '--export']);
  const ports = [...exported.matchAll(/=127\.0\.0\.1:(\d+)$/gm)].map((m) => Number(m[1]));
  expect(ports).toHaveLength(2);
  agentPid = (JSON.parse(await cli(['agent', 'status', '--json'])) as { owner: { kind: string; pid: number } }).owner.pid;

  const app = await shell.launch(dirs, { args: ['--hidden'] });
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  expect(log(dirs)).toContain(`owner: took the forwards over from pond agent (pid ${agentPid}); reconnecting "demo"`);
  const status = JSON.parse(await cli(['status', '--json'])) as { owner: { kind: string }; forwards: Array<{ localAddress: string; state: string }> };
  expect(status.owner.kind).toBe('app');
  expect(status.forwards.map((f) => Number(f.localAddress.split(':')[1]))).toEqual(ports);
  expect(await greeting(ports[0]!)).toBe('api');

  expect(await cli(['disconnect', 'demo'])).toBe('pond "demo": stopped 2 forwards and removed its env and hosts files\n');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — not connected');
});

test('ponds switched to reconnect at start come back by themselves; the tray and one notification report it; a gone pond is reported once', async ({ shell }) => {
  const demo = await shell.demoPond();
  const dirs = shell.dirs({ root: demo.root, configHome: path.join(demo.root, 'config') });
  new SettingsStore(openConfBackend(dirs.userData)).set('restoreOnStart', ['demo', 'gone']);

  const app = await shell.launch(dirs, { args: ['--hidden'] });
  await expect.poll(() => trayLabels(app), SLOW).toContain('At start: demo reconnected · gone no longer exists');
  expect(await trayLabels(app)).toContain('demo — connected');
  await expect.poll(() => (fs.existsSync(envFile(dirs, 'demo')) ? fs.readFileSync(envFile(dirs, 'demo'), 'utf8') : ''), SLOW).toContain(`export CRABBOX_POND_WEB_${demo.web.port}=127.0.0.1:`);
  const notifications = (await app.state()).notifications;
  expect(notifications).toEqual([
    expect.objectContaining({ title: 'Pond gone did not come back at start', body: 'gone no longer exists; it will not be reconnected at start any more. Open Pond Desktop to see why and what to do.' }),
  ]);
  expect(new SettingsStore(openConfBackend(dirs.userData)).get('restoreOnStart')).toEqual(['demo']);
  expect(log(dirs)).toContain('restore: "demo" reconnected');
  // The window has loaded before the app quits (as in the other specs).
  await app.window();
  await app.clickMenu('Quit Pond Desktop');
  expect(await app.exited).toEqual({ code: 0, signal: null });

  const again = await shell.launch(dirs, { args: ['--hidden'] });
  await expect.poll(() => trayLabels(again), SLOW).toContain('At start: demo reconnected');
  expect(await trayLabels(again)).toContain('demo — connected');
  expect((await again.state()).notifications).toEqual([]);
});

test('the CLI chooses a local port for a forward the app holds: it moves at once and the app keeps it', async ({ shell }) => {
  const demo = await shell.demoPond();
  const { dirs, app } = await demoApp(shell, demo, ['--hidden']);
  await app.clickMenu('demo — not connected', 'Connect');
  await expect.poll(() => trayLabels(app), SLOW).toContain('demo — connected');
  const cli = async (args: string[]) => {
    const { stdout } = await run(process.execPath, [path.resolve('out/cli/pond.js'), ...args], { env: { ...dirs.env, PATH: process.env.PATH ?? '' } });
    return stdout;
  };
  const chosen = await freePort();
  expect(await cli(['ports', 'set', 'demo', `web:${demo.web.port}=${chosen}`])).toBe(`web:${demo.web.port} of pond "demo": chose 127.0.0.1:${chosen}; it listens there now\n`);
  expect(fs.readFileSync(envFile(dirs, 'demo'), 'utf8')).toContain(`export CRABBOX_POND_WEB_${demo.web.port}=127.0.0.1:${chosen}\n`);
  expect(await greeting(chosen)).toBe('web');
  const status = await meshStatus(app);
  expect(status.ponds[0]?.members.find((m) => m.member === 'web')?.forwards[0]?.localPort).toBe(chosen);
});
