/**
 * The test suite's one way to wait for something real (a server, a process, a file
 * watcher): poll `check` every 10 ms until it holds, failing with `what` after a generous
 * timeout. Code on an injected clock is driven with FakeClock instead, never waited for.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
