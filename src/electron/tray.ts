/**
 * The tray: a pure `trayMenu(state)` that turns the engine's state into a menu template
 * (unit-tested), and `bindTray` which renders it with Electron's Tray and Menu, only when
 * what it shows changed. Electron is imported for types only; the shell passes it in.
 *
 * Per platform: macOS shows template images (the states differ by shape, so they read in
 * light and dark menu bars) and opens the menu on click; Windows shows `.ico` files and
 * opens the menu on a left click too; on Linux (AppIndicator) clicks never reach the app,
 * so everything is in the menu.
 */
import type { Menu as ElectronMenu, MenuItemConstructorOptions, NativeImage, Tray as ElectronTray } from 'electron';
import { CONNECTION_WORDS, type ExportFormatShape, type PondConnection } from '../contract/index';

export interface TrayPond {
  name: string;
  members: number;
  connection: PondConnection;
  forwardsReady: number;
  forwardsTotal: number;
  /** Members that are not up, each as `web — gave up reconnecting`. */
  trouble: string[];
  /** A member failed or lost its connection, so Retry failed has something to do. */
  retryable: boolean;
}

export interface TrayState {
  ponds: TrayPond[];
  /** Set when the pond list could not be read; shown instead of hiding the problem. */
  problem?: string;
  /** How reconnecting ponds at start goes or went (restore.ts' restoreLine). */
  restore?: string;
  version: string;
  startAtLogin: boolean;
  notifications: boolean;
}

export type TrayAction =
  | { kind: 'open'; pond?: string }
  | { kind: 'connect'; pond: string }
  | { kind: 'disconnect'; pond: string }
  | { kind: 'retry'; pond: string }
  | { kind: 'copyExports'; pond: string; format: ExportFormatShape }
  | { kind: 'release'; pond: string }
  | { kind: 'disconnectAll' }
  | { kind: 'startAtLogin'; enabled: boolean }
  | { kind: 'notifications'; enabled: boolean }
  | { kind: 'openLogFolder' }
  | { kind: 'quit' };

/** The settings the menu shows as checkboxes; a click asks for the box's new state. */
export type TraySetting = 'startAtLogin' | 'notifications';

