/**
 * Installing a pond's tailnet policy rows (spec §7.5), only with the user's consent:
 * read the policy with its ETag, merge the missing rows, write it back with `If-Match`.
 * A concurrent edit (412) re-reads once; a second one fails closed. A preview shows the
 * exact change first; applying it can be pinned to the ETag the user reviewed.
 */
import type { HttpClient } from '../../lib/http';
import { mergePondACLPolicy } from './acl-merge';
import { manualSnippet, PolicyError, type PolicyShape } from './acl-policy';
import { unifiedDiff } from './diff';
import {
  BOOTSTRAP_TIMEOUT_MS,
  getPolicy,
  postPolicy,
  TailscaleApiError,
  type PolicyClientOptions,
} from './tailscale-api';

export const MAX_ATTEMPTS = 2;
export const CONSENT_VARIABLE = 'CRABBOX_POND_ACL_BOOTSTRAP';

export type BootstrapErrorKind = 'consent-required' | 'unavailable' | 'conflict' | 'policy' | 'api' | 'cancelled';

export class BootstrapError extends Error {
  constructor(
    readonly kind: BootstrapErrorKind,
    message: string,
    /** Rows to paste by hand when the automatic change cannot be made. */
    readonly snippet?: string,
  ) {
    super(message);
    this.name = 'BootstrapError';
  }
}

export interface PolicyTarget {
  apiKey: string;
  apiURL: string;
  tailnet: string;
  http?: HttpClient;
}

export interface AclPreview {
  tag: string;
  etag: string;
  shape: PolicyShape;
  alreadyPresent: boolean;
  before: string;
  after: string;
  /** Unified diff of before → after; '' when nothing would change. */
  diff: string;
}

export type EnsureResult =
  | { outcome: 'already-present'; tag: string; etag: string }
  | { outcome: 'updated'; tag: string; etag: string; attempts: number; diff: string; shape: PolicyShape };

function client(target: PolicyTarget): PolicyClientOptions {
  return { ...target, timeoutMs: BOOTSTRAP_TIMEOUT_MS };
}

function readError(error: unknown): BootstrapError {
  if (!(error instanceof TailscaleApiError)) throw error;
  const kind = error.kind === 'unavailable' ? 'unavailable' : error.kind === 'cancelled' ? 'cancelled' : 'api';
  return new BootstrapError(kind, `pond acl: read policy: ${error.message}`);
}

function diffOf(before: string, after: string): string {
  return unifiedDiff(before, after, { before: 'tailnet policy (now)', after: 'tailnet policy (with the pond rows)' });
}

function mergeOrFail(body: string, tag: string): ReturnType<typeof mergePondACLPolicy> {
  try {
    return mergePondACLPolicy(body, tag);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    // The policy could not be read, so its shape is a guess: grants if it mentions them.
    const shape: PolicyShape = /"grants"\s*:/.test(body) ? 'grants' : 'acls';
    throw new BootstrapError('policy', error.message, manualSnippet(tag, shape));
  }
}

/** What the bootstrap would change, without changing anything. */
export async function previewPondACL(target: PolicyTarget, tag: string, signal?: AbortSignal): Promise<AclPreview> {
  let policy;
  try {
    policy = await getPolicy(client(target), true, signal);
  } catch (error) {
    throw readError(error);
  }
  const merged = mergeOrFail(policy.body, tag);
  return {
    tag,
    etag: policy.etag,
    shape: merged.shape,
    alreadyPresent: merged.edits.length === 0,
    before: policy.body,
    after: merged.text,
    diff: diffOf(policy.body, merged.text),
  };
}

export interface EnsureOptions {
  /** The user said yes: CRABBOX_POND_ACL_BOOTSTRAP in the CLI, the confirmation dialog in the app. */
  consent: boolean;
  /** The ETag of the policy the user reviewed; any other version is not written. */
  expectedEtag?: string;
  signal?: AbortSignal;
}

/** pondACLEnsure: make sure `tag`'s rows are in the policy, writing only what is missing. */
export async function ensurePondACL(target: PolicyTarget, tag: string, options: EnsureOptions): Promise<EnsureResult> {
  if (!options.consent) {
    throw new BootstrapError(
      'consent-required',
      `pond acl: not changing the tailnet policy without consent (set ${CONSENT_VARIABLE}=1, or confirm the change in Pond Desktop)`,
    );
  }
  if (tag === '') throw new BootstrapError('policy', 'pond acl: empty tag');
  for (let attempt = 1; ; attempt += 1) {
    let policy;
    try {
      policy = await getPolicy(client(target), true, options.signal);
    } catch (error) {
      throw readError(error);
    }
    if (options.expectedEtag !== undefined && policy.etag !== options.expectedEtag) {
      throw new BootstrapError(
        'conflict',
        `pond acl: the tailnet policy changed after it was reviewed (ETag ${options.expectedEtag} is now ${policy.etag}); review the new change before applying it`,
      );
    }
    const merged = mergeOrFail(policy.body, tag);
    if (merged.edits.length === 0) return { outcome: 'already-present', tag, etag: policy.etag };
    try {
      await postPolicy(client(target), merged.text, policy.etag, options.signal);
      return { outcome: 'updated', tag, etag: policy.etag, attempts: attempt, diff: diffOf(policy.body, merged.text), shape: merged.shape };
    } catch (error) {
      if (!(error instanceof TailscaleApiError)) throw error;
      if (error.kind === 'precondition-failed') {
        if (attempt < MAX_ATTEMPTS) continue;
        throw new BootstrapError('conflict', `pond acl: ETag race persisted after ${MAX_ATTEMPTS} attempts: ${error.message}`);
      }
      if (error.kind === 'cancelled') throw new BootstrapError('cancelled', `pond acl: update policy: ${error.message}`);
      throw new BootstrapError('api', `pond acl: update policy: ${error.message}`);
    }
  }
}
