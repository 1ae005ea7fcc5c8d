/**
 * Reads one series from a PACS into the instances the loader assembles, the
 * way `readInstances` reads files: the middle instance first, from its own
 * metadata and frames, so its image is on screen early; then every other
 * instance in one streamed series retrieve (series-stream.ts), each part a
 * whole DICOM file parsed as it arrives the way a local file is; with
 * progress, cancellation and per-instance errors that do not stop the others.
 * Errors that would hit every request (access refused, PACS gone) end the read.
 *
 * The requests, in order: a QIDO-RS series search (how many instances; one
 * request alone, so a refused token is met once); for the first image, a
 * QIDO-RS search of the middle instance by number, its metadata and its
 * frames; then the series retrieve, asked for as soon as those frames are in
 * and read once that image is shown. No series metadata: Orthanc answers it
 * by reading every file (about a second for 300 CT slices), and the parts
 * carry every header anyway.
 *
 * The per-frame path of before stays as the fallback, with its bounded
 * number of requests in flight: the series metadata, then each instance's
 * frames. It is taken for the instances the stream did not bring when the
 * server refuses the series retrieve (e.g. 406, 400, 501), answers something
 * other than multipart/related of application/dicom, or the stream fails or
 * ends early; and for the whole series when there is no early image (the
 * server does not say how many instances there are, or the middle one cannot
 * be found), where the metadata comes first and the rest is streamed unless
 * an instance was over the frame budget.
 *
 * The budgets (`limits`) are checked before bulk data is fetched: the first
 * image's frame only when it is within the frame budget and a series of that
 * many instances like it within the voxel budget; the stream only then (or
 * after the series' metadata has been checked); voxels are summed again as
 * parts arrive. The series' bytes are counted as they arrive, and past the
 * budget the read stops. On the per-frame path an instance whose frame is
 * over the frame budget is refused alone, unfetched; in the stream it is
 * refused when its part arrives.
 */
import { convertOnArrival, type ReadHooks, type ReadResult } from '../core/dicom/loader.js';
import { parseInstance } from '../core/dicom/parse.js';
import { isSegmentation } from '../core/dicom/seg-references.js';
import type { DicomInstance } from '../core/dicom/types.js';
import { isAbort, throwIfAborted, toSegmarkError, type SegmarkError } from '../core/errors.js';
import { mapLimit, yieldToEventLoop } from '../core/util/concurrency.js';
import { checkFrame, checkSeriesBytes, checkSeriesVoxels, resolveLimits } from '../core/dicom/limits.js';
import { instanceFrames, instanceMetadata, searchInstances, seriesInstanceCount, seriesMetadata, type InstanceResult } from './client.js';
import { instanceFromMetadata, isImageMetadata, jsonNumber, jsonString, type DicomJson } from './dicom-json.js';
import type { DicomWebSource } from './request.js';
import { seriesUrl as urlOfSeries, streamSeriesOffPage } from './series-stream.js';
import { displayUrl } from '../core/util/display-url.js';

export interface SeriesRef {
  studyInstanceUID: string;
  seriesInstanceUID: string;
}

