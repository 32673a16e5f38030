import { describe, expect, it } from 'vitest';
import { goQuote } from './go-quote';

describe('goQuote (Go %q)', () => {
  it('escapes quotes, backslashes and control characters the Go way', () => {
    expect(goQuote('tailnet endpoint not yet recorded for this lease')).toBe('"tailnet endpoint not yet recorded for this lease"');
    expect(goQuote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(goQuote('a\nb\tc\x01\x7f')).toBe('"a\\nb\\tc\\x01\\x7f"');
  });

  it('keeps printable Unicode and escapes invisible format characters', () => {
    expect(goQuote('café — ok')).toBe('"café — ok"');
    expect(goQuote('a\u200bb')).toBe('"a\\u200bb"');
  });
});
