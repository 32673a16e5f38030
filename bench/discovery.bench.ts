/**
 * Discovery speed: listing crabbox's claims into ponds, and how long a claim written by
 * crabbox takes to reach the engine's pond state. Goals (issue 3): ≤ 100 ms for 1,000
 * claims, ≤ 1 s for 10,000, ≤ 300 ms from write to event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleClaim, writeClaimAtomic, writeClaims } from '../src/engine/testing/claims-fixtures';
import { loadPonds, PondDirectory } from '../src/engine/ponds-directory';
import type { PondsSnapshot } from '../src/engine/ponds';
import type { BenchResult } from './run';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function listing(root: string, count: number, goalMs: number): Promise<BenchResult> {
  const dir = path.join(root, `claims-${count}`);
  writeClaims(dir, count);
  const times: number[] = [];
  let ponds = 0;
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const snapshot = await loadPonds(dir);
    times.push(performance.now() - start);
    ponds = snapshot.ponds.length;
  }
  // The first run warms the JIT and the page cache; the median of the rest is reported.
  const value = median(times.slice(1));
  return {
    name: `list + group ${count.toLocaleString('en-US')} claims`,
    value,
    unit: 'ms',
    goal: `≤ ${goalMs} ms`,
    ok: value <= goalMs,
    note: `first (cold) run ${times[0]?.toFixed(1)} ms; ${ponds} ponds; median of 5 warm runs`,
  };
}

function hasSlug(snapshot: PondsSnapshot, slug: string): boolean {
  return snapshot.ponds.some((p) => p.members.some((m) => m.slug === slug));
}

async function latency(root: string): Promise<BenchResult[]> {
  const dir = path.join(root, 'live');
  writeClaims(dir, 1000);
  const directory = new PondDirectory({ claimsDir: dir });
  await directory.start();
  const samples: number[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const slug = `latency-${i}`;
      const seen = new Promise<number>((resolve) => {
        const off = directory.subscribe((s) => {
          if (hasSlug(s, slug)) {
            off();
            resolve(performance.now());
          }
        });
      });
      const start = performance.now();
      writeClaimAtomic(dir, { ...sampleClaim(i), slug });
      samples.push((await seen) - start);
      await new Promise((r) => setTimeout(r, 50));
    }
    let events = 0;
    const off = directory.subscribe(() => events++);
    const start = performance.now();
    for (let i = 0; i < 100; i++) writeClaimAtomic(dir, { ...sampleClaim(100 + i), slug: `burst-${i}` });
    while (!directory.snapshot().ponds.some((p) => p.members.some((m) => m.slug === 'burst-99'))) await new Promise((r) => setTimeout(r, 5));
    const burstMs = performance.now() - start;
    await directory.settled();
    off();
    const med = median(samples);
    const max = Math.max(...samples);
    return [
      { name: 'write → ponds event (median of 20)', value: med, unit: 'ms', goal: '≤ 300 ms', ok: med <= 300, note: `1,000 claims in the directory; max ${max.toFixed(1)} ms` },
      { name: 'write → ponds event (max of 20)', value: max, unit: 'ms', goal: '≤ 500 ms', ok: max <= 500 },
      { name: 'burst of 100 writes → events', value: events, unit: 'events', goal: 'one or a few', ok: events <= 5, note: `last write visible after ${burstMs.toFixed(1)} ms` },
    ];
  } finally {
    directory.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-bench-discovery-'));
  try {
    return [await listing(root, 1000, 100), await listing(root, 10_000, 1000), ...(await latency(root))];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
