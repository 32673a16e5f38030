import { describe, expect, it } from 'vitest';
import type { MemberResult, ReleaseMember, ReleasePlan } from '../engine/release';
import { doneLine, planText, runningLine, summaryText } from './release-text';

const web: ReleaseMember = { key: 'crabbox:cbx_a', kind: 'crabbox', slug: 'web', provider: 'hetzner', id: 'cbx_a', action: 'stop', detail: '' };
const anon: ReleaseMember = { key: 'crabbox:cbx_b', kind: 'crabbox', slug: '', provider: '', id: 'cbx_b', action: 'stop', detail: '' };
const nas: ReleaseMember = { key: 'manual:m1', kind: 'manual', slug: 'nas', provider: 'ssh', id: 'm1', action: 'forget', detail: '' };

describe('release text', () => {
  it("prints progress in crabbox's pond release wording", () => {
    expect(runningLine(web)).toBe('stopping hetzner/cbx_a slug=web');
    expect(runningLine(nas)).toBe('forgetting ssh/m1 slug=nas');
    const lines = (
      [
        [web, { status: 'released', claim: 'removed', output: '' }],
        [web, { status: 'released', claim: 'retained', output: '' }],
        [nas, { status: 'released', claim: 'forgotten', output: '' }],
        [anon, { status: 'failed', message: 'boom', output: '' }],
        [web, { status: 'skipped', reason: 'provider does not support stop', warning: true, output: '' }],
        [web, { status: 'skipped', reason: 'nothing left to do', warning: false, output: '' }],
        [web, { status: 'cancelled' }],
      ] as [ReleaseMember, MemberResult['outcome']][]
    ).map(([m, outcome]) => doneLine({ ...m, outcome }));
    expect(lines).toEqual([
      'released hetzner/cbx_a slug=web claim_retained=false',
      'released hetzner/cbx_a slug=web claim_retained=true',
      'forgot ssh/m1 slug=nas (hand-added host; the machine was not touched)',
      'warning: -/cbx_b stop failed: boom',
      'warning: skip hetzner/cbx_a: provider does not support stop',
      'skip hetzner/cbx_a: nothing left to do',
      'not started hetzner/cbx_a: release cancelled',
    ]);
  });

  it('shows the plan as a table with the crabbox version, its note and warnings', () => {
    const plan: ReleasePlan = {
      pond: 'p',
      members: [web, anon, nas],
      crabbox: { state: 'ready', path: '/usr/bin/crabbox', version: 'dev', note: 'a development build of crabbox; its version cannot be checked' },
      warnings: ['claim file x.json is not valid JSON'],
    };
    expect(planText(plan)).toBe(
      [
        'pond "p" has 3 member(s):',
        '  SLUG  PROVIDER  ID     ACTION',
        '  web   hetzner   cbx_a  crabbox stop',
        '  -     -         cbx_b  crabbox stop',
        '  nas   ssh       m1     forget (hand-added host; not touched)',
        'crabbox dev (/usr/bin/crabbox) — a development build of crabbox; its version cannot be checked',
        'warning: claim file x.json is not valid JSON',
        '',
      ].join('\n'),
    );
  });

  it('summarizes every member with its outcome and the notes', () => {
    const text = summaryText({
      pond: 'p',
      status: 'cancelled',
      crabbox: null,
      members: [
        { ...web, outcome: { status: 'skipped', reason: 'gone', warning: false, output: '' } },
        { ...nas, outcome: { status: 'cancelled' } },
      ],
      counts: { released: 0, retained: 0, forgotten: 0, failed: 0, skipped: 1, cancelled: 1 },
      notes: ['cancelled before any member was released'],
      message: 'pond "p": 0 of 2 member(s) released, 1 skipped, 1 not started (cancelled)',
    });
    expect(text).toBe(
      [
        'pond "p": 0 of 2 member(s) released, 1 skipped, 1 not started (cancelled)',
        '  web  hetzner/cbx_a  skipped: gone',
        '  nas  ssh/m1         not started (cancelled)',
        'note: cancelled before any member was released',
        '',
      ].join('\n'),
    );
  });
});
