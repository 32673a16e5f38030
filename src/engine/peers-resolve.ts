/**
 * crabbox's bridge pass and provider fan-out for `pond peers` (spec §3.5–§3.6): each
 * claim's base row (§3.4) is completed by its provider's URL-bridge adapter where the
 * provider has one, members degrade in place when their lookup fails, and one provider
 * failing never hides another provider's members.
 */
import PQueue from 'p-queue';
import type { PeerRow } from '../contract/index';
import { canonicalProvider, capabilities } from '../providers/catalogue';
import type { BridgeLoader } from '../providers/bridge/registry';
import {
  BridgeError,
  errorMessage,
  isAbort,
  isNotImplemented,
  wrapError,
  type BridgeAdapter,
  type TailnetMetadata,
} from '../providers/bridge/types';
import { hasTailscaleMetadata, type Claim } from './claim';
import { filterClaimsForPond } from './ponds';
import { byteCompare } from '../lib/byte-order';
import { basePeerRow, compareRows } from './rows';

export const DEFAULT_SHARE_TTL_SECONDS = 24 * 3600;
/** Read-only lookups in flight per provider; publishing is always one at a time. */
const LIST_CONCURRENCY = 4;

export interface ResolveOptions {
  /** The pond to resolve (compared after normalization). */
  pond: string;
  /** Restrict to one provider: single-provider mode, where any group error aborts. */
  provider?: string;
  /** Publish a URL for this port on every URL member (0 or absent: only list). */
  sharePort?: number;
  shareTtlSeconds?: number;
  signal: AbortSignal;
}

const TAILSCALE_LABELS = ['tailscale', 'tailscale_state', 'tailscale_ipv4', 'tailscale_fqdn'];

/** clearLeaseClaimTailscaleFields, on an in-memory copy. */
function clearTailscale(claim: Claim): Claim {
  const labels = Object.fromEntries(Object.entries(claim.labels ?? {}).filter(([k]) => !TAILSCALE_LABELS.includes(k)));
  return { ...claim, tailscaleIPv4: undefined, tailscaleFQDN: undefined, labels };
}

/** setLeaseClaimTailscale, on an in-memory copy. */
function setTailscale(claim: Claim, ipv4: string, fqdn: string): Claim {
  const next: Claim = { ...claim, labels: { ...claim.labels } };
  if (ipv4) next.tailscaleIPv4 = ipv4;
  if (fqdn) next.tailscaleFQDN = fqdn;
  if (!next.tailscaleIPv4 && !next.tailscaleFQDN) return claim;
  const labels = next.labels!;
  labels.tailscale = 'true';
  labels.tailscale_state = 'ready';
  if (next.tailscaleIPv4) labels.tailscale_ipv4 = next.tailscaleIPv4;
  if (next.tailscaleFQDN) labels.tailscale_fqdn = next.tailscaleFQDN;
  return next;
}

type ClaimOutcome = { row: PeerRow; deferred?: BridgeError } | { fatal: BridgeError };

/** The adapter of one provider group, loaded the first time a member needs it. */
class LazyAdapter {
  private loaded = false;
  adapter: BridgeAdapter | null = null;
  error: BridgeError | undefined;

  constructor(
    private readonly provider: string,
    private readonly load: BridgeLoader,
  ) {}

  get(): void {
    if (this.loaded) return;
    this.loaded = true;
    try {
      this.adapter = this.load(this.provider);
    } catch (error) {
      this.error = error instanceof BridgeError ? error : wrapError('load bridge adapter', error);
    }
  }

  close(): void {
    this.adapter?.close?.();
  }
}

function rethrowIfCancelled(error: unknown, signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
  if (isAbort(error)) throw error;
}

function unsupported(row: PeerRow, urlPrimary: boolean): PeerRow {
  return {
    ...row,
    bridgeState: 'unsupported',
    transport: urlPrimary ? 'none' : row.transport,
    note: `bridge adapter for provider ${row.provider} reports unsupported`,
  };
}

