import { describe, expect, it } from 'vitest';
import { controlEndpoint } from './endpoint';

describe('controlEndpoint', () => {
  it('uses $XDG_RUNTIME_DIR when it is absolute, else ~/.crabbox/pond', () => {
    expect(controlEndpoint({ platform: 'linux', env: { HOME: '/home/a', XDG_RUNTIME_DIR: '/run/user/1000' }, home: '/home/a' })).toEqual({
      path: '/run/user/1000/pond-desktop/control.sock',
      dir: '/run/user/1000/pond-desktop',
    });
    expect(controlEndpoint({ platform: 'darwin', env: { HOME: '/Users/a', XDG_RUNTIME_DIR: 'relative' }, home: '/Users/a' })).toEqual({
      path: '/Users/a/.crabbox/pond/.pond-desktop/control.sock',
      dir: '/Users/a/.crabbox/pond/.pond-desktop',
    });
  });

  it('is a per-user named pipe on Windows', () => {
    expect(controlEndpoint({ platform: 'win32', env: { USERNAME: 'Ada Lovelace' }, home: 'C:\\Users\\Ada' })).toEqual({ path: '\\\\.\\pipe\\pond-desktop-Ada_Lovelace', dir: null });
  });

  it('names the path and the way out when it is too long for a socket', () => {
    const home = `/home/${'x'.repeat(90)}`;
    expect(() => controlEndpoint({ platform: 'linux', env: { HOME: home }, home })).toThrow(/too long for a Unix socket .*set XDG_RUNTIME_DIR/);
  });

  it('needs HOME when there is no runtime directory, as crabbox does for its pond files', () => {
    expect(() => controlEndpoint({ platform: 'linux', env: {}, home: '' })).toThrow(/HOME is unset/);
  });
});
