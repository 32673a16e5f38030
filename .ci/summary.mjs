// Sums the JSON reports of every runner into one "N passed, N failed" line. A step that
// failed without a test report (install, typecheck, lint, build) counts as one failure.
import fs from 'node:fs';

const status = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const vitest = read('test-results/vitest.json');
if (vitest) {
  reports++;
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}

const playwright = read('test-results/playwright.json');
if (playwright?.stats) {
  reports++;
  passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
  failed += playwright.stats.unexpected ?? 0;
  skipped += playwright.stats.skipped ?? 0;
}

const faults = read('test-results/faults.json');
if (faults) {
  reports++;
  passed += faults.passed ?? 0;
  failed += faults.failed ?? 0;
}

if (status !== 0 && failed === 0) failed = 1;
console.log(`ci: ${reports} runner report(s) read, ${skipped} test(s) skipped`);
console.log(`${passed} passed, ${failed} failed`);
