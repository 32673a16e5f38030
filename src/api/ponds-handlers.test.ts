import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeClaimAtomic } from '../engine/testing/claims-fixtures';
import { claimsDir } from '../lib/paths';
import { createTestEngine, type TestEngine } from './testing/test-engine';
import { until } from '../engine/mesh/testing/wait';

const engines: TestEngine[] = [];

function setup(env: Record<string, string> = {}) {
  const t = createTestEngine({ env });
  engines.push(t);
  return t;
}

afterEach(async () => {
  for (const t of engines.splice(0)) await t.dispose();
});

describe('ponds handlers', () => {
  it('lists ponds, gets one with its members, and announces claim changes as ponds:changed', async () => {
    const { engine, events, call } = setup();
    const dir = claimsDir(engine.deps.pathEnv);
    writeClaimAtomic(dir, { leaseID: 'cbx_1', slug: 'web', pond: 'Alpha', provider: 'hetzner', tailscaleIPv4: '100.64.0.1' });
    await engine.start();

    expect(await call('ponds:list')).toEqual({
      result: {
        revision: expect.any(Number),
        claimsDir: dir,
        claimsDirState: 'present',
        ponds: [{ name: 'alpha', memberCount: 1, counts: { tailnet: 1, url: 0, ssh: 0, pending: 0, none: 0 }, crabbox: 1, manual: 0 }],
        unassigned: 0,
        problems: [],
      },
    });
    expect(await call('ponds:get', { name: ' ALPHA ' })).toEqual({
      result: {
        name: 'alpha',
        counts: { tailnet: 1, url: 0, ssh: 0, pending: 0, none: 0 },
        members: [
          {
            origin: 'crabbox',
            file: path.join(dir, 'cbx_1.json'),
            slug: 'web',
            leaseID: 'cbx_1',
            provider: 'hetzner',
            pond: 'Alpha',
            transport: 'tailnet',
            transports: ['tailnet', 'ssh'],
            endpoint: '100.64.0.1',
          },
        ],
      },
    });

    fs.writeFileSync(path.join(dir, 'cbx_bad.json'), '{');
    await until(() => events.some((e) => e.event === 'ponds:changed' && (e.payload as { problems: unknown[] }).problems.length === 1), 'the problem event');
    const changed = events.filter((e) => e.event === 'ponds:changed').at(-1)?.payload as { problems: { code: string; file: string }[] };
    expect(changed.problems[0]).toMatchObject({ code: 'invalid-json', file: path.join(dir, 'cbx_bad.json') });
  });

  it('says NOT_FOUND for a pond nobody carries, INVALID_INPUT for a blank name', async () => {
    const { engine, call } = setup();
    await engine.start();
    expect(await call('ponds:get', { name: 'ghost' })).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('no pond "ghost"') } });
    expect(await call('ponds:get', { name: '' })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it('adds, edits and removes hand-added hosts, with field errors as results, each change visible at once', async () => {
    const { engine, events, call } = setup();
    await engine.start();
    const bad = await call('hosts:add', { pond: '!!', slug: 'db', host: '', user: 'ops', expose: ['0'] });
    expect(bad).toEqual({
      result: {
        ok: false,
        errors: [
          { field: 'pond', message: '"!!" has no letter or digit; a pond name needs one.' },
          { field: 'host', message: 'Enter the name or IP address of the SSH server, e.g. build-1.example.com or 10.0.0.5.' },
          { field: 'expose', message: '"0" is not a port: use numbers from 1 to 65535, separated by commas.' },
        ],
      },
    });

    const added = await call('hosts:add', { pond: 'alpha', slug: 'db', host: 'db.lan', user: 'ops', port: '2222', expose: ['5432'] });
    expect(added).toMatchObject({ result: { ok: true, member: { pond: 'alpha', slug: 'db', port: 2222, ports: [5432] } } });
    const id = (added as { result: { member: { id: string } } }).result.member.id;
    expect(await call('ponds:get', { name: 'alpha' })).toMatchObject({
      result: { members: [{ origin: 'manual', id, provider: 'ssh', transport: 'ssh', endpoint: 'ssh://db.lan:2222', manual: { host: 'db.lan', port: 2222, user: 'ops', ports: [5432] } }] },
    });
    expect(events.some((e) => e.event === 'ponds:changed')).toBe(true);

    expect(await call('hosts:add', { pond: 'alpha', slug: 'DB', host: 'x', user: 'y' })).toMatchObject({ result: { ok: false, errors: [{ field: 'slug' }] } });
    expect(await call('hosts:update', { id, patch: { host: 'db2.lan' } })).toMatchObject({ result: { ok: true, member: { host: 'db2.lan' } } });
    expect(await call('hosts:update', { id: 'man_nope', patch: {} })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await call('hosts:remove', { id })).toMatchObject({ result: { removed: { id, host: 'db2.lan' } } });
    expect(await call('ponds:list')).toMatchObject({ result: { ponds: [] } });
  });

  it('still lists hand-added hosts when the claims directory cannot be located', async () => {
    const { engine, call } = setup({ XDG_STATE_HOME: '', XDG_CONFIG_HOME: 'relative' });
    await engine.start();
    await call('hosts:add', { pond: 'alpha', slug: 'db', host: 'db.lan', user: 'ops' });
    const list = await call('ponds:list');
    expect(list).toMatchObject({ result: { claimsDirState: 'unreadable', ponds: [{ name: 'alpha', manual: 1 }] } });
    expect((list as { result: { problems: { message: string }[] } }).result.problems[0]?.message).toContain('XDG_CONFIG_HOME');
  });
});
