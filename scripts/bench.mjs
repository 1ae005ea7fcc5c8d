#!/usr/bin/env node
// `npm run bench`: load benchmarks in real headless Chromium.
//
// Generates (once, cached) a 512×512×300 int16 CT series in .tmp/bench-series/,
// serves scripts/bench/index.html with vite, and runs every scenario of
// scripts/bench/scenarios/ (ours, the floor, the classic Cornerstone peer) in
// a fresh browser context per run, interleaved. Prints a table and writes
// bench-results.json (the rows) and .tmp/bench-details.json (every run).
//
// Options: --runs N (default 3)  --steps N slice changes (default 200)
//          --only id,id (other rows already in bench-results.json are kept)  --check (exit 1 when a target row fails)  --verbose
//          --pacs-concurrency N (WADO-RS requests in flight for the pacs scenario; default: the library's)
//          --cpu-profile DIR (writes a V8 CPU profile of each measured run's load step to DIR/<id>-<run>.cpuprofile;
//                             read it with `node scripts/bench/profile-summary.mjs FILE` or Chromium's DevTools)
//          --trace DIR (writes a Chromium trace of each measured run's load step to DIR/<id>-<run>.json;
//                       `node scripts/bench/trace-tasks.mjs FILE` lists the longest main-thread tasks with their CPU time)

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.SEGMARK_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  console.error(`bench: Chromium not found at ${CHROMIUM} — install it with 'apt-get install -y chromium' (or set SEGMARK_CHROMIUM).`);
  process.exit(1);
}

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    steps: { type: 'string', default: '200' },
    only: { type: 'string' },
    check: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'pacs-concurrency': { type: 'string' },
    'cpu-profile': { type: 'string' },
    trace: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number.parseInt(args.runs, 10) || 3);
const STEPS = Math.max(1, Number.parseInt(args.steps, 10) || 200);
const WARMUP_FILES = 4;

const { ensureSeries } = await import('./bench/series.mjs');
const { freePort, launchChromium, loadScenarios, runScenario, startVite } = await import('./bench/driver.mjs');
const { formatTable, median, verdict } = await import('./bench/report.mjs');
const { CpuWatch } = await import('./bench/cpu.mjs');

const log = (message) => console.log(`bench: ${message}`);

let vite;
let browser;
/** Scenarios whose start() ran (e.g. the pacs scenario's Orthanc): stopped at the end, however it ends. */
let startedScenarios = [];
const stopAll = async () => {
  await browser?.close().catch(() => {});
  browser = undefined;
  await vite?.stop().catch(() => {});
  vite = undefined;
  const stopping = startedScenarios;
  startedScenarios = [];
  for (const s of stopping) await s.stop?.().catch((error) => console.error(`bench: ${s.id}: stop failed: ${error.message}`));
};
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench: ${signal}: stopping vite, Chromium and the scenarios' servers; bench-results.json is left as it was`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** The rows in `file` with `fresh` ones replacing those of the same name, in place; new names go last. */
async function mergeRows(file, fresh) {
  const old = await readFile(file, 'utf8').then(JSON.parse, () => []);
  const kept = Array.isArray(old) ? old : [];
  const byName = new Map(fresh.map((r) => [r.name, r]));
  const names = new Set(kept.map((r) => r.name));
  return [...kept.map((r) => byName.get(r.name) ?? r), ...fresh.filter((r) => !names.has(r.name))];
}

/** One log line per run: the headline numbers a run produced. */
function summary(m) {
  const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
  const parts = [`all ${f(m.allMs)} ms`];
  if (m.firstImageMs !== undefined) parts.push(`first image ${f(m.firstImageMs)} ms`);
  parts.push(`cpu ${f(m.loadCpuMs)} ms`, `heap ×${f(m.heapRatio, 2)}`);
  if (m.renderP95 !== undefined) parts.push(`render p50/p95 ${f(m.renderP50, 2)}/${f(m.renderP95, 2)} ms`);
  return parts.join(', ');
}

