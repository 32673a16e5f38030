/** The fault suite's waits: every one has a deadline, and real time is what is being measured. */

/** Polls `probe` until it returns a value (not undefined/false), failing after `limitMs` naming `what`. */
export async function bounded<T>(what: string, limitMs: number, probe: () => Promise<T | undefined | false> | T | undefined | false, everyMs = 100): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${Math.round(limitMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds since `start`, one decimal. */
export function secondsSince(start: number): number {
  return Math.round((Date.now() - start) / 100) / 10;
}
