/**
 * How long the host's `export()` takes on the sample series, in headless
 * Chromium, and where the time goes: the app page (vite dev server) opens the
 * 70-slice sample, ~10 slices of two labels are drawn (as rectangles through
 * the document), a model's SEG pre-label of two discs is imported, then each
 * export is timed in the page (`performance.now()` around `export()`), with
 * the CPU time of the renderer's threads from /proc (main thread, each export
 * worker) over that window. With --take-out, the ways a Node test may take
 * the file's bytes out of the page are timed: as a number array
 * (`[...bytes]`), as base64, and by the page posting it to a route.
 *
 * Usage: npx tsx scripts/bench/export-probe.ts [--runs N] [--profile DIR] [--portal] [--take-out]
 *   --profile DIR: a V8 CPU profile of the page's main thread per export
 *   (`node scripts/bench/profile-summary.mjs FILE`).
 *   --portal: as test/node/review-portal.test.ts runs it instead: the
 *   library built (into .tmp/export-probe-dist), the review portal's server
 *   and page (its Content-Security-Policy), a persistent Chromium profile.
 *   --take-out: then the ways of taking the bytes out (the number array of
 *   a 6 MB package takes minutes).
 *
 * Linux only (per-thread CPU from /proc). Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright';
import { CHROMIUM, CHROMIUM_ARGS, processTree, startApp } from '../../test/node/support/kill-processes.js';
import { modelPrelabel } from '../../test/node/support/review-portal-model.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '2' }, profile: { type: 'string' }, portal: { type: 'boolean', default: false }, 'take-out': { type: 'boolean', default: false } } });
const RUNS = Number.parseInt(args.runs, 10) || 2;
const TICK_MS = 1000 / 100; // USER_HZ

/**
 * CPU ms by thread: `main <pid>` (a renderer's main thread), `worker <tid>`
 * (a dedicated worker: the export workers, the decoder's), else the thread
 * name summed over its threads (`ThreadPoolForeg…`: Chromium's pool, where
 * V8 compiles and collects garbage in the background and Blobs are read).
 */
type ThreadTimes = Record<string, number>;

