/**
 * `npm test`: installs what the tests need (the locked npm packages; OpenSSH, Chromium and `ip` on
 * Debian/Ubuntu as root, or one line saying what to install elsewhere), then runs every
 * suite in order: typecheck, lint, unit tests, build, end-to-end, and the reliability suite
 * (faults/, about 10 minutes of real faults; it needs `ip` and root for its network
 * namespace). Stops at the first failure.
 */
import path from 'node:path';
import { ensureNodeModules } from './node-modules.js';
import { runNpm } from './run.js';
import { ensureSystemPackages } from './system-packages.js';

const TEST_STEPS = ['typecheck', 'lint', 'test:unit', 'build', 'test:e2e', 'test:faults'];

const root = path.resolve(import.meta.dirname, '..');

const stop = ensureSystemPackages();
if (stop) {
  console.error(stop);
  process.exit(1);
}
if (!ensureNodeModules(root)) {
  console.error('pond: npm ci failed (see above); fix that, then npm test again.');
  process.exit(1);
}
for (const step of TEST_STEPS) {
  if (!runNpm(['run', step], { cwd: root })) {
    console.error(`pond: npm run ${step} failed (see above).`);
    process.exit(1);
  }
}
