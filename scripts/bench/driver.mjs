// Node side of the bench: the vite dev server, Chromium, one run of one scenario.

import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { browserMemoryBytes, cpuMsBetween, descendantsTicks } from './cpu.mjs';

/**
 * Node side of one scenario, `scripts/bench/scenarios/<id>.mjs`; its page side is `<id>.ts`.
 * @typedef {object} ScenarioDescriptor
 * @property {string} id           same as the file stem, and the page module's name
 * @property {number} order        position in the table (lower first)
 * @property {string} title        one line for the log
 * @property {(median: Record<string, number | null>, all: { series: object, medians: Record<string, Record<string, number | null>> }) => import('./report.mjs').Row[]} rows
 *   the rows from the median of each metric over the runs (`heapRatio` is added by the driver);
 *   `all.medians` has every scenario's medians, for rows that compare pipelines
 * @property {(metrics: Record<string, number | null>) => string} [summary]
 *   optional: the one-line log of a run, for scenarios whose headline is not a load time
 * @property {(bench: { root: string, files: string[], options: Record<string, unknown>, log: (message: string) => void }) => Promise<ScenarioStart>} [start]
 *   optional: starts what the scenario needs outside the page (a server), before vite starts; not timed
 * @property {() => Promise<void>} [stop]
 *   optional: stops it again; called once at the end, also after a failure or Ctrl+C
 * @property {boolean} [sampleMemory]
 *   optional: sample the browser's memory during load; adds `peakMemoryMb` and `baseMemoryMb` to the metrics
 */

/**
 * What a scenario's `start()` gives back.
 * @typedef {object} ScenarioStart
 * @property {string} [skip]                    set when the scenario cannot run here; its rows become n/a
 * @property {Record<string, string>} [env]     environment for the vite server (e.g. a proxy target)
 * @property {Record<string, unknown>} [params] JSON-able values handed to the page scenario as `ctx.params`
 */

/** Flags that keep headless Chromium away from the closed network of the build machines. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Every scenario descriptor in `dir` (*.mjs), sorted by `order`. */
export async function loadScenarios(dir) {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.mjs')).sort();
  const list = [];
  for (const name of names) {
    const mod = await import(pathToFileURL(path.join(dir, name)).href);
    const d = mod.default;
    if (!d || d.id !== name.replace(/\.mjs$/, '') || typeof d.rows !== 'function') {
      throw new Error(`scripts/bench/scenarios/${name}: default export must be { id: '${name.replace(/\.mjs$/, '')}', order, title, rows() }`);
    }
    list.push(d);
  }
  return list.sort((a, b) => a.order - b.order);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `node node_modules/vite/bin/vite.js` (so the pid we hold is the server)
 * with the bench config on 127.0.0.1:port and waits until the page is served.
 * `env` is added to its environment (scenarios' start() results, e.g. the PACS port).
 */
export async function startVite(root, port, { verbose = false, env = {} } = {}) {
  const child = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', '--config', 'scripts/bench/vite.config.ts', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, BROWSER: 'none', FORCE_COLOR: '0' } },
  );
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (verbose) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}/scripts/bench/index.html`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`vite exited (${exited.code ?? exited.signal}) before serving:\n${output.trim()}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vite did not serve ${url} within 60 s:\n${output.trim()}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    /** SIGTERM by pid, SIGKILL after 5 s. */
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      if ((await Promise.race([gone.then(() => true), sleep(5000).then(() => false)])) === false && !exited) {
        process.kill(child.pid, 'SIGKILL');
        await gone;
      }
    },
  };
}

export function launchChromium(executablePath) {
  // The bench handles SIGINT/SIGTERM itself (it stops vite too, and keeps the last results).
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false });
}

/**
 * Bytes the page's main JS heap holds after a full GC: V8 heap + Blink (embedder)
 * heap + ArrayBuffer backing stores (where voxels live). Workers' heaps are not included.
 */
async function heapBytes(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await sleep(50); // let the ArrayBuffer sweeper release freed backing stores
  await cdp.send('HeapProfiler.collectGarbage');
  const u = await cdp.send('Runtime.getHeapUsage');
  return {
    used: u.usedSize,
    embedder: u.embedderHeapUsedSize ?? 0,
    backing: u.backingStorageSize ?? null,
    total: u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0),
  };
}

/**
 * Samples the browser's memory (all its processes, `browserMemoryBytes`)
 * every 50 ms until stopped; `stop()` gives the peak and the first sample in MB.
 */
function sampleBrowserMemory() {
  const base = browserMemoryBytes();
  let peak = base ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, browserMemoryBytes() ?? 0)), 50);
  return {
    stop() {
      clearInterval(timer);
      return base === null ? { peakMemoryMb: null, baseMemoryMb: null } : { peakMemoryMb: peak / 1e6, baseMemoryMb: base / 1e6 };
    },
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One run of one scenario in a fresh browser context (its own renderer process,
 * caches and heap): attach `files` to the page's file input, setup, heap
 * baseline, timed load, heap, afterLoad.
 * Returns `{ skip }` or `{ metrics, heap: { before, after }, notes }`; throws on failure.
 */
export async function runScenario(browser, url, id, files, { rows, columns, steps, warmup, voxelBytes, beforeClose, params = {}, timeoutMs = 150_000, sampleMemory = false, cpuProfile, trace }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const notes = new Set();
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => notes.add(`${id}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') notes.add(`${id}: console error: ${m.text().slice(0, 300)}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.segmarkBench?.ready === true, null, { timeout: 60_000 });
    // Disk-backed File objects, as a user's pick gives; they stay alive in the input for the whole run.
    await page.setInputFiles('#files', files);
    const cdp = await context.newCDPSession(page);
    const step = (what, fn) => withTimeout(page.evaluate(fn, [id, { rows, columns, steps, warmup, params }]), timeoutMs, `${id} ${what}`);
    const setup = await step('setup', ([sid, options]) => window.segmarkBench.setup(sid, options));
    if (setup.skip) return { skip: setup.skip };
    const before = await heapBytes(cdp);
    const ticks = descendantsTicks();
    const memory = sampleMemory ? sampleBrowserMemory() : undefined;
    if (trace) {
      await mkdir(path.dirname(trace), { recursive: true });
      await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
    }
    if (cpuProfile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const loaded = await step('load', () => window.segmarkBench.load()).finally(() => memory?.stop());
    if (cpuProfile) {
      const { profile } = await cdp.send('Profiler.stop');
      await mkdir(path.dirname(cpuProfile), { recursive: true });
      await writeFile(cpuProfile, JSON.stringify(profile));
    }
    if (trace) await browser.stopTracing();
    const loadCpuMs = cpuMsBetween(ticks, descendantsTicks());
    if (memory) Object.assign(loaded, memory.stop());
    const after = await heapBytes(cdp);
    const workers = page.workers().length;
    if (workers > 0 && !warmup) notes.add(`${id}: ${workers} web worker(s) alive after load; their heaps are not in the heap ratio`);
    const later = await step('afterLoad', () => window.segmarkBench.afterLoad());
    for (const n of await page.evaluate(() => window.segmarkBench.notes())) notes.add(n);
    const heapRatio = before.backing === null ? null : (after.total - before.total) / voxelBytes;
    if (before.backing === null) notes.add('Runtime.getHeapUsage has no backingStorageSize here: heap ratios are n/a');
    return { metrics: { ...loaded, ...later, heapRatio, loadCpuMs }, heap: { before, after }, notes: [...notes] };
  } catch (error) {
    error.notes = [...notes];
    throw error;
  } finally {
    beforeClose?.();
    await context.close().catch(() => {});
  }
}