/** The CPU ms of the threads of the processes given, as `ThreadTimes`. */
function threadCpu(pids: number[]): ThreadTimes {
  const out: ThreadTimes = {};
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
        const key = name.startsWith('DedicatedWorker') ? `worker ${tid}` : tid === String(pid) ? `main ${pid}` : name;
        out[key] = (out[key] ?? 0) + ms;
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

function diff(after: ThreadTimes, before: ThreadTimes): ThreadTimes {
  const out: ThreadTimes = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** The renderer processes of the Chromium this script launched (below this process), not other programs' Chromiums. */
function renderers(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      // A renderer rewrites its command line into one space-separated string.
      return /--type=renderer[\s\0]/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

const fmt = (t: ThreadTimes) =>
  `${Math.round(Object.values(t).reduce((a, b) => a + b, 0))} in all: ` +
  Object.entries(t)
    .filter(([, v]) => v >= 20)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

interface Opened {
  page: Page;
  close(): Promise<void>;
}

/** The app page on the vite dev server, in a fresh context; the sample is loaded by the probe. */
async function openApp(): Promise<Opened> {
  const app = await startApp(ROOT, join(ROOT, '.tmp/export-probe-vite'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${app.url}?empty`);
  await page.evaluate(async () => {
    await customElements.whenDefined('segmark-annotator');
    const index = (await (await fetch('/sample-dicom/index.json')).json()) as { files: string[] };
    await document.querySelector('segmark-annotator')!.loadUrls(index.files.map((f) => `/sample-dicom/${f}`));
  });
  return {
    page,
    async close() {
      await browser.close();
      await app.close();
    },
  };
}

/** The review portal's page as its test opens it: the built library, the portal's server, a persistent profile. */
async function openPortal(): Promise<Opened> {
  const dist = join(ROOT, '.tmp/export-probe-dist');
  const built = spawnSync('node', ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.lib.config.ts', '--mode', 'production', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) throw new Error(`the library build failed:\n${built.stdout}\n${built.stderr}`);
  const work = mkdtempSync(join(tmpdir(), 'segmark-export-probe-'));
  const { startServer } = (await import(pathToFileURL(join(ROOT, 'examples/review-portal/server.mjs')).href)) as {
    startServer(o: { port: number; dataDir: string; distDir: string }): Promise<{ url: string; close(): Promise<void> }>;
  };
  const server = await startServer({ port: 0, dataDir: join(work, 'data'), distDir: dist });
  const context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/examples/review-portal/?user=ana&role=annotator`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 90_000 });
  return {
    page,
    async close() {
      await context.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const opened = await (args.portal ? openPortal() : openApp());
  const { page } = opened;
  try {
    page.on('pageerror', (e) => console.log('page error:', e.message));
    const seg = modelPrelabel().bytes;
    await page.route('**/probe/model.dcm', (route) => route.fulfill({ body: Buffer.from(seg), contentType: 'application/dicom' }));
    let posted = 0;
    await page.route('**/probe/upload', async (route) => {
      posted = route.request().postDataBuffer()?.length ?? -1;
      await route.fulfill({ body: 'ok' });
    });
    const loaded = await page.evaluate(async () => {
      const a = document.querySelector('segmark-annotator')!;
      // Two labels on ten slices each, as rectangles drawn through the document.
      const doc = (a as unknown as { annotations: { document: { setRegion(l: number, k: number, r: { rings: number[][] }, o: { kind: string }): void } } }).annotations.document;
      for (let k = 20; k < 30; k++) {
        doc.setRegion(1, k, { rings: [[180, 200, 240, 200, 240, 250, 180, 250]] }, { kind: 'draw' });
        doc.setRegion(2, k, { rings: [[260, 300, 330, 300, 330, 360, 260, 360]] }, { kind: 'draw' });
      }
      const blob = await (await fetch('/probe/model.dcm')).blob();
      const summary = await a.importMask(new File([blob], 'model.dcm'));
      return { slices: a.series?.slices, imported: summary.regions };
    });
    console.log(`${loaded.slices} slices open, ${loaded.imported} regions imported, ${Date.now() - t0} ms after the start`);
    const accept = ['empty-label', 'unverified-import'];
    const cases: [string, string, Record<string, unknown>][] = [
      ['dataset identified', 'dataset', { deidentify: false, acceptFindings: accept }],
      ['dataset deidentified', 'dataset', { acceptFindings: accept }],
      ['nifti bundle', 'nifti', { bundle: true, acceptFindings: accept }],
      ['nifti bundle + image', 'nifti', { bundle: true, image: true, acceptFindings: accept }],
    ];
    const cdp = await page.context().newCDPSession(page);
    for (let run = 0; run < RUNS; run++) {
      for (const [what, format, options] of cases) {
        const pids = renderers();
        const before = threadCpu(pids);
        if (args.profile) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
          await cdp.send('Profiler.start');
        }
        const r = await page.evaluate(
          async ([f, o]) => {
            const a = document.querySelector('segmark-annotator')!;
            const t = performance.now();
            const file = await a.export(f as 'dataset', o);
            (window as unknown as { probeFile: File }).probeFile = file;
            return { ms: performance.now() - t, size: file.size, name: file.name };
          },
          [format, options] as const,
        );
        if (args.profile) {
          const { profile } = await cdp.send('Profiler.stop');
          mkdirSync(args.profile, { recursive: true });
          writeFileSync(join(args.profile, `${what.replace(/\W+/g, '-')}-${run}.cpuprofile`), JSON.stringify(profile));
        }
        const cpu = diff(threadCpu(pids), before);
        console.log(`${what} (run ${run + 1}): ${Math.round(r.ms)} ms, ${(r.size / 1e6).toFixed(2)} MB ${r.name}; CPU ms: ${fmt(cpu)}`);
      }
    }
    if (args['take-out']) await takeOut(page, () => posted);
  } finally {
    await opened.close();
  }
}

/** The ways a Node test takes the last export's bytes out of the page, timed from Node. */
async function takeOut(page: Page, posted: () => number): Promise<void> {
  for (const [what, format, options] of [
    ['nifti bundle', 'nifti', { bundle: true, acceptFindings: ['empty-label', 'unverified-import'] }],
    ['dataset identified', 'dataset', { deidentify: false, acceptFindings: ['empty-label', 'unverified-import'] }],
  ] as const) {
    await page.evaluate(async ([f, o]) => {
      (window as unknown as { probeFile: File }).probeFile = await document.querySelector('segmark-annotator')!.export(f as 'dataset', o);
    }, [format, options] as const);
    let t = Date.now();
    const b64 = await page.evaluate(async () => {
      const bytes = new Uint8Array(await (window as unknown as { probeFile: File }).probeFile.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const b64Ms = Date.now() - t;
    t = Date.now();
    await page.evaluate(async () => {
      await fetch('/probe/upload', { method: 'POST', body: (window as unknown as { probeFile: File }).probeFile });
    });
    const postMs = Date.now() - t;
    t = Date.now();
    const array = await page.evaluate(async () => [...new Uint8Array(await (window as unknown as { probeFile: File }).probeFile.arrayBuffer())]);
    const arrayMs = Date.now() - t;
    console.log(
      `${what}: ${Buffer.from(b64, 'base64').length} B out of the page — as base64 ${b64Ms} ms, POSTed to a route ${postMs} ms (${posted()} B), as a number array ${arrayMs} ms (${array.length})`,
    );
  }
}

await main();
