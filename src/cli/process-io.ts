/** The real process as a CliIO: stdio, environment, signals, and starting the agent as a process of its own. */
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { processPathEnv } from '../lib/paths';
import { startAgentProcess } from './start-agent';
import type { CliIO } from './types';

export function processIO(): CliIO {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  // `on`, not `once`: signal-exit (under proper-lockfile) re-raises a signal nobody else listens to any more.
  for (const signal of signals) process.on(signal, stop);
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
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
