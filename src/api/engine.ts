/**
 * The composition root: every face (the Electron shell, the web host, the CLI, the agent)
 * gets the engine's services here, built from explicit dependencies. Only the dependencies
 * differ between faces; no face wires engine parts of its own.
 */
import path from 'node:path';
import PQueue from 'p-queue';
import { EventBus } from './bus';
import { Credentials } from '../providers/credentials';
import { ProducedUrls } from '../engine/produced-urls';
import { ExportsService } from '../engine/exports-service';
import type { PathEnv } from '../lib/paths';
import { appDataDir, claimsDir, pondStateDir } from '../lib/paths';
import { ManualMembers, nodeFileExists } from '../engine/manual-members';
import { overviewOf } from '../engine/ponds';
import { createPondDirectory } from '../engine/ponds-directory';
import { confOptions, lazyConfBackend, prepareSettingsDir, SETTINGS_FILE_NAME, SettingsStore, type SettingsBackend } from '../engine/settings-store';
import { releaseDeps, ReleaseService } from '../engine/release-service';
import { BridgeService } from '../engine/peers-resolve-service';
import { DoctorService } from '../engine/doctor/service';
import { appDoctorDeps } from '../engine/doctor/app-deps';
import { MeshManager } from '../engine/mesh/manager';
import { PassphrasePrompts } from '../engine/mesh/manager-prompts';
import { previewForwardTable } from '../engine/mesh/connect-preview';
import { forwardPortKey, PortAllocator, settingsPortChoices, settingsPortMemory, type PortMove } from '../engine/mesh/port-allocator';
import { PortChoices } from '../engine/mesh/port-choices';
import type { MeshMember } from '../engine/mesh/types';
import type { SessionTuning } from '../engine/mesh/session';
import { resolvePondMeshMembers } from '../engine/mesh/targets';
import { describeSweep, sweepStaleFiles, systemProcessProbe, thisProcess, type OwnerIdentity, type OwnerKind, type ProcessProbe } from '../engine/owner';

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
  /** The settings file: electron-store in the app, conf elsewhere (same file, same options). */
  settings: SettingsBackend;
  secrets?: SecretBox;
  /** Opens an http(s) URL in the user's browser (Electron shell; absent headless). */
  openExternal?: (url: string) => Promise<void>;
  log: (message: string) => void;
  /** False: read claims and settings once, never watch them (one-shot CLI commands). */
  live?: boolean;
  /** Directory whose crabbox.yaml applies and where relative key paths resolve (the CLI's cwd). */
  cwd?: string;
  /** SSH session timings and the local port range (tests shorten and narrow them). */
  mesh?: { tuning?: Partial<SessionTuning>; portRange?: { min: number; max: number } };
  /**
   * Set when this process owns the user's forwards (the app, the agent, `pond serve`): it is
   * recorded in each pond's daemon.json; `stepDown` ends the process when a client asks it to
   * make way (absent: the owner refuses, as the desktop app does).
   */
  owner?: { identity: OwnerIdentity; stepDown?: () => void };
  /** How stale owners are recognised (tests pass a scripted one). */
  processProbe?: ProcessProbe;
}

/**
 * Options of the settings file, for the faces that open it themselves (electron-store in
 * the app); its directory is made 0700 (and the file 0600) on the way, as conf opens it.
 */
export function settingsFileOptions(userDataDir: string) {
  prepareSettingsDir(userDataDir);
  return confOptions(userDataDir);
}

