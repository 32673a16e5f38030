/**
 * Quitting: every session closed and every env/hosts file removed, but never waiting
 * forever. A session or a file system that hangs must not keep the app (and its tray
 * icon) alive after the user chose Quit, so the engine gets a deadline.
 */

export const QUIT_DEADLINE_MS = 3_000;

export interface QuitTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: QuitTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Runs `stop`; resolves with how it ended, at the latest after `deadlineMs`. */
export function stopWithin(stop: () => Promise<void>, deadlineMs = QUIT_DEADLINE_MS, timers = systemTimers): Promise<'stopped' | 'failed' | 'timed-out'> {
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve('timed-out'), deadlineMs);
    stop().then(
      () => resolve('stopped'),
      () => resolve('failed'),
    ).finally(() => timers.clearTimeout(timer));
  });
}
