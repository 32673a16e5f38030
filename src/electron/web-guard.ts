/**
 * Hardening for every webContents the app ever creates, not one window: no navigation away
 * from our page, no redirects, no new windows, no webviews (Electron's security checklist),
 * and one permission only: the sanitized clipboard write that `navigator.clipboard.writeText`
 * needs, for our own page. Electron is passed in, so this is unit-tested with fakes.
 */
import type { App, Session, WebContents } from 'electron';
import { isTrustedSenderUrl } from './ipc';

/** The only permission the app's page is given: the Copy buttons' clipboard write. */
export const CLIPBOARD_WRITE = 'clipboard-sanitized-write';

export function permissionAllowed(permission: string, requestingUrl: string | undefined, isMainFrame: boolean, rendererUrl: string): boolean {
  return permission === CLIPBOARD_WRITE && isMainFrame && requestingUrl !== undefined && isTrustedSenderUrl(requestingUrl, rendererUrl);
}

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;

/** Chromium checks a permission first and asks when the check says no: both answer the same. */
export function guardPermissions(session: PermissionSession, rendererUrl: string, log: (message: string) => void): void {
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? contents?.getURL(), details.isMainFrame, rendererUrl),
  );
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = permissionAllowed(permission, details.requestingUrl, details.isMainFrame, rendererUrl);
    if (!allowed) log(`refused the permission ${permission} to ${details.requestingUrl || 'an unknown page'}`);
    callback(allowed);
  });
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** No navigation away from the app and no new windows; links go through `app:openExternal`. */
export function guardWebContents(contents: GuardedContents, rendererUrl: string, log: (message: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (url === rendererUrl) return;
    event.preventDefault();
    log(`refused to navigate to ${url}`);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused to open a window for ${url}`);
    return { action: 'deny' };
  });
}

/** Guards each webContents as Electron creates it; call before the first window exists. */
export function guardApp(app: Pick<App, 'on'>, rendererUrl: string, log: (message: string) => void): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, rendererUrl, log));
}
