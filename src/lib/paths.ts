/**
 * Where crabbox keeps its files and where Pond Desktop keeps its own (spec §1.1, §1.6,
 * §5.5). Everything is computed from an explicit environment so tests and the CLI can
 * point it anywhere.
 */
import os from 'node:os';
import path from 'node:path';

export interface PathEnv {
  platform: NodeJS.Platform;
  /** The process environment (HOME, XDG_*, APPDATA …). */
  env: Readonly<Record<string, string | undefined>>;
  /** The OS home directory (os.homedir()), used where crabbox uses the OS API. */
  home: string;
}

export class PathError extends Error {
  readonly code = 'PATH_UNAVAILABLE';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Go's os.UserConfigDir(). */
export function userConfigDir({ platform, env, home }: PathEnv): string {
  const p = pathApi(platform);
  if (platform === 'win32') {
    const appData = nonEmpty(env.AppData ?? env.APPDATA);
    if (!appData) throw new PathError('user state directory is unavailable (%AppData% is not set)');
    return appData;
  }
  if (platform === 'darwin') {
    const h = nonEmpty(env.HOME) ?? nonEmpty(home);
    if (!h) throw new PathError('user state directory is unavailable ($HOME is not set)');
    return p.join(h, 'Library', 'Application Support');
  }
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  if (xdg) {
    if (!p.isAbsolute(xdg)) throw new PathError(`user state directory is unavailable: XDG_CONFIG_HOME ${JSON.stringify(xdg)} is not absolute`);
    return xdg;
  }
  const h = nonEmpty(env.HOME) ?? nonEmpty(home);
  if (!h) throw new PathError('user state directory is unavailable ($HOME is not set)');
  return p.join(h, '.config');
}

/** crabboxStateDir: `$XDG_STATE_HOME/crabbox` on any OS, else `<UserConfigDir>/crabbox/state`. */
export function crabboxStateDir(pe: PathEnv): string {
  const p = pathApi(pe.platform);
  const xdgState = nonEmpty(pe.env.XDG_STATE_HOME);
  if (xdgState) return p.join(xdgState, 'crabbox');
  return p.join(userConfigDir(pe), 'crabbox', 'state');
}

export function claimsDir(pe: PathEnv): string {
  return pathApi(pe.platform).join(crabboxStateDir(pe), 'claims');
}

/** crabbox's per-lease SSH key directory (XDG_STATE_HOME does not move it). */
export function leaseKeyDir(pe: PathEnv, leaseID: string): string {
  return pathApi(pe.platform).join(userConfigDir(pe), 'crabbox', 'testboxes', leaseID);
}

/** crabbox's user config file: `CRABBOX_CONFIG` or `<UserConfigDir>/crabbox/config.yaml`. */
export function crabboxConfigFile(pe: PathEnv): string {
  return nonEmpty(pe.env.CRABBOX_CONFIG) ?? pathApi(pe.platform).join(userConfigDir(pe), 'crabbox', 'config.yaml');
}

/** `$HOME/.crabbox/pond/<pond>/` — the literal HOME variable, as crabbox uses it. */
export function pondStateDir(pe: PathEnv, pond: string): string {
  const h = nonEmpty(pe.env.HOME);
  if (!h) throw new PathError('HOME is unset; cannot write pond SSH-mesh state files');
  return pathApi(pe.platform).join(h, '.crabbox', 'pond', pond);
}

/**
 * Electron's `app.getPath('userData')` for this app on each OS, so the CLI reads and
 * writes the same settings file as the desktop app.
 */
export function appDataDir(pe: PathEnv, appName = 'Pond Desktop'): string {
  return pathApi(pe.platform).join(userConfigDir(pe), appName);
}

export function processPathEnv(): PathEnv {
  return { platform: process.platform, env: process.env, home: os.homedir() };
}
