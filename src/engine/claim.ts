/**
 * One crabbox lease claim sidecar (spec §1.2–§1.3), as zod sees it. Go's decoder
 * ignores unknown keys and treats `null` as "leave the zero value", so every field is
 * optional and nullable; wrong types are errors, exactly as crabbox would refuse them.
 */
import { z } from 'zod';
import { truthy } from '../lib/names';

const str = z.string().nullish().transform((v) => v ?? '');
const optStr = z.string().nullish().transform((v) => v ?? undefined);
const int = z.number().int().nullish().transform((v) => v ?? undefined);

export const claimSchema = z.object({
  leaseID: str,
  revision: optStr,
  slug: str,
  provider: str,
  cloudID: optStr,
  cloudNumericID: int,
  cloudImmutableID: optStr,
  providerScope: optStr,
  staticHost: optStr,
  staticUser: optStr,
  staticPort: optStr,
  staticWorkRoot: optStr,
  targetOS: optStr,
  windowsMode: optStr,
  pond: str,
  repoRoot: str,
  claimedAt: str,
  lastUsedAt: str,
  idleTimeoutSeconds: int,
  tailscaleIPv4: optStr,
  tailscaleFQDN: optStr,
  tailscaleHostname: optStr,
  tailscaleTags: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  tailscaleLoginURL: optStr,
  tailscaleExitNode: optStr,
  tailscaleExitLAN: z.boolean().nullish().transform((v) => v ?? undefined),
  sshHost: optStr,
  sshPort: int,
  bridgeURL: optStr,
  labels: z.record(z.string(), z.string()).nullish().transform((v) => v ?? undefined),
});

export type Claim = z.output<typeof claimSchema>;

/** claimHasTailscaleMetadata (spec §1.3). */
export function hasTailscaleMetadata(claim: Claim): boolean {
  const labels = claim.labels ?? {};
  return Boolean(
    claim.tailscaleIPv4 ||
      claim.tailscaleFQDN ||
      claim.tailscaleHostname ||
      (claim.tailscaleTags?.length ?? 0) > 0 ||
      claim.tailscaleLoginURL ||
      claim.tailscaleExitNode ||
      claim.tailscaleExitLAN === true ||
      truthy(labels.tailscale) ||
      (labels.tailscale_state ?? '').trim() !== '',
  );
}
