import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  bindTray,
  statusLine,
  toMenuOptions,
  trayIconFile,
  trayMenu,
  trayStatus,
  trayTooltip,
  type TrayElectron,
  type TrayItem,
  type TrayPond,
  type TrayState,
} from './tray';

const pond = (over: Partial<TrayPond>): TrayPond => ({
  name: 'pr-42',
  members: 3,
  connection: 'not-connected',
  forwardsReady: 0,
  forwardsTotal: 0,
  trouble: [],
  retryable: false,
  ...over,
});

const state = (ponds: TrayPond[], over: Partial<TrayState> = {}): TrayState => ({
  ponds,
  version: '1.2.3',
  startAtLogin: false,
  notifications: true,
  ...over,
});

function submenu(items: TrayItem[], label: string): TrayItem[] {
  const found = items.find((i) => i.type === 'submenu' && i.label === label);
  if (found?.type !== 'submenu') throw new Error(`no submenu ${label} in ${JSON.stringify(items.map((i) => ('label' in i ? i.label : i.type)))}`);
  return found.items;
}

describe('trayMenu', () => {
  it('starts with the status line and Open, ends with the settings, the version and Quit', () => {
    const items = trayMenu(state([]));
    expect(items.slice(0, 2)).toEqual([
      { type: 'label', label: 'No ponds found' },
      { type: 'action', label: 'Open Pond Desktop', action: { kind: 'open' }, enabled: true },
    ]);
    expect(items).toContainEqual({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: false });
    expect(items.slice(-6)).toEqual([
      { type: 'checkbox', label: 'Start at login', setting: 'startAtLogin', checked: false },
      { type: 'checkbox', label: 'Notify when a pond fails or recovers', setting: 'notifications', checked: true },
      { type: 'action', label: 'Open log folder', action: { kind: 'openLogFolder' }, enabled: true },
      { type: 'separator' },
      { type: 'label', label: 'Pond Desktop 1.2.3' },
      { type: 'action', label: 'Quit Pond Desktop', action: { kind: 'quit' }, enabled: true },
    ]);
  });

  it('gives each pond a submenu: connect or disconnect, retry, copy exports in every format, open, release', () => {
    const items = trayMenu(
      state([
        pond({}),
        pond({ name: 'api', connection: 'degraded', forwardsReady: 2, forwardsTotal: 3, trouble: ['db — gave up reconnecting'], retryable: true }),
      ]),
    );
    expect(items.filter((i) => i.type === 'submenu').map((s) => s.label)).toEqual(['pr-42 — not connected', 'api — degraded']);
    const idle = submenu(items, 'pr-42 — not connected');
    expect(idle).toContainEqual({ type: 'label', label: '3 members' });
    expect(idle).toContainEqual({ type: 'action', label: 'Connect', action: { kind: 'connect', pond: 'pr-42' }, enabled: true });
    expect(idle).toContainEqual({ type: 'action', label: 'Retry failed', action: { kind: 'retry', pond: 'pr-42' }, enabled: false });
    expect(idle).toContainEqual({ type: 'action', label: 'Copy exports (sh)', action: { kind: 'copyExports', pond: 'pr-42', format: 'sh' }, enabled: false });

    const api = submenu(items, 'api — degraded');
    expect(api.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      '3 members · 2/3 forwards up',
      'db — gave up reconnecting',
      'Disconnect',
      'Retry failed',
      'Copy exports (sh)',
      'Copy exports as',
      'Open',
      'Release pond…',
    ]);
    expect(api).toContainEqual({ type: 'action', label: 'Retry failed', action: { kind: 'retry', pond: 'api' }, enabled: true });
    expect(api).toContainEqual({ type: 'action', label: 'Open', action: { kind: 'open', pond: 'api' }, enabled: true });
    expect(api).toContainEqual({ type: 'action', label: 'Release pond…', action: { kind: 'release', pond: 'api' }, enabled: true });
    expect(submenu(api, 'Copy exports as')).toEqual(
      (['fish', 'powershell', 'dotenv', 'json'] as const).map((format, i) => ({
        type: 'action',
        label: ['fish', 'PowerShell', '.env', 'JSON'][i],
        action: { kind: 'copyExports', pond: 'api', format },
        enabled: true,
      })),
    );
    expect(items).toContainEqual({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: true });
  });

  it('shows a listing problem instead of hiding it', () => {
    const problem = state([], { problem: 'cannot read claims: permission denied' });
    expect(trayMenu(problem)).toContainEqual({ type: 'label', label: 'cannot read claims: permission denied' });
    expect(trayTooltip(problem)).toBe('Pond Desktop — cannot read claims: permission denied');
  });

  it('says under the status line how reconnecting ponds at start goes', () => {
    const items = trayMenu(state([pond({ connection: 'connected' })], { restore: 'At start: pr-42 reconnected' }));
    expect(items.slice(0, 3)).toEqual([
      { type: 'label', label: '1 pond connected' },
      { type: 'label', label: 'At start: pr-42 reconnected' },
      { type: 'action', label: 'Open Pond Desktop', action: { kind: 'open' }, enabled: true },
    ]);
  });

  it('says in the status line how many ponds are in which state, in the shared words', () => {
    expect(statusLine([])).toBe('No ponds found');
    expect(statusLine([pond({}), pond({})])).toBe('2 ponds, not connected');
    expect(statusLine([pond({ connection: 'connected' }), pond({ connection: 'reconnecting' }), pond({ connection: 'connected' })])).toBe(
      '2 ponds connected · 1 reconnecting',
    );
    expect(statusLine([pond({ connection: 'failed' })])).toBe('1 pond failed');
    expect(trayTooltip({ ponds: [pond({ connection: 'connected', forwardsReady: 4, forwardsTotal: 5 })] })).toBe(
      'Pond Desktop — 1 pond connected · 4/5 forwards up',
    );
  });

  it('aggregates one status: the worst pond wins', () => {
    expect(trayStatus({ ponds: [] })).toBe('idle');
    expect(trayStatus({ ponds: [pond({ connection: 'connected' })] })).toBe('ok');
    expect(trayStatus({ ponds: [pond({ connection: 'connected' }), pond({ connection: 'degraded' })] })).toBe('degraded');
    expect(trayStatus({ ponds: [pond({ connection: 'failed' }), pond({ connection: 'degraded' })] })).toBe('failed');
  });

  it('picks template images on macOS, .ico on Windows and PNG on Linux', () => {
    expect(trayIconFile('darwin', 'failed')).toBe('tray/failedTemplate.png');
    expect(trayIconFile('win32', 'ok')).toBe('tray/ok.ico');
    expect(trayIconFile('linux', 'degraded')).toBe('tray/degraded.png');
  });

  it('renders to Electron menu options whose clicks route the action', () => {
    const onAction = vi.fn();
    const options = toMenuOptions(trayMenu(state([pond({})])), onAction);
    const sub = options.find((o) => Array.isArray(o.submenu));
    const connect = (sub?.submenu as { label?: string; click?: () => void }[]).find((o) => o.label === 'Connect');
    connect?.click?.();
    expect(onAction).toHaveBeenCalledWith({ kind: 'connect', pond: 'pr-42' });
    const login = options.find((o) => o.label === 'Start at login');
    expect(login).toMatchObject({ type: 'checkbox', checked: false });
    login?.click?.({ checked: true } as never, undefined, {} as never);
    expect(onAction).toHaveBeenLastCalledWith({ kind: 'startAtLogin', enabled: true });
    login?.click?.({ checked: false } as never, undefined, {} as never);
    expect(onAction).toHaveBeenLastCalledWith({ kind: 'startAtLogin', enabled: false });
  });
});

