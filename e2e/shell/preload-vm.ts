/**
 * Runs the built preload (out/preload/index.cjs) as Electron's sandboxed preload would run
 * it: in a context of its own, where `require` gives only `electron`, whose contextBridge
 * and ipcRenderer are stand-ins. ipcRenderer.invoke goes to the app's real ipcMain
 * handlers (through `invoke`); events the app sends arrive through `deliver`.
 */
import fs from 'node:fs';
import vm from 'node:vm';

type Listener = (event: unknown, ...args: unknown[]) => void;

export interface LoadedPreload {
  /** What the preload exposed with contextBridge.exposeInMainWorld, by key. */
  exposed: Map<string, unknown>;
  /** An event the app sent to this webContents (`webContents.send`). */
  deliver(channel: string, args: unknown[]): void;
}

export function runPreload(file: string, invoke: (channel: string, args: unknown[]) => Promise<unknown>): LoadedPreload {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => invoke(channel, args),
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
      exposed.set(key, api);
    },
  };
  const sandboxRequire = (id: string) => {
    if (id === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`module not found: ${id} (a sandboxed preload can require only electron)`);
  };
  const module = { exports: {} };
  const context = vm.createContext({ console, setTimeout, clearTimeout, queueMicrotask, URL, TextEncoder, TextDecoder });
  const wrapped = vm.runInContext(`(function (require, module, exports) {${fs.readFileSync(file, 'utf8')}\n})`, context, { filename: file }) as (
    require: typeof sandboxRequire,
    module: { exports: unknown },
    exports: unknown,
  ) => void;
  wrapped(sandboxRequire, module, module.exports);
  return {
    exposed,
    deliver(channel, args) {
      for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: ipcRenderer }, ...args);
    },
  };
}
