/** crabbox's own stderr lines of `pond connect` (spec §5.2, §5.4), word for word. */
import { goQuote } from '../lib/go-quote';

export function ineligibleProviderMessage(pond: string, provider: string): string {
  return `pond ${goQuote(pond)}: skipping provider ${goQuote(provider)} (no SSH-mesh capability)`;
}

export function noMeshMembersMessage(pond: string): string {
  return `pond ${goQuote(pond)} has no SSH-mesh-capable members`;
}

export function nothingToForwardMessage(pond: string): string {
  return `pond ${goQuote(pond)} has no members declaring --expose; nothing to forward`;
}
