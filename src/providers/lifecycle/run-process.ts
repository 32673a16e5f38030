/**
 * Runs one external command with a deadline and captured output. On timeout the whole
 * process tree is killed, not just the direct child: `crabbox stop` may itself run ssh,
 * provider CLIs or helpers, and a hung grandchild would otherwise keep running (and keep
 * our output pipes open) after we gave up on it.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface RunOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  timeoutMs: number;
  platform?: NodeJS.Platform;
  spawn?: SpawnFn;
  /** How long SIGTERM gets before SIGKILL, and how long we then wait for the pipes. */
  graceMs?: number;
}

export type RunResult =
  | { kind: 'exited'; code: number; stdout: string; stderr: string; output: string }
  | { kind: 'signalled'; signal: string; stdout: string; stderr: string; output: string }
  | { kind: 'timeout'; timeoutMs: number; stdout: string; stderr: string; output: string }
  | { kind: 'spawn-error'; message: string };

/** Keep the tail: the end of a long crabbox output is where its error is. */
const MAX_CAPTURE = 64 * 1024;

class Capture {
  private text = '';
  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > MAX_CAPTURE) this.text = this.text.slice(-MAX_CAPTURE);
  }
  toString(): string {
    return this.text;
  }
}

function killTree(child: ChildProcess, platform: NodeJS.Platform, spawn: SpawnFn, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  if (platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
    } catch {
      child.kill();
    }
    return;
  }
  try {
    // The child leads its own process group (detached), so -pid reaches every descendant.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const platform = options.platform ?? process.platform;
  const spawn = options.spawn ?? (nodeSpawn as SpawnFn);
  const grace = options.graceMs ?? 2000;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        env: options.env as NodeJS.ProcessEnv,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      resolve({ kind: 'spawn-error', message: (error as Error).message });
      return;
    }
    const stdout = new Capture();
    const stderr = new Capture();
    const output = new Capture();
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout.add(chunk);
      output.add(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.add(chunk);
      output.add(chunk);
    });

    let settled = false;
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    const captured = () => ({ stdout: stdout.toString(), stderr: stderr.toString(), output: output.toString() });
    const finish = (result: RunResult) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      resolve(result);
    };

    child.once('error', (error) => finish({ kind: 'spawn-error', message: error.message }));
    child.once('close', (code, signal) => {
      if (timedOut) {
        // The leader is gone; anything left in its group ignored SIGTERM.
        killTree(child, platform, spawn, 'SIGKILL');
        finish({ kind: 'timeout', timeoutMs: options.timeoutMs, ...captured() });
      } else if (code !== null) finish({ kind: 'exited', code, ...captured() });
      else finish({ kind: 'signalled', signal: signal ?? 'unknown', ...captured() });
    });

    timers.push(
      setTimeout(() => {
        timedOut = true;
        killTree(child, platform, spawn, 'SIGTERM');
        timers.push(
          setTimeout(() => {
            killTree(child, platform, spawn, 'SIGKILL');
            // A descendant that escaped the group could hold the pipes open forever.
            timers.push(
              setTimeout(() => {
                child.stdout?.destroy();
                child.stderr?.destroy();
                finish({ kind: 'timeout', timeoutMs: options.timeoutMs, ...captured() });
              }, grace),
            );
          }, grace),
        );
      }, options.timeoutMs),
    );
  });
}
