import { afterEach, describe, expect, it } from 'vitest';
import type { EngineDeps } from './engine';
import { createTestEngine, type TestEngine } from './testing/test-engine';

const engines: TestEngine[] = [];
afterEach(async () => {
  for (const t of engines.splice(0)) await t.dispose();
});

function engine(owner?: EngineDeps['owner']): TestEngine {
  const t = createTestEngine(owner ? { owner } : {});
  engines.push(t);
  return t;
}

const identity = { pid: 4242, processStartedAt: '2026-06-10T12:00:00.000Z', endpoint: '/run/pond.sock' };

describe('owner handlers', () => {
  it('say who holds the forwards', async () => {
    const { call } = engine({ identity: { ...identity, kind: 'agent' } });
    expect(await call('owner:info')).toEqual({ result: { ...identity, kind: 'agent', version: '0.0.0-test', ponds: [] } });
  });

  it('step down when asked, after answering, when the owner can', async () => {
    let stepped = 0;
    const { call } = engine({ identity: { ...identity, kind: 'agent' }, stepDown: () => void stepped++ });
    expect(await call('owner:handOver')).toEqual({ result: { ponds: [] } });
    expect(stepped).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stepped).toBe(1);
  });

  it('the desktop app does not hand its forwards over, and a process that holds none says so', async () => {
    const app = engine({ identity: { ...identity, kind: 'app' } });
    expect(await app.call('owner:handOver')).toEqual({
      error: { code: 'CONFLICT', message: 'Pond Desktop (pid 4242) holds the forwards and does not hand them over; quit it first' },
    });
    expect(await engine().call('owner:info')).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
