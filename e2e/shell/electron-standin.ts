/**
 * A stand-in for the `electron` module, loaded in place of it (register.ts) when the shell
 * harness runs the built app in Node. It behaves as Electron documents for what the app
 * uses and records everything a test looks at; the harness drives it over the IPC channel
 * of the forked process (protocol.ts). Windows are backed by Playwright pages in the
 * harness: loading a URL here asks the harness to load it there.
 *
 * Modelled on Electron 45: app life cycle (ready, before-quit, window close, will-quit,
 * quit, exit), the single-instance lock (a lock file and a socket in userData, as
 * Chromium keeps them), BrowserWindow and webContents (web-contents-created, ready-to-show,
 * close, will-navigate, the window-open handler), session permission handlers (a check,
 * then a request when the check says no; no handler means allowed), Tray and Menu
 * (checkbox items flip before their click), Notification, clipboard, dialog,
 * powerMonitor, safeStorage (Linux without a keyring: `basic_text`), shell and nativeImage.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FromApp, Operation, RecordedMenuItem, StandInState, ToApp } from './protocol';

function send(message: FromApp): void {
  process.send?.(message);
}

const appDir = path.resolve(path.dirname(process.argv[1] ?? '.'), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { version: string; productName?: string; name: string };
const appName = pkg.productName ?? pkg.name;
// Electron always sets it: its resources folder, which holds ours when packaged.
(process as { resourcesPath?: string }).resourcesPath = appDir;

const records = {
  clipboard: '',
  notifications: [] as StandInState['notifications'],
  dialogs: [] as StandInState['dialogs'],
  permissions: [] as StandInState['permissions'],
  loginItem: { openAtLogin: false, args: [] as string[] },
  openedPaths: [] as string[],
  openedUrls: [] as string[],
  secondInstances: [] as string[][],
};

// ---- app

function configHome(): string {
  return process.env.XDG_CONFIG_HOME || path.join(process.env.HOME || os.homedir(), '.config');
}

class StandInEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

class App extends EventEmitter {
  readonly name = appName;
  readonly isPackaged = process.env.POND_STANDIN_PACKAGED === '1';
  private ready = false;
  private readonly readyPromise: Promise<void>;
  private logsPath: string | undefined;
  private quitting = false;
  /** Delivery of a second start's arguments to the first, which quit waits for. */
  private handOver: Promise<void> = Promise.resolve();

  constructor() {
    super();
    // Electron is ready once the main script has run its first turn.
    this.readyPromise = new Promise((resolve) =>
      setImmediate(() => {
        this.ready = true;
        this.emit('ready', new StandInEvent(), {});
        resolve();
      }),
    );
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.ready;
  }

  getName(): string {
    return this.name;
  }

  getVersion(): string {
    return pkg.version;
  }

  getAppPath(): string {
    return appDir;
  }

  setAppLogsPath(logsPath?: string): void {
    this.logsPath = logsPath ?? path.join(this.getPath('userData'), 'logs');
  }

  getPath(name: string): string {
    switch (name) {
      case 'home':
        return process.env.HOME || os.homedir();
      case 'appData':
        return configHome();
      case 'userData':
        return path.join(configHome(), appName);
      case 'logs':
        if (!this.logsPath) throw new Error("Failed to get 'logs' path: call app.setAppLogsPath() first");
        return this.logsPath;
      case 'temp':
        return os.tmpdir();
      case 'exe':
        return process.execPath;
      default:
        throw new Error(`the stand-in has no path ${name}`);
    }
  }

  requestSingleInstanceLock(): boolean {
    const dir = this.getPath('userData');
    fs.mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, 'SingletonLock');
    const socket = path.join(dir, 'SingletonSocket');
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(fs.readFileSync(lock, 'utf8'));
      if (isAlive(holder)) {
        this.handOver = handArgumentsTo(socket);
        return false;
      }
      fs.writeFileSync(lock, String(process.pid));
    }
    fs.rmSync(socket, { force: true });
    net
      .createServer((connection) => {
        let text = '';
        connection.on('data', (chunk) => (text += chunk));
        connection.on('end', () => {
          const { argv, cwd } = JSON.parse(text) as { argv: string[]; cwd: string };
          records.secondInstances.push(argv);
          this.emit('second-instance', new StandInEvent(), argv, cwd, {});
          connection.end();
        });
      })
      .listen(socket)
      .unref();
    process.on('exit', () => {
      fs.rmSync(lock, { force: true });
      fs.rmSync(socket, { force: true });
    });
    return true;
  }

  quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    void this.handOver.then(() => {
      const beforeQuit = new StandInEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return void (this.quitting = false);
      for (const win of BrowserWindow.getAllWindows()) {
        if (!win.close()) return void (this.quitting = false);
      }
      const willQuit = new StandInEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) return void (this.quitting = false);
      this.emit('quit', new StandInEvent(), 0);
      process.exit(0);
    });
  }

  exit(code = 0): void {
    process.exit(code);
  }

  setLoginItemSettings(settings: { openAtLogin?: boolean; args?: string[] }): void {
    records.loginItem = { openAtLogin: settings.openAtLogin ?? false, args: settings.args ?? [] };
  }

  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: records.loginItem.openAtLogin, wasOpenedAtLogin: false };
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function handArgumentsTo(socket: string): Promise<void> {
  return new Promise((resolve) => {
    const connection = net.connect(socket, () => connection.end(JSON.stringify({ argv: process.argv, cwd: process.cwd() })));
    connection.on('close', () => resolve());
    connection.on('error', () => resolve());
  });
}

