/**
 * Start at login. macOS and Windows keep their own login items (Electron's
 * setLoginItemSettings); Linux desktops start what `~/.config/autostart` holds (the XDG
 * Autostart spec), so there the app writes its own desktop entry. Login starts carry
 * `--hidden` where the platform passes arguments, so they stay in the tray.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';
import { HIDDEN_FLAG } from './launch';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

export const AUTOSTART_FILE = 'pond-desktop.desktop';

/** The command that starts this app: the AppImage or the installed binary; Electron plus the app folder in a checkout. */
export function launchCommand(options: { isPackaged: boolean; execPath: string; appPath: string; appImage: string | undefined }): string[] {
  if (!options.isPackaged) return [options.execPath, options.appPath];
  return [options.appImage || options.execPath];
}

const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** An Exec= value: arguments quoted as the Desktop Entry spec says, then escaped for the file. */
export function desktopExec(args: readonly string[]): string {
  const quoted = args.map((arg) => {
    const literal = arg.replace(/%/g, '%%');
    return RESERVED.test(arg) ? `"${literal.replace(/(["`$\\])/g, '\\$1')}"` : literal;
  });
  return quoted.join(' ').replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Pond Desktop',
    'Comment=Starts Pond Desktop in the tray at login',
    `Exec=${desktopExec([...command, HIDDEN_FLAG])}`,
    'Icon=pond-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `autostartDir`: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`. */
export function xdgLoginItem(autostartDir: string, command: readonly string[]): LoginItem {
  const file = path.join(autostartDir, AUTOSTART_FILE);
  return {
    isEnabled: () => fs.existsSync(file),
    setEnabled(enabled) {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(autostartDir, { recursive: true });
      fs.writeFileSync(file, desktopEntry(command));
    },
  };
}

type LoginSettingsApp = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

/** macOS and Windows: the system's login items (Windows passes `--hidden`; macOS reports `wasOpenedAtLogin`). */
export function systemLoginItem(app: LoginSettingsApp, platform: NodeJS.Platform): LoginItem {
  const args = platform === 'win32' ? [HIDDEN_FLAG] : [];
  return {
    isEnabled: () => app.getLoginItemSettings(platform === 'win32' ? { args } : undefined).openAtLogin,
    setEnabled: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, ...(platform === 'win32' ? { args } : {}) }),
  };
}

export function loginItemFor(platform: NodeJS.Platform, app: LoginSettingsApp, linux: { autostartDir: string; command: readonly string[] }): LoginItem {
  return platform === 'darwin' || platform === 'win32' ? systemLoginItem(app, platform) : xdgLoginItem(linux.autostartDir, linux.command);
}
