/**
 * `npm run test:faults`: the reliability suite. Real processes, real faults, real time:
 * `pond serve` holds ponds of OpenSSH sshd members on loopback (and one in a network
 * namespace) while sshd is killed, frozen, gone for minutes or cut off, while 1,000
 * connections go through at once, through 300 connect/disconnect cycles, and under
 * malformed HTTP and WebSocket input. Prints each scenario's figures; fails when any
 * scenario fails or cannot run here (never skipped silently). Name scenarios to run only
 * those: `npm run test:faults -- sshd-kill serve-input`. Takes about 10 minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CannotRun, type Scenario, type ScenarioResult } from './scenario';
import { connectCycles } from './scenarios/connect-cycles';
import { linkDown } from './scenarios/link-down';
import { manyConnections } from './scenarios/many-connections';
import { serveInput } from './scenarios/serve-input';
import { sshdFreeze } from './scenarios/sshd-freeze';
import { sshdGone } from './scenarios/sshd-gone';
import { sshdKill } from './scenarios/sshd-kill';
import { secondsSince } from './wait';

const SCENARIOS: Scenario[] = [sshdKill, sshdFreeze, sshdGone, linkDown, manyConnections, connectCycles, serveInput];

type Outcome = { scenario: Scenario; seconds: number } & ({ verdict: 'passed' | 'failed'; result: ScenarioResult } | { verdict: 'error' | 'cannot run'; error: string });

async function runOne(scenario: Scenario, root: string): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(root, `${scenario.name}-`));
  const cleanups: Array<() => unknown> = [];
  const started = Date.now();
  const say = (message: string) => process.stderr.write(`faults: ${scenario.name}: ${message}\n`);
  say(`${scenario.title}…`);
  try {
    const result = await scenario.run({ dir, say, defer: (cleanup) => cleanups.push(cleanup) });
    return { scenario, seconds: secondsSince(started), verdict: result.problems.length === 0 ? 'passed' : 'failed', result };
  } catch (error) {
    const verdict = error instanceof CannotRun ? 'cannot run' : 'error';
    return { scenario, seconds: secondsSince(started), verdict, error: error instanceof CannotRun ? error.message : ((error as Error).stack ?? String(error)) };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        say(`cleanup: ${(error as Error).message}`);
      }
    }
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`faults: no scenario ${unknown.join(', ')}; there are ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s.name));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-faults-'));
// Ctrl-C and kill end the run through 'exit', where the namespace and every child process are removed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const began = Date.now();
const outcomes: Outcome[] = [];
for (const scenario of chosen) {
  const outcome = await runOne(scenario, root);
  outcomes.push(outcome);
  process.stderr.write(`faults: ${scenario.name}: ${outcome.verdict} in ${outcome.seconds} s\n`);
}

console.log(`\nReliability suite (${chosen.length} scenarios, ${Math.round(secondsSince(began))} s)\n`);
for (const outcome of outcomes) {
  console.log(`${outcome.verdict.toUpperCase().padEnd(10)} ${outcome.scenario.name}: ${outcome.scenario.title} (${outcome.seconds} s)`);
  if ('result' in outcome) {
    const width = Math.max(...outcome.result.figures.map(([name]) => name.length));
    for (const [name, value] of outcome.result.figures) console.log(`           ${name.padEnd(width)}  ${value}`);
    for (const problem of outcome.result.problems) console.log(`           problem: ${problem}`);
  } else {
    console.log(`           ${outcome.verdict === 'cannot run' ? 'cannot run here' : 'error'}: ${outcome.error.split('\n').join('\n           ')}`);
  }
}
const bad = outcomes.filter((o) => o.verdict !== 'passed');
console.log(`\n${outcomes.length - bad.length} passed, ${bad.length} failed${bad.length > 0 ? `: ${bad.map((o) => `${o.scenario.name} (${o.verdict})`).join(', ')}` : ''}`);
// For .ci/summary.mjs, beside the other runners' reports.
const report = path.resolve(import.meta.dirname, '..', 'test-results', 'faults.json');
fs.mkdirSync(path.dirname(report), { recursive: true });
const scenarios = outcomes.map((o) => ({ name: o.scenario.name, verdict: o.verdict, seconds: o.seconds, ...('result' in o ? o.result : { error: o.error }) }));
fs.writeFileSync(report, `${JSON.stringify({ passed: outcomes.length - bad.length, failed: bad.length, scenarios }, null, 2)}\n`);
process.exitCode = bad.length > 0 ? 1 : 0;
