import { describe, expect, it } from 'vitest';
import { refusalLog } from './refusal-log';

describe('refusalLog', () => {
  it('lets a few lines a minute through and counts the rest into the next one', () => {
    const lines: string[] = [];
    let time = 0;
    const log = refusalLog({ log: (m) => lines.push(m), now: () => time, burst: 2, windowMs: 60_000 });
    for (let i = 1; i <= 50; i += 1) log(`refused ${i}`);
    expect(lines).toEqual(['refused 1', 'refused 2']);
    time = 59_999;
    log('still held');
    expect(lines).toHaveLength(2);
    time = 60_000;
    log('next minute');
    log('again');
    log('held once more');
    time = 120_000;
    log('third minute');
    expect(lines).toEqual(['refused 1', 'refused 2', 'next minute (and 49 more refused attempts not logged)', 'again', 'third minute (and 1 more refused attempt not logged)']);
  });
});
