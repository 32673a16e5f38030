import { describe, expect, it } from 'vitest';
import { fromWireError, toWireError } from './protocol';

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
