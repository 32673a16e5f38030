/**
 * Providers that have a crabbox bridge adapter which always answers "not implemented"
 * (spec §4.4). None of them advertises `url-bridge`, so the resolver never calls them;
 * they exist so a direct publish request gets crabbox's answer instead of a guess.
 */
import { BridgeNotImplementedError, type BridgeAdapter, type BridgeTarget } from './types';

export const UNSUPPORTED_BRIDGE_PROVIDERS = ['modal', 'cloudflare', 'tensorlake', 'opencomputer'] as const;

export function unsupportedAdapter(provider: string): BridgeAdapter {
  return {
    provider,
    async publish(): Promise<BridgeTarget> {
      throw new BridgeNotImplementedError();
    },
    async list(): Promise<BridgeTarget[]> {
      throw new BridgeNotImplementedError();
    },
  };
}
