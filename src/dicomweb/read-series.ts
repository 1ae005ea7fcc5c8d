/**
 * Reads one series from a PACS into the instances the loader assembles, the
 * way `readInstances` reads files: the middle instance first, from its own
 * metadata and frames, so its image is on screen while the server still
 * gathers the series' metadata; then, from that metadata, every other
 * instance's frames with a bounded number of requests in flight, with
 * progress, cancellation and per-instance errors that do not stop the others.
 * Errors that would hit every request (access refused, PACS gone) end the read.
 *
 * The requests, in order: a QIDO-RS series search (how many instances; one
 * request alone, so a refused token is met once); for the first image, a
 * QIDO-RS search of the middle instance by number, its metadata and its
 * frames; then the series' WADO-RS metadata, under way while the first image
 * is decoded and shown. Servers answer searches from their database, but the
 * series' metadata by reading every file: on Orthanc about a second for 300
 * CT slices, which the first image no longer waits for.
 *
 * The budgets (`limits`) are checked from metadata before frames are fetched:
 * the first image's frame only when it is within the frame budget and a series
 * of that many instances like it within the voxel budget; every other frame
 * after the series' metadata has been checked (an instance whose frame is over
 * the frame budget is refused alone, a series over the voxel budget as a
 * whole). The series' bytes are counted as frames arrive, and past the budget
 * the read stops.
 */
