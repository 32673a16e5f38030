/**
 * The main window: hardened web preferences (every webContents is also guarded app-wide,
 * web-guard.ts), shown once its page is ready unless the app started in the tray, and
 * hidden to the tray on close. Electron is passed in so this stays thin.
 */
import type { BrowserWindow as ElectronBrowserWindow } from 'electron';

export interface WindowDeps {
  BrowserWindow: typeof ElectronBrowserWindow;
  preloadPath: string;
  /** file:// URL of the built renderer, or the dev server URL. */
  rendererUrl: string;
  icon?: string;
  /** False for a login start: the window waits in the tray until asked for. */
  show: boolean;
  /** True once the app is quitting, so close really closes. */
  isQuitting: () => boolean;
}

/** web preferences from the security checklist; exported for the unit test. */
export function hardenedWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export function createMainWindow(deps: WindowDeps): ElectronBrowserWindow {
  const win = new deps.BrowserWindow({
    width: 1100,
    height: 760,
    // Small enough to keep beside other windows like a tray panel: the page lays itself out for 420 × 640.
    minWidth: 400,
    minHeight: 480,
    show: false,
    title: 'Pond Desktop',
    ...(deps.icon ? { icon: deps.icon } : {}),
    webPreferences: hardenedWebPreferences(deps.preloadPath),
  });
  if (deps.show) win.once('ready-to-show', () => showWindow(win));
  win.on('close', (event) => {
    if (!deps.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(deps.rendererUrl);
  return win;
}

export function showWindow(win: ElectronBrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
