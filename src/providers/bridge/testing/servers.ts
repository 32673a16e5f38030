/**
 * Local HTTP servers (127.0.0.1) that speak the provider API shapes the bridge adapters
 * use: Islo auth + shares, E2B sandboxes (v1 get, v2 paginated list), Railway GraphQL
 * deployments. Each can be told to misbehave on a path (status, malformed JSON, a
 * response that never arrives) so tests exercise the real HTTP client end to end.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string>; times?: number }
  | { kind: 'malformed'; times?: number }
  | { kind: 'hang'; times?: number };

type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };

export class LocalServer {
  readonly requests: Recorded[] = [];
  private readonly faults: Array<{ match: (r: Recorded) => boolean; fault: Fault }> = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private server: http.Server | undefined;
  url = '';

  constructor(private readonly route: (req: Recorded) => Reply) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://local');
        const rec: Recorded = { method: req.method ?? '', path: u.pathname, query: u.searchParams, rawQuery: u.search.slice(1), headers: req.headers, body };
        this.requests.push(rec);
        for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) waiter.resolve();
        const injected = this.faults.find((f) => f.match(rec) && (f.fault.times === undefined || f.fault.times > 0));
        if (injected) {
          if (injected.fault.times !== undefined) injected.fault.times--;
          const fault = injected.fault;
          if (fault.kind === 'hang') return;
          if (fault.kind === 'malformed') {
            res.writeHead(200, { 'content-type': 'application/json' });
            return res.end('{"share_id": "shr_1", "url": ');
          }
          res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
          return res.end(fault.body ?? '');
        }
        const reply = this.route(rec);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Misbehave on requests matching `path` (a substring of the path, or a predicate). */
  fail(path: string | ((r: Recorded) => boolean), fault: Fault): void {
    const match = typeof path === 'string' ? (r: Recorded) => r.path.includes(path) : path;
    this.faults.push({ match, fault });
  }

  /** Resolves once the server has received `count` requests (a hung one included). */
  arrived(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  count(predicate: (r: Recorded) => boolean): number {
    return this.requests.filter(predicate).length;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface IsloShareRecord {
  share_id: string;
  url: string;
  port: number;
  created_at: string;
  expires_at?: string | null;
}

/** Islo: `POST /auth/token`, `GET|POST /sandboxes/<name>/shares`. */
export class FakeIslo extends LocalServer {
  readonly shares = new Map<string, IsloShareRecord[]>();
  readonly validTokens = new Set<string>();
  tokenMaxAge = 3600;
  private issued = 0;
  private created = 0;

  constructor(
    readonly apiKey: string,
    now: () => number = Date.now,
  ) {
    super((req) => this.handle(req, now));
  }

  sandbox(name: string, shares: IsloShareRecord[] = []): void {
    this.shares.set(name, shares);
  }

  private handle(req: Recorded, now: () => number): Reply {
    if (req.method === 'POST' && req.path === '/auth/token') {
      const key = (JSON.parse(req.body || '{}') as { access_key?: string }).access_key;
      if (key !== this.apiKey) return { status: 401, body: { detail: `invalid access_key ${key}` } };
      const token = `sess_${++this.issued}_${'t'.repeat(12)}`;
      this.validTokens.add(token);
      return { status: 200, body: { session_token: token, cookie_max_age: this.tokenMaxAge } };
    }
    const m = /^\/sandboxes\/([^/]+)\/shares$/.exec(req.path);
    if (!m) return { status: 404, body: { detail: 'no route' } };
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^Bearer /, '');
    if (!this.validTokens.has(token)) return { status: 401, body: { detail: `session ${token} is not valid` } };
    const name = decodeURIComponent(m[1]!);
    const list = this.shares.get(name);
    if (!list) return { status: 404, body: { detail: `sandbox ${name} not found` } };
    if (req.method === 'GET') return { status: 200, body: list };
    const payload = JSON.parse(req.body) as { port: number; ttl_seconds?: number };
    const n = ++this.created;
    const share: IsloShareRecord = {
      share_id: `shr_new_${n}`,
      url: `https://new-${n}.share.islo.test`,
      port: payload.port,
      created_at: new Date(now()).toISOString(),
      expires_at: payload.ttl_seconds === undefined ? null : new Date(now() + payload.ttl_seconds * 1000).toISOString(),
    };
    list.push(share);
    return { status: 201, body: share };
  }
}

export interface E2BSandboxRecord {
  sandboxID: string;
  domain?: string;
  metadata: Record<string, string>;
}

/** E2B: `GET /sandboxes/<id>`, `GET /v2/sandboxes` paginated with `x-next-token`. */
export class FakeE2B extends LocalServer {
  readonly sandboxes: E2BSandboxRecord[] = [];
  pageSize = 100;

  constructor(readonly apiKey: string) {
    super((req) => this.handle(req));
  }

  private handle(req: Recorded): Reply {
    if (req.headers['x-api-key'] !== this.apiKey) return { status: 401, body: { code: 401, message: `Invalid API key ${req.headers['x-api-key']}` } };
    const one = /^\/sandboxes\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && one) {
      const found = this.sandboxes.find((s) => s.sandboxID === decodeURIComponent(one[1]!));
      return found ? { status: 200, body: found } : { status: 404, body: { code: 404, message: 'sandbox not found' } };
    }
    if (req.method === 'GET' && req.path === '/v2/sandboxes') {
      const filter = new URLSearchParams(req.query.get('metadata') ?? '');
      const matching = this.sandboxes.filter((s) => [...filter].every(([k, v]) => s.metadata[k] === v));
      const start = Number(req.query.get('nextToken') ?? '0');
      const page = matching.slice(start, start + this.pageSize);
      const next = start + this.pageSize < matching.length ? String(start + this.pageSize) : '';
      return { status: 200, body: page, headers: next ? { 'x-next-token': next } : {} };
    }
    return { status: 404, body: { message: 'no route' } };
  }
}

export interface RailwayDeploymentRecord {
  status: string;
  url: string;
}

/** Railway: `POST /graphql/v2` answering the latest-deployment query per service ID. */
export class FakeRailway extends LocalServer {
  readonly deployments = new Map<string, RailwayDeploymentRecord | null>();

  constructor(readonly token: string) {
    super((req) => this.handle(req));
  }

  private handle(req: Recorded): Reply {
    if (req.headers.authorization !== `Bearer ${this.token}`) return { status: 401, raw: `Not Authorized: ${req.headers.authorization}` };
    const payload = JSON.parse(req.body) as { query: string; variables: { input: { serviceId: string } } };
    const deployment = this.deployments.get(payload.variables.input.serviceId);
    if (deployment === undefined) return { status: 200, body: { data: null, errors: [{ message: 'Service not found' }] } };
    const edges = deployment === null ? [] : [{ node: { id: 'dep_1', status: deployment.status, url: deployment.url, createdAt: '2026-06-10T12:00:00Z' } }];
    return { status: 200, body: { data: { deployments: { edges } } } };
  }
}
