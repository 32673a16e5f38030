import { describe, expect, it } from 'vitest';
import type { MemberResultShape, ReleaseSummaryShape } from '../../../contract/index';
import { applyProgress, confirmMatches, inFlight, initialProgress, memberStatus, summaryText } from './progress';

const member = { key: 'crabbox:cbx_a', kind: 'crabbox', slug: 'web', provider: 'hetzner', id: 'cbx_a', action: 'stop', detail: '' } as const;
const result = (outcome: MemberResultShape['outcome']): MemberResultShape => ({ ...member, outcome });
const summary: ReleaseSummaryShape = {
  pond: 'p',
  status: 'released',
  crabbox: null,
  members: [],
  counts: { released: 1, retained: 0, forgotten: 0, failed: 0, skipped: 0, cancelled: 0 },
  notes: [],
  message: 'pond "p": 1 of 1 member(s) released',
};

describe('release progress', () => {
  it('follows a member from queued to done and keeps the summary', () => {
    let state = initialProgress('p');
    state = applyProgress(state, { pond: 'p', phase: 'queued', key: 'crabbox:cbx_a' });
    state = applyProgress(state, { pond: 'p', phase: 'queued', key: 'manual:m1' });
    expect(inFlight(state)).toBe(2);
    state = applyProgress(state, { pond: 'p', phase: 'running', key: 'crabbox:cbx_a' });
    expect(memberStatus(state.members['crabbox:cbx_a'], 'stop')).toEqual({ label: 'stopping…', tone: 'warn' });
    expect(memberStatus(state.members['manual:m1'], 'forget')).toEqual({ label: 'queued', tone: 'stopped' });
    state = applyProgress(state, { pond: 'p', phase: 'done', key: 'crabbox:cbx_a', result: result({ status: 'released', claim: 'removed', output: '' }) });
    expect(inFlight(state)).toBe(1);
    state = applyProgress(state, { pond: 'p', phase: 'finished', summary });
    expect(state.summary).toBe(summary);
  });

  it('ignores other ponds and starts clean when the same pond is released again', () => {
    const state = applyProgress(initialProgress('p'), { pond: 'q', phase: 'queued', key: 'crabbox:x' });
    expect(state.members).toEqual({});
    const finished = applyProgress(applyProgress(state, { pond: 'p', phase: 'queued', key: 'crabbox:old' }), { pond: 'p', phase: 'finished', summary });
    const again = applyProgress(finished, { pond: 'p', phase: 'queued', key: 'crabbox:new' });
    expect(again).toEqual({ pond: 'p', members: { 'crabbox:new': { phase: 'queued' } } });
  });

  it('words every outcome for the dialog', () => {
    const done = (outcome: MemberResultShape['outcome']) => memberStatus({ phase: 'done', result: result(outcome) }, 'stop');
    expect(done({ status: 'released', claim: 'retained', output: '' })).toMatchObject({ label: 'released, claim kept', tone: 'ok' });
    expect(done({ status: 'released', claim: 'forgotten', output: '' })).toEqual({ label: 'forgotten', tone: 'ok' });
    expect(done({ status: 'failed', message: 'hetzner: 403', output: '' })).toEqual({ label: 'failed', tone: 'bad', detail: 'hetzner: 403' });
    expect(done({ status: 'skipped', reason: 'provider does not support stop', warning: true, output: '' })).toMatchObject({ tone: 'warn' });
    expect(done({ status: 'skipped', reason: 'gone', warning: false, output: '' })).toMatchObject({ tone: 'stopped' });
    expect(done({ status: 'cancelled' })).toMatchObject({ label: 'not started' });
    expect(memberStatus(undefined, 'stop')).toBeUndefined();
  });
});

describe('release words', () => {
  const result = (outcome: MemberResultShape['outcome']): MemberResultShape => ({ ...member, outcome });
  it('sums up in plain words with real plurals', () => {
    const mixed: ReleaseSummaryShape = {
      ...summary,
      status: 'failed',
      members: [result({ status: 'released', claim: 'removed', output: '' }), result({ status: 'released', claim: 'retained', output: '' }), result({ status: 'failed', message: 'x', output: '' })],
      counts: { released: 1, retained: 1, forgotten: 0, failed: 1, skipped: 0, cancelled: 0 },
    };
    expect(summaryText(mixed)).toBe('Pond p: 2 of 3 members released, crabbox keeps the claim of 1 reusable machine, 1 failed.');
    expect(summaryText({ ...summary, members: [result({ status: 'released', claim: 'removed', output: '' })] })).toBe('Pond p: 1 of 1 member released.');
    expect(summaryText({ ...summary, members: [] })).toBe('Pond p has nothing to release.');
    expect(summaryText(mixed)).not.toContain('(s)');
  });

  it('confirms against the pond shown', () => {
    expect(confirmMatches(' Demo ', 'demo')).toBe(true);
    expect(confirmMatches('dem', 'demo')).toBe(false);
  });
});
