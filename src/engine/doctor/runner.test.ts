import { describe, expect, it } from 'vitest';
import type { Checker, CheckOutcome } from './checks/types';
import { planChecks, runChecks, type CheckResult } from './runner';
import { until } from '../mesh/testing/wait';
import { member, testCheckDeps } from './testing/check-deps';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ok = (summary: string): CheckOutcome => ({ status: 'ok', summary, fixes: [] });
const members = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => member(n, { transport: n === 'f' ? 'none' : 'ssh' }));

describe('runChecks', () => {
  it('plans only applicable checks, in member then checker order', () => {
    const sshOnly: Checker = { id: 'x', title: 'X', applies: ({ member: m }) => m.row.transport === 'ssh', run: async () => ok('') };
    const all: Checker = { id: 'y', title: 'Y', applies: () => true, run: async () => ok('') };
    const plan = planChecks('alpha', members.slice(4), testCheckDeps(), [sshOnly, all]);
    expect(plan.map((p) => p.id)).toEqual(['x:e', 'y:e', 'y:f']);
    expect(plan[2]).toEqual({ id: 'y:f', check: 'y', title: 'Y', member: 'f', transport: 'none' });
  });

  it('keeps to the concurrency bound and streams results as they finish', async () => {
    let running = 0;
    let peak = 0;
    const gates = new Map(members.map((m) => [m.name, deferred<void>()]));
    const checker: Checker = {
      id: 'slow',
      title: 'slow',
      applies: () => true,
      async run({ member: m }) {
        running += 1;
        peak = Math.max(peak, running);
        await gates.get(m.name)?.promise;
        running -= 1;
        return ok(`done ${m.name}`);
      },
    };
    const streamed: string[] = [];
    const all = runChecks({ pond: 'alpha', members, deps: testCheckDeps(), checkers: [checker], concurrency: 2, onResult: (r) => streamed.push(r.member) });
    await until(() => running === 2, 'two checks running');
    expect(running).toBe(2);
    gates.get('b')?.resolve();
    await until(() => streamed.length > 0, 'the first result');
    expect(streamed).toEqual(['b']);
    for (const g of gates.values()) g.resolve();
    const results = await all;
    expect(peak).toBe(2);
    expect(results.map((r) => r.member)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(streamed).toHaveLength(6);
    expect(streamed[0]).toBe('b');
  });

  it('times a hung check out on its own and aborts its signal', async () => {
    let aborted = false;
    const hung: Checker = {
      id: 'hung',
      title: 'hung check',
      applies: ({ member: m }) => m.name === 'a',
      run: (_ctx, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    };
    const quick: Checker = { id: 'quick', title: 'quick', applies: () => true, run: async () => ok('fine') };
    const results = await runChecks({ pond: 'alpha', members: members.slice(0, 2), deps: testCheckDeps(), checkers: [hung, quick], timeoutMs: 200 });
    const byId = Object.fromEntries(results.map((r) => [r.id, r])) as Record<string, CheckResult>;
    expect(byId['hung:a']).toMatchObject({ status: 'fail', reason: 'timed out', summary: 'hung check for a gave no answer within 0.2 s' });
    expect(byId['quick:a']?.status).toBe('ok');
    expect(byId['quick:b']?.status).toBe('ok');
    expect(aborted).toBe(true);
  });

  it('turns a crashing check into a failure', async () => {
    const broken: Checker = {
      id: 'broken',
      title: 'broken',
      applies: () => true,
      run: async () => {
        throw new Error('boom');
      },
    };
    const [result] = await runChecks({ pond: 'alpha', members: members.slice(0, 1), deps: testCheckDeps(), checkers: [broken] });
    expect(result).toMatchObject({ status: 'fail', reason: 'boom', summary: 'broken for a could not run: boom' });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const never: Checker = { id: 'never', title: 'never', applies: () => true, run: () => new Promise(() => {}) };
    const all = runChecks({ pond: 'alpha', members: members.slice(0, 3), deps: testCheckDeps(), checkers: [never], signal: controller.signal });
    controller.abort();
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['skip', 'skip', 'skip']);
  });

  it('measures each check with the given clock', async () => {
    let t = 0;
    const checker: Checker = { id: 'c', title: 'c', applies: () => true, run: async () => ok('') };
    const [result] = await runChecks({ pond: 'alpha', members: members.slice(0, 1), deps: testCheckDeps(), checkers: [checker], now: () => (t += 7) });
    expect(result?.durationMs).toBe(7);
  });
});
