/**
 * Electron entry: single-instance lock, the engine, IPC, the tray and the window.
 * Everything here is wiring; behaviour lives in the engine and the pure modules.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, nativeImage, shell, Tray } from 'electron';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { createEngine } from '../api/engine';
import { bindIpc, forwardEvents } from './ipc';
import { processPathEnv } from '../lib/paths';
import { resourcesDir } from './resources';
import { openSettings, safeStorageBox } from './settings';
import { trayState } from './tray-state';
import { bindTray, trayActionCall, type TrayAction, type TrayStatus } from './tray';
import { createMainWindow, showWindow } from './windows';

const here = path.dirname(fileURLToPath(import.meta.url));
const resources = resourcesDir({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appDir: path.join(here, '../..') });

function log(message: string): void {
  console.error(`[pond] ${message}`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let quitting = false;
  let win: BrowserWindow | undefined;

  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(here, '../renderer/index.html')).href;

  app.on('second-instance', () => {
    if (win) showWindow(win);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // A tray app keeps running with every window closed.
  app.on('window-all-closed', () => {});

  void app.whenReady().then(async () => {
    const userDataDir = app.getPath('userData');
    const engine = createEngine({
      app: { name: 'Pond Desktop', version: app.getVersion() },
      pathEnv: processPathEnv(),
      userDataDir,
      settings: openSettings(userDataDir),
      secrets: safeStorageBox,
      openExternal: (url) => shell.openExternal(url),
      log,
    });
    const handlers = createHandlers(engine);
    const ipc = bindIpc(ipcMain, handlers, rendererUrl, log);

    win = createMainWindow({
      BrowserWindow,
      preloadPath: path.join(here, '../preload/index.cjs'),
      rendererUrl,
      icon: path.join(resources, 'icon.png'),
      isQuitting: () => quitting,
    });
    const stopEvents = forwardEvents(engine.bus, () => (win && !win.isDestroyed() ? [win.webContents] : []));

    const icon = (status: TrayStatus) => nativeImage.createFromPath(path.join(resources, `tray-${status}.png`));
    const icons = { idle: icon('idle'), ok: icon('ok'), degraded: icon('degraded'), failed: icon('failed') };
    const onAction = (action: TrayAction) => {
      void trayAction(action).catch((error: Error) => log(`tray: ${error.message}`));
    };
    const trayAction = async (action: TrayAction) => {
      switch (action.kind) {
        case 'open':
          if (win) showWindow(win);
          return;
        case 'quit':
          app.quit();
          return;
        case 'release':
          // Release needs the window's confirmation dialog, even from the tray.
          if (win) showWindow(win);
          engine.bus.emit('app:navigate', { view: 'release', pond: action.pond });
          return;
        default: {
          const [channel, input] = trayActionCall(action);
          const envelope = await dispatch(handlers, channel, input, { transport: 'ipc', signal: new AbortController().signal }, log);
          if ('error' in envelope) {
            log(`tray: ${channel}: ${envelope.error.message}`);
            engine.bus.emit('app:notice', { level: 'error', message: envelope.error.message, at: new Date().toISOString() });
          }
        }
      }
    };
    const tray = bindTray({ Tray, Menu }, icons, onAction);
    // Health events can arrive many times a second; the menu is rebuilt at most twice a second.
    let trayTimer: NodeJS.Timeout | undefined;
    const refreshTray = () => {
      trayTimer ??= setTimeout(() => {
        trayTimer = undefined;
        void trayState(handlers).then((state) => tray.update(state));
      }, 500);
    };
    refreshTray();
    const stopTrayRefresh = engine.bus.subscribe(refreshTray);

    // Registered before start-up finishes, so quitting early still closes every session.
    app.on('will-quit', (event) => {
      event.preventDefault();
      stopTrayRefresh();
      clearTimeout(trayTimer);
      stopEvents();
      ipc.dispose();
      tray.destroy();
      void engine.stop().finally(() => app.exit(0));
    });

    await engine.start();
  });
}
