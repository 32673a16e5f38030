import { describe, expect, it } from 'vitest';
import type { PondCheck } from './acl-check';
import { buildMatrix } from './matrix';
import { renderCheckResult, renderReport, reportJSON, reportOk, type DoctorReport } from './report';
import type { CheckResult } from './runner';

const acl = (status: PondCheck['status']): PondCheck => ({
  status,
  message: 'TS_API_KEY missing; skipped ACL verification',
  details: { reason: 'ts_api_key_missing', pond: 'p', tag: 't' },
  tag: 't',
  snippet: '"tagOwners": {\n  "t": ["autogroup:admin"],\n},\n',
  canBootstrap: false,
});
const live = (status: CheckResult['status']): CheckResult => ({
  id: 'url-head:app',
  check: 'url-head',
  title: 'HTTPS HEAD',
  member: 'app',
  transport: 'url',
  status,
  summary: 'https://x answered HTTP 200',
  detail: 'line one\nline two',
  fixes: ['do this'],
  durationMs: 3,
});

function report(over: Partial<DoctorReport> = {}): DoctorReport {
  return { pond: 'p', matrix: buildMatrix('p', []), acl: null, live: null, contradictions: [], ok: true, ...over };
}

describe('reportOk', () => {
  it('fails on a failed policy check or a failed live check only', () => {
    expect(reportOk(null, null)).toBe(true);
    expect(reportOk(acl('skip'), [live('warn'), live('skip')])).toBe(true);
    expect(reportOk(acl('failed'), [])).toBe(false);
    expect(reportOk(acl('ok'), [live('fail')])).toBe(false);
  });
});

describe('renderReport', () => {
  it('prints the matrix exactly, then the policy line, snippet and live checks', () => {
    const text = renderReport(report({ acl: acl('skip'), live: [live('ok')] }));
    expect(text).toBe(
      'pond "p": 0 members\n  transport breakdown: \n' +
        '\ntailnet policy:\nskip    pond     TS_API_KEY missing; skipped ACL verification\n' +
        '  rows to add by hand (t):\n    "tagOwners": {\n      "t": ["autogroup:admin"],\n    },\n' +
        '\nlive checks:\n  ok    app · HTTPS HEAD: https://x answered HTTP 200\n          line one\n          line two\n          fix: do this\n' +
        '\nno problems found\n',
    );
  });

  it('says when there was nothing to check live', () => {
    expect(renderReport(report({ live: [] }))).toContain('\nlive checks:\n  (no member has anything to check)\n');
    expect(renderCheckResult({ ...live('fail'), detail: undefined, fixes: [] })).toBe('  fail  app · HTTPS HEAD: https://x answered HTTP 200\n');
  });
});

describe('reportJSON', () => {
  it('is one line shaped like crabbox doctor --json, plus the pond parts', () => {
    const text = reportJSON(report({ acl: acl('skip'), live: [], ok: true }));
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json).toMatchObject({
      ok: true,
      provider: '',
      checks: [{ status: 'skip', check: 'pond', message: 'TS_API_KEY missing; skipped ACL verification', details: { pond: 'p', reason: 'ts_api_key_missing', tag: 't' } }],
      pond: 'p',
      live: [],
      contradictions: [],
    });
    expect(Object.keys((json.checks as Array<{ details: object }>)[0]!.details)).toEqual(['pond', 'reason', 'tag']);
  });

  it('leaves the window’s own advice out of the JSON', () => {
    const json = JSON.parse(reportJSON(report({ live: [{ ...live('fail'), appFixes: ['choose Publish URL'] }] }))) as { live: Array<Record<string, unknown>> };
    expect(json.live[0]).not.toHaveProperty('appFixes');
    expect(json.live[0]).toMatchObject({ fixes: ['do this'] });
  });
});
