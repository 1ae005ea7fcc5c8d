/**
 * Loading, end to end and without the DOM: sources → parsed instances →
 * series candidates → one volume, with progress, cancellation and per-file
 * errors that never stop the rest.
 */
import { SegmarkError, isAbort, throwIfAborted, toSegmarkError } from '../errors.js';
import { mapLimit, yieldToEventLoop } from '../util/concurrency.js';
import { deflatedDataSetStart } from './inflate.js';
import { createInflater, type DataSetInflater } from './inflate-runner.js';
import { DEFAULT_LOAD_LIMITS, checkSeriesBytes, checkSeriesVoxels, resolveLimits, type LoadLimitsInit } from './limits.js';
import { frameBytes, parseInstance } from './parse.js';
import type { FrameDecoder } from './pixels/decoder.js';
import { decodeFrameSync } from './pixels/decode.js';
import { isLossyTransferSyntax, pixelEncoding } from './pixels/transfer-syntax.js';
import { isSegmentation, segReferences, type SegSource } from './seg-references.js';
import { assembleSeries, isLocalizer, type SeriesCandidate } from './series.js';
import { createBlobReader, type BlobReader } from './read-runner.js';
import { isZip, planReads, readSource, sourceName, unzipEntries, type LoadSource, type SourceBytes } from './sources.js';
import type { DicomInstance, StoredPixels } from './types.js';
import { allocateVolume, ctPadding, placeSlice, realWorldValues, writeSlice, type ModalityLut, type Volume } from './volume.js';
import type { LoadWarning } from './warnings.js';

export interface LoadProgress {
  phase: 'read' | 'decode';
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface LoadHooks {
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /** A file or slice failed; loading goes on without it. */
  onError?: (error: SegmarkError) => void;
  /** Budgets of this load (`LoadLimits`); what is left out keeps its default (`DEFAULT_LOAD_LIMITS`). */
  limits?: LoadLimitsInit;
}

export interface ReadResult {
  instances: DicomInstance[];
  /** DICOM files that are not images (DICOMDIR, SR …), kept out quietly. */
  skipped: string[];
  /** DICOM segmentations among the files, kept whole to be named and offered for import (files only; not from a PACS). */
  segs?: SegSource[];
  failed: number;
}

/** Files the operating system leaves in folders; never DICOM, never worth a message. */
function isSystemFile(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini';
}

/** Batches of local files the reader is given ahead of the one being parsed: it is never idle while this thread parses. */
const READ_AHEAD = 3;
/** URLs fetched at once. */
const URL_CONCURRENCY = 6;

export interface ReadHooks extends LoadHooks {
  /** Each image as soon as it is parsed (the first one can be shown before the series is complete). */
  onInstance?: (instance: DicomInstance) => void;
  /** Awaited after the first file, before the rest is read: lets the page paint the first image. */
  afterFirst?: () => Promise<void>;
  /** Inflates deflated files; default: a worker where there are workers (ended with the read), else this thread. */
  inflater?: DataSetInflater;
  /** Reads batches of local files; default: a worker where there are workers (ended with the read), else this thread. */
  reader?: BlobReader;
}

export async function readInstances(sources: readonly LoadSource[], hooks: ReadHooks = {}): Promise<ReadResult> {
  const inflater = hooks.inflater ?? new LazyInflater();
  // Its workers start only when a read of several local files asks for them.
  const reader = hooks.reader ?? createBlobReader();
  try {
    return await readEach(sources, hooks, inflater, reader);
  } finally {
    if (!hooks.inflater) inflater.dispose();
    if (!hooks.reader) reader.dispose();
  }
}

/** Starts its inflater (a worker in the page) only when a deflated file comes. */
class LazyInflater implements DataSetInflater {
  private inner: DataSetInflater | undefined;

  inflate(...args: Parameters<DataSetInflater['inflate']>): Promise<Uint8Array> {
    return (this.inner ??= createInflater()).inflate(...args);
  }

