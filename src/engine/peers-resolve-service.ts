/**
 * The URL bridge as the app uses it: a pond's URL members with the URLs their providers
 * already serve, "Publish URL" for one member and port, and the provider credentials
 * (environment first, else entered in the app and kept encrypted). Every URL handed to
 * the UI is registered as one the app may open in the browser.
 */
import type { BridgeMembersShape, BridgeTarget, BridgeTargetView, CredentialsListShape, PeerRow } from '../contract/index';
import { canonicalProvider, capabilities } from '../providers/catalogue';
import type { BridgeContext } from '../providers/bridge/context';
import { BRIDGE_ADAPTERS, bridgeLoader, loadBridgeAdapter } from '../providers/bridge/registry';
import { BridgeError, isAbort } from '../providers/bridge/types';
import { UNSUPPORTED_BRIDGE_PROVIDERS } from '../providers/bridge/unsupported';
import { Credentials, type CredentialName, type Env } from '../providers/credentials';
import { EncryptedSecretStore, type Cipher, type SecretsSetting } from '../providers/credentials-store';
import type { HttpClientOptions } from '../lib/http';
import { redactSecrets } from '../lib/redact';
import type { Claim } from './claim';
import { PondError } from '../lib/errors';
import { EXPOSED_PORTS_LABEL, parseExposedPortsLabel } from './exposed-ports';
import { byteCompare } from '../lib/byte-order';
import { basePeerRow, compareRows } from './rows';
import { DEFAULT_SHARE_TTL_SECONDS, resolvePondPeers, resolveProviderGroup } from './peers-resolve';
import { filterClaimsForPond, manualRow } from './ponds';
import { normalizePondName } from '../lib/names';
import type { ManualMember } from './settings-store';

export interface BridgeServiceDeps {
  /** Every local claim, as the pond directory holds them live. */
  claims: () => Promise<readonly Claim[]>;
  /** The hand-added hosts, listed beside crabbox's members as provider ssh. */
  manualMembers: () => readonly ManualMember[];
  /** Where crabbox's credential variables are read (the process environment). */
  env: Env;
  settings: SecretsSetting;
  /** Electron's safeStorage in the app; absent headless, where only the environment counts. */
  cipher?: Cipher;
  producedUrls: { add(url: string): void };
  http?: Omit<HttpClientOptions, 'secrets'>;
  now?: () => number;
}

/** `pond peers`: the pond, an optional provider filter, and an optional port to publish on every URL member. */
export interface PeersRequest {
  pond: string;
  /** A provider name or alias, or '' for all (then one failing provider never hides the others). */
  provider: string;
  sharePort: number;
  /** Lifetime of shares made for `sharePort` (default 24 h). */
  shareTtlSeconds?: number;
}

export interface PublishRequest {
  pond: string;
  leaseID: string;
  port: number;
  ttlSeconds?: number;
}

/**
 * The http(s) link for a provider URL: as given when it has a scheme, `https://` added to
 * a bare host (Railway reports `web.up.railway.app`), undefined for anything else.
 */
