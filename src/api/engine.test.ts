import { describe, expect, it } from 'vitest';
import { Lifecycle } from './engine';

describe('Lifecycle', () => {
  it('starts in order and stops in reverse, running every cleanup even if one fails', async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    const life = new Lifecycle((m) => logged.push(m));
    life.onStart(() => void seen.push('start a'));
    life.onStart(async () => void seen.push('start b'));
    life.onStop(() => void seen.push('stop a'));
    life.onStop(() => {
      throw new Error('watcher already closed');
    });
    life.onStop(() => void seen.push('stop c'));
    await life.start();
    await life.stop();
    expect(seen).toEqual(['start a', 'start b', 'stop c', 'stop a']);
    expect(logged).toEqual(['shutdown: watcher already closed']);
    await life.stop();
    expect(seen).toHaveLength(4);
  });
});
