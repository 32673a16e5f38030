import { describe, expect, it } from 'vitest';
import { PassphrasePrompts, type PassphrasePrompt } from './manager-prompts';

const request = { pond: 'alpha', member: 'web', keyPath: '/home/u/.ssh/id_ed25519', problem: null };

describe('PassphrasePrompts', () => {
  it('shows a request with an id and resolves with the answer given for that id', async () => {
    const shown: PassphrasePrompt[] = [];
    const prompts = new PassphrasePrompts((p) => shown.push(p));
    const answer = prompts.ask(request);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject(request);
    expect(shown[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(prompts.answer('someone-else', 'x')).toBe(false);
    expect(prompts.answer(shown[0]!.requestId, 'secret')).toBe(true);
    expect(await answer).toBe('secret');
    expect(prompts.answer(shown[0]!.requestId, 'again')).toBe(false);
    expect(prompts.waiting).toBe(0);
  });

  it('treats an unanswered request as cancelled after the timeout, and cancelAll as cancel', async () => {
    const prompts = new PassphrasePrompts(() => {}, 20);
    expect(await prompts.ask(request)).toBeNull();
    const slow = new PassphrasePrompts(() => {});
    const pending = [slow.ask(request), slow.ask({ ...request, member: 'api' })];
    expect(slow.waiting).toBe(2);
    slow.cancelAll();
    expect(await Promise.all(pending)).toEqual([null, null]);
  });
});
