/**
 * electron-builder's afterPack hook: sets Electron's fuses in the packaged app before it is
 * signed, switching off what would let anyone run other code as Pond Desktop (running as
 * plain Node, NODE_OPTIONS, --inspect, an app folder beside the asar) and making Electron
 * check the asar against the hash electron-builder embeds.
 * See https://www.electronjs.org/docs/latest/tutorial/fuses
 */
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { Arch } from 'electron-builder';

export const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** What holds the fuses: the .app on macOS (@electron/fuses finds its framework), else the executable. */
export function electronExecutable({ appOutDir, electronPlatformName, packager }) {
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`afterPack: no Electron executable is known for the platform "${electronPlatformName}"`);
  }
}

export default async function afterPack(context) {
  // Changing the binary breaks the ad-hoc signature every Apple Silicon app needs to start;
  // @electron/fuses renews it (a real signing identity signs again after this hook).
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && [Arch.arm64, Arch.universal].includes(context.arch);
  await flipFuses(electronExecutable(context), { ...FUSES, resetAdHocDarwinSignature });
}
