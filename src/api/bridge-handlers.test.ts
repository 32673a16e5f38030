import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeIslo } from '../providers/bridge/testing/servers';
import type { SecretBox } from './engine';
import { claimText } from '../engine/testing/claims-fixtures';
import { claimsDir } from '../lib/paths';
import { createTestEngine } from './testing/test-engine';

const KEY = 'isk_handler_key_999888777666';
const box: SecretBox = {
  isAvailable: () => true,
  encrypt: (p) => Buffer.from(p).toString('base64').split('').reverse().join(''),
  decrypt: (c) => Buffer.from(c.split('').reverse().join(''), 'base64').toString(),
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const islo = await new FakeIslo(KEY).start();
  islo.sandbox('crabbox-web-1', []);
  const opened: string[] = [];
  const t = createTestEngine({ env: { ISLO_BASE_URL: islo.url }, secrets: box, openExternal: async (url) => void opened.push(url), transport: 'ipc' });
  cleanups.push(() => islo.close(), () => t.dispose());
  const dir = claimsDir(t.engine.deps.pathEnv);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'isb_crabbox-web-1.json'), claimText({ leaseID: 'isb_crabbox-web-1', slug: 'web', provider: 'islo', pond: 'demo' }));
  return { call: t.call, islo, logs: t.logs, opened, engine: t.engine };
}

describe('bridge and credentials handlers', () => {
  it('takes a credential in, never gives it back, and uses it to publish a URL the app may open', async () => {
    const { call, islo, logs, opened } = await setup();
    const set = await call('credentials:set', { name: 'ISLO_API_KEY', value: KEY });
    expect(set).toMatchObject({ result: { storageAvailable: true } });
    expect((set as { result: { credentials: { name: string; source: string }[] } }).result.credentials.find((c) => c.name === 'ISLO_API_KEY')?.source).toBe('app');
    const published = await call('bridge:publish', { pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 8080 });
    expect(published).toEqual({
      result: { target: { port: 8080, url: 'https://new-1.share.islo.test', shareID: 'shr_new_1', expiresAt: expect.any(String), openUrl: 'https://new-1.share.islo.test' } },
    });
    expect(await call('app:openExternal', { url: 'https://new-1.share.islo.test' })).toEqual({ result: { opened: true } });
    expect(opened).toEqual(['https://new-1.share.islo.test']);
    expect(await call('app:openExternal', { url: 'https://evil.example/' })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const everything = JSON.stringify([set, published, await call('credentials:list'), await call('bridge:members', { pond: 'demo' }), logs]);
    expect(everything).not.toContain(KEY);
    expect(islo.count((r) => r.path === '/auth/token')).toBe(1);
  });

  it('validates inputs, naming the field', async () => {
    const { call } = await setup();
    expect(await call('bridge:publish', { pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 70000 })).toEqual({
      error: { code: 'INVALID_INPUT', message: 'bridge:publish: port: port must be between 1 and 65535' },
    });
    expect(await call('credentials:set', { name: 'AWS_SECRET', value: 'x' })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const blank = await call('credentials:set', { name: 'ISLO_API_KEY', value: '   ' });
    expect(blank).toEqual({ error: { code: 'INVALID_INPUT', message: 'Islo API key must not be empty (use "clear" to remove it)' } });
  });

  it('reports a missing credential on the member and as a publish error the user can act on', async () => {
    const { call } = await setup();
    expect(await call('bridge:members', { pond: 'demo' })).toMatchObject({
      result: { members: [{ slug: 'web', transport: 'none', bridgeState: 'error', note: 'list bridge targets failed: provider=islo requires ISLO_API_KEY' }] },
    });
    expect(await call('bridge:publish', { pond: 'demo', leaseID: 'isb_crabbox-web-1', port: 8080 })).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'publish web port 8080: provider=islo requires ISLO_API_KEY' },
    });
  });

  it('clears a saved credential', async () => {
    const { call } = await setup();
    await call('credentials:set', { name: 'ISLO_API_KEY', value: KEY });
    const cleared = await call('credentials:clear', { name: 'ISLO_API_KEY' });
    expect((cleared as { result: { credentials: { name: string; source: string }[] } }).result.credentials.find((c) => c.name === 'ISLO_API_KEY')?.source).toBe('unset');
  });
});
