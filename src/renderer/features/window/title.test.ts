import { describe, expect, it } from 'vitest';
import { memberShape as member } from '../../../contract/testing/mesh-shapes';
import { windowTitle } from './title';

const ready = { state: 'ready', port: 2222, since: 0 } as const;
const failed = { state: 'failed', reason: 'retries-exhausted', lastError: 'refused', hostKey: null } as const;

describe('windowTitle', () => {
  it('names the open pond and its state in words', () => {
    expect(windowTitle('alpha', { ponds: [{ pond: 'alpha', members: [member('web', ready)] }] })).toBe('alpha — connected · Pond Desktop');
    expect(windowTitle('beta', { ponds: [] })).toBe('beta — not connected · Pond Desktop');
  });

  it('counts the ponds by state when no pond is open', () => {
    expect(windowTitle(undefined, undefined)).toBe('Pond Desktop');
    const status = {
      ponds: [
        { pond: 'alpha', members: [member('web', ready)] },
        { pond: 'beta', members: [{ ...member('db', failed, []), pond: 'beta' }] },
        { pond: 'gamma', members: [{ ...member('x', ready), pond: 'gamma' }] },
      ],
    };
    expect(windowTitle(undefined, status)).toBe('Pond Desktop — 2 connected, 1 failed');
  });
});
