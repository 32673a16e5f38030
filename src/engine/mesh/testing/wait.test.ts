import { describe, expect, it } from 'vitest';
import { until } from './wait';

describe('until', () => {
  it('resolves once the check holds and names what it waited for on timeout', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 30);
    await until(() => ready, 'the flag');
    expect(ready).toBe(true);
    await expect(until(() => false, 'nothing', 50)).rejects.toThrow('timed out after 50 ms waiting for nothing');
  });
});
