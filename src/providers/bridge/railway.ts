/**
 * Railway bridge adapter (spec §4.3). A Railway service has one public URL, its latest
 * deployment's; the lease ID is the service ID. A deployment that is not SUCCESS or
 * SLEEPING has no usable URL.
 */
import { z } from 'zod';
import { goQuote } from '../../lib/go-quote';
import type { HttpClient, HttpResponse } from '../../lib/http';
import { httpsOrLoopback } from '../../lib/http-origin';
import { bodySnippet } from '../../lib/redact';
import { adapterHttpClient, assertBridgePort, type BridgeContext, envSetting } from './context';
import { ZERO_TIME } from '../../lib/go-time';
import { BridgeError, wrapError, type BridgeAdapter, type BridgeTarget } from './types';

export const RAILWAY_DEFAULT_API_URL = 'https://backboard.railway.com/graphql/v2';
const MAX_RESPONSE_BYTES = 16 << 20;

export const LATEST_DEPLOYMENT_QUERY = `query crabboxLatestDeployment($input: DeploymentListInput!) {
  deployments(input: $input, first: 1) {
    edges {
      node {
        id
        status
        url
        createdAt
      }
    }
  }
}`;

const responseSchema = z.object({
  data: z
    .object({
      deployments: z
        .object({
          edges: z
            .array(z.object({ node: z.object({ id: z.string().nullish(), status: z.string().nullish(), url: z.string().nullish() }).nullish() }))
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
  errors: z.array(z.object({ message: z.string().nullish() })).nullish(),
});

export interface Deployment {
  /** Trimmed and uppercased, '' when there is no deployment. */
  status: string;
  url: string;
}

/** IsReady: only a SUCCESS or SLEEPING deployment serves its URL. */
export function deploymentURL(deployment: Deployment): string {
  return deployment.status === 'SUCCESS' || deployment.status === 'SLEEPING' ? deployment.url.trim() : '';
}

export function validateApiURL(raw: string): string {
  const apiURL = raw.trim().replace(/\/+$/, '');
  let parsed: URL | undefined;
  try {
    parsed = new URL(apiURL);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !parsed.host) throw new BridgeError(`railway url ${goQuote(apiURL)} is invalid`, 2, 'INVALID_INPUT');
  if (!httpsOrLoopback(parsed)) {
    throw new BridgeError(`railway url ${goQuote(apiURL)} must use https unless it targets localhost`, 2, 'INVALID_INPUT');
  }
  return apiURL;
}

export class RailwayAdapter implements BridgeAdapter {
  readonly provider = 'railway';
  private client: { http: HttpClient; apiURL: string; token: string } | undefined;

  constructor(private readonly ctx: BridgeContext) {}

  async publish(leaseID: string, port: number, _ttlSeconds: number, signal: AbortSignal): Promise<BridgeTarget> {
    assertBridgePort('railway', port);
    const deployment = await this.latestDeployment(leaseID, signal);
    const url = deploymentURL(deployment);
    if (url === '') {
      throw new BridgeError(`railway bridge: deployment for ${goQuote(leaseID)} is not ready (status=${deployment.status || 'unknown'})`, 4, 'UNAVAILABLE');
    }
    return { port, url, expiresAt: ZERO_TIME };
  }

  async list(leaseID: string, signal: AbortSignal): Promise<BridgeTarget[]> {
    const url = deploymentURL(await this.latestDeployment(leaseID, signal));
    return url === '' ? [] : [{ port: 0, url, expiresAt: ZERO_TIME }];
  }

  close(): void {
    void this.client?.http.close();
  }

  private projectEnv(): { projectId: string; environmentId: string } {
    const projectId = this.ctx.credentials.get('RAILWAY_PROJECT_ID');
    if (!projectId) throw new BridgeError('provider=railway requires --railway-project or RAILWAY_PROJECT_ID', 2, 'INVALID_INPUT');
    const environmentId = this.ctx.credentials.get('RAILWAY_ENVIRONMENT_ID');
    if (!environmentId) throw new BridgeError('provider=railway requires --railway-environment or RAILWAY_ENVIRONMENT_ID', 2, 'INVALID_INPUT');
    return { projectId, environmentId };
  }

  private connect(): { http: HttpClient; apiURL: string; token: string } {
    if (this.client) return this.client;
    const token = this.ctx.credentials.get('RAILWAY_API_TOKEN');
    if (!token) throw new BridgeError('provider=railway requires RAILWAY_API_TOKEN', 2, 'UNAUTHORIZED');
    const apiURL = validateApiURL(envSetting(this.ctx.env, 'RAILWAY_API_URL', RAILWAY_DEFAULT_API_URL));
    this.client = { http: adapterHttpClient(this.ctx, [token]), apiURL, token };
    return this.client;
  }

  private async latestDeployment(leaseID: string, signal: AbortSignal): Promise<Deployment> {
    const serviceId = leaseID.trim();
    if (serviceId === '') throw new BridgeError('railway bridge: missing lease id', 2, 'INVALID_INPUT');
    const { projectId, environmentId } = this.projectEnv();
    const { http, apiURL, token } = this.connect();
    let res: HttpResponse;
    try {
      res = await http.request({
        method: 'POST',
        url: apiURL,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ query: LATEST_DEPLOYMENT_QUERY, variables: { input: { projectId, environmentId, serviceId } } }),
        idempotent: true,
        maxBodyBytes: MAX_RESPONSE_BYTES,
        signal,
      });
    } catch (error) {
      throw wrapError('railway deployments query', error);
    }
    const secrets = http.secrets.values();
    if (res.status < 200 || res.status >= 300) {
      const detail = bodySnippet(res.body, secrets);
      const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'UNAVAILABLE';
      throw new BridgeError(`railway deployments query: ${res.statusLine}${detail ? `: ${detail}` : ''}`, 1, code);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(res.body);
    } catch (error) {
      throw new BridgeError(`railway deployments query: decode railway response: ${(error as Error).message}`);
    }
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success) throw new BridgeError('railway deployments query: decode railway data: unexpected response shape');
    const errors = parsed.data.errors ?? [];
    if (errors.length > 0) {
      const messages = bodySnippet(errors.map((e) => e.message ?? '').join('; '), secrets);
      throw new BridgeError(`railway deployments query: ${res.statusLine}: ${messages}`);
    }
    const node = parsed.data.data?.deployments?.edges?.[0]?.node;
    if (!node) return { status: '', url: '' };
    return { status: (node.status ?? '').trim().toUpperCase(), url: node.url ?? '' };
  }
}

export function railwayAdapter(ctx: BridgeContext): BridgeAdapter {
  return new RailwayAdapter(ctx);
}