async function main() {
  const started = Date.now();
  const cpuWatch = new CpuWatch(1000).start();
  let scenarios = await loadScenarios(path.join(ROOT, 'scripts/bench/scenarios'));
  if (args.only) {
    const wanted = new Set(args.only.split(',').map((s) => s.trim()));
    scenarios = scenarios.filter((s) => wanted.has(s.id));
  }
  const seriesDir = path.join(ROOT, '.tmp/bench-series');
  const series = await ensureSeries(seriesDir, log);
  const { rows, columns, slices } = series.spec;
  log(`series: ${slices} × ${columns}×${rows} int16, ${(series.totalBytes / 1e6).toFixed(1)} MB in ${series.files.length} files${series.cached ? ' (cached)' : ''}`);
  const files = series.files.map((f) => path.join(seriesDir, f.name));
  const common = { rows, columns, voxelBytes: series.voxelBytes, beforeClose: () => cpuWatch.sample() };

  const state = new Map(scenarios.map((s) => [s.id, { runs: [], errors: [], notes: new Set(), skip: null, params: {} }]));
  const record = (id, notes = []) => notes.forEach((n) => state.get(id).notes.add(n));

  // Servers some scenarios need outside the page (the pacs scenario's Orthanc), before vite, which may proxy to them.
  const viteEnv = {};
  for (const s of scenarios.filter((x) => x.start)) {
    if (interrupted) break;
    const st = state.get(s.id);
    startedScenarios.push(s);
    try {
      const r = await s.start({ root: ROOT, files, options: args, log });
      if (r.skip) st.skip = r.skip;
      Object.assign(viteEnv, r.env);
      st.params = r.params ?? {};
    } catch (error) {
      st.skip = `start failed: ${error.message.split('\n')[0]}`;
    }
    if (st.skip) log(`${s.id}: not available — ${st.skip}`);
  }
  if (interrupted) return;

  vite = await startVite(ROOT, await freePort(), { verbose: args.verbose, env: viteEnv });
  log(`vite pid ${vite.pid} serving ${vite.url}`);
  browser = await launchChromium(CHROMIUM);
  log(`chromium ${browser.version()} (${CHROMIUM})`);

  // Warm-up: a small load through every scenario, unmeasured. It lets vite
  // pre-bundle and transform everything a run imports (workers included), so
  // run 1 is not slower than run 3, and tells us which pipelines exist.
  for (const s of scenarios) {
    if (interrupted) break;
    const st = state.get(s.id);
    if (st.skip) continue;
    const viteMark = vite.output().length;
    const viteErrors = () =>
      vite
        .output()
        .slice(viteMark)
        .split('\n')
        .filter((l) => /error/i.test(l))
        .slice(0, 3)
        .map((l) => `${s.id}: vite: ${l.trim().slice(0, 300)}`);
    try {
      const r = await runScenario(browser, vite.url, s.id, files.slice(0, WARMUP_FILES), { ...common, steps: 3, warmup: true, params: st.params });
      if (r.skip) {
        st.skip = r.skip;
        record(s.id, viteErrors());
        log(`${s.id}: not available — ${r.skip}`);
      }
    } catch (error) {
      // Not fatal: the full series may still load (the measured runs decide).
      record(s.id, [`warm-up failed: ${error.message.split('\n')[0]}`, ...(error.notes ?? []), ...viteErrors()]);
      log(`${s.id}: warm-up failed: ${error.message.split('\n')[0]}`);
    }
  }

  for (let run = 1; run <= RUNS; run++) {
    for (const s of scenarios) {
      const st = state.get(s.id);
      if (st.skip || interrupted) continue;
      const t = Date.now();
      try {
        const r = await runScenario(browser, vite.url, s.id, files, {
          ...common,
          steps: STEPS,
          warmup: false,
          params: st.params,
          sampleMemory: s.sampleMemory === true,
          cpuProfile: args['cpu-profile'] ? path.resolve(args['cpu-profile'], `${s.id}-${run}.cpuprofile`) : undefined,
          trace: args.trace ? path.resolve(args.trace, `${s.id}-${run}.json`) : undefined,
        });
        if (r.skip) {
          st.errors.push(r.skip);
          continue;
        }
        st.runs.push(r);
        record(s.id, r.notes);
        log(`${s.id} run ${run}/${RUNS}: ${(s.summary ?? summary)(r.metrics)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      } catch (error) {
        st.errors.push(error.message.split('\n')[0]);
        record(s.id, error.notes);
        log(`${s.id} run ${run}/${RUNS} failed: ${error.message.split('\n')[0]}`);
        // A pipeline that never completed a run is not retried for the remaining rounds.
        if (st.runs.length === 0) st.skip = `no run completed: ${error.message.split('\n')[0]}`;
      }
    }
  }
  await stopAll();
  if (interrupted) return;
  const othersCpu = cpuWatch.stop();

  // Medians over the successful runs, then rows in scenario order.
  const medians = {};
  for (const s of scenarios) {
    const runs = state.get(s.id).runs;
    const keys = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
    medians[s.id] = Object.fromEntries([...keys].map((k) => [k, median(runs.map((r) => r.metrics[k]))]));
  }
  const results = scenarios.flatMap((s) => {
    const m = state.get(s.id).runs.length ? medians[s.id] : {};
    return s.rows(new Proxy(m, { get: (o, k) => o[k] ?? null }), { series, medians });
  });

  console.log('');
  console.log(formatTable(results));
  console.log('');
  console.log(`(✓ meets target, ✗ misses it, ? not measured; medians of ${RUNS} run(s) per pipeline; MB = 10^6 bytes of files)`);
  for (const s of scenarios) {
    const st = state.get(s.id);
    if (st.skip) console.log(`${s.id}: n/a — ${st.skip}`);
    else if (st.errors.length) console.log(`${s.id}: ${st.errors.length} failed run(s): ${[...new Set(st.errors)].join('; ')}`);
    for (const n of st.notes) console.log(`  note: ${n}`);
  }
  if (othersCpu !== null && othersCpu > 0.1) {
    console.log(`warning: other programs used ${(othersCpu * 100).toFixed(0)}% of the CPU during the bench: timings are inflated and noisy; run it on a quiet machine`);
  }

  // With --only, the rows of the scenarios not run stay as the last full run wrote them.
  const resultsFile = path.join(ROOT, 'bench-results.json');
  await writeFile(resultsFile, `${JSON.stringify(args.only ? await mergeRows(resultsFile, results) : results, null, 2)}\n`);
  await mkdir(path.join(ROOT, '.tmp'), { recursive: true });
  const details = {
    date: new Date().toISOString(),
    chromium: CHROMIUM,
    node: process.version,
    othersCpuShare: othersCpu,
    runsPerScenario: RUNS,
    steps: STEPS,
    series: { spec: series.spec, files: series.files.length, totalBytes: series.totalBytes, voxelBytes: series.voxelBytes },
    scenarios: Object.fromEntries(
      scenarios.map((s) => {
        const st = state.get(s.id);
        return [s.id, { title: s.title, skip: st.skip, errors: st.errors, notes: [...st.notes], medians: medians[s.id], runs: st.runs.map(({ metrics, heap }) => ({ metrics, heap })) }];
      }),
    ),
    results,
  };
  await writeFile(path.join(ROOT, '.tmp/bench-details.json'), `${JSON.stringify(details, null, 2)}\n`);
  log(`wrote bench-results.json and .tmp/bench-details.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  if (args.check && results.some((r) => verdict(r) === 'fail')) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error.stack ?? error}`);
  if (vite && !args.verbose) console.error(`--- vite output ---\n${vite.output().trim()}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
