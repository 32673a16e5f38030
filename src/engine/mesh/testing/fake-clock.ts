/**
 * The test suite's one fake clock: a MeshClock whose time only moves when the test says so;
 * timers fire in time order. Anything that takes `setTimeout`/`clearTimeout`/`now` can run
 * on it (`clock.timers.setTimeout`, `clock.now`).
 */
import type { MeshClock } from '../session';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements MeshClock {
  time = 1_000_000;
  private nextId = 1;
  private pending: Pending[] = [];

  constructor(private readonly randomValue = 0.5) {}

  now = (): number => this.time;
  random = (): number => this.randomValue;

  timers = {
    setTimeout: (fn: () => void, ms: number): unknown => {
      const entry = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
      this.pending.push(entry);
      return entry.id;
    },
    clearTimeout: (handle: unknown): void => {
      this.pending = this.pending.filter((p) => p.id !== handle);
    },
  };

  /** Delays (from now) of the timers waiting, soonest first. */
  pendingDelays(): number[] {
    return this.pending.map((p) => p.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    while (this.fireNext(end));
    this.time = end;
  }

  /**
   * `advance` for code that reacts to a timer asynchronously: after each timer it awaits
   * `settled` (the code's own "all done" signal), so the work a timer started, and the
   * timers that work sets, come before the next one fires.
   */
  async advanceSettled(ms: number, settled: () => Promise<unknown>): Promise<void> {
    const end = this.time + ms;
    while (this.fireNext(end)) await settled();
    this.time = end;
  }

  /** The wall clock jumps (the machine slept) without any timer firing. */
  jump(ms: number): void {
    this.time += ms;
    for (const p of this.pending) p.at += ms;
  }

  private fireNext(end: number): boolean {
    const due = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (!due) return false;
    this.pending = this.pending.filter((p) => p !== due);
    this.time = Math.max(this.time, due.at);
    due.fn();
    return true;
  }
}
