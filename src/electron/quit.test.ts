import { afterEach, describe, expect, it, vi } from 'vitest';
import { QUIT_DEADLINE_MS, stopWithin } from './quit';

afterEach(() => {
  vi.useRealTimers();
});

describe('stopWithin', () => {
  it('says when the engine stopped in time, or failed', async () => {
    await expect(stopWithin(async () => {})).resolves.toBe('stopped');
    await expect(stopWithin(() => Promise.reject(new Error('busy')))).resolves.toBe('failed');
  });

  it('gives up on a stop that hangs once the deadline passes', async () => {
    vi.useFakeTimers();
    let settled = '';
    void stopWithin(() => new Promise(() => {})).then((outcome) => (settled = outcome));
    await vi.advanceTimersByTimeAsync(QUIT_DEADLINE_MS - 1);
    expect(settled).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe('timed-out');
  });
});