class FakeTray extends EventEmitter {
  readonly calls: string[] = [];
  setImage = (image: string) => this.calls.push(`image ${image}`);
  setToolTip = (text: string) => this.calls.push(`tooltip ${text}`);
  setContextMenu = () => this.calls.push('menu');
  popUpContextMenu = () => this.calls.push('popup');
  destroy = () => this.calls.push('destroy');
}

function fakeElectron(platform: NodeJS.Platform): { electron: TrayElectron; tray: () => FakeTray } {
  let tray: FakeTray | undefined;
  const electron = {
    Tray: class {
      constructor() {
        tray = new FakeTray();
        return tray;
      }
    },
    Menu: { buildFromTemplate: (template: unknown) => template },
    platform,
    icon: (status: string) => status,
  } as unknown as TrayElectron;
  return { electron, tray: () => tray! };
}

describe('bindTray', () => {
  it('changes the icon, tooltip and menu only when what they show changed', () => {
    const { electron, tray } = fakeElectron('linux');
    const binding = bindTray(electron, () => {});
    const connected = state([pond({ connection: 'connected', forwardsReady: 1, forwardsTotal: 1 })]);
    binding.update(connected);
    binding.update({ ...connected });
    binding.update(state([pond({ connection: 'connected', forwardsReady: 1, forwardsTotal: 1 })], { notifications: false }));
    expect(tray().calls).toEqual(['image ok', 'tooltip Pond Desktop — 1 pond connected · 1/1 forwards up', 'menu', 'menu']);
    binding.destroy();
    expect(tray().calls.at(-1)).toBe('destroy');
  });

  it('opens the menu on a left click on Windows only', () => {
    const windows = fakeElectron('win32');
    bindTray(windows.electron, () => {});
    windows.tray().emit('click');
    expect(windows.tray().calls).toEqual(['popup']);
    const linux = fakeElectron('linux');
    bindTray(linux.electron, () => {});
    expect(linux.tray().listenerCount('click')).toBe(0);
  });
});
