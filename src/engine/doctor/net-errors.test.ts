import { describe, expect, it } from 'vitest';
import { describeNetError, shortenProbeError } from './net-errors';

describe('describeNetError', () => {
  it("uses Go's words for socket error codes, looking through fetch's cause", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(describeNetError(refused)).toBe('connection refused');
    expect(describeNetError(new TypeError('fetch failed', { cause: refused }))).toBe('connection refused');
    expect(describeNetError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('no such host');
  });

  it('falls back to the end of the message', () => {
    expect(describeNetError(new Error('Head "https://x": remote error: tls: handshake failure'))).toBe('handshake failure');
    expect(describeNetError('plain')).toBe('plain');
  });
});

describe('shortenProbeError', () => {
  it('keeps the text after the last ": "', () => {
    expect(shortenProbeError('Head "http://127.0.0.1:1": dial tcp 127.0.0.1:1: connect: connection refused')).toBe('connection refused');
    expect(shortenProbeError('no colon')).toBe('no colon');
    expect(shortenProbeError('ends with: ')).toBe('ends with:');
  });
});
