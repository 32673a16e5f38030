import { describe, expect, it, vi } from 'vitest';
import { denyPermissions, hardenedWebPreferences, lockNavigation } from './windows';

type Session = Parameters<typeof denyPermissions>[0];
type WebContents = Parameters<typeof lockNavigation>[0];

describe('window hardening', () => {
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

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as unknown as Session;
    denyPermissions(session);
    const callback = vi.fn();
    request?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(check?.()).toBe(false);
  });

  it('blocks navigation away, redirects, webviews and window.open', () => {
    const listeners = new Map<string, (event: { preventDefault: () => void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (name: string, l: (event: { preventDefault: () => void }, url?: string) => void) => listeners.set(name, l),
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    } as unknown as WebContents;
    lockNavigation(contents, 'file:///app/index.html');
    const event = { preventDefault: vi.fn() };
    listeners.get('will-navigate')?.(event, 'https://example.com/');
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    listeners.get('will-navigate')?.(event, 'file:///app/index.html');
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    listeners.get('will-redirect')?.(event);
    listeners.get('will-attach-webview')?.(event);
    expect(event.preventDefault).toHaveBeenCalledTimes(3);
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });
});
