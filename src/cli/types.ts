import type { PathEnv } from '../lib/paths';

/** What a CLI command may touch; everything is injectable so commands run in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  pathEnv: PathEnv;
  cwd: string;
  /** True when stdin is an interactive terminal (prompts allowed). */
  isTTY: boolean;
  /** Reads one line from the terminal after printing `prompt`; null at end of input. */
  readLine(prompt: string): Promise<string | null>;
  /** Aborted on Ctrl-C / SIGTERM (and SIGHUP on Unix). */
  signal: AbortSignal;
  /**
   * Starts the headless owner of the forwards (`pond agent run`, detached, outliving this
   * command) and resolves once it answers on its control socket.
   */
  startOwner(): Promise<void>;
}

export interface CliCommand {
  name: string;
  /** One line for `pond --help`. */
  summary: string;
  /** Full usage text for `pond <name> --help`. */
  usage: string;
  /** Returns the exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A usage error: printed with the command's usage hint, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}
