/**
 * The Electron shell, wired: the log, the app-wide guards, the settings, the engine, IPC,
 * the window, the tray, notifications, sleep and quit. Electron's modules are passed in
 * (main.ts imports them), so this file holds wiring only and every decision lives in a
 * unit-tested module beside it. Run with a stand-in `electron` by e2e/shell/.
 */
import path from 'node:path';
import type * as Electron from 'electron';
import { controlEndpoint } from '../agent/endpoint';
import { createEngine, ownerIdentity, settingsFilePath, type Engine } from '../api/engine';
import type { Logger } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { localClient } from '../api/local-client';
import { processPathEnv, userConfigDir } from '../lib/paths';
import { EventLogLines } from './event-log';
import { bindIpc, forwardEvents } from './ipc';
import { rendererUrl, startsHidden } from './launch';
import { openAppLog, type AppLog } from './log';
import { becomeOwner } from './ownership';
import { launchCommand, loginItemFor } from './login-item';
import { NotificationPolicy, showNotification, type PondNotice } from './notifications';
import { stopWithin } from './quit';
import { resourcesDir } from './resources';
import { restoreLine, restoreNotice, StartupRestore } from './restore';
import { openSettings, safeStorageBox } from './settings';
import { openSettingsRecovering, settingsProblemText } from './settings-recovery';
import { bindTray, trayIconFile, type TrayAction } from './tray';
import { actionTitle, runTrayAction } from './tray-actions';
import { trayState } from './tray-state';
import { guardApp, guardPermissions } from './web-guard';
import { createMainWindow, showWindow } from './windows';

export interface ShellElectron {
  app: Electron.App;
  BrowserWindow: typeof Electron.BrowserWindow;
  Menu: typeof Electron.Menu;
  Notification: typeof Electron.Notification;
  Tray: typeof Electron.Tray;
  clipboard: Pick<Electron.Clipboard, 'writeText'>;
  dialog: Pick<Electron.Dialog, 'showMessageBox' | 'showErrorBox'>;
  ipcMain: Electron.IpcMain;
  nativeImage: Pick<typeof Electron.nativeImage, 'createFromPath'>;
  powerMonitor: Pick<Electron.PowerMonitor, 'on'>;
  session: Pick<typeof Electron.session, 'defaultSession'>;
  shell: Pick<Electron.Shell, 'openExternal' | 'openPath'>;
}

export interface ShellProcess {
  /** The folder of the built main bundle (out/main). */
  here: string;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  execPath: string;
  resourcesPath: string;
}

/** The tray refreshes at most this often; health events can arrive many times a second. */
const TRAY_REFRESH_MS = 500;
/** How long ponds reconnected at start get for their members' first tries before the report. */
const RESTORE_SETTLE_MS = 30_000;

