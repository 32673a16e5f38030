/** The engine as the CLI and the web host run it: conf-backed settings, no Electron. */
import { createEngine, type Engine } from '../api/engine';
import { appDataDir } from '../engine/paths';
import { openConfBackend, SettingsStore } from '../engine/settings-store';
import type { CliIO } from './types';
import { VERSION } from './version';

export function createCliEngine(io: CliIO): Engine {
  const userDataDir = appDataDir(io.pathEnv);
  return createEngine({
    app: { name: 'Pond Desktop', version: VERSION },
    pathEnv: io.pathEnv,
    userDataDir,
    settings: new SettingsStore(openConfBackend(userDataDir)),
    log: (message) => io.err(`${message}\n`),
  });
}
