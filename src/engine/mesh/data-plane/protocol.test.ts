import { describe, expect, it } from 'vitest';
import { fromWireError, ownBytes, toWireError } from './protocol';

describe('ownBytes', () => {
  it('copies a view into a buffer of its own, so a message carries those bytes and not the buffer around them', () => {
    const slab = Buffer.alloc(1024 * 1024, 7);
    const key = slab.subarray(4096, 4096 + 51);
    const own = ownBytes(key);
    expect(own.buffer.byteLength).toBe(51);
    expect(Buffer.from(own).equals(key)).toBe(true);
    expect(structuredClone(own).buffer.byteLength).toBe(51);
  });
});

describe('wire errors', () => {
  it("keep the message, ssh2's level, Node's code and a channel failure's reason across threads", () => {
    const error = Object.assign(new Error('(SSH) Channel open failure: refused'), { code: 'ECONNREFUSED', level: 'client-socket', reason: 2, extra: {} });
    const wire = toWireError(error);
    expect(wire).toEqual({ message: '(SSH) Channel open failure: refused', code: 'ECONNREFUSED', level: 'client-socket', reason: 2 });
    expect(structuredClone(wire)).toEqual(wire);
    expect(fromWireError(wire)).toMatchObject({ message: wire.message, code: 'ECONNREFUSED', level: 'client-socket', reason: 2 });
    expect(toWireError(new Error('plain'))).toEqual({ message: 'plain' });
  });
});
