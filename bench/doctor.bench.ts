/**
 * Doctor figures: the policy merge on a large HuJSON policy (it runs on every "Fix it"
 * preview and bootstrap), and a live run over many members against local servers
 * (the UI streams results, so what matters is how soon the whole run is done).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PeerRow } from '../src/contract/index';
import { mergePondACLPolicy } from '../src/engine/doctor/acl-merge';
import { pondACLRowPresent } from '../src/engine/doctor/acl-policy';
import { doctorMembers } from '../src/engine/doctor/members';
import { runChecks } from '../src/engine/doctor/runner';
import { testCheckDeps } from '../src/engine/doctor/testing/check-deps';
import type { BenchResult } from './run';

const TAG = 'tag:cbx-pond-alice-alpha';

/** A realistic large policy: many groups, grants with comments, trailing commas. */
function largePolicy(rules: number): string {
  const grants = Array.from(
    { length: rules },
    (_, i) => `    // rule ${i}\n    {\n      "src": ["group:team-${i}"],\n      "dst": ["tag:svc-${i}"],\n      "ip": ["tcp:${1000 + i}"],\n    },\n`,
  ).join('');
  const owners = Array.from({ length: rules }, (_, i) => `    "tag:svc-${i}": ["group:team-${i}"],\n`).join('');
  return `// generated policy\n{\n  "tagOwners": {\n${owners}  },\n  "grants": [\n${grants}  ],\n}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function mergeBench(): Promise<BenchResult[]> {
  const policy = largePolicy(1500);
  const times: number[] = [];
  let ok = true;
  for (let i = 0; i < 15; i += 1) {
    const start = performance.now();
    const merged = mergePondACLPolicy(policy, TAG);
    times.push(performance.now() - start);
    ok &&= pondACLRowPresent(merged.text, TAG);
  }
  const ms = median(times);
  return [
    {
      name: `merge a ${Math.round(policy.length / 1024)} KiB policy (1500 rules), median`,
      value: ms,
      unit: 'ms',
      goal: '< 100 ms',
      ok: ok && ms < 100,
      note: ok ? 'rows present after merge' : 'MERGE LOST THE ROWS',
    },
  ];
}

async function liveBench(): Promise<BenchResult[]> {
  const server = http.createServer((_req, res) => setTimeout(() => res.writeHead(200).end(), 20));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const rows: PeerRow[] = Array.from({ length: 40 }, (_, i) => ({
      slug: `m${i}`,
      leaseID: `isb_${i}`,
      provider: 'islo',
      pond: 'alpha',
      transport: 'url',
      endpoint: url,
      targets: [{ port: 80, url, expiresAt: '0001-01-01T00:00:00Z' }],
    }));
    const members = doctorMembers(rows);
    let first = 0;
    const start = performance.now();
    const results = await runChecks({ pond: 'alpha', members, deps: testCheckDeps(), onResult: () => (first ||= performance.now() - start) });
    const total = performance.now() - start;
    const passed = results.filter((r) => r.status === 'ok').length;
    return [
      { name: 'live run, 40 URL members (20 ms server), first result', value: first, unit: 'ms', goal: '< 200 ms', ok: first < 200 },
      { name: 'live run, 40 URL members (20 ms server), all results', value: total, unit: 'ms', goal: '< 2000 ms', ok: total < 2000 && passed === 40, note: `${passed}/40 ok, 4 at a time` },
    ];
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  return [...(await mergeBench()), ...(await liveBench())];
}
