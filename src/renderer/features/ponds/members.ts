/**
 * One member described one way everywhere: the Members tab, Public URLs and the doctor all
 * take a member's reach from `reachOf`, on the row as its provider reported it when the
 * window has asked (`resolveMembers`), so an E2B member never reads "url" in one place and
 * "none" in another.
 */
import type { BridgeMembersShape, PeerRow, PondMemberShape } from '../../../contract/index';

/** A hand-added SSH host, the members the window can edit and remove. */
export type ManualMember = Extract<PondMemberShape, { origin: 'manual' }>;

export type ReachTone = 'info' | 'warn' | 'neutral';

export interface Reach {
  /** A short label for a badge: Tailnet, Public URL, SSH, Address pending, No pond connection. */
  label: string;
  tone: ReachTone;
  /** Why, when there is more to say. */
  detail?: string;
}

const PROVIDER_NAMES: Record<string, string> = {
  islo: 'Islo',
  e2b: 'E2B',
  railway: 'Railway',
  ssh: 'SSH host',
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  hetzner: 'Hetzner',
  digitalocean: 'DigitalOcean',
  runpod: 'RunPod',
  hostinger: 'Hostinger',
  blacksmith: 'Blacksmith',
  'blacksmith-testbox': 'Blacksmith Testbox',
};

/** A provider as people write it; an unknown one as crabbox names it. */
export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

type Row = Pick<PeerRow, 'transport' | 'provider' | 'bridgeState' | 'note'>;

export const TRANSPORT_LABELS: Record<PeerRow['transport'], string> = {
  tailnet: 'Tailnet',
  url: 'Public URL',
  ssh: 'SSH',
  pending: 'Address pending',
  none: 'No pond connection',
};

export function reachOf(row: Row): Reach {
  const provider = providerName(row.provider);
  const label = TRANSPORT_LABELS[row.transport];
  switch (row.transport) {
    case 'tailnet':
    case 'url':
    case 'ssh':
      return row.note ? { label, tone: 'info', detail: sentence(row.note) } : { label, tone: 'info' };
    case 'pending':
      return { label, tone: 'warn', detail: 'crabbox has not recorded its address yet; it appears once the machine is up.' };
    case 'none':
      if (row.bridgeState === 'error') return { label, tone: 'warn', detail: `${provider} could not be asked for its URLs; check the ${provider} credentials in Settings.` };
      if (row.bridgeState === 'unsupported') return { label, tone: 'neutral', detail: `${provider} cannot publish URLs for its sandboxes.` };
      if (row.bridgeState === 'unsupported-provider') return { label, tone: 'neutral', detail: `Pond Desktop has no URL bridge for ${provider}.` };
      return { label, tone: 'neutral', detail: `${provider} handles its own connectivity.` };
  }
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The pond's members with what their providers said laid over them (bridge:members), once the window has asked. */
export function resolveMembers(members: readonly PondMemberShape[], resolved: BridgeMembersShape | undefined): PondMemberShape[] {
  if (!resolved) return [...members];
  return members.map((member) => {
    const found = resolved.members.find((r) => r.leaseID === member.leaseID);
    if (!found) return member;
    const { transport, endpoint, bridgeState, note } = found;
    const merged: PondMemberShape = { ...member, transport, endpoint };
    if (bridgeState === undefined) delete merged.bridgeState;
    else merged.bridgeState = bridgeState;
    if (note === undefined) delete merged.note;
    else merged.note = note;
    return merged;
  });
}

/** The ports a member exposes: a hand-added host's list, or crabbox's `crabbox_exposed_ports` label (`8080-9090`). */
export function exposedPorts(member: PondMemberShape): number[] {
  if (member.origin === 'manual') return [...member.manual.ports];
  const label = member.labels?.crabbox_exposed_ports ?? '';
  const ports = label
    .split('-')
    .map((t) => t.trim())
    .filter((t) => /^[0-9]+$/.test(t))
    .map(Number)
    .filter((n) => n >= 1 && n <= 65535);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Whether the pond has members whose provider must be asked for their reach (Islo, E2B, Railway). */
export function hasUrlMembers(members: readonly PondMemberShape[]): boolean {
  return members.some((m) => m.transport === 'url' || m.bridgeState !== undefined || ['islo', 'e2b', 'railway'].includes(m.provider));
}
