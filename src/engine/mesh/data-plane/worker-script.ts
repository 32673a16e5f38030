/**
 * Starts a data-plane worker thread. Built, the worker is `mesh-worker.js` beside the bundle
 * that runs (out/main in the app, out/cli for the CLI: both builds list it as an entry and
 * write every chunk flat into that folder). Run from source (tests, the bench, anything
 * under tsx), it is worker.ts, loaded through tsx's loader registered inside the thread.
 */
import { Worker } from 'node:worker_threads';

export const WORKER_BUNDLE = 'mesh-worker.js';

/**
 * The process's Node options a thread takes too: profiling (`--cpu-prof`, `--heap-prof` and
 * their settings, which the bench uses). Nothing else: preloaded modules serve the process's
 * own entry (tsx for its sources, the shell harness's stand-in for `electron`) and cannot all
 * load in a thread, and Node refuses a thread options that concern the whole process.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  return execArgv.filter((arg) => /^--(cpu|heap)-prof(-|=|$)/.test(arg));
}

export function startPlaneWorker(): Worker {
  const here = import.meta.url;
  const execArgv = workerExecArgv(process.execArgv);
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${WORKER_BUNDLE}`, here), { execArgv });
  const source = new URL('./worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { eval: true, execArgv });
}
