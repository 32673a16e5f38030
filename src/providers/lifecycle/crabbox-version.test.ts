import { describe, expect, it } from 'vitest';
import { MIN_CRABBOX_VERSION, meetsMinimum, parseCrabboxVersion } from './crabbox-version';

describe('parseCrabboxVersion', () => {
  it('reads what `crabbox --version` prints for a release, a pseudo-version and a source build', () => {
    expect(parseCrabboxVersion('0.46.0\n')).toEqual({ kind: 'release', text: '0.46.0', major: 0, minor: 46, patch: 0 });
    expect(parseCrabboxVersion('0.46.1-0.20260810123456-abcdef123456\n')).toMatchObject({ kind: 'release', minor: 46, patch: 1 });
    expect(parseCrabboxVersion('dev\n')).toEqual({ kind: 'dev', text: 'dev' });
    expect(parseCrabboxVersion('0.13.0-dev\n')).toMatchObject({ kind: 'release', text: '0.13.0-dev', minor: 13 });
  });

  it('tolerates a leading v, a "crabbox" prefix and blank lines', () => {
    expect(parseCrabboxVersion('\n  v0.30.2\r\n')).toMatchObject({ text: '0.30.2', minor: 30, patch: 2 });
    expect(parseCrabboxVersion('crabbox version 1.2.3')).toMatchObject({ major: 1, minor: 2, patch: 3 });
  });

  it('rejects output that is not a version', () => {
    expect(parseCrabboxVersion('')).toBeNull();
    expect(parseCrabboxVersion('usage: something else')).toBeNull();
    expect(parseCrabboxVersion('1.2')).toBeNull();
  });
});

describe('meetsMinimum', () => {
  const ok = (text: string) => meetsMinimum(parseCrabboxVersion(text) ?? { kind: 'dev', text: 'unparsed' });

  it('accepts the first release with ponds and everything after it', () => {
    expect(MIN_CRABBOX_VERSION).toBe('0.22.0');
    expect(ok('0.22.0')).toBe(true);
    expect(ok('0.22.1')).toBe(true);
    expect(ok('0.46.0')).toBe(true);
    expect(ok('1.0.0')).toBe(true);
    expect(ok('0.22.0-rc.1')).toBe(true);
    expect(ok('dev')).toBe(true);
  });

  it('refuses releases from before ponds, including pseudo-versions based on them', () => {
    expect(ok('0.21.9')).toBe(false);
    expect(ok('0.5.0')).toBe(false);
    expect(ok('0.21.1-0.20260514070813-eb9404600773')).toBe(false);
  });
});
