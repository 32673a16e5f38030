/** What the Public URLs panel and the credentials panel say, kept out of the components so it is tested. */
import type { BridgeMemberShape, BridgeTargetView, CredentialStatusShape } from '../../../contract/index';
import { providerName } from '../ponds/members';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export type MemberStatus = { tone: 'ok' | 'warn' | 'bad'; text: string; detail?: string };

/** One line on the member: what its provider said, and what the user can do; the provider's own words on demand. */
export function memberStatus(member: BridgeMemberShape): MemberStatus {
  const provider = providerName(member.provider);
  switch (member.bridgeState) {
    case 'error':
      return {
        tone: 'bad',
        text: `${provider} could not be asked for this member’s URLs. Check the ${provider} credentials in Settings, then choose Refresh.`,
        ...(member.note ? { detail: member.note } : {}),
      };
    case 'unsupported':
      return { tone: 'warn', text: `${provider} cannot publish URLs for its sandboxes.` };
    case 'unsupported-provider':
      return { tone: 'warn', text: `Pond Desktop has no URL bridge for ${provider}.` };
    default:
      break;
  }
  if (member.targets.length > 0) {
    const n = member.targets.length;
    return { tone: 'ok', text: `${n} public URL${n === 1 ? '' : 's'}.` };
  }
  if (member.provider === 'e2b') return { tone: 'ok', text: 'E2B serves every port of a running sandbox; Publish URL shows the address for a port.' };
  if (member.provider === 'railway') return { tone: 'warn', text: 'No live deployment yet: Railway serves a URL once the deployment succeeds.' };
  return { tone: 'ok', text: 'No public URL yet. Publish one for a port below.' };
}

/** "expires in 3 h", "expired", or "" when the URL does not expire. */
export function expiryLabel(expiresAt: string, now: number): string {
  if (!expiresAt || expiresAt === ZERO_TIME) return '';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return '';
  const left = at - now;
  if (left <= 0) return 'expired';
  const minutes = Math.round(left / 60_000);
  if (minutes < 1) return 'expires in less than a minute';
  if (minutes < 120) return `expires in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `expires in ${hours} h`;
  return `expires in ${Math.round(hours / 24)} days`;
}

/** Ports to offer: the member's exposed ports and the ports it already has URLs for. */
export function portChoices(member: BridgeMemberShape): number[] {
  const ports = new Set<number>(member.ports);
  for (const t of member.targets) if (t.port > 0) ports.add(t.port);
  return [...ports].sort((a, b) => a - b);
}

export type PortInput = { ok: true; port: number } | { ok: false; error: string };

export function parsePortInput(text: string): PortInput {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'Enter a port.' };
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: `"${trimmed}" is not a port number.` };
  const port = Number(trimmed);
  if (port < 1 || port > 65535) return { ok: false, error: 'A port is a number from 1 to 65535.' };
  return { ok: true, port };
}

/** Where a credential comes from, in words (never its value). */
export function credentialSource(c: CredentialStatusShape): string {
  switch (c.source) {
    case 'environment':
      return c.shadowed
        ? `Set by ${c.envVar} in the environment; the value saved here is not used.`
        : `Set by ${c.envVar} in the environment.`;
    case 'app':
      return 'Saved in Pond Desktop (encrypted).';
    case 'unreadable':
      return `Saved, but cannot be used: ${c.detail ?? 'it cannot be decrypted'}.`;
    default:
      return `Not set. Enter it here or set ${c.envVars.join(' or ')}.`;
  }
}

/** The member's URLs with a just-published one added once (the provider may not list it yet). */
export function targetsWith(member: BridgeMemberShape, published: BridgeTargetView | undefined): BridgeTargetView[] {
  if (!published || member.targets.some((t) => t.url === published.url)) return member.targets;
  return [...member.targets, published];
}
