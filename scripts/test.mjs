/**
 * `npm test`: installs what the tests need, type-checks, starts a test PACS
 * (scripts/orthanc.mjs), runs every vitest
 * project (Node, Node with outside tools, and real headless Chromium), and
 * ends with the line CI reads: `N passed, N failed`.
 *
 * `node scripts/test.mjs unit` (`npm run test:unit`): type check and the Node
 * project only: no system package, no PACS, no browser.
 * `node scripts/test.mjs browser` (`npm run test:browser`): type check and the
 * browser project, with Chromium and the test PACS it needs.
 * Further arguments go to vitest (e.g. a test file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ensureNodeModules, ensurePackages } from './setup.mjs';

/** What each command runs: the vitest projects and the Debian packages they need (scripts/setup.mjs). */
const MODES = {
  // Every project; every package scripts/setup.mjs knows.
  all: { projects: [], packages: undefined, pacs: true, results: '.vitest-results.json', vitestArgs: [] },
  // One worker per core: vitest's default leaves one core to its main process, which here
  // waits on pure-CPU Node tests; on a 2-core machine that halves the speed. The Node tests
  // install no globals or mocks, so the files of one worker share one module graph
  // (--no-isolate): half the CPU time. npm test keeps vitest's isolation, so a file that
  // only passes thanks to another's state still fails there.
  unit: {
    projects: ['node'],
    packages: [],
    pacs: false,
    results: '.vitest-results-unit.json',
    vitestArgs: [`--maxWorkers=${availableParallelism()}`, '--no-isolate'],
  },
  // dcmtk: scripts/orthanc.mjs seeds the PACS with files patched by its dcmodify; nginx: the PACS's reverse proxy.
  browser: { projects: ['browser'], packages: ['chromium', 'orthanc', 'orthanc-dicomweb', 'dcmtk', 'nginx'], pacs: true, results: '.vitest-results-browser.json', vitestArgs: [] },
};

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
const modeName = ['unit', 'browser'].includes(process.argv[2]) ? process.argv[2] : 'all';
const mode = MODES[modeName];
const extraArgs = process.argv.slice(modeName === 'all' ? 2 : 3);
const RESULTS = mode.results;

ensurePackages(mode.packages);
ensureNodeModules();

const tsc = spawnSync('node', ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('segmark: type check failed (tsc -p .)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

rmSync(RESULTS, { force: true });
const vitest = ['node', 'node_modules/vitest/vitest.mjs', 'run', ...mode.projects.map((name) => `--project=${name}`), ...mode.vitestArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...extraArgs];
// With the PACS, vitest runs inside scripts/orthanc.mjs, which starts the test PACS, seeds it, and stops it by its pid.
const [command, args] = mode.pacs ? loopbackOnly(['node', 'scripts/orthanc.mjs', '--run', ...vitest]) : [vitest[0], vitest.slice(1)];
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
