import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createMainWindow, hardenedWebPreferences, showWindow } from './windows';

type Deps = Parameters<typeof createMainWindow>[0];

class FakeWindow extends EventEmitter {
  static last: FakeWindow | undefined;
  readonly calls: string[] = [];
  visible = false;
  constructor(readonly options: { show: boolean; webPreferences: unknown }) {
    super();
    FakeWindow.last = this;
  }
  loadURL(url: string) {
    this.calls.push(`load ${url}`);
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  restore = () => this.calls.push('restore');
  show = () => {
    this.visible = true;
    this.calls.push('show');
  };
  hide = () => {
    this.visible = false;
    this.calls.push('hide');
  };
  focus = () => this.calls.push('focus');
}

function open(show: boolean, quitting = false): FakeWindow {
  createMainWindow({
    BrowserWindow: FakeWindow as unknown as Deps['BrowserWindow'],
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl: 'file:///app/out/renderer/index.html',
    show,
    isQuitting: () => quitting,
  });
  return FakeWindow.last!;
}

describe('the main window', () => {
  it('uses the security checklist web preferences', () => {
    expect(hardenedWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('shows itself once the page is ready on a start by hand, and stays hidden on a login start', () => {
    const manual = open(true);
    expect(manual.options.show).toBe(false);
    expect(manual.calls).toEqual(['load file:///app/out/renderer/index.html']);
    manual.emit('ready-to-show');
    expect(manual.calls.slice(1)).toEqual(['show', 'focus']);

    const login = open(false);
    login.emit('ready-to-show');
    expect(login.visible).toBe(false);
  });

  it('hides to the tray on close until the app quits', () => {
    const win = open(true);
    showWindow(win as never);
    let prevented = false;
    win.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(win.visible).toBe(false);

    const closing = open(true, true);
    let closed = true;
    closing.emit('close', { preventDefault: () => (closed = false) });
    expect(closed).toBe(true);
  });
});
