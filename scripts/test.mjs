/**
 * `npm test`: installs what the tests need, type-checks, runs every vitest
 * project (Node and real headless Chromium), and ends with the line CI reads:
 * `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureNodeModules, ensurePackages } from './setup.mjs';

const RESULTS = '.vitest-results.json';
const extraArgs = process.argv.slice(2);

ensurePackages();
ensureNodeModules();

const tsc = spawnSync('node', ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('segmark: type check failed (tsc -p .)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

rmSync(RESULTS, { force: true });
const run = spawnSync(
  'node',
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...extraArgs],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);

let passed = 0;
let failed = 0;
if (existsSync(RESULTS)) {
  const json = JSON.parse(readFileSync(RESULTS, 'utf8'));
  passed = json.numPassedTests ?? 0;
  // A test file that fails to load has no test results of its own; count it as one failure.
  const brokenFiles = (json.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  failed = (json.numFailedTests ?? 0) + brokenFiles;
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  if (skipped > 0 && process.env.CI === 'true') {
    console.error(`segmark: ${skipped} test(s) skipped in CI, which must not happen`);
    failed += skipped;
  }
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
