import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../credentials';
import { ZERO_TIME } from '../../lib/go-time';
import { LATEST_DEPLOYMENT_QUERY, RailwayAdapter, deploymentURL, validateApiURL } from './railway';
import { FakeRailway } from './testing/servers';
import { BridgeError } from './types';
import { rejection } from '../testing/rejection';

const TOKEN = 'rw_token_0123456789abcdef';
const signal = new AbortController().signal;
const servers: FakeRailway[] = [];
const adapters: RailwayAdapter[] = [];

afterEach(async () => {
  for (const a of adapters.splice(0)) a.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(): Promise<FakeRailway> {
  const f = await new FakeRailway(TOKEN).start();
  servers.push(f);
  return f;
}

function adapter(f: FakeRailway, env: Record<string, string> = {}): RailwayAdapter {
  const full = {
    RAILWAY_API_TOKEN: TOKEN,
    RAILWAY_PROJECT_ID: 'proj_1',
    RAILWAY_ENVIRONMENT_ID: 'env_1',
    RAILWAY_API_URL: `${f.url}/graphql/v2`,
    ...env,
  };
  const a = new RailwayAdapter({ env: full, credentials: new Credentials(full), http: { sleep: async () => {} } });
  adapters.push(a);
  return a;
}

const failure = (promise: Promise<unknown>) => rejection(promise, BridgeError);

describe('RailwayAdapter.publish', () => {
  it('returns the ready deployment URL verbatim for the requested port', async () => {
    const f = await fake();
    f.deployments.set('svc_1', { status: 'success ', url: ' web-production.up.railway.app ' });
    expect(await adapter(f).publish(' svc_1 ', 8080, 3600, signal)).toEqual({ port: 8080, url: 'web-production.up.railway.app', expiresAt: ZERO_TIME });
    const req = f.requests[0]!;
    expect(req.path).toBe('/graphql/v2');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(req.body)).toEqual({
      query: LATEST_DEPLOYMENT_QUERY,
      variables: { input: { projectId: 'proj_1', environmentId: 'env_1', serviceId: 'svc_1' } },
    });
  });

  it('refuses a deployment that is not ready, naming its status', async () => {
    const f = await fake();
    f.deployments.set('svc_failed', { status: 'FAILED', url: 'x.up.railway.app' });
    f.deployments.set('svc_none', null);
    const failed = await failure(adapter(f).publish('svc_failed', 80, 0, signal));
    expect(failed.message).toBe('railway bridge: deployment for "svc_failed" is not ready (status=FAILED)');
    expect(failed.exitCode).toBe(4);
    expect((await failure(adapter(f).publish('svc_none', 80, 0, signal))).message).toBe('railway bridge: deployment for "svc_none" is not ready (status=unknown)');
  });

  it('rejects bad input and missing configuration with crabbox messages', async () => {
    const f = await fake();
    expect((await failure(adapter(f).publish('svc', 70000, 0, signal))).message).toBe('railway bridge: port 70000 out of range');
    expect((await failure(adapter(f).publish('  ', 80, 0, signal))).message).toBe('railway bridge: missing lease id');
    expect((await failure(adapter(f, { RAILWAY_PROJECT_ID: '' }).publish('svc', 80, 0, signal))).message).toBe(
      'provider=railway requires --railway-project or RAILWAY_PROJECT_ID',
    );
    expect((await failure(adapter(f, { RAILWAY_ENVIRONMENT_ID: '' }).publish('svc', 80, 0, signal))).message).toBe(
      'provider=railway requires --railway-environment or RAILWAY_ENVIRONMENT_ID',
    );
    expect((await failure(adapter(f, { RAILWAY_API_TOKEN: '' }).publish('svc', 80, 0, signal))).message).toBe('provider=railway requires RAILWAY_API_TOKEN');
    expect(f.requests).toHaveLength(0);
  });

  it('surfaces API errors with the token redacted', async () => {
    const f = await fake();
    const wrong = 'rw_wrong_token_77777777';
    const err = await failure(adapter(f, { RAILWAY_API_TOKEN: wrong }).publish('svc', 80, 0, signal));
    expect(err.message).toBe('railway deployments query: 401 Unauthorized: Not Authorized: Bearer [redacted]');
    expect(err.message).not.toContain(wrong);
    const gql = await failure(adapter(f).publish('svc_unknown', 80, 0, signal));
    expect(gql.message).toBe('railway deployments query: 200 OK: Service not found');
  });
});

describe('RailwayAdapter.list', () => {
  it('lists one port-0 target for a live deployment and nothing otherwise', async () => {
    const f = await fake();
    f.deployments.set('live', { status: 'SUCCESS', url: 'live.up.railway.app' });
    f.deployments.set('asleep', { status: 'SLEEPING', url: 'asleep.up.railway.app' });
    f.deployments.set('building', { status: 'BUILDING', url: 'b.up.railway.app' });
    f.deployments.set('crashed', { status: 'CRASHED', url: 'c.up.railway.app' });
    f.deployments.set('none', null);
    const a = adapter(f);
    expect(await a.list('live', signal)).toEqual([{ port: 0, url: 'live.up.railway.app', expiresAt: ZERO_TIME }]);
    expect(await a.list('asleep', signal)).toHaveLength(1);
    expect(await a.list('building', signal)).toEqual([]);
    expect(await a.list('crashed', signal)).toEqual([]);
    expect(await a.list('none', signal)).toEqual([]);
  });
});

describe('readiness and API URL rules', () => {
  it('only SUCCESS and SLEEPING serve a URL', () => {
    expect(deploymentURL({ status: 'SUCCESS', url: ' u ' })).toBe('u');
    expect(deploymentURL({ status: 'SLEEPING', url: 'u' })).toBe('u');
    for (const status of ['', 'QUEUED', 'DEPLOYING', 'FAILED', 'REMOVED']) expect(deploymentURL({ status, url: 'u' })).toBe('');
  });

  it('requires https unless the API URL is loopback', () => {
    expect(validateApiURL('https://backboard.railway.com/graphql/v2/')).toBe('https://backboard.railway.com/graphql/v2');
    expect(validateApiURL('http://127.0.0.1:9/graphql')).toBe('http://127.0.0.1:9/graphql');
    expect(() => validateApiURL('http://railway.example/graphql')).toThrow('railway url "http://railway.example/graphql" must use https unless it targets localhost');
    expect(() => validateApiURL('not a url')).toThrow('railway url "not a url" is invalid');
  });
});
