/**
 * The command line's answer to missing policy rows (spec §7.5 consent rules): with
 * CRABBOX_POND_ACL_BOOTSTRAP truthy and TS_API_KEY set, install them; with TS_API_KEY
 * alone, only show the change that consent would make. The app asks in a dialog instead.
 */
import type { HttpClient } from '../../lib/http';
import { truthy } from '../../lib/names';
import { BootstrapError, CONSENT_VARIABLE, ensurePondACL, previewPondACL, type PolicyTarget } from './acl-bootstrap';
import type { PondCheck } from './acl-check';
import type { BootstrapOutcome } from './report';
import { resolveTailnet, resolveTailnetAPIURL } from './tailscale-api';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the policy lives and the key to reach it; null without TS_API_KEY. */
export function policyTarget(env: Env, http?: HttpClient): PolicyTarget | null {
  const apiKey = (env.TS_API_KEY ?? '').trim();
  if (apiKey === '') return null;
  return { apiKey, apiURL: resolveTailnetAPIURL(env), tailnet: resolveTailnet(env), ...(http ? { http } : {}) };
}

export function consentFromEnv(env: Env): boolean {
  return truthy(env[CONSENT_VARIABLE]);
}

/** Nothing to do unless the check found the rows missing in a policy it could read. */
export async function bootstrapFromEnv(check: PondCheck | null, env: Env, options: { http?: HttpClient; signal?: AbortSignal } = {}): Promise<BootstrapOutcome | undefined> {
  if (!check || check.status !== 'failed' || !check.canBootstrap) return undefined;
  const target = policyTarget(env, options.http);
  if (!target) return undefined;
  const tag = check.tag;
  try {
    if (!consentFromEnv(env)) {
      const preview = await previewPondACL(target, tag, options.signal);
      return preview.alreadyPresent ? { state: 'already-present', tag } : { state: 'offered', tag, diff: preview.diff };
    }
    const result = await ensurePondACL(target, tag, { consent: true, signal: options.signal });
    return result.outcome === 'updated' ? { state: 'applied', tag, diff: result.diff, attempts: result.attempts } : { state: 'already-present', tag };
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    return { state: 'failed', tag, message: error.message, ...(error.snippet ? { snippet: error.snippet } : {}) };
  }
}
