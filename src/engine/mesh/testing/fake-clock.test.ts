import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('fires timers in time order as time advances, and not cleared ones', () => {
    const clock = new FakeClock(0.25);
    const fired: string[] = [];
    clock.timers.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.timers.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.timers.setTimeout(() => fired.push(`c@${clock.now()}`), 50);
    }, 100);
    const cancelled = clock.timers.setTimeout(() => fired.push('never'), 150);
    clock.timers.clearTimeout(cancelled);
    const start = clock.now();
    expect(clock.pendingDelays()).toEqual([100, 200]);
    clock.advance(300);
    expect(fired).toEqual([`a@${start + 100}`, `c@${start + 150}`, `b@${start + 200}`]);
    expect(clock.now()).toBe(start + 300);
    expect(clock.random()).toBe(0.25);
  });

  it('jumps the wall clock without firing timers, shifting them like a suspended machine', () => {
    const clock = new FakeClock();
    let fired = 0;
    clock.timers.setTimeout(() => (fired += 1), 1_000);
    clock.jump(60_000);
    expect(fired).toBe(0);
    expect(clock.pendingDelays()).toEqual([1_000]);
    clock.advance(1_000);
    expect(fired).toBe(1);
  });

  it('waits for the code to settle after each timer, so timers set meanwhile fire in turn', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    let work = Promise.resolve();
    const tick = () => {
      fired.push(clock.now());
      // Like a poll that re-arms itself only after asynchronous work.
      work = Promise.resolve().then(() => void clock.timers.setTimeout(tick, 100));
    };
    clock.timers.setTimeout(tick, 100);
    const start = clock.now();
    await clock.advanceSettled(350, () => work);
    expect(fired).toEqual([start + 100, start + 200, start + 300]);
    expect(clock.pendingDelays()).toEqual([50]);
  });
});
