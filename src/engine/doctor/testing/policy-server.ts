/**
 * A local stand-in for Tailscale's policy-file API with real ETag semantics, for tests:
 * the ETag is a hash of the current body, a POST whose If-Match is not the current ETag
 * gets 412, and a hook can change the policy between a client's GET and its POST the way
 * a colleague editing the policy at the same moment would.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface PolicyServerOptions {
  policy: string;
  apiKey?: string;
  /** Status for every request instead of the API (404 for a Headscale-like control plane …). */
  status?: number;
  /** Leave the ETag header out of GET responses. */
  omitETag?: boolean;
  /** Runs after a GET has been answered; may change the policy (a concurrent edit). */
  afterGet?: (server: PolicyServer, count: number) => void;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

export class PolicyServer {
  policy: string;
  readonly requests: RecordedRequest[] = [];
  private gets = 0;
  private readonly server: http.Server;
  url = '';

  constructor(private readonly options: PolicyServerOptions) {
    this.policy = options.policy;
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  get etag(): string {
    return etagOf(this.policy);
  }

  get posts(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (this.options.hang) return;
      if (this.options.status) {
        res.writeHead(this.options.status, { 'Content-Type': 'text/plain' }).end('no such route');
        return;
      }
      const expected = `Basic ${Buffer.from(`${this.options.apiKey ?? 'tskey-api-test'}:`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'API token invalid' }));
        return;
      }
      if (!/^\/api\/v2\/tailnet\/[^/]+\/acl$/.test(req.url ?? '')) {
        res.writeHead(404).end();
        return;
      }
      if (req.method === 'GET') {
        this.gets += 1;
        const headers: Record<string, string> = { 'Content-Type': 'application/hujson' };
        if (!this.options.omitETag) headers.ETag = this.etag;
        res.writeHead(200, headers).end(this.policy, () => this.options.afterGet?.(this, this.gets));
        return;
      }
      if (req.method === 'POST') {
        if (req.headers['if-match'] !== this.etag) {
          res.writeHead(412, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'precondition failed' }));
          return;
        }
        this.policy = body;
        res.writeHead(200, { 'Content-Type': 'application/json', ETag: this.etag }).end(JSON.stringify({ acls: [] }));
        return;
      }
      res.writeHead(405).end();
    });
  }
}

export function startPolicyServer(options: PolicyServerOptions): Promise<PolicyServer> {
  return new PolicyServer(options).start();
}
