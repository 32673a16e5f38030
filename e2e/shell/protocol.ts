/**
 * The messages between the shell harness (the Playwright process: the window's page and its
 * preload) and the stand-in `electron` inside the app's process. They travel over Node's
 * IPC channel of the forked app, structured-cloned like Electron's own IPC.
 */

/** A menu item as the app built it, without its click function. */
export interface RecordedMenuItem {
  label: string;
  type: string;
  enabled: boolean;
  checked: boolean;
  submenu?: RecordedMenuItem[];
}

export interface RecordedWindow {
  id: number;
  webContentsId: number;
  url: string;
  visible: boolean;
  /** How often the app showed or focused it (brought it forward). */
  shows: number;
  focuses: number;
  destroyed: boolean;
}

/** Everything the app did with Electron that a test looks at. */
export interface StandInState {
  ready: boolean;
  tray: { image: string; tooltip: string; menu: RecordedMenuItem[]; menuBuilds: number; popUps: number; destroyed: boolean; clickListeners: number } | null;
  windows: RecordedWindow[];
  clipboard: string;
  notifications: Array<{ title: string; body: string }>;
  dialogs: Array<{ kind: 'messageBox' | 'errorBox'; type?: string; message: string; detail?: string }>;
  permissions: Array<{ permission: string; url: string; granted: boolean; asked: 'check' | 'check+request' }>;
  loginItem: { openAtLogin: boolean; args: string[] };
  openedPaths: string[];
  openedUrls: string[];
  secondInstances: string[][];
  appListeners: Record<string, number>;
  powerMonitorListeners: Record<string, number>;
}

export type Operation =
  | { op: 'state' }
  | { op: 'clickMenu'; labels: string[] }
  | { op: 'clickTray' }
  | { op: 'powerMonitor'; event: string }
  | { op: 'clickNotification'; index: number }
  | { op: 'loaded'; windowId: number }
  | { op: 'closeWindow'; windowId: number }
  | { op: 'invoke'; webContentsId: number; frameUrl: string; channel: string; args: unknown[] }
  | { op: 'permission'; webContentsId: number; permission: string; requestingUrl: string }
  | { op: 'navigate'; webContentsId: number; url: string }
  | { op: 'windowOpen'; webContentsId: number; url: string }
  | { op: 'writeClipboard'; text: string }
  | { op: 'quit' };

export type ToApp = { kind: 'op'; id: number; operation: Operation };

export type FromApp =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'load'; windowId: number; webContentsId: number; url: string; preload: string }
  | { kind: 'send'; webContentsId: number; channel: string; args: unknown[] };
