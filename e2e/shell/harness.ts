/**
 * The shell harness: runs the real built desktop app (out/main/index.js) in Node, with the
 * stand-in `electron` (electron-standin.ts) in place of Electron, and backs its window
 * with a Playwright page in Chromium that loads the built renderer. The built preload runs
 * against stand-in contextBridge/ipcRenderer (preload-vm.ts) that reach the app's real
 * ipcMain handlers with the page's URL as the sender frame, so a click in the page goes
 * renderer → preload → IPC → engine → ssh2 and back as in Electron. No Electron binary.
 *
 * What stands in for Chromium-in-Electron on the page side:
 * - contextBridge: `window.<key>` gets one function per exposed function; a call crosses
 *   to the preload here and its promise comes back. Listener registrations (`on…`, whose
 *   result Electron returns synchronously) return their unsubscribe function at once.
 * - permissions: `navigator.clipboard` asks the app's session permission handlers exactly
 *   as Electron does (check, then request); a granted write lands on the stand-in
 *   clipboard, which is the system clipboard the tray writes to as well.
 * - navigation and window.open go to the app's will-navigate listeners and window-open
 *   handler; what they refuse does not happen.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { eventNames, listenerName } from '../../src/contract/index';
import type { FromApp, Operation, StandInState, ToApp } from './protocol';
import { runPreload, type LoadedPreload } from './preload-vm';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(ROOT, 'out/main/index.js');
const REGISTER = path.join(import.meta.dirname, 'register.ts');
const LISTENERS = new Set<string>(eventNames.map((event) => listenerName(event)));

export interface ShellOptions {
  browser: Browser;
  /** The app's whole environment (HOME and XDG_* in temp dirs); PATH is added. */
  env: Record<string, string>;
  args?: string[];
}

export interface ShellApp {
  readonly child: ChildProcess;
  /** What the app printed (its log lines go to standard error too). */
  output(): string;
  state(): Promise<StandInState>;
  perform(operation: Operation): Promise<unknown>;
  clickMenu(...labels: string[]): Promise<void>;
  /** The main window's page, once the app loaded it and its preload ran. */
  window(): Promise<Page>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the app if it still runs and closes its pages. */
  dispose(): Promise<void>;
}

type PageWindow = {
  __pondCallback(id: number, args: unknown[]): void;
};

/** Installed in the page before its scripts run; the functions it calls are exposed by the harness. */
function pageBridge(spec: { apis: Array<{ key: string; functions: string[]; listeners: string[] }> }) {
  type Bridge = {
    __pondCall(key: string, name: string, args: unknown[]): Promise<unknown>;
    __pondSubscribe(key: string, name: string, callback: number): Promise<number>;
    __pondRelease(handle: number): Promise<void>;
    __pondPermission(permission: string): Promise<boolean>;
    __pondClipboardWrite(text: string): Promise<void>;
    __pondClipboardRead(): Promise<string>;
    __pondWindowOpen(url: string): Promise<void>;
    __pondCallback(id: number, args: unknown[]): void;
  };
  const page = globalThis as unknown as Bridge & Record<string, unknown>;
  const callbacks = new Map<number, (...args: unknown[]) => void>();
  let next = 1;
  page.__pondCallback = (id, args) => callbacks.get(id)?.(...args);
  for (const api of spec.apis) {
    const exposed: Record<string, unknown> = {};
    for (const name of api.functions) exposed[name] = (...args: unknown[]) => page.__pondCall(api.key, name, args);
    for (const name of api.listeners) {
      exposed[name] = (listener: (...args: unknown[]) => void) => {
        const id = next++;
        callbacks.set(id, listener);
        const handle = page.__pondSubscribe(api.key, name, id);
        return () => {
          callbacks.delete(id);
          void handle.then((h) => page.__pondRelease(h));
        };
      };
    }
    Object.defineProperty(globalThis, api.key, { value: Object.freeze(exposed), writable: false, configurable: false });
  }
  const denied = (what: string) => new DOMException(`${what} permission denied.`, 'NotAllowedError');
  const clipboard = {
    async writeText(text: string) {
      if (!(await page.__pondPermission('clipboard-sanitized-write'))) throw denied('Write');
      await page.__pondClipboardWrite(String(text));
    },
    async readText() {
      if (!(await page.__pondPermission('clipboard-read'))) throw denied('Read');
      return page.__pondClipboardRead();
    },
  };
  Object.defineProperty(Object.getPrototypeOf(navigator), 'clipboard', { get: () => clipboard, configurable: true });
  page.open = (url: unknown) => {
    void page.__pondWindowOpen(String(url));
    return null;
  };
}

