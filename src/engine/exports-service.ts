/**
 * The app's side of the env/hosts files: the mesh reports every change of a pond's ready
 * forwards here (`apply`), this keeps the files equal to them, and answers the UI's
 * "copy line" / "copy all" with the exports rendered in the format asked for.
 */
import {
  exportEntries,
  pondFilePaths,
  PondFilesWriter,
  readPondEnv,
  renderExportLine,
  renderExports,
  type ExportEntry,
  type ExportFormat,
  type PondFilePaths,
} from './exports';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../lib/atomic-file';
import type { ForwardSpec } from './mesh/types';
import { DAEMON_FILE_NAME, renderDaemonFile, type OwnerIdentity } from './owner';
import { parsePondName } from '../lib/names';
import type { PathEnv } from '../lib/paths';

/** What the mesh reports (MeshManager's `onForwardsChanged`). */
export interface LiveForwardsChange {
  pond: string;
  /** Ready forwards in table order. */
  forwards: ForwardSpec[];
  /** False once nothing of the pond is connected any more. */
  connected: boolean;
}

/**
 * Where the exports came from: this app's mesh, an env file another process keeps
 * (`pond connect` in a terminal, or crabbox), or nowhere (the pond is not connected).
 */
export type ExportsSource = 'mesh' | 'env-file' | 'none';

export interface ExportsView {
  pond: string;
  format: ExportFormat;
  source: ExportsSource;
  /** `''` when HOME is unset. */
  envPath: string;
  text: string;
  lines: Array<{ name: string; value: string; line: string }>;
  /** Something the user should know: the files cannot be written, the env file is unreadable … */
  problem?: string;
}

export interface ExportsServiceDeps {
  pathEnv: PathEnv;
  log(message: string): void;
  /** This process as the owner of the forwards: recorded in each pond's daemon.json beside its files. */
  owner?: OwnerIdentity;
  now?: () => number;
  /** Called after a pond's exports changed (its files were rewritten or removed). */
  onChange?(pond: string): void;
}

export class ExportsService {
  private readonly live = new Map<string, ForwardSpec[]>();
  private readonly writers = new Map<string, PondFilesWriter>();
  private readonly problems = new Map<string, string>();
  private readonly connectedAt = new Map<string, Date>();

  constructor(private readonly deps: ExportsServiceDeps) {}

  /** Records the pond's ready forwards and brings its files in line. Never rejects. */
  async apply(change: LiveForwardsChange): Promise<void> {
    const { pond } = change;
    if (change.connected) this.live.set(pond, [...change.forwards]);
    else this.live.delete(pond);
    try {
      const writer = this.writerFor(pond);
      if (change.connected) {
        await writer.update(change.forwards);
        await this.recordOwner(pond, change.forwards);
      } else {
        await writer.clear();
        await this.recordOwner(pond, []);
      }
      this.problems.delete(pond);
    } catch (error) {
      const message = `the env and hosts files of pond "${pond}" cannot be updated: ${(error as Error).message}`;
      this.problems.set(pond, message);
      this.deps.log(message);
    } finally {
      this.deps.onChange?.(pond);
    }
  }

  /** daemon.json names this process as the holder of the pond's forwards while any is up. */
  private async recordOwner(pond: string, forwards: readonly ForwardSpec[]): Promise<void> {
    const { owner } = this.deps;
    if (!owner) return;
    const file = path.join(this.paths(pond).dir, DAEMON_FILE_NAME);
    if (forwards.length === 0) {
      this.connectedAt.delete(pond);
      await rm(file, { force: true });
      return;
    }
    let since = this.connectedAt.get(pond);
    if (!since) {
      since = new Date(this.deps.now?.() ?? Date.now());
      this.connectedAt.set(pond, since);
    }
    await replaceFile(file, renderDaemonFile(pond, since, forwards, owner), 0o600);
  }

  /** The pond's env and hosts file paths; throws crabbox's error when HOME is unset. */
  paths(pond: string): PondFilePaths {
    return pondFilePaths(this.deps.pathEnv, pond);
  }

  /** Removes the files of every pond this app connected (app shutting down). */
  async removeAll(): Promise<void> {
    const ponds = [...new Set([...this.live.keys(), ...this.writers.keys()])];
    await Promise.all(ponds.map((pond) => this.apply({ pond, forwards: [], connected: false })));
  }

  async get(rawPond: string, format: ExportFormat): Promise<ExportsView> {
    const pond = parsePondName(rawPond);
    let envPath = '';
    let problem = this.problems.get(pond);
    try {
      envPath = pondFilePaths(this.deps.pathEnv, pond).envPath;
    } catch (error) {
      problem ??= (error as Error).message;
    }
    const live = this.live.get(pond);
    if (live) return this.view(pond, format, 'mesh', envPath, exportEntries(live), problem);
    if (envPath === '') return this.view(pond, format, 'none', envPath, [], problem);
    try {
      const file = await readPondEnv(this.deps.pathEnv, pond);
      if (file === null || file.entries.length === 0) return this.view(pond, format, 'none', envPath, [], problem);
      return this.view(pond, format, 'env-file', envPath, file.entries, problem);
    } catch (error) {
      return this.view(pond, format, 'none', envPath, [], (error as Error).message);
    }
  }

  private view(pond: string, format: ExportFormat, source: ExportsSource, envPath: string, entries: ExportEntry[], problem?: string): ExportsView {
    const view: ExportsView = {
      pond,
      format,
      source,
      envPath,
      text: renderExports(entries, format).text,
      lines: entries.map((e) => ({ name: e.name, value: e.value, line: renderExportLine(e, format) })),
    };
    if (problem !== undefined) view.problem = problem;
    return view;
  }

  private writerFor(pond: string): PondFilesWriter {
    let writer = this.writers.get(pond);
    if (!writer) {
      writer = new PondFilesWriter(this.deps.pathEnv, pond);
      this.writers.set(pond, writer);
    }
    return writer;
  }
}
