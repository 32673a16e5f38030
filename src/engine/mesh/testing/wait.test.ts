import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from './wait';

afterEach(() => {
  vi.useRealTimers();
});

describe('until', () => {
  it('polls until the check holds, sync or async', async () => {
    let polls = 0;
    await until(() => ++polls === 3, 'the third poll');
    expect(polls).toBe(3);
    await until(async () => ++polls === 5, 'the fifth poll');
    expect(polls).toBe(5);
  });

  it('names what it waited for on timeout, computing the name then', async () => {
    vi.useFakeTimers();
    let state = 'starting';
    const waited = until(() => false, () => `the flag (state ${state})`, 50);
    const failed = expect(waited).rejects.toThrow('timed out after 50 ms waiting for the flag (state stuck)');
    state = 'stuck';
    await vi.advanceTimersByTimeAsync(100);
    await failed;
  });
});
