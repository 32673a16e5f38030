import { describe, expect, it } from 'vitest';
import { freePort } from '../testing/ports';
import { DataPlane } from './data-plane';
import { COUNTER_SLOTS } from './protocol';
import { startPlaneWorker } from './worker-script';

const quiet = { accepted: () => {}, localClosed: () => {}, lost: () => {} };
const counters = () => new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);

/** A pool that counts the threads it starts. */
function pool(size: number) {
  let started = 0;
  const plane = new DataPlane(size, () => {
    started += 1;
    return startPlaneWorker();
  });
  return { plane, started: () => started };
}

describe('DataPlane', () => {
  it('starts a thread only when a member first needs one, grows to its size, then shares the least busy thread', async () => {
    const { plane, started } = pool(2);
    const lanes = [plane.lane(), plane.lane(), plane.lane()];
    expect(started()).toBe(0);
    const bound = [];
    for (const lane of lanes) {
      const result = await lane.listen(await freePort(), quiet, counters());
      if (!result.ok) throw new Error(result.code);
      bound.push(result.listener);
    }
    expect(started()).toBe(2);
    // The same member keeps its thread.
    const again = await lanes[0]!.listen(await freePort(), quiet, counters());
    expect(again.ok).toBe(true);
    expect(started()).toBe(2);
    await plane.close();
  });

  it('moves a member whose thread stopped to a new one', async () => {
    const { plane, started } = pool(1);
    const lane = plane.lane();
    expect((await lane.listen(await freePort(), quiet, counters())).ok).toBe(true);
    await plane.close();
    expect((await lane.listen(await freePort(), quiet, counters())).ok).toBe(true);
    expect(started()).toBe(2);
    lane.release();
    await plane.close();
  });
});
