/**
 * `npm test`: installs what the tests need, type-checks, starts a test PACS
 * (scripts/orthanc.mjs), runs every vitest
 * project (Node and real headless Chromium), and ends with the line CI reads:
 * `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureNodeModules, ensurePackages } from './setup.mjs';

const RESULTS = '.vitest-results.json';

/**
 * Orthanc has no bind address and listens on every interface, so as root the
 * tests run in a private network namespace that has only `lo` (everything
 * needing the network, apt and npm, ran before). Elsewhere Orthanc refuses
 * non-loopback clients itself (RemoteAccessAllowed false).
 */
function loopbackOnly(argv) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && spawnSync('unshare', ['-n', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' }).status === 0) {
    return ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...argv]];
  }
  console.log('segmark: no private network namespace here (needs root and unshare); Orthanc runs as a plain process refusing remote clients');
  return [argv[0], argv.slice(1)];
}
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
// vitest runs inside scripts/orthanc.mjs, which starts the test PACS, seeds it, and stops it by its pid.
const vitest = ['node', 'scripts/orthanc.mjs', '--run', 'node', 'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...extraArgs];
const [command, args] = loopbackOnly(vitest);
const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } });

let passed = 0;
let failed = 0;
if (existsSync(RESULTS)) {
  const json = JSON.parse(readFileSync(RESULTS, 'utf8'));
  passed = json.numPassedTests ?? 0;
  // A test file that fails to load, or whose beforeAll hook fails (its tests then show as skipped),
  // has no failed test of its own; count it as one failure.
  const brokenFiles = (json.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
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
