/**
 * How this start was asked for, and which page the window loads. A start at login stays
 * in the tray; a start by hand shows the window, so nobody is left with an invisible app
 * (GNOME without the AppIndicator extension shows no tray icon at all).
 */
import { pathToFileURL } from 'node:url';

/** Added to the command line of login starts (XDG autostart entry, Windows login item). */
export const HIDDEN_FLAG = '--hidden';

/** `openedAtLogin`: macOS's own flag, since its login items carry no arguments. */
export function startsHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return openedAtLogin || argv.includes(HIDDEN_FLAG);
}

/**
 * The renderer's URL: the built page, or electron-vite's dev server while developing.
 * A packaged app never takes the override, since IPC trusts whatever origin it names.
 */
export function rendererUrl(options: { isPackaged: boolean; override: string | undefined; builtPage: string }): string {
  if (!options.isPackaged && options.override) return options.override;
  return pathToFileURL(options.builtPage).href;
}
