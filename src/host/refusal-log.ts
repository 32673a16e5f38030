/**
 * The web host's log of refused attempts (bad requests, wrong tokens, protocol errors), at
 * most a few lines a minute: anyone on the machine can send them, and a flood must not
 * flood the log. What was held back is counted and said with the next line that goes out.
 */
export interface RefusalLogOptions {
  log(message: string): void;
  now?: () => number;
  /** Lines per window (default 3). */
  burst?: number;
  /** Window length in ms (default one minute). */
  windowMs?: number;
}

export type RefusalLog = (message: string) => void;

export function refusalLog(options: RefusalLogOptions): RefusalLog {
  const now = options.now ?? Date.now;
  const burst = options.burst ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  let windowStart = -Infinity;
  let sent = 0;
  let held = 0;
  return (message) => {
    const at = now();
    if (at - windowStart >= windowMs) {
      windowStart = at;
      sent = 0;
    }
    if (sent >= burst) {
      held += 1;
      return;
    }
    sent += 1;
    if (held > 0) {
      options.log(`${message} (and ${held} more refused attempt${held === 1 ? '' : 's'} not logged)`);
      held = 0;
      return;
    }
    options.log(message);
  };
}
