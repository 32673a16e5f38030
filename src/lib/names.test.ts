import { describe, expect, it } from 'vitest';
import { envSafeName, normalizePondName, normalizeSlug, parsePondName, requestedPondName, requestedSlug, requiredPondFlag, shortLeaseID, truthy } from './names';

describe('normalizePondName (spec §2.1)', () => {
  it.each([
    [' Alpha Pond ', 'alpha-pond'],
    ['Alpha_Bravo Charlie', 'alpha-bravo-charlie'],
    ['---alpha---', 'alpha'],
    ['alpha//bravo??', 'alpha-bravo'],
    ['pond!!', 'pond'],
    ['PR #42', 'pr-42'],
    ['42alpha', '42alpha'],
    ['', ''],
    ['   ', ''],
    ['!!', ''],
    ['a  _ b', 'a-b'],
  ])('%j → %j', (input, want) => {
    expect(normalizePondName(input)).toBe(want);
  });

  it('maps U+0130 to a single i, as Go does (JS toLowerCase would give i + combining dot)', () => {
    expect('İ'.toLowerCase()).toHaveLength(2);
    expect(normalizePondName('İstanbul')).toBe('istanbul');
    expect(normalizePondName('İSTANBUL')).toBe('istanbul');
  });

  it('maps the Kelvin sign U+212A to k', () => {
    expect(normalizePondName('\u212Aelvin')).toBe('kelvin');
  });

  it('turns every other non-ASCII letter or digit into a dash', () => {
    expect(normalizePondName('café')).toBe('caf');
    expect(normalizePondName('naïve pond')).toBe('na-ve-pond');
    expect(normalizePondName('Ünïcode')).toBe('n-code');
    expect(normalizePondName('pond٣')).toBe('pond');
    expect(normalizePondName('Straße')).toBe('stra-e');
    expect(normalizePondName('🐸frog')).toBe('frog');
  });

  it('normalizes slugs with the same rules', () => {
    expect(normalizeSlug(' Web Server ')).toBe('web-server');
    expect(normalizeSlug('İstanbul')).toBe('istanbul');
  });
});

describe('requestedPondName / requestedSlug (crabbox messages)', () => {
  it('accepts and normalizes', () => {
    expect(requestedPondName(' Alpha Pond ')).toEqual({ ok: true, name: 'alpha-pond' });
  });

  it('treats blank as "no pond"', () => {
    expect(requestedPondName('')).toEqual({ ok: true, name: '' });
    expect(requestedPondName('  \t')).toEqual({ ok: true, name: '' });
  });

  it('rejects a name without letters or digits', () => {
    expect(requestedPondName('!!')).toEqual({ ok: false, error: '--pond must contain at least one letter or digit' });
    expect(requestedSlug('--')).toEqual({ ok: false, error: '--slug must contain at least one letter or digit' });
  });

  it('rejects more than 41 characters after normalization, accepts exactly 41', () => {
    expect(requestedPondName('a'.repeat(42))).toEqual({ ok: false, error: '--pond must be 41 characters or fewer after normalization' });
    expect(requestedSlug('b'.repeat(42))).toEqual({ ok: false, error: '--slug must be 41 characters or fewer after normalization' });
    expect(requestedPondName('a'.repeat(41))).toEqual({ ok: true, name: 'a'.repeat(41) });
    // Length counts after normalization: punctuation runs collapse.
    expect(requestedPondName(`${'a'.repeat(20)}!!!!!!${'b'.repeat(20)}`)).toEqual({ ok: true, name: `${'a'.repeat(20)}-${'b'.repeat(20)}` });
  });
});

describe('requiredPondFlag (crabbox messages) and parsePondName (the app and the API)', () => {
  it('requires --pond, then validates it as crabbox does', () => {
    expect(requiredPondFlag(' \t')).toEqual({ ok: false, error: '--pond is required' });
    expect(requiredPondFlag('!!')).toEqual({ ok: false, error: '--pond must contain at least one letter or digit' });
    expect(requiredPondFlag(' Alpha Pond ')).toEqual({ ok: true, name: 'alpha-pond' });
  });

  it('normalizes, and says the same thing for a blank name and one without a letter or digit', () => {
    expect(parsePondName(' Alpha Pond ')).toBe('alpha-pond');
    const failure = (input: string) => {
      try {
        return parsePondName(input);
      } catch (error) {
        return error;
      }
    };
    expect(failure('')).toMatchObject({ code: 'INVALID_INPUT', message: 'pond name "" has no letter or digit, so it names no pond' });
    expect(failure('!!')).toMatchObject({ code: 'INVALID_INPUT', message: 'pond name "!!" has no letter or digit, so it names no pond' });
  });
});

describe('envSafeName (spec §5.5 table)', () => {
  it.each([
    ['web', 'WEB'],
    ['client-foo', 'CLIENT_FOO'],
    ['a.b/c', 'A_B_C'],
    ['  ', '_'],
    ['---', '_'],
    ['123-name', '123_NAME'],
    ['pond/peer-1', 'POND_PEER_1'],
    ['a..b', 'A__B'],
    ['', '_'],
  ])('%j → %j', (input, want) => {
    expect(envSafeName(input)).toBe(want);
  });

  it("uses Go's per-code-point uppercasing: ı→I and ſ→S, ß stays and becomes _", () => {
    expect(envSafeName('ıd')).toBe('ID');
    expect(envSafeName('ſsh')).toBe('SSH');
    expect(envSafeName('straße')).toBe('STRA_E');
    expect(envSafeName('ß')).toBe('_');
  });
});

describe('shortLeaseID and truthy', () => {
  it('keeps the last 6 characters of the normalized id without cbx-/isb-', () => {
    expect(shortLeaseID('cbx_0a1b2c3d4e5f')).toBe('3d4e5f');
    expect(shortLeaseID('isb_abc')).toBe('abc');
    expect(shortLeaseID('e2b_sbx_123456789')).toBe('456789');
  });

  it('accepts 1|true|yes|on, trimmed and case-insensitive', () => {
    for (const v of ['1', 'true', ' YES ', 'On']) expect(truthy(v)).toBe(true);
    for (const v of ['0', 'false', '', undefined, 'y']) expect(truthy(v)).toBe(false);
  });
});