export type TrayItem =
  | { type: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { type: 'checkbox'; label: string; setting: TraySetting; checked: boolean }
  | { type: 'label'; label: string }
  | { type: 'submenu'; label: string; items: TrayItem[] }
  | { type: 'separator' };

export type TrayStatus = 'idle' | 'ok' | 'degraded' | 'failed';

/** One aggregate status for the icon: the worst pond wins. */
export function trayStatus(state: Pick<TrayState, 'ponds'>): TrayStatus {
  const connections = state.ponds.map((p) => p.connection);
  if (connections.includes('failed')) return 'failed';
  if (connections.includes('degraded') || connections.includes('connecting') || connections.includes('reconnecting')) return 'degraded';
  if (connections.includes('connected')) return 'ok';
  return 'idle';
}

/** The icon file of a status under resources/, per platform (resources/tray/, see scripts/icons.js). */
export function trayIconFile(platform: NodeJS.Platform, status: TrayStatus): string {
  if (platform === 'darwin') return `tray/${status}Template.png`;
  if (platform === 'win32') return `tray/${status}.ico`;
  return `tray/${status}.png`;
}

const STATUS_ORDER: PondConnection[] = ['connected', 'degraded', 'reconnecting', 'connecting', 'failed'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 ponds connected · 1 reconnecting`, in the words every face uses. */
export function statusLine(ponds: readonly TrayPond[]): string {
  if (ponds.length === 0) return 'No ponds found';
  const parts = STATUS_ORDER.flatMap((connection) => {
    const n = ponds.filter((p) => p.connection === connection).length;
    return n > 0 ? [{ n, word: CONNECTION_WORDS[connection] }] : [];
  });
  if (parts.length === 0) return `${plural(ponds.length, 'pond')}, ${CONNECTION_WORDS['not-connected']}`;
  return parts.map((part, i) => (i === 0 ? `${plural(part.n, 'pond')} ${part.word}` : `${part.n} ${part.word}`)).join(' · ');
}

export function trayTooltip(state: Pick<TrayState, 'ponds' | 'problem'>): string {
  if (state.problem) return `Pond Desktop — ${state.problem}`;
  const active = state.ponds.filter((p) => p.connection !== 'not-connected');
  const line = statusLine(state.ponds);
  if (active.length === 0) return `Pond Desktop — ${line}`;
  const ready = active.reduce((n, p) => n + p.forwardsReady, 0);
  const total = active.reduce((n, p) => n + p.forwardsTotal, 0);
  return `Pond Desktop — ${line} · ${ready}/${total} forwards up`;
}

const OTHER_FORMATS: Array<{ format: ExportFormatShape; label: string }> = [
  { format: 'fish', label: 'fish' },
  { format: 'powershell', label: 'PowerShell' },
  { format: 'dotenv', label: '.env' },
  { format: 'json', label: 'JSON' },
];

function pondItems(pond: TrayPond): TrayItem[] {
  const active = pond.connection !== 'not-connected';
  const name = pond.name;
  const summary = active ? `${plural(pond.members, 'member')} · ${pond.forwardsReady}/${pond.forwardsTotal} forwards up` : plural(pond.members, 'member');
  const canCopy = pond.forwardsReady > 0;
  return [
    { type: 'label', label: summary },
    ...pond.trouble.map((line): TrayItem => ({ type: 'label', label: line })),
    { type: 'separator' },
    active
      ? { type: 'action', label: 'Disconnect', action: { kind: 'disconnect', pond: name }, enabled: true }
      : { type: 'action', label: 'Connect', action: { kind: 'connect', pond: name }, enabled: pond.members > 0 },
    { type: 'action', label: 'Retry failed', action: { kind: 'retry', pond: name }, enabled: pond.retryable },
    { type: 'action', label: 'Copy exports (sh)', action: { kind: 'copyExports', pond: name, format: 'sh' }, enabled: canCopy },
    {
      type: 'submenu',
      label: 'Copy exports as',
      items: OTHER_FORMATS.map(({ format, label }) => ({ type: 'action', label, action: { kind: 'copyExports', pond: name, format }, enabled: canCopy })),
    },
    { type: 'action', label: 'Open', action: { kind: 'open', pond: name }, enabled: true },
    { type: 'separator' },
    { type: 'action', label: 'Release pond…', action: { kind: 'release', pond: name }, enabled: pond.members > 0 },
  ];
}

export function trayMenu(state: TrayState): TrayItem[] {
  const items: TrayItem[] = [{ type: 'label', label: statusLine(state.ponds) }];
  if (state.restore) items.push({ type: 'label', label: state.restore });
  if (state.problem) items.push({ type: 'label', label: state.problem });
  items.push({ type: 'action', label: 'Open Pond Desktop', action: { kind: 'open' }, enabled: true }, { type: 'separator' });
  for (const pond of state.ponds) {
    items.push({ type: 'submenu', label: `${pond.name} — ${CONNECTION_WORDS[pond.connection]}`, items: pondItems(pond) });
  }
  const anyActive = state.ponds.some((p) => p.connection !== 'not-connected');
  items.push({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: anyActive }, { type: 'separator' });
  items.push(
    { type: 'checkbox', label: 'Start at login', setting: 'startAtLogin', checked: state.startAtLogin },
    { type: 'checkbox', label: 'Notify when a pond fails or recovers', setting: 'notifications', checked: state.notifications },
    { type: 'action', label: 'Open log folder', action: { kind: 'openLogFolder' }, enabled: true },
    { type: 'separator' },
    { type: 'label', label: `Pond Desktop ${state.version}` },
    { type: 'action', label: 'Quit Pond Desktop', action: { kind: 'quit' }, enabled: true },
  );
  return items;
}

/** Converts the pure template to Electron's menu options, routing clicks to `onAction`. */
export function toMenuOptions(items: TrayItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: toMenuOptions(item.items, onAction) };
      case 'checkbox':
        // Electron flips the box before the click arrives: its state is what the user asked for.
        return { type: 'checkbox', label: item.label, checked: item.checked, click: (menuItem) => onAction({ kind: item.setting, enabled: menuItem.checked }) };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

export interface TrayElectron {
  Tray: typeof ElectronTray;
  Menu: typeof ElectronMenu;
  platform: NodeJS.Platform;
  /** The image of a status (trayIconFile under the resources folder). */
  icon(status: TrayStatus): NativeImage;
}

export interface TrayBinding {
  update(state: TrayState): void;
  destroy(): void;
}

export function bindTray(electron: TrayElectron, onAction: (action: TrayAction) => void): TrayBinding {
  const tray = new electron.Tray(electron.icon('idle'));
  // Windows opens nothing on a left click by itself; macOS and Linux show the menu.
  if (electron.platform === 'win32') tray.on('click', () => tray.popUpContextMenu());
  let shown = { status: 'idle' as TrayStatus, tooltip: '', menu: '' };
  return {
    update(state) {
      const items = trayMenu(state);
      const next = { status: trayStatus(state), tooltip: trayTooltip(state), menu: JSON.stringify(items) };
      if (next.status !== shown.status) tray.setImage(electron.icon(next.status));
      if (next.tooltip !== shown.tooltip) tray.setToolTip(next.tooltip);
      if (next.menu !== shown.menu) tray.setContextMenu(electron.Menu.buildFromTemplate(toMenuOptions(items, onAction)));
      shown = next;
    },
    destroy() {
      tray.destroy();
    },
  };
}