async function resolveClaim(claim: Claim, lazy: LazyAdapter, opts: Required<Pick<ResolveOptions, 'sharePort' | 'shareTtlSeconds' | 'signal'>>): Promise<ClaimOutcome> {
  const { sharePort, shareTtlSeconds, signal } = opts;
  let row = basePeerRow(claim);
  const caps = capabilities(row.provider);
  const urlCapable = caps.urlBridge;
  if (row.transport !== 'url' && !urlCapable) return { row };

  lazy.get();
  const adapter = lazy.adapter;
  if ((caps.tailscale || caps.tailscaleEgress) && hasTailscaleMetadata(claim) && !lazy.error && adapter?.validateTailnetPeer) {
    let meta: TailnetMetadata | undefined;
    try {
      meta = await adapter.validateTailnetPeer(claim.leaseID, signal);
    } catch (error) {
      rethrowIfCancelled(error, signal);
      // crabbox keeps the claim's tailnet fields when validation is unavailable; no adapter here reports that case.
      row = basePeerRow(clearTailscale(claim));
      row.note = `tailnet validation failed: ${errorMessage(error)}`;
    }
    if (meta) {
      row = basePeerRow(setTailscale(claim, meta.ipv4, meta.fqdn));
      if (row.transport === 'tailnet') row.endpoint = meta.ipv4 || meta.fqdn || meta.hostname;
    }
  }

  const urlPrimary = row.transport === 'url';
  const secondaryRead = !urlPrimary && sharePort === 0;
  if (lazy.error) {
    if (secondaryRead) {
      if (row.transport === 'tailnet') row.note = `tailnet validation unavailable: ${lazy.error.message}`;
      return { row };
    }
    if (sharePort === 0) {
      return {
        row: { ...row, bridgeState: 'error', transport: 'none', note: `bridge lookup failed for provider ${row.provider}: ${lazy.error.message}` },
        deferred: lazy.error,
      };
    }
    return { fatal: lazy.error };
  }

  const needBridge = sharePort > 0 || (urlPrimary && row.endpoint === '') || (!urlPrimary && urlCapable);
  if (!needBridge) return { row };
  if (!adapter) {
    if (secondaryRead) return { row };
    return {
      row: { ...row, bridgeState: 'unsupported-provider', transport: urlPrimary ? 'none' : row.transport, note: `no bridge adapter for provider ${row.provider}` },
    };
  }

  if (sharePort > 0) {
    try {
      const target = await adapter.publish(claim.leaseID, sharePort, shareTtlSeconds, signal);
      return { row: { ...row, targets: [...(row.targets ?? []), target], endpoint: row.endpoint || target.url } };
    } catch (error) {
      rethrowIfCancelled(error, signal);
      if (isNotImplemented(error)) return { row: unsupported(row, urlPrimary) };
      return { fatal: wrapError(`publish peer ${claim.leaseID} port=${sharePort}`, error) };
    }
  }

  try {
    const targets = await adapter.list(claim.leaseID, signal);
    const next: PeerRow = { ...row };
    if (targets.length > 0) {
      next.targets = targets;
      if (next.endpoint === '') next.endpoint = targets[0]!.url;
    }
    return { row: next };
  } catch (error) {
    rethrowIfCancelled(error, signal);
    if (secondaryRead) return { row: { ...row, bridgeState: 'error', note: `list secondary bridge targets failed: ${errorMessage(error)}` } };
    if (isNotImplemented(error)) return { row: unsupported(row, urlPrimary) };
    return {
      row: { ...row, bridgeState: 'error', transport: 'none', note: `list bridge targets failed: ${errorMessage(error)}` },
      deferred: wrapError(`list peer targets ${claim.leaseID}`, error),
    };
  }
}

/** hasResolvedPrimary: some member is reachable (tailnet, ssh, or a URL that is known). */
function hasResolvedMember(rows: readonly PeerRow[]): boolean {
  return rows.some(
    (r) => r.transport === 'tailnet' || r.transport === 'ssh' || (r.transport === 'url' && (r.endpoint !== '' || (r.targets?.length ?? 0) > 0)),
  );
}

export interface GroupResult {
  rows: PeerRow[];
  error?: BridgeError;
}

/** resolvePondPeersForProvider: one provider's claims, in claim order. */
export async function resolveProviderGroup(provider: string, claims: readonly Claim[], load: BridgeLoader, opts: ResolveOptions): Promise<GroupResult> {
  const lazy = new LazyAdapter(provider, load);
  const settings = { sharePort: opts.sharePort ?? 0, shareTtlSeconds: opts.shareTtlSeconds ?? DEFAULT_SHARE_TTL_SECONDS, signal: opts.signal };
  try {
    let outcomes: ClaimOutcome[];
    if (settings.sharePort > 0) {
      // Publishing creates provider state: stop at the first failure, as crabbox does.
      outcomes = [];
      for (const claim of claims) {
        const outcome = await resolveClaim(claim, lazy, settings);
        if ('fatal' in outcome) return { rows: [], error: outcome.fatal };
        outcomes.push(outcome);
      }
    } else {
      outcomes = await new PQueue({ concurrency: LIST_CONCURRENCY }).addAll(claims.map((claim) => () => resolveClaim(claim, lazy, settings)));
    }
    const rows: PeerRow[] = [];
    let deferred: BridgeError | undefined;
    for (const outcome of outcomes) {
      if ('fatal' in outcome) return { rows: [], error: outcome.fatal };
      rows.push(outcome.row);
      if (outcome.deferred) deferred = outcome.deferred;
    }
    if (deferred && !hasResolvedMember(rows)) return { rows, error: deferred };
    return { rows };
  } finally {
    lazy.close();
  }
}

/**
 * resolvePondPeers: groups in ascending provider order, each error prefixed with its
 * provider. With `provider` set the first group error is thrown; across all providers a
 * failing group keeps its degraded rows, and only "every group failed" is an error.
 */
export async function resolvePondPeers(claims: readonly Claim[], load: BridgeLoader, opts: ResolveOptions): Promise<PeerRow[]> {
  const matches = filterClaimsForPond(claims, opts.pond, opts.provider);
  if (matches.length === 0) return [];
  const groups = new Map<string, Claim[]>();
  for (const claim of matches) {
    const key = canonicalProvider(claim.provider);
    groups.set(key, [...(groups.get(key) ?? []), claim]);
  }
  const order = [...groups.keys()].sort(byteCompare);
  const results = await Promise.all(order.map((p) => resolveProviderGroup(p, groups.get(p)!, load, opts)));
  opts.signal.throwIfAborted();
  const allProviders = (opts.provider ?? '').trim() === '';
  const rows: PeerRow[] = [];
  let firstError: BridgeError | undefined;
  let successes = 0;
  results.forEach((result, i) => {
    if (result.error) {
      const error = wrapError(order[i]!, result.error);
      if (!allProviders) throw error;
      firstError ??= error;
    } else successes++;
    rows.push(...result.rows);
  });
  if (successes === 0 && firstError) throw firstError;
  return rows.sort(compareRows);
}