/** The settings file in a userData folder. */
export function settingsFilePath(userDataDir: string): string {
  return path.join(userDataDir, `${SETTINGS_FILE_NAME}.json`);
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
  const settings = new SettingsStore(deps.settings);
  const cwd = deps.cwd !== undefined ? { cwd: deps.cwd } : {};
  // Hand-added hosts and crabbox's claims, kept live; every change goes out as `ponds:changed`.
  const hosts = new ManualMembers(settings, { home: deps.pathEnv.env.HOME || deps.pathEnv.home, fileExists: nodeFileExists });
  const ponds = createPondDirectory(deps.pathEnv, { file: settings.path, list: () => hosts.list() }, deps.live === false ? { live: false } : {});
  ponds.subscribe((snapshot) => bus.emit('ponds:changed', overviewOf(snapshot)));
  lifecycle.onStart(async () => void (await ponds.start()));
  lifecycle.onStop(() => ponds.close());
  /** Every claim, as the directory holds it after bringing itself up to date with the disk. */
  const claims = async () => {
    await ponds.refresh();
    return ponds.claims().map((l) => l.claim);
  };
  const release = new ReleaseService(
    releaseDeps({
      pathEnv: deps.pathEnv,
      settings,
      env: deps.pathEnv.env,
      listing: async () => {
        await ponds.refresh();
        return { snapshot: ponds.snapshot(), claims: ponds.claims() };
      },
      // The pond's SSH forwards live in the mesh service (built below; called only after start-up).
      disconnectPond: async (pond) => void (await mesh.disconnect({ pond })),
    }),
  );
  lifecycle.onStop(() => release.cancelAll());
  // The mesh reports each change of a pond's ready forwards to `exports.apply`, which keeps the env/hosts files true.
  const exports = new ExportsService({
    pathEnv: deps.pathEnv,
    log: deps.log,
    ...(deps.owner ? { owner: deps.owner.identity } : {}),
    onChange: (pond) => bus.emit('exports:changed', { pond }),
  });
  lifecycle.onStop(() => exports.removeAll());
  const bridge = new BridgeService({
    claims,
    manualMembers: () => ponds.manualMembers(),
    env: deps.pathEnv.env,
    settings,
    ...(deps.secrets ? { cipher: deps.secrets } : {}),
    producedUrls,
    http: { log: deps.log },
  });
  lifecycle.onStop(() => bridge.cancelAll());
  const memberSources = { pathEnv: deps.pathEnv, ...cwd, claims, manualMembers: async () => ponds.manualMembers() };
  // mesh: one SSH session per member carrying its forwards; the env/hosts files follow its ready forwards, in order.
  const meshPrompts = new PassphrasePrompts((prompt) => bus.emit('mesh:passphraseRequest', prompt));
  const meshFiles = new PQueue({ concurrency: 1 });
  const portMemory = settingsPortMemory(settings);
  const chosenPorts = settingsPortChoices(settings);
  const allocator = new PortAllocator({ memory: portMemory, choices: chosenPorts, ...deps.mesh?.portRange });
  // The mesh follows the live pond: members as the directory holds them now (no disk read,
  // so the snapshot this triggers cannot trigger another), never from a listing it could not read.
  const liveSources = { ...memberSources, claims: async () => ponds.claims().map((l) => l.claim) };
  const liveMembers = async (pond: string) => {
    const snapshot = ponds.snapshot();
    const unreadable = snapshot.claimsDirState === 'unreadable' && snapshot.claimsDir !== '';
    const unknown = snapshot.problems.find((p) => p.code === 'invalid-settings' || (unreadable && p.file === snapshot.claimsDir));
    if (unknown) throw new Error(unknown.message);
    return (await resolvePondMeshMembers(liveSources, pond)).members;
  };
  const mesh = new MeshManager({
    resolveMembers: async (pond) => (await resolvePondMeshMembers(memberSources, pond)).members,
    liveMembers,
    log: deps.log,
    allocator,
    askPassphrase: (request) => meshPrompts.ask(request),
    onHealth: (health) => bus.emit('mesh:health', health),
    onConnection: (change) => bus.emit('mesh:connection', change),
    onForwardsChanged: (change) => {
      void meshFiles.add(() => exports.apply(change));
    },
    ...(deps.mesh?.tuning ? { tuning: deps.mesh.tuning } : {}),
  });
  ponds.subscribe(() => void mesh.reconcile());
  const ports = new PortChoices({
    allocator,
    memory: portMemory,
    choices: chosenPorts,
    members: async (pond) => (await resolvePondMeshMembers(memberSources, pond)).members,
    mesh,
    onChange: (pond) => bus.emit('ports:changed', { pond }),
  });
  lifecycle.onStop(async () => {
    meshPrompts.cancelAll();
    await mesh.disconnectAll();
    await meshFiles.onIdle();
  });
  const doctor = new DoctorService(
    appDoctorDeps({
      pathEnv: deps.pathEnv,
      ...cwd,
      pond: (name) => ponds.pond(name),
      claims: () => (ponds.snapshot().claimsDirState === 'unreadable' ? null : ponds.claims().map((l) => l.claim)),
      peers: (pond, signal) => bridge.peers({ pond, provider: '', sharePort: 0 }, signal),
      meshMembers: (pond) => resolvePondMeshMembers(memberSources, pond),
      forwards: (pond) => mesh.readyForwards(pond),
      emit: (event, payload) => bus.emit(event, payload),
    }),
  );

  return {
    deps,
    bus,
    lifecycle,
    settings,
    producedUrls,
    paths: {
      userData: deps.userDataDir,
      settingsFile: settings.path,
      crabboxClaims: orEmpty(() => claimsDir(deps.pathEnv)),
      pondState: orEmpty(() => pondStateDir(deps.pathEnv, '')),
    },
    release,
    exports,
    ponds,
    hosts,
    bridge,
    mesh,
    /** The pond's members as the mesh would connect them, and the providers it must skip. */
    meshMembers: (pond: string, provider?: string) => resolvePondMeshMembers(memberSources, pond, provider),
    /** Chosen, remembered and current local ports; choosing and resetting them. */
    ports,
    /**
     * `pond connect --json`: the forward table a connect would produce; nothing is connected,
     * written or remembered. `chosen`: ports tried as if chosen (`--port`), not kept.
     */
    previewForwards: (
      pond: string,
      members: readonly MeshMember[],
      onMove: (member: string, remotePort: number, move: PortMove) => void,
      chosen: ReadonlyArray<{ member: string; remotePort: number; localPort: number }> = [],
    ) => {
      const choices = Object.fromEntries(chosen.map((c) => [forwardPortKey({ pond, member: c.member, remotePort: c.remotePort }), c.localPort]));
      return previewForwardTable(pond, members, exports.paths(pond), allocator.preview(choices), onMove);
    },
    /** Resolves once the env/hosts files reflect every forward change reported so far. */
    filesSettled: () => meshFiles.onIdle(),
    owner: deps.owner,
    /** Removes the files of ponds whose recorded owner is gone (after a kill -9 or a crash); one line per pond cleaned. */
    sweepStaleFiles: async () => (await sweepStaleFiles(deps.pathEnv, deps.processProbe ?? systemProcessProbe(deps.pathEnv.platform))).map(describeSweep),
    meshPrompts,
    doctor,
    /** Every provider key the engine knows, for redacting logs: the environment's and, while the settings can be read, the saved ones. */
    secretValues: (): string[] => {
      try {
        return bridge.credentials().secretValues();
      } catch {
        return new Credentials(deps.pathEnv.env).secretValues();
      }
    },
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
  };
}

export type Engine = ReturnType<typeof createEngine>;

/** This process as the owner of the forwards, for `EngineDeps.owner`. */
export function ownerIdentity(kind: OwnerKind, endpoint: string | null): OwnerIdentity {
  return thisProcess(kind, endpoint);
}

export interface NodeEngineOptions extends Omit<EngineDeps, 'app' | 'userDataDir' | 'settings'> {
  version: string;
}

/**
 * The engine outside Electron (CLI, web host, agent): the same settings file as the
 * desktop app (Electron's userData path for this app), opened with conf when first written.
 */
export function createNodeEngine({ version, ...options }: NodeEngineOptions): Engine {
  const userDataDir = appDataDir(options.pathEnv);
  return createEngine({ ...options, app: { name: 'Pond Desktop', version }, userDataDir, settings: lazyConfBackend(userDataDir) });
}