/** WADO-RS requests in flight on the per-frame path, unless the source sets `concurrency`. */
export const DEFAULT_CONCURRENCY = 6;
/** Failures that every further request would meet too (the series over its byte budget included): stop instead of reporting each. */
const FATAL = new Set(['aborted', 'pacs-unauthorized', 'pacs-unreachable', 'input-too-large']);
/** Failures of the stream that per-frame requests would meet too; any other failure of it falls back to them. */
const STREAM_FATAL = new Set(['aborted', 'pacs-unauthorized', 'input-too-large']);
/** Parsing parts is main-thread work: the page gets a turn after this many milliseconds of it. */
const YIELD_MS = 8;

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
  const seriesUrl = urlOfSeries(source, series);
  const seriesName = displayUrl(seriesUrl);
  const instanceName = (sopInstanceUID: string): string => displayUrl(`${seriesUrl}/instances/${sopInstanceUID}`);
  const nameOf = (ds: DicomJson): string => instanceName(jsonString(ds, '00080018'));
  /** SOP Instance UIDs read (or refused) already: not fetched again. */
  const received = new Set<string>();
  let done = 0;
  let bytesDone = 0;
  let total = 0;
  let voxels = 0;
  const progress = (): void => {
    // Sizes are not known before the bulk data arrives: the total is extrapolated from what came so far.
    if (total > 0 && done > 0) onProgress?.({ phase: 'read', done, total, bytesDone, bytesTotal: Math.round((bytesDone / done) * Math.max(total, done)) });
  };
  /** Ends the read on a failure every further request would meet too; false for one to report and go on. */
  const fatal = (error: unknown, e: { code: string }): boolean => FATAL.has(e.code) || isAbort(error) || signal.aborted;
  const end = (e: SegmarkError): never => {
    stop.abort(e);
    throw e;
  };

  /** Fetches the frames of one instance and hands it on; `fetched` is called once its frames are in (or failed). */
  const readOne = async (ds: DicomJson, fetched?: () => void): Promise<void> => {
    throwIfAborted(signal);
    const uids = { ...series, sopInstanceUID: jsonString(ds, '00080018') };
    const name = nameOf(ds);
    received.add(uids.sopInstanceUID);
    try {
      const { frames, transferSyntaxUID, bytes } = await instanceFrames(source, uids, jsonNumber(ds, '00280008') ?? 1, signal).finally(fetched);
      bytesDone += bytes;
      checkSeriesBytes(bytesDone, limits.seriesBytes, done + 1, seriesName);
      // Cutting the answer into frames took its own task; converting them (and, for the first
      // image, showing it) gets another, so the two do not hold the page as one.
      await yieldToEventLoop();
      throwIfAborted(signal);
      const instance = instanceFromMetadata(ds, frames, transferSyntaxUID, name);
      convertOnArrival(instance);
      result.instances.push(instance);
      onInstance?.(instance);
    } catch (error) {
      const e = toSegmarkError(error, 'internal', name);
      if (fatal(error, e)) end(e);
      result.failed++;
      onError?.(e);
    }
    done++;
    progress();
  };

  /** One part of the series stream: a whole DICOM file, parsed as a local file is. */
  let lastYield = performance.now();
  let parts = 0;
  const takePart = async (bytes: Uint8Array, index: number, wanted: Set<string> | undefined): Promise<void> => {
    parts++;
    if (performance.now() - lastYield > YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    let instance: DicomInstance;
    try {
      instance = parseInstance(bytes, seriesName, { allowNonImage: true, limits });
    } catch (error) {
      const e = toSegmarkError(error, 'not-dicom', seriesName);
      if (e.code === 'not-an-image') {
        result.skipped.push(`${seriesName} part ${index + 1}`);
        return;
      }
      result.failed++;
      onError?.(e);
      done++;
      progress();
      return;
    }
    const sop = instance.sopInstanceUID;
    // The first image came on its own; on the metadata path only what it listed (and the checks let through) is wanted.
    if (received.has(sop) || (wanted && !wanted.has(sop))) return;
    received.add(sop);
    if (isSegmentation(instance)) {
      result.skipped.push(sop);
      return;
    }
    instance.fileName = instanceName(sop);
    voxels += instance.pixel.rows * instance.pixel.columns * Math.max(1, instance.numberOfFrames);
    // The count times the first image's size was within the budget; instances larger than it may not be.
    checkSeriesVoxels(voxels, limits.seriesVoxels, `${result.instances.length + 1} image(s)`, seriesName);
    // Into HU while the stream is still coming, not after it (as local files are).
    convertOnArrival(instance);
    result.instances.push(instance);
    onInstance?.(instance);
    done++;
    progress();
  };

  /** Starts the series stream; `ready` is awaited before the first part is parsed. Resolves true when it brought the whole series. */
  const stream = (ready: Promise<void>, wanted: Set<string> | undefined): Promise<boolean> => {
    const reading = streamSeriesOffPage(source, series, {
      signal,
      onBytes: (n) => {
        bytesDone += n;
        checkSeriesBytes(bytesDone, limits.seriesBytes, done + 1, seriesName);
      },
      onPart: async (bytes, index) => {
        await ready;
        await takePart(bytes, index, wanted);
      },
    }).then(
      () => true,
      (error: unknown) => {
        const e = toSegmarkError(error, 'internal', seriesName);
        if (STREAM_FATAL.has(e.code) || isAbort(error) || signal.aborted) end(e);
        // Refused, not multipart, cut short, or failed midway: what is missing comes frame by frame.
        return false;
      },
    );
    reading.catch(() => {});
    return reading;
  };

  /**
   * The middle instance of the series, found by its instance number (which approximates slice
   * order; numbered from 1 as scanners do, else the one at the middle of the server's own order),
   * from its own metadata and frames. Its frame is fetched only when it is within the frame budget
   * and a series of `count` instances like it is within the voxel budget; otherwise (or when it
   * cannot be found) the series' metadata comes first, which checks and reports every instance.
   * Resolves, once its image is on screen (`afterFirst`), with its SOP Instance UID; undefined when
   * there was no early image.
   */
  const firstImage = async (count: number, fetched: () => void): Promise<string | undefined> => {
    const at = Math.floor(count / 2);
    const search = (query: Record<string, string>): Promise<InstanceResult[]> =>
      searchInstances(source, series.studyInstanceUID, series.seriesInstanceUID, query, signal);
    let found: { sopInstanceUID: string; ds: DicomJson } | undefined;
    try {
      // A server that cannot search a series' instances by number (Azure's DICOM service searches them
      // by SOP Instance UID only) may refuse that search, or answer it with another instance: then
      // the one at the middle of its own order.
      const byNumber = await search({ InstanceNumber: String(at + 1), limit: '1' }).catch((error: unknown) => {
        const e = toSegmarkError(error, 'internal');
        if (fatal(error, e)) throw e;
        return [];
      });
      const numbered = byNumber.find((i) => i.instanceNumber === undefined || i.instanceNumber === at + 1);
      const middle = numbered ?? (await search({ offset: String(at), limit: '1' }))[0];
      if (middle) found = { sopInstanceUID: middle.sopInstanceUID, ds: await instanceMetadata(source, { ...series, sopInstanceUID: middle.sopInstanceUID }, signal) };
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      if (fatal(error, e)) end(e);
    }
    if (!found) return undefined;
    const { ds, sopInstanceUID } = found;
    if (!isImageMetadata(ds) || jsonString(ds, '00080018') !== sopInstanceUID) return undefined;
    const rows = jsonNumber(ds, '00280010') ?? 0;
    const columns = jsonNumber(ds, '00280011') ?? 0;
    const frames = Math.max(1, jsonNumber(ds, '00280008') ?? 1);
    try {
      checkFrame(rows, columns, limits.frameVoxels, nameOf(ds));
      checkSeriesVoxels(rows * columns * frames * count, limits.seriesVoxels, `${count} image(s)`, seriesName);
    } catch {
      return undefined;
    }
    voxels += rows * columns * frames;
    // Fetched (or failed and reported) once: neither the stream nor the metadata brings it back.
    await readOne(ds, fetched);
    if (afterFirst) await afterFirst();
    return sopInstanceUID;
  };

  /**
   * The series' metadata, checked: instances over the frame budget are refused (and reported)
   * here, a series over the voxel budget as a whole. Resolves with the images to read.
   */
  const checkedMetadata = async (): Promise<{ images: DicomJson[]; refused: number }> => {
    const metadata = await seriesMetadata(source, series.studyInstanceUID, series.seriesInstanceUID, signal);
    const images: DicomJson[] = [];
    let refused = 0;
    let sum = 0;
    for (const ds of metadata) {
      if (!isImageMetadata(ds)) {
        result.skipped.push(jsonString(ds, '00080018'));
        continue;
      }
      const rows = jsonNumber(ds, '00280010') ?? 0;
      const columns = jsonNumber(ds, '00280011') ?? 0;
      if (received.has(jsonString(ds, '00080018'))) {
        sum += rows * columns * Math.max(1, jsonNumber(ds, '00280008') ?? 1);
        continue;
      }
      try {
        checkFrame(rows, columns, limits.frameVoxels, nameOf(ds));
      } catch (error) {
        refused++;
        result.failed++;
        onError?.(toSegmarkError(error, 'input-too-large'));
        continue;
      }
      sum += rows * columns * Math.max(1, jsonNumber(ds, '00280008') ?? 1);
      images.push(ds);
    }
    // Refused from the metadata, before any frame of these is fetched.
    checkSeriesVoxels(sum, limits.seriesVoxels, `${images.length + result.instances.length} image(s)`, seriesName);
    return { images, refused };
  };

  /** The instances of `images` not read yet, frame by frame, `concurrency` requests at a time. */
  const perFrame = async (images: DicomJson[]): Promise<void> => {
    const rest = images.filter((ds) => !received.has(jsonString(ds, '00080018')));
    const concurrency = Math.max(1, source.concurrency ?? DEFAULT_CONCURRENCY);
    await mapLimit(rest, concurrency, (ds) => readOne(ds), signal);
  };

  const count = await seriesInstanceCount(source, series.studyInstanceUID, series.seriesInstanceUID, signal);
  // The stream is asked for once the first image's frames are in (so it does not hold them up), and
  // its parts are parsed once that image is shown.
  let shown: () => void = () => {};
  const firstShown = new Promise<void>((resolve) => (shown = resolve));
  let streaming: Promise<boolean> | undefined;
  const first = count ? await firstImage(count, () => void (streaming ??= stream(firstShown, undefined))) : undefined;
  shown();

  if (first !== undefined) {
    total = count!;
    progress();
    if ((await streaming!) && parts >= count!) {
      throwIfAborted(signal);
      return result;
    }
    // The stream was refused, failed, or brought fewer instances than the series holds.
    throwIfAborted(signal);
    const { images } = await checkedMetadata();
    total = Math.max(total, images.length + received.size);
    await perFrame(images);
    throwIfAborted(signal);
    return result;
  }

  // No early image: the metadata first, then the middle one by instance number, as with files.
  const { images, refused } = await checkedMetadata();
  total = images.length;
  const sorted = [...images].sort((a, b) => (jsonNumber(a, '00200013') ?? 0) - (jsonNumber(b, '00200013') ?? 0));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle) await readOne(middle);
  if (afterFirst) await afterFirst();
  const wanted = new Set(images.map((ds) => jsonString(ds, '00080018')).filter((sop) => !received.has(sop)));
  // An instance over the frame budget is in the series retrieve too: then only the others, frame by frame.
  if (wanted.size > 0 && refused === 0) await stream(Promise.resolve(), wanted);
  throwIfAborted(signal);
  await perFrame(images);
  throwIfAborted(signal);
  return result;
}
