import { describe, expect, it, vi } from 'vitest';
import { guardApp, guardPermissions, guardWebContents, permissionAllowed } from './web-guard';

const PAGE = 'file:///opt/Pond%20Desktop/resources/app.asar/out/renderer/index.html';

type Session = Parameters<typeof guardPermissions>[0];
type Contents = Parameters<typeof guardWebContents>[0];
type CheckHandler = (contents: { getURL(): string } | null, permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean;
type RequestHandler = (contents: unknown, permission: string, callback: (ok: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void;

function fakeSession() {
  const handlers: { check?: CheckHandler; request?: RequestHandler } = {};
  const session = {
    setPermissionCheckHandler: (h: CheckHandler) => (handlers.check = h),
    setPermissionRequestHandler: (h: RequestHandler) => (handlers.request = h),
  } as unknown as Session;
  return { session, handlers };
}

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault: () => void }, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, l: (event: { preventDefault: () => void }, url?: string) => void) => listeners.set(name, l),
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
  } as unknown as Contents;
  return { contents, listeners, open: (url: string) => openHandler?.({ url }) };
}

describe('permissions', () => {
  it("allow exactly the clipboard write, to the app's own page in its main frame", () => {
    expect(permissionAllowed('clipboard-sanitized-write', PAGE, true, PAGE)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', PAGE, false, PAGE)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/', true, PAGE)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined, true, PAGE)).toBe(false);
    for (const other of ['clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal', 'fullscreen']) {
      expect(permissionAllowed(other, PAGE, true, PAGE)).toBe(false);
    }
  });

  it('answer checks and requests the same way, and log what they refuse', () => {
    const { session, handlers } = fakeSession();
    const logged: string[] = [];
    guardPermissions(session, PAGE, (m) => logged.push(m));
    const page = { getURL: () => PAGE };
    expect(handlers.check?.(page, 'clipboard-sanitized-write', 'file:///', { isMainFrame: true })).toBe(true);
    expect(handlers.check?.(page, 'clipboard-read', 'file:///', { requestingUrl: PAGE, isMainFrame: true })).toBe(false);
    expect(handlers.check?.(null, 'clipboard-sanitized-write', 'file:///', { isMainFrame: true })).toBe(false);
    const callback = vi.fn();
    handlers.request?.(page, 'clipboard-sanitized-write', callback, { requestingUrl: PAGE, isMainFrame: true });
    handlers.request?.(page, 'media', callback, { requestingUrl: PAGE, isMainFrame: true });
    expect(callback.mock.calls).toEqual([[true], [false]]);
    expect(logged).toEqual([`refused the permission media to ${PAGE}`]);
  });
});

describe('webContents guard', () => {
  it('blocks navigation away, redirects, webviews and window.open', () => {
    const { contents, listeners, open } = fakeContents();
    const logged: string[] = [];
    guardWebContents(contents, PAGE, (m) => logged.push(m));
    const event = { preventDefault: vi.fn() };
    listeners.get('will-navigate')?.(event, 'https://example.com/');
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    listeners.get('will-navigate')?.(event, PAGE);
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    listeners.get('will-redirect')?.(event);
    listeners.get('will-attach-webview')?.(event);
    expect(event.preventDefault).toHaveBeenCalledTimes(3);
    expect(open('https://example.com/x')).toEqual({ action: 'deny' });
    expect(logged).toEqual(['refused to navigate to https://example.com/', 'refused to open a window for https://example.com/x']);
  });

  it('guards every webContents the app creates', () => {
    let created: ((event: unknown, contents: Contents) => void) | undefined;
    const app = { on: (name: string, l: typeof created) => name === 'web-contents-created' && (created = l) };
    guardApp(app as unknown as Parameters<typeof guardApp>[0], PAGE, () => {});
    const { contents, listeners, open } = fakeContents();
    created?.({}, contents);
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    expect(open('about:blank')).toEqual({ action: 'deny' });
  });
});