export const app = new App();

// ---- session and webContents

type PermissionCheck = (contents: WebContents | null, permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean;
type PermissionRequest = (contents: WebContents, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void;

class Session {
  check: PermissionCheck | null = null;
  request: PermissionRequest | null = null;

  setPermissionCheckHandler(handler: PermissionCheck | null): void {
    this.check = handler;
  }

  setPermissionRequestHandler(handler: PermissionRequest | null): void {
    this.request = handler;
  }

  /** As Chromium asks: a check first, a request when the check says no; without handlers everything is allowed. */
  async decide(contents: WebContents, permission: string, requestingUrl: string): Promise<boolean> {
    const origin = new URL(requestingUrl).origin;
    const checked = this.check ? this.check(contents, permission, origin === 'null' ? 'file:///' : origin, { requestingUrl, isMainFrame: true }) : true;
    if (checked) {
      records.permissions.push({ permission, url: requestingUrl, granted: true, asked: 'check' });
      return true;
    }
    const request = this.request;
    const granted = request ? await new Promise<boolean>((resolve) => request(contents, permission, resolve, { requestingUrl, isMainFrame: true })) : true;
    records.permissions.push({ permission, url: requestingUrl, granted, asked: 'check+request' });
    return granted;
  }
}

const defaultSession = new Session();
export const session = { defaultSession };

let nextWebContentsId = 1;
const allContents = new Map<number, WebContents>();

type WindowOpenHandler = (details: { url: string; frameName: string; features: string; disposition: string }) => { action: 'allow' | 'deny' };

class WebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly session = defaultSession;
  url = '';
  destroyed = false;
  openHandler: WindowOpenHandler | null = null;

  constructor() {
    super();
    allContents.set(this.id, this);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    send({ kind: 'send', webContentsId: this.id, channel, args });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.openHandler = handler;
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  focus(): void {}
}

export const webContents = {
  getAllWebContents: () => [...allContents.values()].filter((c) => !c.destroyed),
  fromId: (id: number) => allContents.get(id),
};

// ---- BrowserWindow

let nextWindowId = 1;
const allWindows = new Map<number, BrowserWindow>();

export class BrowserWindow extends EventEmitter {
  readonly id = nextWindowId++;
  readonly webContents = new WebContents();
  visible = false;
  shows = 0;
  focuses = 0;
  destroyed = false;
  private loaded: (() => void) | null = null;

  static getAllWindows(): BrowserWindow[] {
    return [...allWindows.values()].filter((w) => !w.destroyed);
  }

  constructor(readonly options: { show?: boolean; webPreferences?: { preload?: string } } = {}) {
    super();
    allWindows.set(this.id, this);
    app.emit('web-contents-created', new StandInEvent(), this.webContents);
    app.emit('browser-window-created', new StandInEvent(), this);
    if (options.show !== false) this.show();
  }

  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    send({ kind: 'load', windowId: this.id, webContentsId: this.webContents.id, url, preload: this.options.webPreferences?.preload ?? '' });
    return new Promise((resolve) => (this.loaded = resolve));
  }

  /** The harness loaded the page and ran its preload. */
  didLoad(): void {
    this.webContents.emit('did-finish-load', new StandInEvent());
    this.emit('ready-to-show', new StandInEvent());
    this.loaded?.();
  }

  show(): void {
    this.visible = true;
    this.shows += 1;
    this.emit('show', new StandInEvent());
  }

  hide(): void {
    this.visible = false;
    this.emit('hide', new StandInEvent());
  }

  focus(): void {
    this.focuses += 1;
    this.emit('focus', new StandInEvent());
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Returns false when a close listener prevented it. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = new StandInEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed', new StandInEvent());
    this.emit('closed', new StandInEvent());
  }
}

// ---- ipcMain

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

class IpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new IpcMain();

// ---- menus and the tray

interface MenuItemOptions {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItemOptions[];
  click?: (item: MenuItem, window: BrowserWindow | undefined, event: unknown) => void;
}

class MenuItem {
  label: string;
  type: string;
  enabled: boolean;
  checked: boolean;
  submenu: Menu | undefined;
  click: MenuItemOptions['click'];

  constructor(options: MenuItemOptions) {
    this.label = options.label ?? '';
    this.submenu = options.submenu ? Menu.buildFromTemplate(options.submenu) : undefined;
    this.type = options.type ?? (this.submenu ? 'submenu' : 'normal');
    this.enabled = options.enabled ?? true;
    this.checked = options.checked ?? false;
    this.click = options.click;
  }
}

export class Menu {
  constructor(readonly items: MenuItem[]) {}

  static buildFromTemplate(template: MenuItemOptions[]): Menu {
    return new Menu(template.map((options) => new MenuItem(options)));
  }
}

function recordMenu(menu: Menu): RecordedMenuItem[] {
  return menu.items.map((item) => ({
    label: item.label,
    type: item.type,
    enabled: item.enabled,
    checked: item.checked,
    ...(item.submenu ? { submenu: recordMenu(item.submenu) } : {}),
  }));
}

interface StandInImage {
  path: string;
  isEmpty(): boolean;
}

/** The app's tray: the last one made. */
const trays: Tray[] = [];

export class Tray extends EventEmitter {
  image: string;
  tooltip = '';
  menu: Menu | null = null;
  menuBuilds = 0;
  popUps = 0;
  destroyed = false;

  constructor(image: StandInImage) {
    super();
    this.image = image.path;
    trays.push(this);
  }

  setImage(image: StandInImage): void {
    this.image = image.path;
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
    this.menuBuilds += 1;
  }

  popUpContextMenu(): void {
    this.popUps += 1;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

export const nativeImage = {
  createFromPath(file: string): StandInImage {
    return { path: file, isEmpty: () => !fs.existsSync(file) };
  },
};

// ---- the rest

export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }

  static shown: Notification[] = [];

  constructor(readonly options: { title?: string; body?: string } = {}) {
    super();
  }

  show(): void {
    Notification.shown.push(this);
    records.notifications.push({ title: this.options.title ?? '', body: this.options.body ?? '' });
  }
}

export const clipboard = {
  writeText: (text: string) => void (records.clipboard = text),
  readText: () => records.clipboard,
};

interface MessageBoxOptions {
  type?: string;
  message: string;
  detail?: string;
}

export const dialog = {
  showMessageBox(first: unknown, second?: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (second ?? first) as MessageBoxOptions;
    records.dialogs.push({ kind: 'messageBox', message: options.message, ...(options.type ? { type: options.type } : {}), ...(options.detail ? { detail: options.detail } : {}) });
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
  showErrorBox(title: string, content: string): void {
    records.dialogs.push({ kind: 'errorBox', message: title, detail: content });
  },
};

export const powerMonitor = new EventEmitter();

export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: (plain: string) => Buffer.from(`basic:${plain}`),
  decryptString: (cipher: Buffer) => cipher.toString().replace(/^basic:/, ''),
};

export const shell = {
  openExternal: (url: string) => {
    records.openedUrls.push(url);
    return Promise.resolve();
  },
  openPath: (file: string) => {
    records.openedPaths.push(file);
    return Promise.resolve('');
  },
  showItemInFolder: (file: string) => void records.openedPaths.push(file),
};

// ---- what the harness asks

function state(): StandInState {
  const theTray = trays.at(-1);
  return {
    ready: app.isReady(),
    tray: theTray ? {
      image: theTray.image,
      tooltip: theTray.tooltip,
      menu: theTray.menu ? recordMenu(theTray.menu) : [],
      menuBuilds: theTray.menuBuilds,
      popUps: theTray.popUps,
      destroyed: theTray.destroyed,
      clickListeners: theTray.listenerCount('click'),
    } : null,
    windows: [...allWindows.values()].map((w) => ({
      id: w.id,
      webContentsId: w.webContents.id,
      url: w.webContents.url,
      visible: w.visible,
      shows: w.shows,
      focuses: w.focuses,
      destroyed: w.destroyed,
    })),
    ...records,
    appListeners: Object.fromEntries(app.eventNames().map((name) => [String(name), app.listenerCount(name)])),
    powerMonitorListeners: Object.fromEntries(powerMonitor.eventNames().map((name) => [String(name), powerMonitor.listenerCount(name)])),
  };
}

function menuItem(labels: string[]): MenuItem {
  let items = trays.at(-1)?.menu?.items ?? [];
  let found: MenuItem | undefined;
  for (const label of labels) {
    found = items.find((item) => item.label === label);
    if (!found) throw new Error(`the tray menu has no item "${label}" (it has ${items.map((i) => JSON.stringify(i.label)).join(', ')})`);
    items = found.submenu?.items ?? [];
  }
  if (!found) throw new Error('no menu item named');
  return found;
}

function contentsOf(id: number): WebContents {
  const contents = allContents.get(id);
  if (!contents || contents.destroyed) throw new Error(`no live webContents ${id}`);
  return contents;
}

async function perform(operation: Operation): Promise<unknown> {
  switch (operation.op) {
    case 'state':
      return state();
    case 'clickMenu': {
      const item = menuItem(operation.labels);
      if (!item.enabled) throw new Error(`the tray menu item "${operation.labels.join(' > ')}" is disabled`);
      if (item.type === 'checkbox') item.checked = !item.checked;
      item.click?.(item, undefined, {});
      return null;
    }
    case 'clickTray':
      trays.at(-1)?.emit('click', new StandInEvent(), {});
      return null;
    case 'powerMonitor':
      powerMonitor.emit(operation.event);
      return null;
    case 'clickNotification':
      Notification.shown[operation.index]?.emit('click', new StandInEvent());
      return null;
    case 'loaded':
      allWindows.get(operation.windowId)?.didLoad();
      return null;
    case 'closeWindow':
      return allWindows.get(operation.windowId)?.close() ?? false;
    case 'invoke': {
      const handler = ipcMain.handlers.get(operation.channel);
      if (!handler) throw new Error(`No handler registered for '${operation.channel}'`);
      const sender = contentsOf(operation.webContentsId);
      return handler({ sender, senderFrame: { url: operation.frameUrl }, processId: process.pid, frameId: 1 }, ...operation.args);
    }
    case 'permission':
      return defaultSession.decide(contentsOf(operation.webContentsId), operation.permission, operation.requestingUrl);
    case 'navigate': {
      const event = new StandInEvent();
      contentsOf(operation.webContentsId).emit('will-navigate', event, operation.url);
      return event.defaultPrevented;
    }
    case 'windowOpen': {
      const handler = contentsOf(operation.webContentsId).openHandler;
      return handler ? handler({ url: operation.url, frameName: '', features: '', disposition: 'new-window' }).action : 'allow';
    }
    case 'writeClipboard':
      records.clipboard = operation.text;
      return null;
    case 'quit':
      app.quit();
      return null;
  }
}

process.on('message', (message: ToApp) => {
  if (message.kind !== 'op') return;
  perform(message.operation).then(
    (value) => send({ kind: 'reply', id: message.id, ok: true, value }),
    (error: Error) => send({ kind: 'reply', id: message.id, ok: false, error: error.message }),
  );
});

export default {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  safeStorage,
  session,
  shell,
  Tray,
  webContents,
};
