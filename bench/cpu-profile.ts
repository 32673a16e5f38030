/**
 * Top frames of the CPU profiles `node --cpu-prof` wrote (MESH_BENCH_PROFILE=<dir> npm run
 * bench -- mesh): self time per function, all threads of the process together and each
 * thread apart. `node --import tsx bench/cpu-profile.ts <dir> [how many, default 15]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\/.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

function selfHits(profile: Profile): Map<string, number> {
  const hits = new Map<string, number>();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const name = frameName(node);
    hits.set(name, (hits.get(name) ?? 0) + node.hitCount);
  }
  return hits;
}

function print(title: string, hits: Map<string, number>, top: number): void {
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const busy = total - (hits.get('(idle)') ?? 0);
  console.log(`\n${title}: ${total} samples, ${busy} not idle`);
  const rows = [...hits].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, count] of rows) console.log(`${((100 * count) / busy).toFixed(1).padStart(5)} %  ${name}`);
}

const [dir, howMany] = process.argv.slice(2);
if (!dir) throw new Error('usage: node --import tsx bench/cpu-profile.ts <dir with .cpuprofile files> [how many]');
const top = Number(howMany ?? 15);
const all = new Map<string, number>();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const hits = selfHits(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile);
  for (const [name, count] of hits) all.set(name, (all.get(name) ?? 0) + count);
  print(file, hits, top);
}
print('all threads', all, top);
