/**
 * The tray: a pure `trayMenu(state)` that turns the engine's state into a menu template
 * (unit-tested), and `bindTray` which renders it with Electron's Tray and Menu. Electron
 * is imported for types only; main.ts passes the real classes in.
 */
import type { Menu as ElectronMenu, MenuItemConstructorOptions, NativeImage, Tray as ElectronTray } from 'electron';
import type { PondConnection } from '../contract/index';


export interface TrayPond {
  name: string;
  members: number;
  connection: PondConnection;
  forwardsReady: number;
  forwardsTotal: number;
}

export interface TrayState {
  ponds: TrayPond[];
  /** Set when the pond list could not be read; shown instead of hiding the problem. */
  problem?: string;
}

export type TrayAction =
  | { kind: 'open' }
  | { kind: 'connect'; pond: string }
  | { kind: 'disconnect'; pond: string }
  | { kind: 'release'; pond: string }
  | { kind: 'disconnectAll' }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { type: 'label'; label: string }
  | { type: 'submenu'; label: string; items: TrayItem[] }
  | { type: 'separator' };

export type TrayStatus = 'idle' | 'ok' | 'degraded' | 'failed';

/** One aggregate status for the icon and tooltip: the worst pond wins. */
export function trayStatus(state: TrayState): TrayStatus {
  const connections = state.ponds.map((p) => p.connection);
  if (connections.includes('failed')) return 'failed';
  if (connections.includes('degraded') || connections.includes('connecting') || connections.includes('reconnecting')) return 'degraded';
  if (connections.includes('connected')) return 'ok';
  return 'idle';
}

export function trayTooltip(state: TrayState): string {
  const connected = state.ponds.filter((p) => p.connection !== 'not-connected');
  if (state.problem) return `Pond Desktop — ${state.problem}`;
  if (connected.length === 0) return `Pond Desktop — ${state.ponds.length} pond(s), none connected`;
  const ready = connected.reduce((n, p) => n + p.forwardsReady, 0);
  const total = connected.reduce((n, p) => n + p.forwardsTotal, 0);
  return `Pond Desktop — ${connected.length} connected, ${ready}/${total} forwards up`;
}

function pondLabel(pond: TrayPond): string {
  switch (pond.connection) {
    case 'not-connected':
      return `${pond.name} (${pond.members} members)`;
    case 'connecting':
      return `${pond.name} — connecting…`;
    case 'reconnecting':
      return `${pond.name} — reconnecting, ${pond.forwardsReady}/${pond.forwardsTotal} up`;
    case 'connected':
      return `${pond.name} — ${pond.forwardsReady}/${pond.forwardsTotal} forwards up`;
    case 'degraded':
      return `${pond.name} — degraded, ${pond.forwardsReady}/${pond.forwardsTotal} up`;
    case 'failed':
      return `${pond.name} — failed`;
  }
}

export function trayMenu(state: TrayState): TrayItem[] {
  const items: TrayItem[] = [{ type: 'action', label: 'Open Pond Desktop', action: { kind: 'open' }, enabled: true }];
  items.push({ type: 'separator' });
  if (state.problem) items.push({ type: 'label', label: state.problem });
  if (state.ponds.length === 0 && !state.problem) items.push({ type: 'label', label: 'No ponds found' });
  for (const pond of state.ponds) {
    const active = pond.connection !== 'not-connected';
    items.push({
      type: 'submenu',
      label: pondLabel(pond),
      items: [
        active
          ? { type: 'action', label: 'Disconnect', action: { kind: 'disconnect', pond: pond.name }, enabled: true }
          : { type: 'action', label: 'Connect', action: { kind: 'connect', pond: pond.name }, enabled: pond.members > 0 },
        { type: 'separator' },
        { type: 'action', label: 'Release pond…', action: { kind: 'release', pond: pond.name }, enabled: pond.members > 0 },
      ],
    });
  }
  const anyActive = state.ponds.some((p) => p.connection !== 'not-connected');
  items.push({ type: 'separator' });
  items.push({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: anyActive });
  items.push({ type: 'action', label: 'Quit Pond Desktop', action: { kind: 'quit' }, enabled: true });
  return items;
}

/** The API call a tray action makes; `open`, `quit` and `release` are handled by the shell. */
export function trayActionCall(action: Exclude<TrayAction, { kind: 'open' | 'quit' | 'release' }>): [string, unknown] {
  switch (action.kind) {
    case 'connect':
      return ['mesh:connect', { pond: action.pond }];
    case 'disconnect':
      return ['mesh:disconnect', { pond: action.pond }];
    case 'disconnectAll':
      return ['mesh:disconnectAll', undefined];
  }
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
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

export interface TrayBinding {
  update(state: TrayState): void;
  destroy(): void;
}

export function bindTray(
  electron: { Tray: typeof ElectronTray; Menu: typeof ElectronMenu },
  icons: Record<TrayStatus, NativeImage>,
  onAction: (action: TrayAction) => void,
): TrayBinding {
  const tray = new electron.Tray(icons.idle);
  return {
    update(state) {
      tray.setImage(icons[trayStatus(state)]);
      tray.setToolTip(trayTooltip(state));
      tray.setContextMenu(electron.Menu.buildFromTemplate(toMenuOptions(trayMenu(state), onAction)));
    },
    destroy() {
      tray.destroy();
    },
  };
}
