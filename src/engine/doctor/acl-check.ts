/**
 * The doctor's pond check (spec §7.2, crabbox doctorPondSummary): is the pond's tag owned
 * and allowed to talk to itself in the tailnet policy? Same decision order, statuses,
 * messages and details as `crabbox doctor --pond`, plus what the app needs to help: the
 * policy's shape, the rows to paste by hand, and whether the automatic fix is possible.
 */
import { canonicalProvider, capabilities } from '../../providers/catalogue';
import { hasTailscaleMetadata, type Claim } from '../claim';
import { goQuote } from '../../lib/go-quote';
import type { HttpClient } from '../../lib/http';
import { normalizePondName } from '../../lib/names';
import { redactSecrets } from '../../lib/redact';
import { manualSnippet, parsePondACLPolicy, PolicyError, policyShape, rowsPresent, type PolicyShape } from './acl-policy';
import { pondTailscaleTag } from './owner-tag';
import {
  DOCTOR_TIMEOUT_MS,
  getPolicy,
  resolveTailnet,
  resolveTailnetAPIURL,
  TailscaleApiError,
} from './tailscale-api';

export type PondCheckStatus = 'ok' | 'failed' | 'skip';

export interface PondCheck {
  status: PondCheckStatus;
  message: string;
  details: Record<string, string>;
  tag: string;
  /** Where the rows go in this policy (known once the policy was read). */
  shape?: PolicyShape;
  /** Rows to paste by hand, when they are missing or the API cannot be used. */
  snippet?: string;
  /** Why the policy cannot be edited automatically (it could not be read safely). */
  problem?: string;
  /** TS_API_KEY is set and the policy was read: the app may offer its "Fix it". */
  canBootstrap: boolean;
}

export interface PondCheckInput {
  pond: string;
  /** Every local claim (any pond); null when listing them failed (counts as "no claims"). */
  claims: readonly Claim[] | null;
  /** The owner identity (ownerIdentity()). */
  identity: string;
  env: Readonly<Record<string, string | undefined>>;
  /** crabbox's configured provider, reported in the no-Tailscale skip's details. */
  configuredProvider?: string;
  http?: HttpClient;
  signal?: AbortSignal;
}

/** pondClaimProviderSummary: any claims in the pond, and any that put it on a tailnet. */
export function pondClaimSummary(pond: string, claims: readonly Claim[] | null): { hasClaims: boolean; hasTailscale: boolean } {
  let hasClaims = false;
  let hasTailscale = false;
  for (const claim of claims ?? []) {
    if (normalizePondName(claim.pond) !== pond) continue;
    hasClaims = true;
    const caps = capabilities(canonicalProvider(claim.provider));
    if ((caps.tailscale || caps.tailscaleEgress) && (!caps.urlBridge || hasTailscaleMetadata(claim))) hasTailscale = true;
  }
  return { hasClaims, hasTailscale };
}

/** doctorPondSummary; null when no check applies (blank pond). */
export async function doctorPondCheck(input: PondCheckInput): Promise<PondCheck | null> {
  const pond = normalizePondName(input.pond);
  if (pond === '') return null;
  const tag = pondTailscaleTag(input.identity, pond);
  if (tag === '') return null;
  const { hasClaims, hasTailscale } = pondClaimSummary(pond, input.claims);
  const base = { tag, canBootstrap: false };
  if (!hasClaims) {
    return {
      ...base,
      status: 'skip',
      message: `pond ${goQuote(pond)}: no local lease claims found; create or claim a pond member before checking Tailscale policy`,
      details: { pond, tag, plane: 'tailscale', reason: 'no_pond_claims' },
    };
  }
  if (!hasTailscale) {
    return {
      ...base,
      status: 'skip',
      message: `pond ${goQuote(pond)}: no Tailscale-capable provider found; pond networking unavailable`,
      details: { provider: input.configuredProvider ?? '', pond, tag, plane: 'tailscale', reason: 'no_tailscale_capable_provider' },
    };
  }
  const apiKey = (input.env.TS_API_KEY ?? '').trim();
  if (apiKey === '') {
    return {
      ...base,
      status: 'skip',
      message: 'TS_API_KEY missing; skipped ACL verification',
      details: { pond, tag, reason: 'ts_api_key_missing' },
      snippet: manualSnippet(tag, 'grants'),
    };
  }
  const redact = (text: string) => redactSecrets(text, [apiKey]);
  const tailnet = resolveTailnet(input.env);
  const apiURL = resolveTailnetAPIURL(input.env);
  let body: string;
  try {
    ({ body } = await getPolicy({ apiKey, apiURL, tailnet, timeoutMs: DOCTOR_TIMEOUT_MS, http: input.http }, false, input.signal));
  } catch (error) {
    if (!(error instanceof TailscaleApiError)) throw error;
    if (error.kind === 'unavailable') {
      return {
        ...base,
        status: 'skip',
        message: redact(
          `pond ${goQuote(pond)}: control plane at ${apiURL} does not expose a Tailscale-compatible policy API; apply the snippet from docs/features/pond.md (e.g. Headscale: \`headscale policy set --file ./policy.hujson\`)`,
        ),
        details: { pond, tag, tailnet, api_url: redact(apiURL), reason: 'control_plane_incompatible' },
        snippet: manualSnippet(tag, 'grants'),
      };
    }
    const text = redact(error.message);
    return {
      ...base,
      status: 'failed',
      message: `tailscale policy lookup failed: ${text}`,
      details: { pond, tag, tailnet, error: text },
    };
  }
  try {
    const state = parsePondACLPolicy(body, tag);
    const shape = policyShape(state);
    if (rowsPresent(state)) {
      return {
        ...base,
        status: 'ok',
        message: `pond ${goQuote(pond)}: Tailscale plane auto-managed (${tag})`,
        details: { pond, tag, tailnet, mode: 'auto-managed' },
        shape,
      };
    }
    return { ...missing(pond, tag, tailnet), shape, snippet: manualSnippet(tag, shape), canBootstrap: true };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { ...missing(pond, tag, tailnet), snippet: manualSnippet(tag, 'grants'), problem: error.message };
  }
}

function missing(pond: string, tag: string, tailnet: string): PondCheck {
  return {
    tag,
    canBootstrap: false,
    status: 'failed',
    message: `pond ${goQuote(pond)}: tailnet policy row missing for ${tag}. Set TS_API_KEY plus CRABBOX_POND_ACL_BOOTSTRAP=1 to auto-install, or apply the snippet from docs/features/pond.md`,
    details: { pond, tag, tailnet, remedy: 'see_docs_features_pond_md' },
  };
}

/** `%-7s %-8s %s`, the line `crabbox doctor` prints for a check. */
export function renderPondCheckLine(check: PondCheck): string {
  return `${check.status.padEnd(7)} ${'pond'.padEnd(8)} ${check.message}\n`;
}
