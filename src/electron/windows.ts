/**
 * The main window: hardened per Electron's security checklist, starts hidden, opens from
 * the tray and hides to the tray on close. Electron is passed in so this stays thin.
 */
import type { BrowserWindow as ElectronBrowserWindow, Session, WebContents } from 'electron';

export interface WindowDeps {
  BrowserWindow: typeof ElectronBrowserWindow;
  preloadPath: string;
  /** file:// URL of the built renderer, or the dev server URL. */
  rendererUrl: string;
  icon?: string;
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

/** Denies every permission request and permission check (camera, notifications, …). */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** No navigation away from the app and no new windows; links go through `app:openExternal`. */
export function lockNavigation(contents: WebContents, rendererUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(deps: WindowDeps): ElectronBrowserWindow {
  const win = new deps.BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Pond Desktop',
    ...(deps.icon ? { icon: deps.icon } : {}),
    webPreferences: hardenedWebPreferences(deps.preloadPath),
  });
  denyPermissions(win.webContents.session);
  lockNavigation(win.webContents, deps.rendererUrl);
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
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