export function browserUrl(url: string): string | undefined {
  const trimmed = url.trim();
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : /^[a-z0-9.-]+(:\d+)?(\/\S*)?$/i.test(trimmed) ? `https://${trimmed}` : '';
  try {
    const parsed = new URL(candidate);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function usesBridge(claim: Claim): boolean {
  return capabilities(claim.provider).urlBridge || basePeerRow(claim).transport === 'url';
}

function publishable(provider: string): boolean {
  return BRIDGE_ADAPTERS[provider] !== undefined && !(UNSUPPORTED_BRIDGE_PROVIDERS as readonly string[]).includes(provider);
}

export class BridgeService {
  private readonly store: EncryptedSecretStore;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: BridgeServiceDeps) {
    this.store = new EncryptedSecretStore(deps.settings, deps.cipher);
  }

  credentials(): Credentials {
    return new Credentials(this.deps.env, this.store);
  }

  listCredentials(): CredentialsListShape {
    return {
      credentials: this.credentials()
        .list()
        .map((c) => ({ ...c, envVars: [...c.envVars] })),
      storageAvailable: this.deps.cipher?.isAvailable() ?? false,
    };
  }

  setCredential(name: CredentialName, value: string): CredentialsListShape {
    this.store.write(name, value);
    return this.listCredentials();
  }

  clearCredential(name: CredentialName): CredentialsListShape {
    this.store.remove(name);
    return this.listCredentials();
  }

  /** Aborts every provider call in flight (the app is quitting). */
  cancelAll(): void {
    this.stopping.abort(new PondError('CANCELLED', 'Pond Desktop is shutting down'));
  }

  /** The pond's URL-bridge members, each with the URLs its provider already serves. */
  async members(pond: string, signal: AbortSignal): Promise<BridgeMembersShape> {
    const claims = (await this.pondClaims(pond)).filter(usesBridge);
    const groups = new Map<string, Claim[]>();
    for (const claim of claims) {
      const key = canonicalProvider(claim.provider);
      groups.set(key, [...(groups.get(key) ?? []), claim]);
    }
    const ctx = this.context();
    const secrets = ctx.credentials.secretValues();
    const combined = AbortSignal.any([signal, this.stopping.signal]);
    const order = [...groups.keys()].sort(byteCompare);
    const results = await Promise.all(order.map((p) => resolveProviderGroup(p, groups.get(p)!, bridgeLoader(ctx), { pond, signal: combined })));
    combined.throwIfAborted();
    const problems = results.flatMap((r, i) => (r.error ? [redactSecrets(`${order[i]}: ${r.error.message}`, secrets)] : []));
    const byLease = new Map(claims.map((c) => [c.leaseID, c]));
    const members = results
      .flatMap((r) => r.rows)
      .sort(compareRows)
      .map((row) => this.memberView(row, byLease.get(row.leaseID), secrets));
    return { pond, members, problems };
  }

  /**
   * Every member of a pond as `crabbox pond peers` lists them (spec §3.5–§3.6): URL members
   * completed by their providers, hand-added hosts as provider ssh, in crabbox's order.
   */
  async peers(request: PeersRequest, signal: AbortSignal): Promise<PeerRow[]> {
    const provider = request.provider.trim() === '' ? '' : canonicalProvider(request.provider);
    const ctx = this.context();
    const rows = await resolvePondPeers(await this.deps.claims(), bridgeLoader(ctx), { ...request, provider, signal: AbortSignal.any([signal, this.stopping.signal]) });
    if (provider === '' || provider === 'ssh') {
      const pond = normalizePondName(request.pond);
      rows.push(...this.deps.manualMembers().filter((m) => normalizePondName(m.pond) === pond).map(manualRow));
    }
    return rows.sort(compareRows);
  }

  /** "Publish URL": a public URL for one port of one member (reusing a still-valid Islo share). */
  async publish(request: PublishRequest, signal: AbortSignal): Promise<{ target: BridgeTargetView }> {
    const claim = (await this.pondClaims(request.pond)).find((c) => c.leaseID === request.leaseID);
    if (!claim) {
      throw new PondError('NOT_FOUND', `pond ${request.pond} has no member with lease ${request.leaseID}; it may have been released, refresh the pond`);
    }
    const provider = canonicalProvider(claim.provider);
    const name = claim.slug || claim.leaseID;
    if (!usesBridge(claim)) {
      throw new PondError('INVALID_INPUT', `${name} (${provider}) is not reached through provider URLs, so there is no URL to publish; Publish URL is for Islo, E2B and Railway members`);
    }
    const ctx = this.context();
    const adapter = loadBridgeAdapter(provider, ctx);
    if (!adapter) throw new PondError('UNAVAILABLE', `no bridge adapter for provider ${provider}`);
    const secrets = ctx.credentials.secretValues();
    try {
      const target = await adapter.publish(claim.leaseID, request.port, request.ttlSeconds ?? DEFAULT_SHARE_TTL_SECONDS, AbortSignal.any([signal, this.stopping.signal]));
      return { target: this.targetView(target) };
    } catch (error) {
      if (isAbort(error) || signal.aborted || this.stopping.signal.aborted) throw error;
      const code = error instanceof BridgeError ? error.code : 'UNAVAILABLE';
      throw new PondError(code, redactSecrets(`publish ${name} port ${request.port}: ${(error as Error).message}`, secrets));
    } finally {
      adapter.close?.();
    }
  }

  private context(): BridgeContext {
    return { env: this.deps.env, credentials: this.credentials(), ...(this.deps.http ? { http: this.deps.http } : {}), ...(this.deps.now ? { now: this.deps.now } : {}) };
  }

  private async pondClaims(pond: string): Promise<Claim[]> {
    return filterClaimsForPond(await this.deps.claims(), pond);
  }

  private targetView(target: BridgeTarget): BridgeTargetView {
    const openUrl = browserUrl(target.url);
    if (!openUrl) return target;
    this.deps.producedUrls.add(openUrl);
    return { ...target, openUrl };
  }

  private memberView(row: PeerRow, claim: Claim | undefined, secrets: string[]) {
    const { targets, note, ...rest } = row;
    return {
      ...rest,
      ...(note ? { note: redactSecrets(note, secrets) } : {}),
      targets: (targets ?? []).map((t) => this.targetView(t)),
      ports: parseExposedPortsLabel(claim?.labels?.[EXPOSED_PORTS_LABEL]),
      publishable: publishable(row.provider),
    };
  }
}
