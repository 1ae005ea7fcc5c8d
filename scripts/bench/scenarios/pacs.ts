/**
 * PACS: the bench series opened from Orthanc with `<segmark-annotator>.loadDicomWeb`,
 * over loopback through nginx (a reverse proxy set up as a portal's, with CORS
 * for this page), then the same files opened locally with `loadFiles`, in the
 * same page, for the ratio. scenarios/pacs.mjs starts Orthanc and nginx, stores
 * the series and passes nginx's root, the token and the UIDs as `ctx.params`.
 *
 * - load (timed): from the `segmark:load-start` mark to `loadDicomWeb`
 *   resolving (every slice decoded and ready); the first image is the
 *   `segmark:first-image` mark, as in scenarios/ours.ts. Every request (the
 *   first image's, the streamed series retrieve, and any per-frame fallback)
 *   is inside the time; so is the longest task of the page meanwhile
 *   (`taskProbe`, the row; the longest 'longtask' entry is in the run's line).
 * - afterLoad: the PACS annotator is removed, a fresh one opens the same files
 *   with `loadFiles`, timed the same way; `ratio` = PACS all-slices time / that
 *   local time, per run.
 */
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { nextFrame, taskProbe, withTimeout } from '../util';

/** Kept in a variable so vite's scanner leaves it to the runtime, as scenarios/ours.ts does. */
const ENTRY = '/src/index.ts';
const TAG = 'segmark-annotator';
const LOAD_TIMEOUT_MS = 120_000;
const MARK_START = 'segmark:load-start';
const MARK_FIRST = 'segmark:first-image';

interface Pacs {
  root: string;
  authorization: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  slices: number;
  /** Unset: the library's default. */
  concurrency?: number;
}

interface ErrorLike {
  code: string;
  message: string;
  file?: string;
}

interface AnnotatorLike extends HTMLElement {
  loadFiles(files: File[]): Promise<unknown>;
  loadDicomWeb(options: { root: string; headers: Record<string, string>; studyInstanceUID: string; seriesInstanceUID: string; concurrency?: number }): Promise<unknown>;
  updateComplete?: Promise<unknown>;
}

let pacs: Pacs | undefined;
let concurrency = 0;
let annotator: AnnotatorLike | undefined;
let pacsAllMs: number | null = null;

function pacsParams(params: Readonly<Record<string, unknown>>): Pacs | undefined {
  const { root, authorization, studyInstanceUID, seriesInstanceUID, slices, concurrency } = params;
  if (typeof root !== 'string' || typeof authorization !== 'string' || typeof studyInstanceUID !== 'string' || typeof seriesInstanceUID !== 'string' || typeof slices !== 'number') return undefined;
  return { root, authorization, studyInstanceUID, seriesInstanceUID, slices, ...(typeof concurrency === 'number' ? { concurrency } : {}) };
}

function lastMark(name: string): PerformanceEntry | undefined {
  return performance.getEntriesByName(name, 'mark').at(-1);
}

async function mountAnnotator(host: HTMLElement): Promise<AnnotatorLike> {
  const el = document.createElement(TAG) as AnnotatorLike;
  host.append(el); // sized 1024×768 by the page's CSS
  await el.updateComplete;
  await nextFrame();
  return el;
}

/**
 * Runs one load on `el` and times it from the loader's start mark; throws on any
 * `segmark-error` (a partial series would make the time meaningless) or when the
 * series loaded does not have `slices` slices.
 */
async function timedLoad(el: AnnotatorLike, slices: number, what: string, start: () => Promise<unknown>): Promise<{ allMs: number; firstImageMs: number | null; noMarks: boolean }> {
  const errors: ErrorLike[] = [];
  let loaded: number | undefined;
  const onError = (e: Event): void => void errors.push((e as CustomEvent<ErrorLike>).detail);
  const onLoad = (e: Event): void => void (loaded = (e as CustomEvent<{ series: { slices: number } }>).detail.series.slices);
  el.addEventListener('segmark-error', onError);
  el.addEventListener('segmark-load', onLoad);
  try {
    performance.clearMarks(MARK_START);
    performance.clearMarks(MARK_FIRST);
    const t0 = performance.now();
    await withTimeout(start(), LOAD_TIMEOUT_MS, what);
    const t1 = performance.now();
    // The first image may be painted in the frame after the load resolves.
    for (let i = 0; i < 3 && !lastMark(MARK_FIRST); i++) await nextFrame();
    const first = errors[0];
    if (first) throw new Error(`${what}: segmark-error ${first.code}: ${first.message}${first.file ? ` (${first.file})` : ''}${errors.length > 1 ? ` and ${errors.length - 1} more` : ''}`);
    if (loaded !== slices) throw new Error(`${what}: ${loaded ?? 'no'} slices loaded, ${slices} expected`);
    const origin = lastMark(MARK_START)?.startTime ?? t0;
    const firstImage = lastMark(MARK_FIRST);
    return { allMs: t1 - origin, firstImageMs: firstImage ? firstImage.startTime - origin : null, noMarks: !lastMark(MARK_START) || !firstImage };
  } finally {
    el.removeEventListener('segmark-error', onError);
    el.removeEventListener('segmark-load', onLoad);
  }
}

