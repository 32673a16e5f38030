/** The real process as a CliIO: stdio, environment, signals, and starting the agent as a process of its own. */
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { processPathEnv } from '../lib/paths';
import { startAgentProcess } from './start-agent';
import type { CliIO } from './types';

/**
 * Writes to stdout or stderr until the reader goes away (`pond list | head`): then the
 * rest of the output is dropped without a word and the command is asked to stop, as Ctrl-C
 * would, so a foreground `pond connect` still tears down and removes its files.
 */
function outputStream(stream: NodeJS.WriteStream, stop: () => void): (text: string) => void {
  let gone = false;
  stream.on('error', () => {
    gone = true;
    stop();
  });
  return (text) => {
    if (!gone) stream.write(text);
  };
}

export function processIO(): CliIO {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  // `on`, not `once`: signal-exit (under proper-lockfile) re-raises a signal nobody else listens to any more.
  for (const signal of signals) process.on(signal, stop);
  return {
    out: outputStream(process.stdout, stop),
    err: outputStream(process.stderr, stop),
    env: process.env,
    pathEnv: processPathEnv(),
    cwd: process.cwd(),
    isTTY: Boolean(process.stdin.isTTY),
    readLine: (prompt) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        let answered = false;
        rl.question(prompt, (answer) => {
          answered = true;
          rl.close();
          resolve(answer);
        });
        rl.once('close', () => {
          if (!answered) resolve(null);
        });
      }),
    signal: controller.signal,
    // This module is bundled into out/cli/pond.js, so its own URL is the CLI's script.
    startOwner: () => startAgentProcess(processPathEnv(), fileURLToPath(import.meta.url), process.env, process.cwd()),
  };
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream is gone). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) {
      resolve();
      return;
    }
    // Writes complete in order: this empty one completes after every earlier one.
    stream.write('', () => resolve());
  });
}

/**
 * Exits with `code` after stdout and stderr have drained. Exiting at once would drop what
 * a pipe had not taken yet (all but the first 64 KiB of a large `--json`), with exit 0.
 */
export async function exitWhenDrained(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
