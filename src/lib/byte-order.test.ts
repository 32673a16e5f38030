import { describe, expect, it } from 'vitest';
import { byteCompare } from './byte-order';

describe('byteCompare', () => {
  it('compares astral characters by code point like Go, not by UTF-16 unit', () => {
    // U+FF5E (one UTF-16 unit 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) in code point order.
    expect(byteCompare('\uFF5E', '😀')).toBeLessThan(0);
    expect('\uFF5E' < '😀').toBe(false);
    expect(byteCompare('a', 'a')).toBe(0);
    expect(byteCompare('Web', 'api')).toBeLessThan(0);
  });
});
