/**
 * Peer: the classic Cornerstone pipeline — cornerstone-wado-image-loader 4.13
 * (wadouri fileManager, web workers on) feeding cornerstone-core 2.6. Kept
 * here so nothing in src/ depends on the loader.
 */
import cornerstone from 'cornerstone-core';
import dicomParser from 'dicom-parser';
import cwil from 'cornerstone-wado-image-loader';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { delay, percentile, pool } from '../util';

/**
 * loadAndCacheImage calls in flight. Like a request pool in a viewer: enough to
 * keep every decode worker fed while the main thread reads and parses files.
 */
const LOADS_IN_FLIGHT = 8;

let viewport: HTMLDivElement | undefined;
/** Every loaded image, kept (as cornerstone's cache also does) for the heap and the slice stepping. */
let images: cornerstone.Image[] = [];

/** Resolves at the viewport's next IMAGE_RENDERED event: when it fired, and cornerstone's own draw time. */
function rendered(el: HTMLElement): Promise<{ at: number; renderTimeInMs: number | undefined }> {
  return new Promise((resolve) => {
    const onRendered = (e: Event): void => {
      const detail = (e as CustomEvent<{ renderTimeInMs?: number }>).detail;
      resolve({ at: performance.now(), renderTimeInMs: detail?.renderTimeInMs });
    };
    el.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered, { once: true });
  });
}

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  cwil.external.cornerstone = cornerstone; // registers the wadouri/dicomfile loaders
  cwil.external.dicomParser = dicomParser;
  cwil.configure({ strict: false });
  const workers = navigator.hardwareConcurrency || 1;
  cwil.webWorkerManager.initialize({
    maxWebWorkers: workers,
    startWebWorkersOnDemand: false,
    taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
  });
  viewport = document.createElement('div');
  ctx.host.append(viewport);
  cornerstone.enable(viewport);
  // A viewer initialises long before the user picks files: let the workers boot.
  await delay(ctx.warmup ? 100 : 500);
  ctx.note(`peer-cwil: ${workers} decode workers, ${LOADS_IN_FLIGHT} loads in flight`);
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const el = viewport;
  if (!el) throw new Error('peer-cwil: setup() did not run');
  const firstShown = rendered(el);
  const t0 = performance.now();
  const imageIds = ctx.files.map((file) => cwil.wadouri.fileManager.add(file));
  const loaded: cornerstone.Image[] = new Array<cornerstone.Image>(imageIds.length);
  await pool(imageIds, LOADS_IN_FLIGHT, async (imageId, k) => {
    const image = await cornerstone.loadAndCacheImage(imageId);
    loaded[k] = image;
    if (k === 0) cornerstone.displayImage(el, image);
  });
  const allMs = performance.now() - t0;
  const firstImageMs = (await firstShown).at - t0;
  images = loaded;
  const stats = cwil.webWorkerManager.getStatistics();
  if (!ctx.warmup && stats.numTasksCompleted < images.length) ctx.note(`peer-cwil: only ${stats.numTasksCompleted} decode tasks ran in workers for ${images.length} images`);
  return { allMs, firstImageMs, loadedSlices: images.length, workerTasks: stats.numTasksCompleted };
}

export async function afterLoad(ctx: BenchContext): Promise<Metrics> {
  const el = viewport;
  if (!el) throw new Error('peer-cwil: setup() did not run');
  const times: number[] = [];
  for (let i = 1; i <= ctx.steps; i++) {
    const done = rendered(el);
    const image = images[i % images.length];
    if (!image) break;
    cornerstone.displayImage(el, image);
    const detail = await done;
    if (typeof detail.renderTimeInMs === 'number') times.push(detail.renderTimeInMs);
  }
  return { renderP50: percentile(times, 50), renderP95: percentile(times, 95), renderCount: times.length };
}

const scenario: PageScenario = { setup, load, afterLoad };
export default scenario;
