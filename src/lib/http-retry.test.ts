import { describe, expect, it } from 'vitest';
import { defaultBackoffMs, retryAfterMs, retryableStatus } from './http-retry';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-06-10T12:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Wed, 10 Jun 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Wed, 10 Jun 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-3', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('retryableStatus', () => {
  it('retries "try later" statuses; a request that creates something only when it was not processed', () => {
    for (const status of [429, 500, 502, 503, 504]) expect(retryableStatus(status, true), String(status)).toBe(true);
    for (const status of [200, 302, 400, 401, 404, 412, 501, 505]) expect(retryableStatus(status, true), String(status)).toBe(false);
    expect([429, 500, 502, 503, 504].filter((status) => retryableStatus(status, false))).toEqual([429, 503]);
  });
});

describe('defaultBackoffMs', () => {
  it('doubles from 500 ms up to 4 s', () => {
    expect([1, 2, 3, 4, 5, 6].map(defaultBackoffMs)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
});
