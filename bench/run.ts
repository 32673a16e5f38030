/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and
 * prints one table. Figures are measured here and now; goals are printed beside them,
 * never asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  goal?: string;
  ok?: boolean;
  note?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3);
}

const rows: Array<BenchResult & { suite: string }> = [];
let crashed = 0;
for (const file of files) {
  const suite = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: running ${suite}…\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run: () => Promise<BenchResult[]> };
    for (const result of await mod.run()) rows.push({ suite, ...result });
  } catch (error) {
    crashed++;
    process.stderr.write(`bench: ${suite} failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}

const header = ['suite', 'measure', 'value', 'unit', 'goal', 'met'];
const table = rows.map((r) => [r.suite, r.name, format(r.value), r.unit, r.goal ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
console.log(line(header));
for (const row of table) console.log(line(row));
for (const r of rows.filter((row) => row.note)) console.log(`note: ${r.suite}/${r.name}: ${r.note}`);
const missed = rows.filter((r) => r.ok === false).length;
console.log(`\n${rows.length} figures, ${missed} goal(s) missed${crashed ? `, ${crashed} suite(s) failed to run` : ''}`);
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
process.exitCode = crashed > 0 ? 1 : 0;
