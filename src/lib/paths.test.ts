import { describe, expect, it } from 'vitest';
import { appDataDir, claimsDir, crabboxConfigFile, crabboxStateDir, leaseKeyDir, pondStateDir, userConfigDir, type PathEnv } from './paths';

const linux = (env: Record<string, string>): PathEnv => ({ platform: 'linux', env, home: '/home/u' });

describe('crabbox paths (spec §1.1)', () => {
  it('uses $XDG_STATE_HOME/crabbox on any OS, without a state segment', () => {
    expect(claimsDir(linux({ XDG_STATE_HOME: '/tmp/s' }))).toBe('/tmp/s/crabbox/claims');
    expect(crabboxStateDir({ platform: 'darwin', env: { XDG_STATE_HOME: '/tmp/s', HOME: '/Users/u' }, home: '/Users/u' })).toBe('/tmp/s/crabbox');
    expect(crabboxStateDir({ platform: 'win32', env: { XDG_STATE_HOME: 'C:\\s', APPDATA: 'C:\\A' }, home: 'C:\\u' })).toBe('C:\\s\\crabbox');
  });

  it('falls back to <UserConfigDir>/crabbox/state per OS', () => {
    expect(claimsDir(linux({ HOME: '/home/u' }))).toBe('/home/u/.config/crabbox/state/claims');
    expect(claimsDir(linux({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }))).toBe('/cfg/crabbox/state/claims');
    expect(claimsDir({ platform: 'darwin', env: { HOME: '/Users/u', XDG_CONFIG_HOME: '/ignored' }, home: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/crabbox/state/claims',
    );
    expect(claimsDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\crabbox\\state\\claims',
    );
  });

  it('refuses a relative XDG_CONFIG_HOME and a missing home like Go does', () => {
    expect(() => userConfigDir(linux({ XDG_CONFIG_HOME: 'rel' }))).toThrow(/not absolute/);
    expect(() => userConfigDir({ platform: 'linux', env: {}, home: '' })).toThrow(/user state directory is unavailable/);
    expect(() => userConfigDir({ platform: 'win32', env: {}, home: 'C:\\u' })).toThrow(/user state directory is unavailable/);
  });

  it('puts per-lease keys under the config dir even with XDG_STATE_HOME', () => {
    expect(leaseKeyDir(linux({ HOME: '/home/u', XDG_STATE_HOME: '/s' }), 'cbx_0a1b2c3d4e5f')).toBe('/home/u/.config/crabbox/testboxes/cbx_0a1b2c3d4e5f');
  });

  it('finds the crabbox config file, honouring CRABBOX_CONFIG', () => {
    expect(crabboxConfigFile(linux({ HOME: '/home/u' }))).toBe('/home/u/.config/crabbox/config.yaml');
    expect(crabboxConfigFile(linux({ HOME: '/home/u', CRABBOX_CONFIG: '/etc/cb.yaml' }))).toBe('/etc/cb.yaml');
  });

  it('uses the literal HOME for pond files and says so when it is unset', () => {
    expect(pondStateDir({ platform: 'linux', env: { HOME: '/h' }, home: '/other' }, 'pr-42')).toBe('/h/.crabbox/pond/pr-42');
    expect(() => pondStateDir({ platform: 'win32', env: {}, home: 'C:\\u' }, 'a')).toThrow('HOME is unset; cannot write pond SSH-mesh state files');
  });

  it("matches Electron's userData for the app on each OS", () => {
    expect(appDataDir(linux({ HOME: '/home/u' }))).toBe('/home/u/.config/Pond Desktop');
    expect(appDataDir({ platform: 'darwin', env: { HOME: '/Users/u' }, home: '/Users/u' })).toBe('/Users/u/Library/Application Support/Pond Desktop');
    expect(appDataDir({ platform: 'win32', env: { APPDATA: 'C:\\R' }, home: 'C:\\u' })).toBe('C:\\R\\Pond Desktop');
  });
});