import type { ReadHooks, ReadResult } from '../core/dicom/loader.js';
import { isAbort, throwIfAborted, toSegmarkError } from '../core/errors.js';
import { mapLimit } from '../core/util/concurrency.js';
import { checkFrame, checkSeriesBytes, checkSeriesVoxels, resolveLimits } from '../core/dicom/limits.js';
import { instanceFrames, instanceMetadata, searchInstances, seriesInstanceCount, seriesMetadata, type InstanceResult } from './client.js';
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
  const result: ReadResult = { instances: [], skipped: [], failed: 0 };
  const seriesUrl = `${rootOf(source)}/studies/${series.studyInstanceUID}/series/${series.seriesInstanceUID}`;
  const nameOf = (ds: DicomJson): string => displayUrl(`${seriesUrl}/instances/${jsonString(ds, '00080018')}`);
  let done = 0;
  let bytesDone = 0;
  let total = 0;
  const progress = (): void => {
    // Sizes are not known before the frames arrive: the total is extrapolated from what came so far.
    if (total > 0 && done > 0) onProgress?.({ phase: 'read', done, total, bytesDone, bytesTotal: Math.round((bytesDone / done) * total) });
  };
  /** Ends the read on a failure every further request would meet too; false for one to report and go on. */
  const fatal = (error: unknown, e: { code: string }): boolean => FATAL.has(e.code) || isAbort(error) || signal.aborted;

  /** Fetches the frames of one instance and hands it on; `fetched` is called once its frames are in (or failed). */
  const readOne = async (ds: DicomJson, fetched?: () => void): Promise<void> => {
    throwIfAborted(signal);
    const uids = { ...series, sopInstanceUID: jsonString(ds, '00080018') };
    const name = nameOf(ds);
    try {
      const { frames, transferSyntaxUID, bytes } = await instanceFrames(source, uids, jsonNumber(ds, '00280008') ?? 1, signal).finally(fetched);
      bytesDone += bytes;
      checkSeriesBytes(bytesDone, limits.seriesBytes, done + 1, displayUrl(seriesUrl));
      const instance = instanceFromMetadata(ds, frames, transferSyntaxUID, name);
      result.instances.push(instance);
      onInstance?.(instance);
    } catch (error) {
      const e = toSegmarkError(error, 'internal', name);
      if (fatal(error, e)) {
        stop.abort(e);
        throw e;
      }
      result.failed++;
      onError?.(e);
    }
    done++;
    progress();
  };

  /**
   * The middle instance of the series, found by its instance number (which approximates slice
   * order; numbered from 1 as scanners do, else the one at the middle of the server's own order),
   * from its own metadata and frames. Its frame is fetched only when it is within the frame budget
   * and a series of `count` instances like it is within the voxel budget; otherwise (or when it
   * cannot be found) it is left to the series' metadata, which checks and reports every instance.
   * Resolves, once its image is on screen (`afterFirst`), with its SOP Instance UID; undefined when
   * there was no early image.
   */
  const firstImage = async (count: number, fetched: () => void): Promise<string | undefined> => {
    const at = Math.floor(count / 2);
    const search = (query: Record<string, string>): Promise<InstanceResult[]> =>
      searchInstances(source, series.studyInstanceUID, series.seriesInstanceUID, query, signal);
    let found: { sopInstanceUID: string; ds: DicomJson } | undefined;
    try {
      const middle = (await search({ InstanceNumber: String(at + 1), limit: '1' }))[0] ?? (await search({ offset: String(at), limit: '1' }))[0];
      if (middle) found = { sopInstanceUID: middle.sopInstanceUID, ds: await instanceMetadata(source, { ...series, sopInstanceUID: middle.sopInstanceUID }, signal) };
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      if (fatal(error, e)) {
        stop.abort(e);
        throw e;
      }
    }
    if (!found) return undefined;
    const { ds, sopInstanceUID } = found;
    if (!isImageMetadata(ds) || jsonString(ds, '00080018') !== sopInstanceUID) return undefined;
    const rows = jsonNumber(ds, '00280010') ?? 0;
    const columns = jsonNumber(ds, '00280011') ?? 0;
    const frames = Math.max(1, jsonNumber(ds, '00280008') ?? 1);
    try {
      checkFrame(rows, columns, limits.frameVoxels, nameOf(ds));
      checkSeriesVoxels(rows * columns * frames * count, limits.seriesVoxels, `${count} image(s)`, displayUrl(seriesUrl));
    } catch {
      return undefined;
    }
    // Fetched (or failed and reported) once: the series' metadata does not bring it back.
    await readOne(ds, fetched);
    if (afterFirst) await afterFirst();
    return sopInstanceUID;
  };

  const count = await seriesInstanceCount(source, series.studyInstanceUID, series.seriesInstanceUID, signal);
  // Asked for once the first image's frames are in (so the server's heaviest request does not hold
  // them up) or it turned out there is no early image; it is under way while that image is decoded
  // and shown, and awaited after (a failure is met there).
  let metadataRequest: Promise<DicomJson[]> | undefined;
  const requestMetadata = (): void => {
    if (metadataRequest) return;
    metadataRequest = seriesMetadata(source, series.studyInstanceUID, series.seriesInstanceUID, signal);
    metadataRequest.catch(() => {});
  };
  const first = count ? await firstImage(count, requestMetadata) : undefined;
  requestMetadata();
  const metadata = await metadataRequest!;

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
  // Refused from the metadata, before any frame but the first image's is fetched.
  checkSeriesVoxels(voxels, limits.seriesVoxels, `${images.length} image(s)`, displayUrl(seriesUrl));
  total = images.length;
  const rest = images.filter((ds) => jsonString(ds, '00080018') !== first);
  if (first === undefined) {
    // No early image: the middle one by instance number first, as with files.
    rest.sort((a, b) => (jsonNumber(a, '00200013') ?? 0) - (jsonNumber(b, '00200013') ?? 0));
    const middle = rest.splice(Math.floor(rest.length / 2), 1)[0];
    if (middle) await readOne(middle);
    if (afterFirst) await afterFirst();
  } else {
    progress();
  }
  const concurrency = Math.max(1, source.concurrency ?? DEFAULT_CONCURRENCY);
  await mapLimit(rest, concurrency, (ds) => readOne(ds), signal);
  throwIfAborted(signal);
  return result;
}
