/**
 * Ponds and their members: crabbox claims grouped by normalized pond name (spec §2.1),
 * each member described as a `pond peers` row (spec §3.4), with hand-added SSH hosts
 * listed beside them as provider `ssh`.
 */
import type { PeerRow } from '../contract/index';
import { canonicalProvider, type PeerTransport } from '../providers/catalogue';
import type { Claim } from './claim';
import type { ClaimProblem, DirState, ListedClaim } from './claims';
import { EXPOSED_PORTS_LABEL, renderExposedPortsLabel } from './exposed-ports';
import { normalizePondName } from '../lib/names';
import { byteCompare } from '../lib/byte-order';
import { basePeerRow, compareRows } from './rows';
import type { ManualMember } from './settings-store';

export type TransportCounts = Record<PeerTransport, number>;

/** The connection details of a hand-added host, as the edit form needs them. */
export interface ManualDetails {
  host: string;
  port: number;
  user: string;
  /** Absent: the SSH agent is used. */
  identityFile?: string;
  ports: number[];
}

export type PondMember =
  | (PeerRow & { origin: 'crabbox'; file: string })
  | (PeerRow & { origin: 'manual'; id: string; manual: ManualDetails });

export interface Pond {
  name: string;
  members: PondMember[];
  counts: TransportCounts;
}

export interface PondsSnapshot {
  /** Increases with every change, so a UI can drop stale answers. */
  revision: number;
  claimsDir: string;
  claimsDirState: DirState;
  ponds: Pond[];
  /** crabbox claims that carry no pond. */
  unassigned: number;
  problems: ClaimProblem[];
}

export function emptyCounts(): TransportCounts {
  return { tailnet: 0, url: 0, ssh: 0, pending: 0, none: 0 };
}

/** A hand-added host as a peer row: always reachable over plain SSH. */
export function manualRow(member: ManualMember): PeerRow {
  const row: PeerRow = {
    slug: member.slug,
    leaseID: member.id,
    provider: 'ssh',
    pond: member.pond,
    transport: 'ssh',
    transports: ['ssh'],
    endpoint: `ssh://${member.host}:${member.port}`,
  };
  if (member.ports.length > 0) row.labels = { [EXPOSED_PORTS_LABEL]: renderExposedPortsLabel(member.ports) };
  return row;
}

export function manualMember(member: ManualMember): PondMember {
  const manual: ManualDetails = { host: member.host, port: member.port, user: member.user, ports: [...member.ports] };
  if (member.identityFile !== undefined) manual.identityFile = member.identityFile;
  return { ...manualRow(member), origin: 'manual', id: member.id, manual };
}

export function crabboxMember(listed: ListedClaim): PondMember {
  return { ...basePeerRow(listed.claim), origin: 'crabbox', file: listed.file };
}

/**
 * crabbox's filterClaimsForPond: both sides normalized, an empty pond matches nothing,
 * the provider (when given) compared after canonicalization; input order kept.
 */
export function filterClaimsForPond<T extends { claim: Claim } | Claim>(items: readonly T[], pond: string, provider = ''): T[] {
  const wanted = normalizePondName(pond);
  if (wanted === '') return [];
  const wantedProvider = provider.trim() === '' ? '' : canonicalProvider(provider);
  return items.filter((item) => {
    const claim: Claim = 'claim' in item ? item.claim : item;
    if (normalizePondName(claim.pond) !== wanted) return false;
    return wantedProvider === '' || canonicalProvider(claim.provider) === wantedProvider;
  });
}

export interface GroupInput {
  claims: readonly ListedClaim[];
  manual: readonly ManualMember[];
}

/** Groups members into ponds, sorted by pond name then by crabbox's row order. */
export function groupPonds({ claims, manual }: GroupInput): { ponds: Pond[]; unassigned: number } {
  const byPond = new Map<string, PondMember[]>();
  let unassigned = 0;
  const add = (pond: string, member: PondMember) => {
    const list = byPond.get(pond);
    if (list) list.push(member);
    else byPond.set(pond, [member]);
  };
  for (const listed of claims) {
    const pond = normalizePondName(listed.claim.pond);
    if (pond === '') unassigned++;
    else add(pond, crabboxMember(listed));
  }
  for (const member of manual) {
    const pond = normalizePondName(member.pond);
    if (pond !== '') add(pond, manualMember(member));
  }
  const ponds = [...byPond.entries()]
    .sort(([a], [b]) => byteCompare(a, b))
    .map(([name, members]): Pond => {
      members.sort(compareRows);
      const counts = emptyCounts();
      for (const m of members) counts[m.transport]++;
      return { name, members, counts };
    });
  return { ponds, unassigned };
}

/** The plain `PeerRow` of a member, without Pond Desktop's own fields (for crabbox-shaped output). */
export function peerRowOf(member: PondMember): PeerRow {
  const { slug, leaseID, provider, pond, transport, transports, endpoint, labels, note, targets, bridgeState } = member;
  const row: PeerRow = { slug, leaseID, provider, pond, transport, endpoint };
  if (transports) row.transports = transports;
  if (labels) row.labels = labels;
  if (note !== undefined) row.note = note;
  if (targets) row.targets = targets;
  if (bridgeState) row.bridgeState = bridgeState;
  return row;
}

export interface PondSummary {
  name: string;
  memberCount: number;
  counts: TransportCounts;
  /** Members from crabbox claims and hand-added hosts. */
  crabbox: number;
  manual: number;
}

/** Everything except the member rows: small enough to send on every change. */
export interface PondsOverview extends Omit<PondsSnapshot, 'ponds'> {
  ponds: PondSummary[];
}

export function summarizePond(pond: Pond): PondSummary {
  const manual = pond.members.filter((m) => m.origin === 'manual').length;
  return {
    name: pond.name,
    memberCount: pond.members.length,
    counts: { ...pond.counts },
    crabbox: pond.members.length - manual,
    manual,
  };
}

export function overviewOf(snapshot: PondsSnapshot): PondsOverview {
  return { ...snapshot, ponds: snapshot.ponds.map(summarizePond), problems: [...snapshot.problems] };
}
