/**
 * The composition root of the engine: everything the API handlers need, built from
 * explicit dependencies. Electron's main process, the web host, the CLI and tests all
 * create the engine the same way; only the dependencies differ.
 */
import { EventBus } from './api/bus';
import { ProducedUrls } from './produced-urls';
import type { PathEnv } from './pond/paths';
import { claimsDir, pondStateDir } from './pond/paths';
import type { SettingsStore } from './pond/settings-store';

/** Encrypts secrets at rest (Electron's safeStorage); absent in plain Node. */
export interface SecretBox {
  isAvailable(): boolean;
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

export interface EngineDeps {
  app: { name: string; version: string };
  pathEnv: PathEnv;
  userDataDir: string;
  settings: SettingsStore;
  secrets?: SecretBox;
  /** Opens an http(s) URL in the user's browser (Electron shell; absent headless). */
  openExternal?: (url: string) => Promise<void>;
  log: (message: string) => void;
}

type Step = () => Promise<void> | void;

/** Start-up and shutdown steps registered by the areas' services. */
export class Lifecycle {
  private readonly starters: Step[] = [];
  private readonly closers: Step[] = [];

  constructor(private readonly log: (message: string) => void) {}

  onStart(step: Step): void {
    this.starters.push(step);
  }

  onStop(step: Step): void {
    this.closers.push(step);
  }

  async start(): Promise<void> {
    for (const step of this.starters) await step();
  }

  /** Runs every cleanup, newest first; one failing cleanup does not skip the others. */
  async stop(): Promise<void> {
    for (const step of this.closers.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        this.log(`shutdown: ${(error as Error).message}`);
      }
    }
  }
}

function orEmpty(compute: () => string): string {
  try {
    return compute();
  } catch {
    return '';
  }
}

export function createEngine(deps: EngineDeps) {
  const bus = new EventBus();
  const lifecycle = new Lifecycle(deps.log);
  const producedUrls = new ProducedUrls();
  // @area-services: build each area's service here from deps, bus, lifecycle and earlier services.

  return {
    deps,
    bus,
    lifecycle,
    producedUrls,
    paths: {
      userData: deps.userDataDir,
      settingsFile: deps.settings.path,
      crabboxClaims: orEmpty(() => claimsDir(deps.pathEnv)),
      pondState: orEmpty(() => pondStateDir(deps.pathEnv, '')),
    },
    // @area-fields: one line per area service.
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
  };
}

export type Engine = ReturnType<typeof createEngine>;
