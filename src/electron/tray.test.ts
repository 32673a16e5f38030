import { describe, expect, it, vi } from 'vitest';
import { toMenuOptions, trayActionCall, trayMenu, trayStatus, trayTooltip, type TrayPond, type TrayState } from './tray';

const pond = (over: Partial<TrayPond>): TrayPond => ({
  name: 'pr-42',
  members: 3,
  connection: 'not-connected',
  forwardsReady: 0,
  forwardsTotal: 0,
  ...over,
});

describe('trayMenu', () => {
  it('always offers open and quit, and says when there are no ponds', () => {
    const items = trayMenu({ ponds: [] });
    expect(items[0]).toEqual({ type: 'action', label: 'Open Pond Desktop', action: { kind: 'open' }, enabled: true });
    expect(items).toContainEqual({ type: 'label', label: 'No ponds found' });
    expect(items.at(-1)).toEqual({ type: 'action', label: 'Quit Pond Desktop', action: { kind: 'quit' }, enabled: true });
    expect(items).toContainEqual({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: false });
  });

  it('offers Connect for an idle pond and Disconnect for an active one, plus Release', () => {
    const items = trayMenu({ ponds: [pond({}), pond({ name: 'api', connection: 'connected', forwardsReady: 2, forwardsTotal: 3 })] });
    const submenus = items.filter((i) => i.type === 'submenu');
    expect(submenus.map((s) => s.label)).toEqual(['pr-42 (3 members)', 'api — 2/3 forwards up']);
    expect(submenus[0]?.type === 'submenu' && submenus[0].items[0]).toEqual({
      type: 'action',
      label: 'Connect',
      action: { kind: 'connect', pond: 'pr-42' },
      enabled: true,
    });
    expect(submenus[1]?.type === 'submenu' && submenus[1].items).toContainEqual({
      type: 'action',
      label: 'Disconnect',
      action: { kind: 'disconnect', pond: 'api' },
      enabled: true,
    });
    expect(submenus[1]?.type === 'submenu' && submenus[1].items).toContainEqual({
      type: 'action',
      label: 'Release pond…',
      action: { kind: 'release', pond: 'api' },
      enabled: true,
    });
    expect(items).toContainEqual({ type: 'action', label: 'Disconnect all', action: { kind: 'disconnectAll' }, enabled: true });
  });

  it('shows a listing problem instead of hiding it', () => {
    const state: TrayState = { ponds: [], problem: 'cannot read claims: permission denied' };
    expect(trayMenu(state)).toContainEqual({ type: 'label', label: 'cannot read claims: permission denied' });
    expect(trayMenu(state)).not.toContainEqual({ type: 'label', label: 'No ponds found' });
    expect(trayTooltip(state)).toBe('Pond Desktop — cannot read claims: permission denied');
  });

  it('aggregates one status: the worst pond wins', () => {
    expect(trayStatus({ ponds: [] })).toBe('idle');
    expect(trayStatus({ ponds: [pond({ connection: 'connected' })] })).toBe('ok');
    expect(trayStatus({ ponds: [pond({ connection: 'connected' }), pond({ connection: 'degraded' })] })).toBe('degraded');
    expect(trayStatus({ ponds: [pond({ connection: 'failed' }), pond({ connection: 'degraded' })] })).toBe('failed');
    expect(trayTooltip({ ponds: [pond({ connection: 'connected', forwardsReady: 4, forwardsTotal: 5 })] })).toBe(
      'Pond Desktop — 1 connected, 4/5 forwards up',
    );
  });

  it('maps actions to API calls', () => {
    expect(trayActionCall({ kind: 'connect', pond: 'a' })).toEqual(['mesh:connect', { pond: 'a' }]);
    expect(trayActionCall({ kind: 'disconnect', pond: 'a' })).toEqual(['mesh:disconnect', { pond: 'a' }]);
    expect(trayActionCall({ kind: 'disconnectAll' })).toEqual(['mesh:disconnectAll', undefined]);
  });

  it('renders to Electron menu options whose clicks route the action', () => {
    const onAction = vi.fn();
    const options = toMenuOptions(trayMenu({ ponds: [pond({})] }), onAction);
    const sub = options.find((o) => Array.isArray(o.submenu));
    const connect = (sub?.submenu as { label?: string; click?: () => void }[])[0];
    expect(connect?.label).toBe('Connect');
    connect?.click?.();
    expect(onAction).toHaveBeenCalledWith({ kind: 'connect', pond: 'pr-42' });
    expect(options.some((o) => o.type === 'separator')).toBe(true);
  });
});
