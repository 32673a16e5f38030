import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopEntry, desktopExec, launchCommand, loginItemFor } from './login-item';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function fakeApp() {
  const calls: unknown[] = [];
  let open = false;
  return {
    calls,
    app: {
      getLoginItemSettings: (options?: unknown) => {
        calls.push(['get', options]);
        return { openAtLogin: open } as ReturnType<Electron.App['getLoginItemSettings']>;
      },
      setLoginItemSettings: (settings: { openAtLogin?: boolean }) => {
        calls.push(['set', settings]);
        open = settings.openAtLogin ?? false;
      },
    },
  };
}

describe('start at login', () => {
  it('starts the AppImage, the installed binary, or Electron with the checkout', () => {
    expect(launchCommand({ isPackaged: true, execPath: '/tmp/.mount_x/pond-desktop', appPath: '/a', appImage: '/home/u/Pond Desktop.AppImage' })).toEqual([
      '/home/u/Pond Desktop.AppImage',
    ]);
    expect(launchCommand({ isPackaged: true, execPath: '/opt/Pond Desktop/pond-desktop', appPath: '/a', appImage: undefined })).toEqual([
      '/opt/Pond Desktop/pond-desktop',
    ]);
    expect(launchCommand({ isPackaged: false, execPath: '/w/node_modules/electron/dist/electron', appPath: '/w', appImage: undefined })).toEqual([
      '/w/node_modules/electron/dist/electron',
      '/w',
    ]);
  });

  it('quotes Exec= arguments as the Desktop Entry spec says', () => {
    expect(desktopExec(['/opt/Pond Desktop/pond-desktop', '--hidden'])).toBe('"/opt/Pond Desktop/pond-desktop" --hidden');
    expect(desktopExec(['/home/u/100%/a"b$c'])).toBe('"/home/u/100%%/a\\\\"b\\\\$c"');
    expect(desktopEntry(['/usr/bin/pond-desktop'])).toContain('\nExec=/usr/bin/pond-desktop --hidden\n');
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-autostart-'));
    dirs.push(dir);
    const autostart = path.join(dir, 'autostart');
    const item = loginItemFor('linux', fakeApp().app, { autostartDir: autostart, command: ['/opt/Pond Desktop/pond-desktop'] });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(item.isEnabled()).toBe(true);
    const entry = fs.readFileSync(path.join(autostart, 'pond-desktop.desktop'), 'utf8');
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Exec="/opt/Pond Desktop/pond-desktop" --hidden']));
    item.setEnabled(false);
    expect(item.isEnabled()).toBe(false);
    expect(fs.readdirSync(autostart)).toEqual([]);
  });

  it("uses the system's login items on macOS and Windows, with --hidden where Windows passes it", () => {
    const mac = fakeApp();
    const macItem = loginItemFor('darwin', mac.app, { autostartDir: '/unused', command: [] });
    macItem.setEnabled(true);
    expect(macItem.isEnabled()).toBe(true);
    expect(mac.calls).toEqual([['set', { openAtLogin: true }], ['get', undefined]]);

    const win = fakeApp();
    const winItem = loginItemFor('win32', win.app, { autostartDir: '/unused', command: [] });
    winItem.setEnabled(true);
    expect(winItem.isEnabled()).toBe(true);
    expect(win.calls).toEqual([['set', { openAtLogin: true, args: ['--hidden'] }], ['get', { args: ['--hidden'] }]]);
  });
});