export function runShell(electron: ShellElectron, proc: ShellProcess): void {
  const { app } = electron;
  app.setAppLogsPath();
  let engine: Engine | undefined;
  const appLog = openAppLog({ dir: app.getPath('logs'), secrets: () => engine?.secretValues() ?? [], console: true });
  const log: Logger = Object.assign((message: string) => appLog.info(message), { location: appLog.file });
  const hidden = startsHidden(proc.argv, proc.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  log(`start: Pond Desktop ${app.getVersion()} on ${proc.platform}, ${hidden ? 'at login: staying in the tray' : 'started by hand'}; log ${appLog.file}`);
  process.on('unhandledRejection', (reason) => appLog.error('unexpected failure', reason));

  const renderer = rendererUrl({ isPackaged: app.isPackaged, override: proc.env.ELECTRON_RENDERER_URL, builtPage: path.join(proc.here, '../renderer/index.html') });
  guardApp(app, renderer, (message) => appLog.warn(`guard: ${message}`));

  let win: Electron.BrowserWindow | undefined;
  let quitting = false;
  app.on('second-instance', () => {
    log('started again: bringing the window forward');
    if (win) showWindow(win);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // A tray app keeps running with every window closed.
  app.on('window-all-closed', () => {});

  void app
    .whenReady()
    .then(() => {
      const started = startEngine(electron, proc, { appLog, log, renderer, hidden, isQuitting: () => quitting });
      engine = started.engine;
      win = started.win;
      return started.running;
    })
    .catch((error: unknown) => {
      appLog.error('start-up failed', error);
      electron.dialog.showErrorBox(
        'Pond Desktop could not start',
        `${(error as Error).message}\n\nThe log has the details: ${appLog.file}. Pond Desktop will quit now; start it again once this is fixed.`,
      );
      app.exit(1);
    });
}

interface StartContext {
  appLog: AppLog;
  log: Logger;
  renderer: string;
  hidden: boolean;
  isQuitting: () => boolean;
}

function startEngine(electron: ShellElectron, proc: ShellProcess, ctx: StartContext) {
  const { app, dialog } = electron;
  const { appLog, log } = ctx;
  guardPermissions(electron.session.defaultSession, ctx.renderer, (message) => appLog.warn(`permissions: ${message}`));

  const userDataDir = app.getPath('userData');
  const { settings, problem } = openSettingsRecovering(settingsFilePath(userDataDir), () => openSettings(userDataDir), () => new Date());
  const pathEnv = processPathEnv();
  const endpoint = controlEndpoint(pathEnv);
  const engine = createEngine({
    app: { name: 'Pond Desktop', version: app.getVersion() },
    pathEnv,
    userDataDir,
    settings,
    secrets: safeStorageBox,
    openExternal: (url) => electron.shell.openExternal(url),
    log,
    owner: { identity: ownerIdentity('app', endpoint.path) },
  });
  const handlers = createHandlers(engine);
  const ipc = bindIpc(electron.ipcMain, handlers, ctx.renderer, log);
  const resources = resourcesDir({ isPackaged: app.isPackaged, resourcesPath: proc.resourcesPath, appDir: path.join(proc.here, '../..') });

  const win = createMainWindow({
    BrowserWindow: electron.BrowserWindow,
    preloadPath: path.join(proc.here, '../preload/index.cjs'),
    rendererUrl: ctx.renderer,
    icon: path.join(resources, 'icon.png'),
    show: !ctx.hidden || problem !== null,
    isQuitting: ctx.isQuitting,
  });
  const showAt = (nav?: { view: string; pond?: string }) => {
    showWindow(win);
    if (nav) engine.bus.emit('app:navigate', nav);
  };
  if (problem) {
    const text = settingsProblemText(problem);
    appLog.error(`settings: ${problem.file} could not be read (${problem.cause}); moved to ${problem.movedTo}, started with defaults`);
    void dialog.showMessageBox({ type: 'warning', title: 'Pond Desktop', message: text.message, detail: text.detail, buttons: ['OK'] });
  }

  const call = localClient(handlers, new AbortController().signal, log);
  const restore = new StartupRestore({
    call,
    onHealth: (listener) => engine.bus.subscribe((event) => event === 'mesh:health' && listener()),
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    settleMs: RESTORE_SETTLE_MS,
    log,
  });
  const stopForwarding = forwardEvents(engine.bus, () => (win.isDestroyed() ? [] : [win.webContents]));
  const eventLog = new EventLogLines(() => Date.now());
  const policy = new NotificationPolicy();
  const notificationsOn = () => {
    try {
      return engine.settings.get('notifications');
    } catch {
      return true;
    }
  };
  const stopReacting = engine.bus.subscribe((event, payload) => {
    const line = eventLog.lineFor(event, payload);
    if (line) appLog[line.level](line.text);
    // A prompt in a hidden window would leave a tray Connect waiting with no sign.
    if (event === 'mesh:passphraseRequest') showWindow(win);
    if (event === 'mesh:connection') {
      const notice = policy.decide(payload as Parameters<NotificationPolicy['decide']>[0]);
      // A pond being reconnected at start is reported once, with the others, when that is done.
      if (notice && !restore.restoring(notice.pond)) notify(notice);
    }
  });
  function notify(notice: PondNotice) {
    if (!notificationsOn()) return;
    log(`notification: ${notice.title}: ${notice.body}`);
    showNotification(electron.Notification, notice, () => showAt({ view: 'ponds', pond: notice.pond }));
  }

  const loginItem = loginItemFor(proc.platform, app, {
    autostartDir: path.join(userConfigDir(pathEnv), 'autostart'),
    command: launchCommand({ isPackaged: app.isPackaged, execPath: proc.execPath, appPath: app.getAppPath(), appImage: proc.env.APPIMAGE }),
  });
  const reportTrayError = (action: TrayAction, error: Error) => {
    appLog.error(`tray: ${actionTitle(action)} failed`, error);
    if (win.isVisible()) {
      engine.bus.emit('app:notice', { level: 'error', message: `${actionTitle(action)} failed: ${error.message}`, at: new Date().toISOString() });
      showWindow(win);
      return;
    }
    void dialog.showMessageBox({
      type: 'error',
      title: 'Pond Desktop',
      message: `${actionTitle(action)} failed`,
      detail: `${error.message}\n\nThe log has the details: ${appLog.file}`,
      buttons: ['OK'],
    });
  };
  const onAction = (action: TrayAction) => {
    log(`tray: ${actionTitle(action)}`);
    runTrayAction(action, {
      call,
      clipboard: electron.clipboard,
      showWindow: showAt,
      setStartAtLogin: (enabled) => loginItem.setEnabled(enabled),
      setNotifications: (enabled) => engine.settings.set('notifications', enabled),
      openLogFolder: async () => {
        const failure = await electron.shell.openPath(path.dirname(appLog.file));
        if (failure) throw new Error(`${path.dirname(appLog.file)} could not be opened: ${failure}`);
      },
      quit: () => app.quit(),
      refresh: () => refreshTray(),
    }).catch((error: Error) => reportTrayError(action, error));
  };
  const tray = bindTray(
    {
      Tray: electron.Tray,
      Menu: electron.Menu,
      platform: proc.platform,
      icon: (status) => electron.nativeImage.createFromPath(path.join(resources, trayIconFile(proc.platform, status))),
    },
    onAction,
  );
  const trayApp = () => {
    const line = restoreLine(restore.state);
    return { version: app.getVersion(), startAtLogin: loginItem.isEnabled(), notifications: notificationsOn(), ...(line !== null ? { restore: line } : {}) };
  };
  let trayTimer: NodeJS.Timeout | undefined;
  function refreshTray() {
    trayTimer ??= setTimeout(() => {
      trayTimer = undefined;
      void trayState(handlers, trayApp()).then((state) => tray.update(state));
    }, TRAY_REFRESH_MS);
  }
  refreshTray();
  const stopTrayRefresh = engine.bus.subscribe(refreshTray);

  electron.powerMonitor.on('resume', () => {
    log('the computer woke up: reconnecting members that gave up or wait to retry');
    engine.mesh.wake();
  });

  // Registered before the engine starts, so quitting early still closes every session.
  let stopping = false;
  app.on('will-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    log('quit: closing every session and removing env files');
    stopTrayRefresh();
    stopReacting();
    clearTimeout(trayTimer);
    stopForwarding();
    ipc.dispose();
    tray.destroy();
    void stopWithin(async () => {
      await engine.stop();
      await (await ownership).server?.close();
    }).then((outcome) => {
      if (outcome === 'stopped') log('quit: done');
      else appLog.warn(outcome === 'failed' ? 'quit: closing failed; quitting anyway' : 'quit: sessions did not close in time; quitting anyway');
      app.exit(0);
    });
  });

  // Before the engine starts connecting: a headless owner hands its ponds over and frees their ports first.
  const ownership = becomeOwner(endpoint, handlers, engine.bus, log);
  const running = ownership
    .then(async ({ handedOver }) => {
      await engine.start();
      for (const line of await engine.sweepStaleFiles()) log(line);
      for (const pond of handedOver) await call('mesh:connect', { pond }).catch((error: Error) => log(`owner: reconnecting "${pond}" failed: ${error.message}`));
      // In the background: the ponds switched to reconnect when Pond Desktop starts.
      void restoreAtStart(handedOver);
    })
    .then(
    () => log(`ready: settings ${engine.paths.settingsFile}, crabbox claims ${engine.paths.crabboxClaims}`),
    (error: unknown) => {
      appLog.error('the engine could not start', error);
      showWindow(win);
      void dialog.showMessageBox({
        type: 'error',
        title: 'Pond Desktop',
        message: 'Pond Desktop started, but could not read its ponds',
        detail: `${(error as Error).message}\n\nThe log has the details: ${appLog.file}`,
        buttons: ['OK'],
      });
    },
  );
  async function restoreAtStart(handedOver: readonly string[]) {
    let ponds: string[];
    try {
      ponds = engine.settings.get('restoreOnStart').filter((pond) => !handedOver.includes(pond));
    } catch (error) {
      appLog.error('restore: the ponds to reconnect cannot be read', error);
      return;
    }
    const done = restore.run(ponds);
    refreshTray();
    const outcomes = await done.catch((error: unknown) => {
      appLog.error('restore: reconnecting at start failed', error);
      return [];
    });
    refreshTray();
    const notice = restoreNotice(outcomes);
    if (notice && !stopping) notify(notice);
  }

  return { engine, win, running };
}
