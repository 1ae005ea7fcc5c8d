/**
 * Ours: <segmark-annotator> from /src/index.ts, measured through the contract
 * the element keeps for this bench:
 * - `await el.loadFiles(files)` resolves when every slice is decoded and ready;
 * - performance marks `segmark:load-start` (loadFiles began),
 *   `segmark:first-image` (first image on the canvas) and `segmark:slices-ready`
 *   (every slice decoded; loadFiles then still waits for the stored work);
 * - one `segmark:render` measure per drawn slice (image + overlays, inside the frame);
 * - `el.slice = n` changes the slice, drawn in the next animation frame.
 * When the element is missing or breaks that contract, setup() says why and the rows are n/a.
 */
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { nextFrame, percentile, withTimeout } from '../util';

/** Kept in a variable so neither tsc nor vite's scanner requires the file to exist yet. */
const ENTRY = '/src/index.ts';
const TAG = 'segmark-annotator';
const LOAD_TIMEOUT_MS = 120_000;

const MARK_START = 'segmark:load-start';
const MARK_FIRST = 'segmark:first-image';
const MEASURE_RENDER = 'segmark:render';

interface AnnotatorLike extends HTMLElement {
  loadFiles(files: File[]): Promise<unknown>;
  slice: number;
  layout?: string;
  updateComplete?: Promise<unknown>;
}

let annotator: AnnotatorLike | undefined;

function lastMark(name: string): PerformanceEntry | undefined {
  return performance.getEntriesByName(name, 'mark').at(-1);
}

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  try {
    await import(/* @vite-ignore */ ENTRY);
  } catch (error) {
    return { skip: `importing ${ENTRY} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!customElements.get(TAG)) return { skip: `${ENTRY} does not register <${TAG}>` };
  const el = document.createElement(TAG) as AnnotatorLike;
  if (typeof el.loadFiles !== 'function') return { skip: `<${TAG}> has no loadFiles()` };
  ctx.host.append(el); // sized 1024×768 by the page's CSS
  await el.updateComplete;
  await nextFrame();
  annotator = el;
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const el = annotator;
  if (!el) throw new Error('ours: setup() did not run');
  performance.clearMarks(MARK_START);
  performance.clearMarks(MARK_FIRST);
  const t0 = performance.now();
  await withTimeout(el.loadFiles([...ctx.files]), LOAD_TIMEOUT_MS, 'loadFiles');
  const t1 = performance.now();
  // The first image may be painted in the frame after loadFiles resolves.
  for (let i = 0; i < 3 && !lastMark(MARK_FIRST); i++) await nextFrame();
  const start = lastMark(MARK_START);
  const first = lastMark(MARK_FIRST);
  if (!start) ctx.note(`ours: no '${MARK_START}' mark; timed from the loadFiles() call`);
  if (!first) ctx.note(`ours: no '${MARK_FIRST}' mark; load.first_image_ms is n/a`);
  const origin = start?.startTime ?? t0;
  const readDone = lastMark('segmark:read-done');
  const slicesReady = lastMark('segmark:slices-ready');
  if (readDone) ctx.note(`ours: files read and parsed after ${(readDone.startTime - origin).toFixed(0)} ms`);
  return {
    allMs: t1 - origin,
    firstImageMs: first ? first.startTime - origin : null,
    slicesReadyMs: slicesReady ? slicesReady.startTime - origin : null,
    callOverheadMs: start ? start.startTime - t0 : null,
  };
}

export async function afterLoad(ctx: BenchContext): Promise<Metrics> {
  const el = annotator;
  if (!el) throw new Error('ours: setup() did not run');
  const slices = ctx.files.length;
  performance.clearMeasures(MEASURE_RENDER);
  const from = Number.isInteger(el.slice) ? el.slice : 0;
  for (let i = 1; i <= ctx.steps; i++) {
    el.slice = (from + i) % slices;
    // The draw happens in the next frame; the second frame makes sure it has run.
    await nextFrame();
    await nextFrame();
  }
  const durations = performance.getEntriesByName(MEASURE_RENDER, 'measure').map((e) => e.duration);
  if (durations.length < ctx.steps) ctx.note(`ours: ${durations.length} '${MEASURE_RENDER}' measures for ${ctx.steps} slice changes`);
  const mpr = await mprSliceChanges(ctx, el, from + ctx.steps);
  return { renderP50: percentile(durations, 50), renderP95: percentile(durations, 95), renderCount: durations.length, ...mpr };
}

/**
 * The `mpr` layout (axial, sagittal and coronal side by side): per slice
 * change, the main-thread drawing of all three views in that frame (each
 * view's `segmark:render` measures summed) — the axial image, and the
 * reformats redrawn with the moved line of the axial plane.
 */
async function mprSliceChanges(ctx: BenchContext, el: AnnotatorLike, from: number): Promise<Metrics> {
  if (!('layout' in el)) return { mprSliceP95: null };
  el.layout = 'mpr';
  await el.updateComplete;
  for (let i = 0; i < 4; i++) await nextFrame();
  const slices = ctx.files.length;
  const perChange: number[] = [];
  for (let i = 1; i <= ctx.steps; i++) {
    performance.clearMeasures(MEASURE_RENDER);
    el.slice = (from + i) % slices;
    await nextFrame();
    await nextFrame();
    const entries = performance.getEntriesByName(MEASURE_RENDER, 'measure');
    perChange.push(entries.reduce((sum, e) => sum + e.duration, 0));
  }
  el.layout = 'axial';
  await el.updateComplete;
  return { mprSliceP50: percentile(perChange, 50), mprSliceP95: percentile(perChange, 95) };
}

const scenario: PageScenario = { setup, load, afterLoad };
export default scenario;
