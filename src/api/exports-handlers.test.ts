import { afterEach, describe, expect, it } from 'vitest';
import { pondFilePaths } from '../engine/exports';
import { createTestEngine, type TestEngine } from './testing/test-engine';

const engines: TestEngine[] = [];

function setup() {
  const t = createTestEngine();
  engines.push(t);
  return t;
}

afterEach(async () => {
  for (const t of engines.splice(0)) await t.dispose();
});

describe('exports handlers', () => {
  it('returns the live exports in the format asked for, sh by default, and announces changes', async () => {
    const { engine, events, call } = setup();
    await engine.exports.apply({ pond: 'alpha', forwards: [{ peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_a' }], connected: true });
    expect(events).toEqual([{ event: 'exports:changed', payload: { pond: 'alpha' } }]);
    const envPath = pondFilePaths(engine.deps.pathEnv, 'alpha').envPath;
    expect(await call('exports:get', { pond: 'alpha' })).toEqual({
      result: {
        pond: 'alpha',
        format: 'sh',
        source: 'mesh',
        envPath,
        text: 'export CRABBOX_POND_WEB_8080=127.0.0.1:51820\n',
        lines: [{ name: 'CRABBOX_POND_WEB_8080', value: '127.0.0.1:51820', line: 'export CRABBOX_POND_WEB_8080=127.0.0.1:51820' }],
      },
    });
    const json = await call('exports:get', { pond: 'alpha', format: 'json' });
    expect(json).toMatchObject({ result: { format: 'json', text: '{\n  "CRABBOX_POND_WEB_8080": "127.0.0.1:51820"\n}\n' } });
  });

  it('answers "none" for a pond that is not connected', async () => {
    const { call } = setup();
    expect(await call('exports:get', { pond: 'beta', format: 'fish' })).toMatchObject({ result: { source: 'none', text: '', lines: [] } });
  });

  it('rejects an unknown format and a bad pond name, naming the field', async () => {
    const { call } = setup();
    expect(await call('exports:get', { pond: 'alpha', format: 'zsh' })).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('format') } });
    expect(await call('exports:get', { pond: '!!' })).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'pond name "!!" has no letter or digit, so it names no pond' } });
  });

  it('removes the files when the engine stops', async () => {
    const { engine } = setup();
    await engine.exports.apply({ pond: 'alpha', forwards: [{ peer: 'web', remotePort: 8080, localPort: 51820, leaseID: 'cbx_a' }], connected: true });
    await engine.stop();
    expect((await engine.exports.get('alpha', 'sh')).source).toBe('none');
  });
});