/**
 * The longest 'longtask' entry (a task over 50 ms, as Chromium reports it) from now until
 * `stop()`; 0 when none. Beside `taskProbe`: a timeout waits behind every task the browser
 * runs first (the continuations of `scheduler.yield()` included), so its gaps may span
 * several short tasks.
 */
function longTasks(): { stop(): Promise<number> } {
  let longest = 0;
  const take = (entries: PerformanceEntryList): void => entries.forEach((e) => void (longest = Math.max(longest, e.duration)));
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'longtask' });
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 100)); // entries arrive a little after their task
      take(observer.takeRecords());
      observer.disconnect();
      return longest;
    },
  };
}

/** The most requests to `prefix` whose [start, end) overlap, from resource timing entries (XHRs included). */
function maxInFlight(prefix: string): number {
  const edges: [number, number][] = [];
  for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    if (new URL(e.name).pathname.startsWith(prefix)) edges.push([e.startTime, 1], [e.responseEnd, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  pacs = pacsParams(ctx.params);
  if (!pacs) return { skip: 'no PACS: scenarios/pacs.mjs start() passed no series' };
  try {
    await import(/* @vite-ignore */ ENTRY);
    concurrency = pacs.concurrency ?? (await import('../../../src/dicomweb/read-series.js')).DEFAULT_CONCURRENCY;
  } catch (error) {
    return { skip: `importing ${ENTRY} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!customElements.get(TAG)) return { skip: `${ENTRY} does not register <${TAG}>` };
  // Not timed: the PACS answers through the proxy, and the token is accepted.
  const probe = await fetch(`${pacs.root}/studies?StudyInstanceUID=${pacs.studyInstanceUID}`, { headers: { Authorization: pacs.authorization, Accept: 'application/dicom+json' } });
  if (!probe.ok) return { skip: `QIDO-RS through nginx answered HTTP ${probe.status}` };
  // One resource timing entry per frame request, and the default buffer holds 250.
  performance.setResourceTimingBufferSize(10_000);
  performance.clearResourceTimings();
  annotator = await mountAnnotator(ctx.host);
  if (typeof annotator.loadDicomWeb !== 'function') return { skip: `<${TAG}> has no loadDicomWeb()` };
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const el = annotator;
  const p = pacs;
  if (!el || !p) throw new Error('pacs: setup() did not run');
  const { root, studyInstanceUID, seriesInstanceUID } = p;
  const options = { root, headers: { Authorization: p.authorization }, studyInstanceUID, seriesInstanceUID, ...(p.concurrency ? { concurrency: p.concurrency } : {}) };
  const tasks = taskProbe();
  const entries = longTasks();
  let longestTaskMs: number;
  let r: Awaited<ReturnType<typeof timedLoad>>;
  try {
    r = await timedLoad(el, p.slices, 'loadDicomWeb', () => el.loadDicomWeb(options));
  } finally {
    longestTaskMs = tasks.stop();
  }
  const longTaskEntryMs = await entries.stop();
  if (r.noMarks) ctx.note(`pacs: '${MARK_START}' or '${MARK_FIRST}' mark missing; timed from the call, first image n/a`);
  pacsAllMs = r.allMs;
  const prefix = new URL(root, location.href).pathname;
  const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => new URL(e.name).pathname.startsWith(prefix)).length;
  return { allMs: r.allMs, firstImageMs: r.firstImageMs, longestTaskMs, longTaskEntryMs, concurrency, requests, inFlightMax: maxInFlight(prefix) };
}

export async function afterLoad(ctx: BenchContext): Promise<Metrics> {
  annotator?.remove();
  annotator = undefined;
  const el = await mountAnnotator(ctx.host);
  try {
    const tasks = taskProbe();
    const entries = longTasks();
    let localLongestTaskMs: number;
    let r: Awaited<ReturnType<typeof timedLoad>>;
    try {
      r = await timedLoad(el, ctx.files.length, 'loadFiles', () => el.loadFiles([...ctx.files]));
    } finally {
      localLongestTaskMs = tasks.stop();
    }
    const localLongTaskEntryMs = await entries.stop();
    ctx.note('pacs: time_vs_local_ratio = loadDicomWeb all-slices time / loadFiles of the same files in a fresh annotator on the same page, per run (median of the runs)');
    return { localAllMs: r.allMs, localFirstImageMs: r.firstImageMs, localLongestTaskMs, localLongTaskEntryMs, ratio: pacsAllMs !== null ? pacsAllMs / r.allMs : null };
  } finally {
    el.remove();
  }
}

const scenario: PageScenario = { setup, load, afterLoad };
export default scenario;
