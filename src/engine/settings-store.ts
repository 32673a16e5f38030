/**
 * Pond Desktop's settings file (`<userData>/config.json`). The desktop app opens it
 * through electron-store (electron/settings.ts); the CLI, web host and tests open the
 * same file with `conf`, which electron-store wraps. Values are zod-checked on read so a
 * hand-edited file yields a clear error naming the key instead of a crash.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { PondError } from '../lib/errors';

export const SETTINGS_FILE_NAME = 'config';
export const SETTINGS_VERSION = 1;

export const manualMemberSchema = z.object({
  id: z.string().min(1),
  pond: z.string().min(1),
  slug: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  /** Private key file; absent means ssh-agent (`SSH_AUTH_SOCK`). */
  identityFile: z.string().optional(),
  ports: z.array(z.number().int().min(1).max(65535)),
  addedAt: z.string(),
});
export type ManualMember = z.infer<typeof manualMemberSchema>;

export const settingsSchema = z.object({
  version: z.number().int(),
  manualMembers: z.array(manualMemberSchema),
  /** Last local port per `<pond>/<member>/<remotePort>`, so forwards keep their ports. */
  forwardPorts: z.record(z.string(), z.number().int().min(1).max(65535)),
  /** Local ports the user chose, per `<pond>/<member>/<remotePort>`; they win over `forwardPorts`. */
  chosenPorts: z.record(z.string(), z.number().int().min(1024).max(65535)),
  /** Ponds the desktop app reconnects when it starts. */
  restoreOnStart: z.array(z.string().min(1)),
  /** Path of the `crabbox` binary; empty means "find it on PATH". */
  crabboxPath: z.string(),
  /** Provider credentials, encrypted with Electron's safeStorage (base64). */
  secrets: z.record(z.string(), z.string()),
  /** The desktop app tells the system when a pond fails and when it recovers. */
  notifications: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  manualMembers: [],
  forwardPorts: {},
  chosenPorts: {},
  restoreOnStart: [],
  crabboxPath: '',
  secrets: {},
  notifications: true,
};

/** The part of conf / electron-store the engine uses. */
export interface SettingsBackend {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export function confOptions(cwd?: string) {
  return {
    configName: SETTINGS_FILE_NAME,
    projectName: 'pond-desktop',
    projectVersion: String(SETTINGS_VERSION),
    defaults: DEFAULT_SETTINGS,
    // conf chmods each write to this explicitly, so the umask cannot loosen it.
    configFileMode: 0o600,
    ...(cwd ? { cwd } : {}),
  };
}

/**
 * The settings directory 0700 and the file 0600, whatever the umask and whatever an older
 * version left: the file names hosts, key paths and the crabbox binary to run. conf would
 * create the directory with the umask's mode, so it is made here first.
 */
export function prepareSettingsDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  chmodSync(dir, 0o700);
  const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/** Opens the settings file with `conf` in an explicit directory (CLI, host, tests). */
export function openConfBackend(dir: string): SettingsBackend {
  try {
    prepareSettingsDir(dir);
    return new Conf<Settings>(confOptions(dir)) as unknown as SettingsBackend;
  } catch (error) {
    throw new PondError(
      'UNAVAILABLE',
      `settings file ${dir}/${SETTINGS_FILE_NAME}.json cannot be read (${(error as Error).message}); fix or move it aside`,
    );
  }
}

/**
 * The settings file for engines outside Electron (CLI, web host, agent): read through conf
 * once the file exists, defaults until then, created only by the first write. So listing
 * ponds never creates the app's settings file, and a broken file is an error naming it on
 * the reads that need it rather than at start-up.
 */
export function lazyConfBackend(dir: string): SettingsBackend {
  const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
  let conf: SettingsBackend | undefined;
  const open = () => (conf ??= openConfBackend(dir));
  return {
    path: file,
    get: (key) => (conf !== undefined || existsSync(file) ? open().get(key) : DEFAULT_SETTINGS[key as SettingsKey]),
    set: (key, value) => open().set(key, value),
  };
}

export class SettingsStore {
  constructor(private readonly backend: SettingsBackend) {}

  get path(): string {
    return this.backend.path;
  }

  get<K extends SettingsKey>(key: K): Settings[K] {
    const raw = this.backend.get(key) ?? DEFAULT_SETTINGS[key];
    const parsed = settingsSchema.shape[key].safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = [key, ...(first?.path ?? [])].join('.');
      throw new PondError('INVALID_INPUT', `settings file ${this.path}: ${where}: ${first?.message ?? 'invalid value'}`);
    }
    return parsed.data as Settings[K];
  }

  set<K extends SettingsKey>(key: K, value: Settings[K]): void {
    this.backend.set(key, settingsSchema.shape[key].parse(value));
  }
}
