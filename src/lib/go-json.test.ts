import { describe, expect, it } from 'vitest';
import { goJSON, peerRowForJSON } from './go-json';

describe('goJSON', () => {
  it('escapes what Go escapes', () => {
    expect(goJSON({ a: '<b>&\u2028\u2029' })).toBe('{"a":"\\u003cb\\u003e\\u0026\\u2028\\u2029"}');
  });

  it('writes a lone surrogate as U+FFFD in values and keys, and keeps a pair', () => {
    expect(goJSON({ ['k\ud800']: ['\udc00x', 'é😀'] })).toBe('{"k\ufffd":["\ufffdx","é😀"]}');
  });

  it('leaves out undefined fields, writes undefined items as null, and calls toJSON', () => {
    expect(goJSON({ a: undefined, b: [undefined, 1, true, null], c: new Date(0) })).toBe('{"b":[null,1,true,null],"c":"1970-01-01T00:00:00.000Z"}');
  });

  it('keeps the order of a Map, as a Go map sorted by the caller', () => {
    expect(goJSON(new Map([['10', 1], ['9', 2]]))).toBe('{"10":1,"9":2}');
    expect(goJSON({ 10: 1, 9: 2 })).toBe('{"9":2,"10":1}');
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
