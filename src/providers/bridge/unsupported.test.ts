import { describe, expect, it } from 'vitest';
import { capabilities } from '../catalogue';
import { UNSUPPORTED_BRIDGE_PROVIDERS, unsupportedAdapter } from './unsupported';
import { BridgeNotImplementedError } from './types';

describe('unsupportedAdapter', () => {
  it('answers both calls with the "not implemented" error', async () => {
    const adapter = unsupportedAdapter('modal');
    const signal = new AbortController().signal;
    await expect(adapter.publish('cbx_1', 80, 0, signal)).rejects.toBeInstanceOf(BridgeNotImplementedError);
    await expect(adapter.list('cbx_1', signal)).rejects.toThrow('pond bridge plane not implemented for this provider');
    expect(adapter.provider).toBe('modal');
  });

  it('covers exactly the providers that declare no url-bridge (so the resolver never calls them)', () => {
    expect([...UNSUPPORTED_BRIDGE_PROVIDERS]).toEqual(['modal', 'cloudflare', 'tensorlake', 'opencomputer']);
    for (const p of UNSUPPORTED_BRIDGE_PROVIDERS) expect(capabilities(p).urlBridge, p).toBe(false);
  });
});
