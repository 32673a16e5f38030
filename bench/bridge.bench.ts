/**
 * URL-bridge cost against a local Islo API: how long `pond peers` spends completing a
 * pond of Islo members (one session token, list calls four at a time per provider), and
 * how a slow provider bounds it. No goals from the issue; the figures show where the
 * time goes (the 30 s per-call deadline is the only hard limit).
 */
import { performance } from 'node:perf_hooks';
import { claimSchema } from '../src/engine/claim';
import { resolvePondPeers } from '../src/engine/peers-resolve';
import { Credentials } from '../src/providers/credentials';
import { bridgeLoader } from '../src/providers/bridge/registry';
import { FakeIslo } from '../src/providers/bridge/testing/servers';
import type { BenchResult } from './run';

const KEY = 'isk_bench_key';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function pond(members: number, delayMs: number): Promise<{ ms: number; requests: number }> {
  const islo = await new FakeIslo(KEY).start();
  try {
    const claims = [];
    for (let i = 0; i < members; i++) {
      islo.sandbox(`crabbox-m${i}`, [{ share_id: `s${i}`, url: `https://m${i}.share.islo.test`, port: 8080, created_at: '2026-06-10T11:00:00Z', expires_at: null }]);
      claims.push(claimSchema.parse({ leaseID: `isb_crabbox-m${i}`, slug: `m${i}`, provider: 'islo', pond: 'bench' }));
    }
    if (delayMs > 0) {
      islo.fail((r) => r.method === 'GET', { kind: 'hang' });
    }
    const env = { ISLO_API_KEY: KEY, ISLO_BASE_URL: islo.url };
    const times: number[] = [];
    for (let run = 0; run < 4; run++) {
      const start = performance.now();
      // With every member stuck the whole pond fails (no provider answered), as crabbox does.
      await resolvePondPeers(claims, bridgeLoader({ env, credentials: new Credentials(env), http: { timeoutMs: delayMs > 0 ? delayMs : 30_000 } }), {
        pond: 'bench',
        signal: new AbortController().signal,
      }).catch((error: unknown) => {
        if (delayMs === 0) throw error;
      });
      times.push(performance.now() - start);
    }
    return { ms: median(times.slice(1)), requests: islo.requests.length };
  } finally {
    await islo.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const small = await pond(5, 0);
  const large = await pond(50, 0);
  const stuck = await pond(8, 250);
  return [
    { name: 'pond peers, 5 Islo members', value: small.ms, unit: 'ms', note: `${small.requests} requests over 4 runs: one token exchange in all, the session token is cached for the process` },
    { name: 'pond peers, 50 Islo members', value: large.ms, unit: 'ms', note: 'list calls run four at a time per provider' },
    {
      name: 'pond peers, 8 Islo members that never answer (deadline 250 ms)',
      value: stuck.ms,
      unit: 'ms',
      goal: '≈ 2 × deadline',
      ok: stuck.ms < 250 * 2 + 250,
      note: 'every member fails after its own deadline (the pond then fails: no provider answered); four at a time means two rounds',
    },
  ];
}
