import { describe, expect, it } from 'vitest';
import { goJSON, peerRowForJSON } from './go-json';

describe('goJSON', () => {
  it('escapes what Go escapes', () => {
    expect(goJSON({ a: '<b>&\u2028\u2029' })).toBe('{"a":"\\u003cb\\u003e\\u0026\\u2028\\u2029"}');
  });
});

describe('peerRowForJSON', () => {
  it('orders fields as pond peers --json does and drops empty optional ones', () => {
    const json = peerRowForJSON({
      bridgeState: 'error',
      note: 'n',
      endpoint: '',
      transport: 'none',
      pond: 'p',
      provider: 'islo',
      leaseID: 'isb_1',
      slug: 's',
      transports: [],
      labels: {},
      targets: [{ port: 1, url: 'u', shareID: '', expiresAt: '' }],
    });
    expect(Object.keys(json)).toEqual(['slug', 'leaseID', 'provider', 'pond', 'transport', 'endpoint', 'note', 'targets', 'bridgeState']);
    expect(json.targets).toEqual([{ port: 1, url: 'u', expiresAt: '0001-01-01T00:00:00Z' }]);
  });
});
