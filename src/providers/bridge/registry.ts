/**
 * Bridge adapters by canonical provider name (crabbox loadBridgeProvider). A known
 * provider without an adapter yields `null` ("no bridge support", listed honestly by the
 * resolver); an unknown provider is an error.
 */
import { canonicalProvider, providerSpec } from '../catalogue';
import { goQuote } from '../../lib/go-quote';
import type { BridgeContext } from './context';
import { e2bAdapter } from './e2b';
import { isloAdapter } from './islo';
import { railwayAdapter } from './railway';
import { BridgeError, type BridgeAdapter } from './types';
import { UNSUPPORTED_BRIDGE_PROVIDERS, unsupportedAdapter } from './unsupported';

export type AdapterFactory = (ctx: BridgeContext) => BridgeAdapter;

export const BRIDGE_ADAPTERS: Readonly<Record<string, AdapterFactory>> = {
  islo: isloAdapter,
  e2b: e2bAdapter,
  railway: railwayAdapter,
  ...Object.fromEntries(UNSUPPORTED_BRIDGE_PROVIDERS.map((name) => [name, () => unsupportedAdapter(name)])),
};

/** Loads the adapter for one provider group: adapter, `null` (no bridge support), or throws. */
export type BridgeLoader = (provider: string) => BridgeAdapter | null;

export function loadBridgeAdapter(provider: string, ctx: BridgeContext): BridgeAdapter | null {
  if (provider.trim() === '') return null;
  const canonical = canonicalProvider(provider);
  const factory = BRIDGE_ADAPTERS[canonical];
  if (factory) return factory(ctx);
  if (providerSpec(canonical)) return null;
  throw new BridgeError(`unknown provider ${goQuote(provider)} for pond bridge`, 2, 'INVALID_INPUT');
}

export function bridgeLoader(ctx: BridgeContext): BridgeLoader {
  return (provider) => loadBridgeAdapter(provider, ctx);
}
