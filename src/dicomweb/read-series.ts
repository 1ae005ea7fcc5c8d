/**
 * Reads one series from a PACS into the instances the loader assembles, the
 * way `readInstances` reads files: the metadata in one request, then each
 * instance's frames, the middle one first (so its image can be shown at once)
 * and the rest with a bounded number of requests in flight, with progress,
 * cancellation and per-instance errors that do not stop the others. Errors
 * that would hit every request (access refused, PACS gone) end the read.
 *
 * The budgets (`limits`) are checked from the metadata before any frame is
 * fetched: an instance whose frame is over the frame budget is refused alone,
 * a series over the voxel budget as a whole; the series' bytes are counted as
 * frames arrive, and past the budget the read stops.
 */
import type { ReadHooks, ReadResult } from '../core/dicom/loader.js';
import { isAbort, throwIfAborted, toSegmarkError } from '../core/errors.js';
import { mapLimit } from '../core/util/concurrency.js';
import { checkFrame, checkSeriesBytes, checkSeriesVoxels, resolveLimits } from '../core/dicom/limits.js';
import { instanceFrames, seriesMetadata } from './client.js';
import { instanceFromMetadata, isImageMetadata, jsonNumber, jsonString, type DicomJson } from './dicom-json.js';
import { rootOf, type DicomWebSource } from './request.js';
import { displayUrl } from '../core/util/display-url.js';

export interface SeriesRef {
  studyInstanceUID: string;
  seriesInstanceUID: string;
}

/** WADO-RS requests in flight while a series is opened, unless the source sets `concurrency`. */
export const DEFAULT_CONCURRENCY = 6;
/** Failures that every further request would meet too (the series over its byte budget included): stop instead of reporting each. */
const FATAL = new Set(['aborted', 'pacs-unauthorized', 'pacs-unreachable', 'input-too-large']);

export async function readDicomWebSeries(source: DicomWebSource, series: SeriesRef, hooks: ReadHooks = {}): Promise<ReadResult> {
  // A fatal failure of one request stops the requests still under way, not just the queue.
  const stop = new AbortController();
  const forward = (): void => stop.abort(hooks.signal?.reason);
  if (hooks.signal?.aborted) forward();
  hooks.signal?.addEventListener('abort', forward, { once: true });
  try {
    return await read(source, series, stop, hooks);
  } finally {
    hooks.signal?.removeEventListener('abort', forward);
  }
}

/** The read itself; `stop` replaces the caller's signal (it follows it, and fatal failures fire it). */
async function read(source: DicomWebSource, series: SeriesRef, stop: AbortController, hooks: ReadHooks): Promise<ReadResult> {
  const { onProgress, onError, onInstance, afterFirst } = hooks;
  const signal = stop.signal;
  const limits = resolveLimits(hooks.limits);
  const metadata = await seriesMetadata(source, series.studyInstanceUID, series.seriesInstanceUID, signal);
  const result: ReadResult = { instances: [], skipped: [], failed: 0 };
  const seriesUrl = `${rootOf(source)}/studies/${series.studyInstanceUID}/series/${series.seriesInstanceUID}`;
  const nameOf = (ds: DicomJson): string => displayUrl(`${seriesUrl}/instances/${jsonString(ds, '00080018')}`);
  const images: DicomJson[] = [];
  let voxels = 0;
  for (const ds of metadata) {
    if (!isImageMetadata(ds)) {
      result.skipped.push(jsonString(ds, '00080018'));
      continue;
    }
    const rows = jsonNumber(ds, '00280010') ?? 0;
    const columns = jsonNumber(ds, '00280011') ?? 0;
    try {
      checkFrame(rows, columns, limits.frameVoxels, nameOf(ds));
    } catch (error) {
      result.failed++;
      onError?.(toSegmarkError(error, 'input-too-large'));
      continue;
    }
    voxels += rows * columns * Math.max(1, jsonNumber(ds, '00280008') ?? 1);
    images.push(ds);
  }
  // Refused from the metadata, before a single frame is fetched.
  checkSeriesVoxels(voxels, limits.seriesVoxels, `${images.length} image(s)`, displayUrl(seriesUrl));
  // Instance number order approximates slice order, so the middle of it is near the middle slice.
  images.sort((a, b) => (jsonNumber(a, '00200013') ?? 0) - (jsonNumber(b, '00200013') ?? 0));
  const total = images.length;
  let done = 0;
  let bytesDone = 0;

  const readOne = async (ds: DicomJson): Promise<void> => {
    throwIfAborted(signal);
    const uids = { ...series, sopInstanceUID: jsonString(ds, '00080018') };
    const name = nameOf(ds);
    try {
      const { frames, transferSyntaxUID, bytes } = await instanceFrames(source, uids, jsonNumber(ds, '00280008') ?? 1, signal);
      bytesDone += bytes;
      checkSeriesBytes(bytesDone, limits.seriesBytes, done + 1, displayUrl(seriesUrl));
      const instance = instanceFromMetadata(ds, frames, transferSyntaxUID, name);
      result.instances.push(instance);
      onInstance?.(instance);
    } catch (error) {
      const e = toSegmarkError(error, 'internal', name);
      if (FATAL.has(e.code) || isAbort(error) || signal.aborted) {
        stop.abort(e);
        throw e;
      }
      result.failed++;
      onError?.(e);
    }
    done++;
    // Sizes are not known before the frames arrive: the total is extrapolated from what came so far.
    onProgress?.({ phase: 'read', done, total, bytesDone, bytesTotal: Math.round((bytesDone / done) * total) });
  };

  const middle = images[Math.floor(images.length / 2)];
  if (middle) await readOne(middle);
  if (afterFirst) await afterFirst();
  const concurrency = Math.max(1, source.concurrency ?? DEFAULT_CONCURRENCY);
  await mapLimit(
    images.filter((ds) => ds !== middle),
    concurrency,
    readOne,
    signal,
  );
  throwIfAborted(signal);
  return result;
}
