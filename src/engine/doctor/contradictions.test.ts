import { describe, expect, it } from 'vitest';
import { findContradictions } from './contradictions';
import { buildMatrix } from './matrix';
import type { CheckResult } from './runner';
import { member } from './testing/check-deps';

const api = member('api', { transport: 'tailnet', endpoint: '100.64.0.2' });
const db = member('db', { transport: 'tailnet', endpoint: '100.64.0.3' });
const web = member('web', { transport: 'ssh', endpoint: 'ssh://1.2.3.4:22' });
const members = [api, db, web];
const matrix = buildMatrix('alpha', members.map((m) => m.row));

function result(m: typeof api, status: CheckResult['status'], reason?: string): CheckResult {
  return { id: `x:${m.name}`, check: 'x', title: 'x', member: m.name, transport: m.row.transport, status, summary: `summary ${m.name}`, fixes: [], reason, durationMs: 1 };
}

describe('findContradictions', () => {
  it('marks every OK or WARN cell into a failed member', () => {
    const found = findContradictions(matrix, members, [result(api, 'ok'), result(db, 'fail', 'connection refused'), result(web, 'ok')]);
    expect(found).toEqual([
      { from: 'tailnet', to: 'tailnet', expected: 'ok', note: 'expected OK, api → db failed: connection refused' },
      { from: 'ssh', to: 'tailnet', expected: 'warn', note: 'expected WARN, web → db failed: connection refused' },
    ]);
  });

  it('ignores cells already NO, warnings, and pairs without another member', () => {
    expect(findContradictions(matrix, members, [result(web, 'warn')])).toEqual([]);
    const solo = [member('only', { transport: 'url' })];
    expect(findContradictions(buildMatrix('p', solo.map((m) => m.row)), solo, [result(solo[0]!, 'fail', 'x')])).toEqual([]);
    const urlAndTailnet = [member('u', { transport: 'url' }), db];
    expect(findContradictions(buildMatrix('p', urlAndTailnet.map((m) => m.row)), urlAndTailnet, [result(db, 'fail', 'x')])).toEqual([]);
  });

  it('uses the summary when a failure has no short reason, and joins several', () => {
    const found = findContradictions(matrix, members, [result(api, 'fail'), result(db, 'fail', 'offline on the tailnet')]);
    expect(found[0]?.note).toBe('expected OK, db → api failed: summary api; expected OK, api → db failed: offline on the tailnet');
  });
});
