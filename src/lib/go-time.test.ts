import { describe, expect, it } from 'vitest';
import { ZERO_TIME, expiryText, nsToSeconds, parseGoDuration, parseRfc3339 } from './go-time';

function seconds(input: string): number {
  const r = parseGoDuration(input);
  if (!r.ok) throw new Error(r.error);
  return nsToSeconds(r.ns);
}

describe('parseGoDuration', () => {
  it('accepts Go duration syntax', () => {
    expect(seconds('24h')).toBe(86400);
    expect(seconds('1h30m')).toBe(5400);
    expect(seconds('1.5h')).toBe(5400);
    expect(seconds('90s')).toBe(90);
    expect(seconds('2h45m30.5s')).toBe(9930.5);
    expect(seconds('.5s')).toBe(0.5);
    expect(seconds('5.s')).toBe(5);
    expect(seconds('500ms')).toBe(0.5);
    expect(seconds('1500us')).toBe(0.0015);
    expect(seconds('1\u00b5s')).toBe(0.000001);
    expect(seconds('1\u03bcs')).toBe(0.000001);
    expect(seconds('10ns')).toBe(1e-8);
    expect(seconds('0')).toBe(0);
    expect(seconds('-1h')).toBe(-3600);
    expect(seconds('+7m')).toBe(420);
    expect(seconds('168h')).toBe(604800);
  });

  it('rejects what Go rejects, with Go messages', () => {
    expect(parseGoDuration('')).toEqual({ ok: false, error: 'time: invalid duration ""' });
    expect(parseGoDuration('abc')).toEqual({ ok: false, error: 'time: invalid duration "abc"' });
    expect(parseGoDuration('10')).toEqual({ ok: false, error: 'time: missing unit in duration "10"' });
    expect(parseGoDuration('1d')).toEqual({ ok: false, error: 'time: unknown unit "d" in duration "1d"' });
    expect(parseGoDuration('.s')).toEqual({ ok: false, error: 'time: invalid duration ".s"' });
    expect(parseGoDuration('-')).toEqual({ ok: false, error: 'time: invalid duration "-"' });
    expect(parseGoDuration('1h ')).toEqual({ ok: false, error: 'time: unknown unit "h " in duration "1h "' });
    expect(parseGoDuration('9999999999999999999h').ok).toBe(false);
    expect(parseGoDuration('3000000h').ok).toBe(false);
  });
});

describe('parseRfc3339', () => {
  it('keeps Go printed forms: offset preserved, fraction trimmed, +00:00 as Z', () => {
    expect(parseRfc3339('2026-06-10T12:00:00Z')).toMatchObject({ json: '2026-06-10T12:00:00Z', text: '2026-06-10T12:00:00Z', isZero: false });
    expect(parseRfc3339('2026-06-10T12:00:00.500000Z')).toMatchObject({ json: '2026-06-10T12:00:00.5Z', text: '2026-06-10T12:00:00Z' });
    expect(parseRfc3339('2026-06-10T14:00:00+02:00')).toMatchObject({
      json: '2026-06-10T14:00:00+02:00',
      epochMs: Date.parse('2026-06-10T12:00:00Z'),
    });
    expect(parseRfc3339('2026-06-10T12:00:00+00:00')?.json).toBe('2026-06-10T12:00:00Z');
    expect(parseRfc3339('2026-06-10T12:00:00.123456789Z')?.epochMs).toBe(Date.parse('2026-06-10T12:00:00.123Z'));
  });

  it('recognises the zero time', () => {
    expect(parseRfc3339(ZERO_TIME)).toMatchObject({ isZero: true, json: ZERO_TIME });
    expect(parseRfc3339('0001-01-01T00:00:00.5Z')?.isZero).toBe(false);
  });

  it('rejects what time.RFC3339 rejects', () => {
    for (const bad of ['', 'tomorrow', '2026-06-10', '2026-06-10 12:00:00Z', '2026-06-10t12:00:00z', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-06-10T24:00:00Z', '2026-06-10T12:00:60Z', '2026-06-10T12:00:00+2:00', '2026-06-10T12:00:00']) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBeDefined();
  });
});

describe('expiryText', () => {
  it('prints RFC3339 and hides the zero time', () => {
    expect(expiryText('2026-06-10T12:00:00.25+02:00')).toBe('2026-06-10T12:00:00+02:00');
    expect(expiryText(ZERO_TIME)).toBe('');
  });
});
