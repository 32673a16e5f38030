/**
 * The base peer row for one claim (spec §3.4, crabbox bridgePeerFromClaim): how a member
 * is reachable from its claim alone, with no provider API call.
 */
import type { PeerRow } from '../contract/index';
import { availableTransports, canonicalProvider, capabilities, primaryTransport } from '../providers/catalogue';
import { byteCompare } from '../lib/byte-order';
import { hasTailscaleMetadata, type Claim } from './claim';

export function basePeerRow(claim: Claim): PeerRow {
  const provider = canonicalProvider(claim.provider);
  const transports = availableTransports(provider);
  const row: PeerRow = {
    slug: claim.slug,
    leaseID: claim.leaseID,
    provider,
    pond: claim.pond,
    transport: 'none',
    endpoint: '',
  };
  if (transports.length > 0) row.transports = transports;
  if (claim.labels && Object.keys(claim.labels).length > 0) row.labels = { ...claim.labels };
  if (capabilities(provider).tailscaleEgress && hasTailscaleMetadata(claim)) {
    row.note = 'tailnet available for outbound proxy traffic only';
  }
  switch (primaryTransport(provider)) {
    case 'tailnet': {
      const endpoint = claim.tailscaleIPv4 || claim.tailscaleFQDN || '';
      if (endpoint !== '') return { ...row, transport: 'tailnet', endpoint };
      if (capabilities(provider).urlBridge) return { ...row, transport: 'url', endpoint: claim.bridgeURL ?? '' };
      return { ...row, transport: 'pending', note: 'tailnet endpoint not yet recorded for this lease' };
    }
    case 'ssh': {
      if (!claim.sshHost) return { ...row, transport: 'pending', note: 'ssh endpoint not yet recorded for this lease' };
      if (!claim.sshPort) return { ...row, transport: 'pending', note: 'ssh port not yet recorded for this lease' };
      return { ...row, transport: 'ssh', endpoint: `ssh://${claim.sshHost}:${claim.sshPort}` };
    }
    case 'url':
      return { ...row, transport: 'url', endpoint: claim.bridgeURL ?? '' };
    default: {
      const note =
        provider === 'blacksmith-testbox' || provider === 'blacksmith'
          ? 'blacksmith owns connectivity'
          : `no advertised pond transport for provider ${provider}`;
      return { ...row, transport: 'none', note };
    }
  }
}

/** crabbox's final ordering: slug (byte order), then lease ID. */
export function compareRows(a: PeerRow, b: PeerRow): number {
  return byteCompare(a.slug, b.slug) || byteCompare(a.leaseID, b.leaseID);
}
