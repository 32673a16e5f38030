import { describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http';
import {
  BridgeError,
  BridgeNotImplementedError,
  isAbort,
  isNotImplemented,
  wrapError,
} from './types';

describe('wrapError', () => {
  it('prefixes the message and keeps exit code, API code and cause (Go %w)', () => {
    const inner = new BridgeError('islo bridge: missing lease id', 2, 'INVALID_INPUT');
    const outer = wrapError('islo', wrapError('publish peer x port=1', inner));
    expect(outer.message).toBe('islo: publish peer x port=1: islo bridge: missing lease id');
    expect(outer.exitCode).toBe(2);
    expect(outer.code).toBe('INVALID_INPUT');
  });

  it('keeps a timeout a timeout and a cancellation a cancellation', () => {
    expect(wrapError('islo list shares', new HttpError('timeout', 'GET x: no response within 30 s')).code).toBe('TIMEOUT');
    const cancelled = wrapError('islo list shares', new HttpError('cancelled', 'GET x: cancelled'));
    expect(cancelled.code).toBe('CANCELLED');
    expect(isAbort(cancelled)).toBe(true);
    expect(wrapError('x', new Error('plain')).code).toBe('UNAVAILABLE');
    expect(wrapError('x', 'text').message).toBe('x: text');
  });

  it('still recognises "not implemented" through wraps', () => {
    expect(isNotImplemented(wrapError('a', wrapError('b', new BridgeNotImplementedError())))).toBe(true);
    expect(isNotImplemented(new Error('pond bridge plane not implemented for this provider'))).toBe(false);
  });
});
