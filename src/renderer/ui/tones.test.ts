import { describe, expect, it } from 'vitest';
import { CONNECTION_TONES, forwardTone, sessionTone } from './tones';

describe('tones', () => {
  it('paints only failures red and "not connected" neutral', () => {
    expect(Object.entries(CONNECTION_TONES).filter(([, tone]) => tone === 'bad')).toEqual([['failed', 'bad']]);
    expect(CONNECTION_TONES['not-connected']).toBe('neutral');
    expect([forwardTone('ready'), forwardTone('warn'), forwardTone('failed'), forwardTone('stopped')]).toEqual(['ok', 'warn', 'bad', 'neutral']);
    expect([sessionTone('ready'), sessionTone('connecting'), sessionTone('reconnecting'), sessionTone('failed'), sessionTone('stopped')]).toEqual(['ok', 'pending', 'warn', 'bad', 'neutral']);
  });
});
