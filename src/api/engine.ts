/**
 * The composition root of the engine: everything the API handlers need, built from
 * explicit dependencies. Electron's main process, the web host, the CLI and tests all
 * create the engine the same way; only the dependencies differ.
 */
import PQueue from 'p-queue';
import { EventBus } from './bus';
import { ProducedUrls } from '../engine/produced-urls';
import { ExportsService } from '../engine/exports-service';
import type { PathEnv } from '../engine/paths';
import { claimsDir, pondStateDir } from '../engine/paths';
import { ManualMembers, nodeFileExists } from '../engine/manual-members';
import { overviewOf } from '../engine/ponds';
import { createPondDirectory } from '../engine/ponds-directory';
import type { SettingsStore } from '../engine/settings-store';
import { releaseDeps, ReleaseService } from '../engine/release-service';
import { BridgeService } from '../engine/peers-resolve-service';
import { DoctorService } from '../engine/doctor/service';
import { appDoctorDeps } from '../engine/doctor/app-deps';
import { MeshManager } from '../engine/mesh/manager';
import { PassphrasePrompts } from '../engine/mesh/manager-prompts';
import { PortAllocator, settingsPortMemory } from '../engine/mesh/port-allocator';
import { resolvePondMeshMembers } from '../engine/mesh/targets';

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
  const release = new ReleaseService(
    releaseDeps({
      pathEnv: deps.pathEnv,
      settings: deps.settings,
      env: deps.pathEnv.env,
      // The pond's SSH forwards live in the mesh service (built below; called only after start-up).
      disconnectPond: async (pond) => void (await mesh.disconnect({ pond })),
    }),
  );
  lifecycle.onStop(() => release.cancelAll());
  // The mesh reports each change of a pond's ready forwards to `exports.apply`, which keeps the env/hosts files true.
  const exports = new ExportsService({ pathEnv: deps.pathEnv, log: deps.log, onChange: (pond) => bus.emit('exports:changed', { pond }) });
  lifecycle.onStop(() => exports.removeAll());
  // Hand-added hosts and crabbox's claims, kept live; every change goes out as `ponds:changed`.
  const hosts = new ManualMembers(deps.settings, { home: deps.pathEnv.env.HOME || deps.pathEnv.home, fileExists: nodeFileExists });
  const ponds = createPondDirectory(deps.pathEnv, { file: deps.settings.path, list: () => hosts.list() });
  ponds.subscribe((snapshot) => bus.emit('ponds:changed', overviewOf(snapshot)));
  lifecycle.onStart(async () => void (await ponds.start()));
  lifecycle.onStop(() => ponds.close());
  const bridge = new BridgeService({
    pathEnv: deps.pathEnv,
    env: deps.pathEnv.env,
    settings: deps.settings,
    ...(deps.secrets ? { cipher: deps.secrets } : {}),
    producedUrls,
    http: { log: deps.log },
  });
  lifecycle.onStop(() => bridge.cancelAll());
  // mesh: one SSH session per member carrying its forwards; the env/hosts files follow its ready forwards, in order.
  const meshPrompts = new PassphrasePrompts((prompt) => bus.emit('mesh:passphraseRequest', prompt));
  const meshFiles = new PQueue({ concurrency: 1 });
  const mesh = new MeshManager({
    resolveMembers: async (pond) =>
      (
        await resolvePondMeshMembers(
          { pathEnv: deps.pathEnv, claims: async () => ponds.claims().map((l) => l.claim), manualMembers: async () => ponds.manualMembers() },
          pond,
        )
      ).members,
    allocator: new PortAllocator({ memory: settingsPortMemory(deps.settings) }),
    askPassphrase: (request) => meshPrompts.ask(request),
    onHealth: (health) => bus.emit('mesh:health', health),
    onForwardsChanged: (change) => {
      void meshFiles.add(() => exports.apply(change));
    },
  });
  lifecycle.onStop(async () => {
    meshPrompts.cancelAll();
    await mesh.disconnectAll();
    await meshFiles.onIdle();
  });
  const doctor = new DoctorService(
    appDoctorDeps({
      pathEnv: deps.pathEnv,
      pond: (name) => ponds.pond(name),
      claims: () => (ponds.snapshot().claimsDirState === 'unreadable' ? null : ponds.claims().map((l) => l.claim)),
      bridgeMembers: (pond, signal) => bridge.members(pond, signal),
      manualMembers: () => hosts.list(),
      forwards: (pond) => mesh.readyForwards(pond),
      emit: (event, payload) => bus.emit(event, payload),
    }),
  );
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
    release,
    exports,
    ponds,
    hosts,
    bridge,
    mesh,
    meshPrompts,
    doctor,
    // @area-fields: one line per area service.
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
  };
}

export type Engine = ReturnType<typeof createEngine>;
