/**
 * Where the app's icons are. From a checkout they sit in resources/ beside package.json;
 * in an installed app electron-builder copies that folder next to the asar, into Electron's
 * resources folder (electron-builder.yml, extraResources), since the OS reads tray and
 * window icons from real files.
 */
import path from 'node:path';

export interface ResourcesLocation {
  /** Electron's `app.isPackaged`. */
  isPackaged: boolean;
  /** Electron's `process.resourcesPath`. */
  resourcesPath: string;
  /** The folder holding package.json when running from a checkout. */
  appDir: string;
}

export function resourcesDir({ isPackaged, resourcesPath, appDir }: ResourcesLocation): string {
  return isPackaged ? path.join(resourcesPath, 'resources') : path.join(appDir, 'resources');
}
