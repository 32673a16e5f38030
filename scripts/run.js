/**
 * Child processes for the set-up scripts. They run before `npm ci`, so they use Node's own
 * modules only.
 */
import { spawn, spawnSync } from 'node:child_process';

const onWindows = process.platform === 'win32';

/** Runs a command with the terminal attached and says whether it exited 0. */
export function runStep(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status === 0;
}

/** Runs `npm <args>`; npm is a .cmd file on Windows, which Node starts only through a shell. */
export function runNpm(args, options = {}) {
  return runStep('npm', args, { shell: onWindows, ...options });
}

/** Runs a command and keeps what it printed, for a one-line reason when it fails. */
export function runQuiet(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/**
 * Runs a long-lived program (Electron, `pond serve`) and resolves to its exit code and
 * whether a stop signal was passed on to it. The
 * child gets its own process group, so a Ctrl-C reaches it once, through us: npm and the
 * terminal may both signal this script, and a second SIGINT would stop the child before it
 * closed its sessions.
 */
export function runForwardingSignals(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: !onWindows, ...options });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let forwarded = false;
  const forward = (signal) => {
    if (forwarded) return;
    forwarded = true;
    child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    const done = (code) => {
      for (const name of signals) process.off(name, forward);
      resolve({ code, stopped: forwarded });
    };
    child.once('error', (error) => {
      console.error(`pond: ${command} could not be started (${error.message})`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
