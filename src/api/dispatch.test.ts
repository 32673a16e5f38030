import { describe, expect, it } from 'vitest';
import { PondError } from '../lib/errors';
import { dispatch, type Handlers } from './dispatch';

const ctx = { transport: 'websocket' as const, signal: new AbortController().signal };
const info = {
  name: 'Pond Desktop',
  version: '1',
  platform: 'linux',
  arch: 'x64',
  transport: 'websocket' as const,
  paths: { userData: '', settingsFile: '', crabboxClaims: '', pondState: '' },
};

function handlers(over: Partial<Handlers>): Handlers {
  return { 'app:info': async () => info, 'app:openExternal': async () => ({ opened: true }), ...over } as unknown as Handlers;
}

describe('dispatch', () => {
  it('returns the handler result in an envelope', async () => {
    expect(await dispatch(handlers({}), 'app:info', undefined, ctx)).toEqual({ result: info });
  });

  it('keeps a PondError code and message for the UI', async () => {
    const h = handlers({ 'app:info': async () => Promise.reject(new PondError('NOT_FOUND', 'pond "x" does not exist')) });
    expect(await dispatch(h, 'app:info', undefined, ctx)).toEqual({ error: { code: 'NOT_FOUND', message: 'pond "x" does not exist' } });
  });

  it('reports unexpected failures as INTERNAL and logs them', async () => {
    const logged: string[] = [];
    const h = handlers({ 'app:info': async () => Promise.reject(new Error('boom')) });
    expect(await dispatch(h, 'app:info', undefined, ctx, (m) => logged.push(m))).toEqual({ error: { code: 'INTERNAL', message: 'boom' } });
    expect(logged).toEqual(['app:info: boom']);
  });

  it('refuses a result outside the contract rather than passing it on', async () => {
    const logged: string[] = [];
    const h = handlers({ 'app:info': async () => ({ ...info, version: 3 }) as unknown as typeof info });
    const reply = await dispatch(h, 'app:info', undefined, ctx, (m) => logged.push(m));
    expect(reply).toEqual({ error: { code: 'INTERNAL', message: 'app:info produced an invalid result; see the log' } });
    expect(logged[0]).toContain('version');
    const toFile = Object.assign((m: string) => void logged.push(m), { location: '/home/u/.config/Pond Desktop/logs/main.log' });
    expect(await dispatch(h, 'app:info', undefined, ctx, toFile)).toEqual({
      error: { code: 'INTERNAL', message: 'app:info produced an invalid result; see the log (/home/u/.config/Pond Desktop/logs/main.log)' },
    });
  });

  it('names unknown channels and bad input fields', async () => {
    expect(await dispatch(handlers({}), 'ponds:explode', undefined, ctx)).toEqual({
      error: { code: 'UNKNOWN_CHANNEL', message: 'unknown channel "ponds:explode"' },
    });
    const bad = await dispatch(handlers({}), 'app:openExternal', {}, ctx);
    expect(bad).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'app:openExternal: url is missing' } });
  });
});