export async function launchShell(options: ShellOptions): Promise<ShellApp> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const child = fork(MAIN, options.args ?? [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', REGISTER],
    env: { PATH: process.env.PATH ?? '', ...options.env },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  void exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`the app exited; its output:\n${output}`));
    pending.clear();
  });
  const perform = (operation: Operation): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`the app is not running; its output:\n${output}`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ kind: 'op', id, operation } satisfies ToApp);
    });

  const preloads = new Map<number, LoadedPreload>();
  const pages: Page[] = [];
  let context: BrowserContext | undefined;
  let firstWindow: (page: Page) => void = () => {};
  const windowPage = new Promise<Page>((resolve) => (firstWindow = resolve));

  const load = async (message: Extract<FromApp, { kind: 'load' }>) => {
    context ??= await options.browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    pages.push(page);
    const { webContentsId } = message;
    const preload = runPreload(message.preload, async (channel, args) => {
      try {
        return await perform({ op: 'invoke', webContentsId, frameUrl: page.url(), channel, args });
      } catch (error) {
        throw new Error(`Error invoking remote method '${channel}': Error: ${(error as Error).message}`, { cause: error });
      }
    });
    preloads.set(webContentsId, preload);

    const handles = new Map<number, () => void>();
    let nextHandle = 1;
    let deliveries = Promise.resolve();
    const api = (key: string) => preload.exposed.get(key) as Record<string, (...args: unknown[]) => unknown>;
    await page.exposeFunction('__pondCall', (key: string, name: string, args: unknown[]) => api(key)[name]!(...args));
    await page.exposeFunction('__pondSubscribe', (key: string, name: string, callback: number) => {
      const off = api(key)[name]!((...args: unknown[]) => {
        deliveries = deliveries
          .then(() => page.evaluate(([id, values]) => (globalThis as unknown as PageWindow).__pondCallback(id, values), [callback, args] as const))
          .catch(() => {});
      }) as () => void;
      const handle = nextHandle++;
      handles.set(handle, off);
      return handle;
    });
    await page.exposeFunction('__pondRelease', (handle: number) => {
      handles.get(handle)?.();
      handles.delete(handle);
    });
    await page.exposeFunction('__pondPermission', (permission: string) => perform({ op: 'permission', webContentsId, permission, requestingUrl: page.url() }));
    await page.exposeFunction('__pondClipboardWrite', (text: string) => perform({ op: 'writeClipboard', text }));
    await page.exposeFunction('__pondClipboardRead', async () => (await perform({ op: 'state' }) as StandInState).clipboard);
    await page.exposeFunction('__pondWindowOpen', (url: string) => perform({ op: 'windowOpen', webContentsId, url }));
    const apis = [...preload.exposed.entries()].map(([key, value]) => {
      const names = Object.keys(value as object);
      return { key, functions: names.filter((n) => !LISTENERS.has(n)), listeners: names.filter((n) => LISTENERS.has(n)) };
    });
    await page.addInitScript(pageBridge, { apis });
    await page.route(
      (url) => url.protocol !== 'file:',
      async (route) => {
        const request = route.request();
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
          const prevented = await perform({ op: 'navigate', webContentsId, url: request.url() });
          if (prevented) return route.abort('aborted');
        }
        return route.continue();
      },
    );
    await page.goto(message.url);
    await perform({ op: 'loaded', windowId: message.windowId });
    firstWindow(page);
  };

  child.on('message', (message: FromApp) => {
    switch (message.kind) {
      case 'reply': {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiting?.resolve(message.value);
        else waiting?.reject(new Error(message.error));
        return;
      }
      case 'load':
        void load(message).catch((error: Error) => {
          output += `\nharness: loading the window failed: ${error.stack ?? error.message}\n`;
        });
        return;
      case 'send':
        preloads.get(message.webContentsId)?.deliver(message.channel, message.args);
        return;
    }
  });

  return {
    child,
    output: () => output,
    state: async () => (await perform({ op: 'state' })) as StandInState,
    perform,
    clickMenu: async (...labels) => void (await perform({ op: 'clickMenu', labels })),
    window: () => windowPage,
    exited,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await context?.close();
    },
  };
}
