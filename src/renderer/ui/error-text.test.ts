import { describe, expect, it } from 'vitest';
import { errorText } from './error-text';

describe('errorText', () => {
  it('drops the channel an input error came through and starts with a capital', () => {
    expect(errorText(new Error('bridge:publish: port must be a number'))).toBe('Port must be a number');
    expect(errorText(new Error('pond "x" has no members with exposed ports to connect'))).toBe('Pond "x" has no members with exposed ports to connect');
    expect(errorText('plain')).toBe('Plain');
  });
});