  dispose(): void {
    this.inner?.dispose();
  }
}

async function readEach(sources: readonly LoadSource[], hooks: ReadHooks, inflater: DataSetInflater, reader: BlobReader): Promise<ReadResult> {
  const { signal, onProgress, onError, onInstance, afterFirst } = hooks;
  const limits = resolveLimits(hooks.limits);
  const wanted = sources.filter((s) => !isSystemFile(sourceName(s)));
  // Asking a picked File its size costs a trip to the browser process (~0.4 ms each, 120–180 ms for
  // 300 files in one go): sizes are asked by the reader as it reads a batch, so the bytes to come are
  // extrapolated from what was read so far.
  const result: ReadResult = { instances: [], skipped: [], segs: [], failed: 0 };
  let done = 0;
  let bytesDone = 0;

  const accept = (entry: SourceBytes): void => {
    try {
      const instance = parseInstance(entry.bytes, entry.name, { allowNonImage: true, limits });
      if (isSegmentation(instance)) {
        result.segs!.push({ name: entry.name, bytes: entry.bytes, references: segReferences(instance) });
        return;
      }
      convertOnArrival(instance);
      result.instances.push(instance);
      onInstance?.(instance);
    } catch (error) {
      const e = toSegmarkError(error, 'not-dicom', entry.name);
      if (e.code === 'not-an-image') result.skipped.push(entry.name);
      else {
        result.failed++;
        onError?.(e);
      }
    }
  };

  const take = async (entry: SourceBytes): Promise<void> => {
    if (isZip(entry.bytes)) {
      for (const inner of await unzipEntries(entry.name, entry.bytes)) if (!isSystemFile(inner.name)) await acceptInflated(inner);
    } else {
      accept(entry);
    }
  };

  /** A deflated file with its data set inflated (off this thread where possible, under the cap) before it is parsed. */
  const inflated = async (entry: SourceBytes): Promise<SourceBytes> => {
    const position = deflatedDataSetStart(entry.bytes);
    if (position === undefined) return entry;
    return { name: entry.name, bytes: await inflater.inflate(entry.bytes, position, { maxBytes: limits.inflateBytes, frameVoxels: limits.frameVoxels }, entry.name, signal) };
  };

  const failed = (error: unknown, name: string): void => {
    if (isAbort(error) || signal?.aborted) throw error;
    result.failed++;
    onError?.(toSegmarkError(error, 'read-failed', name));
  };

  /** An entry of a zip archive: inflated like a file, and failing alone. */
  const acceptInflated = async (entry: SourceBytes): Promise<void> => {
    let ready: SourceBytes;
    try {
      ready = await inflated(entry);
    } catch (error) {
      failed(error, entry.name);
      return;
    }
    accept(ready);
  };

  const readOne = async (source: LoadSource): Promise<void> => {
    try {
      const bytes = await readSource(source, signal);
      bytesDone += bytes.byteLength;
      await take(await inflated({ name: sourceName(source), bytes }));
    } catch (error) {
      failed(error, sourceName(source));
    }
    done++;
  };

  /** Reads a unit (one source, or a batch of local files whose read may have started already) and parses what it read. */
  const readUnit = async (unit: LoadSource[], reading?: Promise<SourceBytes[]>): Promise<void> => {
    throwIfAborted(signal);
    if (unit.length === 1) await readOne(unit[0]!);
    else {
      let entries: SourceBytes[] | undefined;
      try {
        entries = await (reading ?? reader.read(unit, signal));
      } catch (error) {
        if (isAbort(error) || signal?.aborted) throw error;
        // One unreadable file spoils a batched read: read the batch file by file to find it.
        for (const source of unit) await readOne(source);
      }
      let lastYield = performance.now();
      for (const entry of entries ?? []) {
        // Parsing a batch is main-thread work: give the page a turn every few milliseconds.
        if (performance.now() - lastYield > 8) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        bytesDone += entry.bytes.byteLength;
        try {
          await take(await inflated(entry));
        } catch (error) {
          failed(error, entry.name);
        }
        done++;
      }
    }
    const bytesTotal = done >= wanted.length ? bytesDone : Math.round((bytesDone / Math.max(1, done)) * wanted.length);
    onProgress?.({ phase: 'read', done, total: wanted.length, bytesDone, bytesTotal: Math.max(bytesTotal, bytesDone) });
  };

  const middle = wanted[Math.floor(wanted.length / 2)];
  const first = middle ? [middle] : undefined;
  const rest = planReads(wanted.filter((s) => s !== middle));
  const batches = rest.filter((u) => !('url' in u[0]!));
  // Batches of local files are parsed one after another, in order, while the reader reads ahead.
  const reading: Promise<SourceBytes[]>[] = [];
  const startRead = (i: number): void => {
    const unit = batches[i];
    if (!unit || unit.length < 2 || reading[i] || signal?.aborted) return;
    reading[i] = reader.read(unit, signal);
    reading[i].catch(() => undefined); // awaited in turn by readUnit; until then not unhandled
  };
  const readAhead = async (): Promise<void> => {
    for (let i = 0; i < batches.length; i++) {
      for (let j = i; j < i + READ_AHEAD; j++) startRead(j);
      await readUnit(batches[i]!, reading[i]);
      delete reading[i];
    }
  };
  // The reader's worker loads its script while the first file is read here.
  if (batches.some((unit) => unit.length > 1)) reader.warm?.();
  // The first file alone and first of all: its image can be on screen while the rest is read.
  if (first) await readUnit(first);
  // The reader starts on the first batch while the page paints that image (handing it the batch
  // asks each file its size, ~0.4 ms a file: one batch only, so the image is not held back).
  startRead(0);
  if (afterFirst) await afterFirst();
  // URLs are fetched several at a time.
  await Promise.all([
    readAhead(),
    mapLimit(rest.filter((u) => 'url' in u[0]!), URL_CONCURRENCY, (unit) => readUnit(unit), signal),
  ]);
  throwIfAborted(signal);
  return result;
}

export { assembleSeries };

export interface VolumeHooks extends LoadHooks {
  /** Slice decoded first (default: the middle one, where a reader starts). */
  firstSlice?: number;
  /** Called after each slice lands in the volume. */
  onSlice?: (k: number, volume: Volume) => void;
  /** Called once, right after allocation, before any slice is decoded. */
  onAllocated?: (volume: Volume) => void;
  /** A volume of this series whose loading was cancelled: only its missing slices are decoded. */
  resume?: Volume;
  /** Voxels a series may have; overrides `limits.seriesVoxels`. */
  maxVoxels?: number;
}

/**
 * Voxels one series may have before anything is allocated: a 2,000-slice
 * 512² CT (1 GiB of 16-bit voxels). A larger series is refused with
 * `input-too-large`, naming its first file and the limit.
 */
export const SERIES_VOXEL_LIMIT = DEFAULT_LOAD_LIMITS.seriesVoxels;

export interface VolumeResult {
  volume: Volume;
  warnings: LoadWarning[];
  /** Slice indices that failed to decode (left at the lowest value). */
  failedSlices: number[];
}

/** Compressed frames kept in flight per decoder thread, so workers never wait for the main thread. */
const IN_FLIGHT_PER_THREAD = 2;

export async function loadVolume(series: SeriesCandidate, decoder: FrameDecoder, hooks: VolumeHooks = {}): Promise<VolumeResult> {
  const { signal, onProgress, onError, onSlice, onAllocated } = hooks;
  const limits = resolveLimits(hooks.limits);
  const firstFile = series.slices[0]?.instance.fileName;
  const voxels = series.rows * series.columns * series.slices.length;
  checkSeriesVoxels(voxels, hooks.maxVoxels ?? limits.seriesVoxels, `${series.slices.length} × ${series.columns} × ${series.rows}`, firstFile);
  const files = new Set(series.slices.map((s) => s.instance));
  checkSeriesBytes([...files].reduce((sum, i) => sum + i.bytes.byteLength, 0), limits.seriesBytes, files.size, firstFile);
  const volume = hooks.resume ?? allocateVolume(series);
  onAllocated?.(volume);
  const warnings = [...series.warnings];
  const n = series.slices.length;
  const first = Math.min(n - 1, Math.max(0, hooks.firstSlice ?? Math.floor(n / 2)));
  const order = [first, ...Array.from({ length: n }, (_, k) => k).filter((k) => k !== first)].filter((k) => !volume.loaded[k]);
  const framesLeft = new Map<DicomInstance, number>();
  for (const k of order) {
    const { instance } = series.slices[k]!;
    framesLeft.set(instance, (framesLeft.get(instance) ?? 0) + 1);
  }
  const bytesTotal = [...framesLeft.keys()].reduce((sum, i) => sum + i.bytes.byteLength, 0);
  const failedSlices: number[] = [];
  let clamped = 0;
  let done = 0;
  let bytesDone = 0;
  let lastYield = performance.now();

  const decodeOne = async (k: number): Promise<void> => {
    throwIfAborted(signal);
    const { instance, frameIndex } = series.slices[k]!;
    try {
      const converted = instance.realWorld?.[frameIndex];
      if (converted) {
        placeSlice(volume, k, converted);
        clamped += converted.clamped;
      } else {
        clamped += writeSlice(volume, k, await decodeStored(instance, frameIndex, decoder, signal), modalityLut(instance, frameIndex));
      }
      onSlice?.(k, volume);
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw toSegmarkError(error, 'aborted');
      failedSlices.push(k);
      volume.sliceData[k] = new Int16Array(volume.rows * volume.columns).fill(lowest(volume));
      onError?.(toSegmarkError(error, 'decode-failed', instance.fileName));
    }
    // The instance lets go of the file's bytes once its last frame is in the volume (16-bit native
    // slices live on in that memory, as views; everything else is freed).
    const left = framesLeft.get(instance)! - 1;
    framesLeft.set(instance, left);
    if (left === 0) {
      bytesDone += instance.bytes.byteLength;
      instance.bytes = EMPTY;
      delete instance.realWorld;
    }
    done++;
    onProgress?.({ phase: 'decode', done, total: n, bytesDone, bytesTotal });
    // Keep the page responsive: give the event loop a turn every few milliseconds of work.
    if (performance.now() - lastYield > 12) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  };

  if (order.length > 0) await decodeOne(order[0]!);
  await mapLimit(order.slice(1), Math.max(1, decoder.threads * IN_FLIGHT_PER_THREAD), decodeOne, signal);
  const lossy = series.slices.filter((s) => isLossyTransferSyntax(s.instance.pixel.transferSyntaxUID));
  if (lossy.length > 0) {
    warnings.push({
      code: 'lossy-compression',
      message: `${lossy.length} slice(s) use a lossy compression (${lossy[0]!.instance.pixel.transferSyntaxUID}); HU may differ slightly from the original`,
      params: { count: lossy.length, transferSyntax: lossy[0]!.instance.pixel.transferSyntaxUID },
    });
  }
  if (clamped > 0) {
    warnings.push({
      code: 'value-clamped',
      message: `${clamped} voxel values fell outside −32768…32767 and were clamped`,
      params: { count: clamped },
    });
  }
  if (volume.range.min > volume.range.max) volume.range = { min: 0, max: 0 };
  return { volume, warnings, failedSlices };
}

const EMPTY = new Uint8Array(0);

/**
 * Turns every frame of a just-read 16-bit native image into real-world values,
 * in place in its bytes, so that the work is done while the rest of the files
 * are still being read (from a worker, `read-runner.ts`) rather than after;
 * `loadVolume` then takes the frames as they are. Only when every frame is a
 * view of the file (little endian, aligned, no bits to mask): a frame that
 * needs a copy, or fails to decode, leaves the instance untouched for
 * `loadVolume`, which reports the error with the slice.
 */
export function convertOnArrival(instance: DicomInstance): void {
  const { pixel } = instance;
  if (instance.realWorld || pixel.bitsAllocated !== 16 || pixel.samplesPerPixel !== 1 || pixelEncoding(pixel.transferSyntaxUID) !== 'native') return;
  const stored: StoredPixels[] = [];
  try {
    for (let f = 0; f < instance.numberOfFrames; f++) stored.push(decodeFrameSync(pixel, frameBytes(instance, f)));
  } catch {
    return;
  }
  if (stored.some((s) => s.buffer !== instance.bytes.buffer)) return;
  const n = pixel.rows * pixel.columns;
  instance.realWorld = stored.map((s, f) => realWorldValues(s, modalityLut(instance, f), n));
}

function isNative(instance: DicomInstance): boolean {
  const encoding = pixelEncoding(instance.pixel.transferSyntaxUID);
  return encoding === 'native' || encoding === 'native-be';
}

/**
 * Stored values of one frame. Uncompressed frames are read in place (usually a
 * view of the file, no copy); sending them to a worker would cost two copies
 * and a round trip for no work saved.
 */
export async function decodeStored(
  instance: DicomInstance,
  frameIndex: number,
  decoder: FrameDecoder,
  signal?: AbortSignal,
): Promise<StoredPixels> {
  const encoded = frameBytes(instance, frameIndex);
  if (isNative(instance)) return decodeFrameSync(instance.pixel, encoded);
  return decoder.decode(instance.pixel, encoded, instance.fileName, signal);
}

/** Slope, intercept and padding of one frame. */
export function modalityLut(instance: DicomInstance, frameIndex: number): ModalityLut {
  const g = instance.frames[frameIndex]!;
  return {
    slope: g.rescaleSlope,
    intercept: g.rescaleIntercept,
    padding: instance.pixelPaddingValue,
    paddingTo: ctPadding(instance, frameIndex) ?? paddingValue(instance, g.rescaleSlope, g.rescaleIntercept),
  };
}

/** Padding (outside the reconstructed field) other than a CT's (which keeps its stored value, `ctPadding`): the lowest value. */
function paddingValue(instance: DicomInstance, slope: number, intercept: number): number {
  if (instance.modality === 'CT') return -1024;
  return Math.round(intercept + Math.min(0, slope * (instance.pixel.pixelRepresentation ? -(2 ** (instance.pixel.bitsStored - 1)) : 0)));
}

function lowest(volume: Volume): number {
  return Number.isFinite(volume.range.min) ? volume.range.min : volume.modality === 'CT' ? -1024 : 0;
}

export function noImagesError(): SegmarkError {
  return new SegmarkError('no-images', 'none of the files holds an image');
}

/**
 * Why a read gave no series to open, naming the file where one explains it:
 * only a localizer (`localizer-only`), only segmentations
 * (`seg-without-series`), or nothing that is an image at all (`no-images`).
 */
export function noSeriesError(read: ReadResult): SegmarkError {
  const localizer = read.instances.find(isLocalizer);
  if (localizer) {
    return new SegmarkError('localizer-only', 'the only image is a localizer (scout)', { file: localizer.fileName });
  }
  const seg = read.segs?.[0];
  if (seg) return new SegmarkError('seg-without-series', 'only DICOM segmentations, without the series they annotate', { file: seg.name });
  return noImagesError();
}
