import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeCrabbox, type FakeCrabbox } from '../engine/testing/fake-crabbox/index';
import { createTestEngine } from './testing/test-engine';
import { tempDir } from '../lib/testing/temp-dir';

/** The engine over the fake's files; `releaseEvents` leaves out the events (the pond directory reports its own). */
function setup(fake: FakeCrabbox) {
  const t = createTestEngine({ root: fake.root, env: fake.env });
  return { call: t.call, releaseEvents: () => t.events.filter((e) => e.event.startsWith('release:')) };
}

describe('release handlers', () => {
  it('plans a release: members, providers, crabbox version, not running', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'Team Pond', slug: 'web' });
    const { call } = setup(fake);
    const envelope = await call('release:plan', { pond: 'team pond' });
    expect(envelope).toMatchObject({
      result: {
        pond: 'team-pond',
        members: [{ key: 'crabbox:cbx_a', provider: 'hetzner', slug: 'web', action: 'stop' }],
        crabbox: { state: 'ready', version: '0.46.0', path: fake.bin },
        warnings: [],
        running: false,
      },
    });
    expect(envelope).not.toHaveProperty('result.disabledReason');
  });

  it('returns the summary and streams progress, ending with the summary, when every member is released', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    const { call, releaseEvents } = setup(fake);
    const envelope = await call('release:start', { pond: 'p', members: ['crabbox:cbx_a'] });
    expect(envelope).toMatchObject({ result: { pond: 'p', status: 'released', counts: { released: 1 } } });
    expect(releaseEvents().map((e) => e.event)).toEqual(['release:progress', 'release:progress', 'release:progress', 'release:progress']);
    expect(releaseEvents().map((e) => (e.payload as { phase: string }).phase)).toEqual(['queued', 'running', 'done', 'finished']);
    expect(releaseEvents()[3]?.payload).toEqual({ pond: 'p', phase: 'finished', summary: (envelope as { result: unknown }).result });
  });

  it('is an error naming the failed member when one fails; the summary still arrives as an event', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p', slug: 'web' });
    fake.writeClaim({ leaseID: 'cbx_b', provider: 'hetzner', pond: 'p', slug: 'db' });
    fake.fail('cbx_b', 'hetzner: 403 forbidden');
    const { call, releaseEvents } = setup(fake);
    const envelope = await call('release:start', { pond: 'p' });
    expect(envelope).toEqual({
      error: {
        code: 'UNAVAILABLE',
        message: 'pond "p": 1 of 2 member(s) released, 1 failed. Failed: db (hetzner/cbx_b): hetzner: 403 forbidden',
      },
    });
    const finished = releaseEvents().at(-1)?.payload as { phase: string; summary: { status: string; members: unknown[] } };
    expect(finished.phase).toBe('finished');
    expect(finished.summary.status).toBe('failed');
    expect(finished.summary.members).toHaveLength(2);
  });

  it('refuses when crabbox is missing, touching nothing', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    fake.writeClaim({ leaseID: 'cbx_a', provider: 'hetzner', pond: 'p' });
    fake.env.PATH = path.join(fake.root, 'nothing-here');
    const { call, releaseEvents } = setup(fake);
    const plan = await call('release:plan', { pond: 'p' });
    expect(plan).toMatchObject({ result: { crabbox: { state: 'missing' }, disabledReason: expect.stringContaining('crabbox is not installed') } });
    const start = await call('release:start', { pond: 'p' });
    expect(start).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringContaining('install crabbox 0.22.0 or newer') } });
    expect(releaseEvents()).toEqual([]);
    expect(fake.claimExists('cbx_a')).toBe(true);
  });

  it('rejects bad input with the field named, and cancel of an idle pond says nothing was running', async () => {
    const fake = installFakeCrabbox({ root: tempDir('pond-fake-crabbox-') });
    const { call } = setup(fake);
    expect(await call('release:start', { pond: 7 })).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('pond') } });
    expect(await call('release:plan', { pond: '???' })).toEqual({ error: { code: 'INVALID_INPUT', message: 'pond name "???" has no letter or digit, so it names no pond' } });
    expect(await call('release:cancel', { pond: 'p' })).toEqual({ result: { cancelled: false } });
  });
});
