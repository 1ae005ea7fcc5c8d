/**
 * Loading, end to end and without the DOM: sources → parsed instances →
 * series candidates → one volume, with progress, cancellation and per-file
 * errors that never stop the rest.
 */
import { SegmarkError, isAbort, throwIfAborted, toSegmarkError } from '../errors.js';
import { mapLimit, yieldToEventLoop } from '../util/concurrency.js';
import { frameBytes, parseInstance } from './parse.js';
import type { FrameDecoder } from './pixels/decoder.js';
import { isLossyTransferSyntax } from './pixels/transfer-syntax.js';
import { assembleSeries, type SeriesCandidate } from './series.js';
import { isZip, readSource, sourceName, sourceSize, unzipEntries, type LoadSource, type SourceBytes } from './sources.js';
import type { DicomInstance } from './types.js';
import { allocateVolume, writeSlice, type Volume } from './volume.js';
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
}

export interface ReadResult {
  instances: DicomInstance[];
  /** DICOM files that are not images (DICOMDIR, SR, SEG …), kept out quietly. */
  skipped: string[];
  failed: number;
}

/** Files the operating system leaves in folders; never DICOM, never worth a message. */
function isSystemFile(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini';
}

const READ_CONCURRENCY = 8;

export async function readInstances(sources: readonly LoadSource[], hooks: LoadHooks = {}): Promise<ReadResult> {
  const { signal, onProgress, onError } = hooks;
  const wanted = sources.filter((s) => !isSystemFile(sourceName(s)));
  const bytesTotal = wanted.reduce((sum, s) => sum + sourceSize(s), 0);
  const result: ReadResult = { instances: [], skipped: [], failed: 0 };
  let done = 0;
  let bytesDone = 0;

  const accept = (entry: SourceBytes): void => {
    try {
      result.instances.push(parseInstance(entry.bytes, entry.name));
    } catch (error) {
      const e = toSegmarkError(error, 'not-dicom', entry.name);
      if (e.code === 'not-an-image') result.skipped.push(entry.name);
      else {
        result.failed++;
        onError?.(e);
      }
    }
  };

  await mapLimit(
    wanted,
    READ_CONCURRENCY,
    async (source) => {
      throwIfAborted(signal);
      const name = sourceName(source);
      try {
        const bytes = await readSource(source, signal);
        bytesDone += bytes.byteLength;
        if (isZip(bytes)) {
          for (const entry of await unzipEntries(name, bytes)) if (!isSystemFile(entry.name)) accept(entry);
        } else {
          accept({ name, bytes });
        }
      } catch (error) {
        if (isAbort(error) || signal?.aborted) throw error;
        result.failed++;
        onError?.(toSegmarkError(error, 'read-failed', name));
      }
      done++;
      onProgress?.({ phase: 'read', done, total: wanted.length, bytesDone, bytesTotal: Math.max(bytesTotal, bytesDone) });
    },
    signal,
  );
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
}

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
  const volume = allocateVolume(series);
  onAllocated?.(volume);
  const warnings = [...series.warnings];
  const n = series.slices.length;
  const first = Math.min(n - 1, Math.max(0, hooks.firstSlice ?? Math.floor(n / 2)));
  const order = [first, ...Array.from({ length: n }, (_, k) => k).filter((k) => k !== first)];
  const framesLeft = new Map<DicomInstance, number>();
  for (const s of series.slices) framesLeft.set(s.instance, (framesLeft.get(s.instance) ?? 0) + 1);
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
      const encoded = frameBytes(instance, frameIndex);
      const stored = await decoder.decode(instance.pixel, encoded, instance.fileName, signal);
      const g = instance.frames[frameIndex]!;
      clamped += writeSlice(volume, k, stored, {
        slope: g.rescaleSlope,
        intercept: g.rescaleIntercept,
        padding: instance.pixelPaddingValue,
        paddingTo: paddingValue(instance, g.rescaleSlope, g.rescaleIntercept),
      });
      onSlice?.(k, volume);
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw toSegmarkError(error, 'aborted');
      failedSlices.push(k);
      volume.voxels.subarray(k * volume.rows * volume.columns, (k + 1) * volume.rows * volume.columns).fill(lowest(volume));
      onError?.(toSegmarkError(error, 'decode-failed', instance.fileName));
    }
    // The file's bytes are no longer needed once its last frame is in the volume.
    const left = framesLeft.get(instance)! - 1;
    framesLeft.set(instance, left);
    if (left === 0) {
      bytesDone += instance.bytes.byteLength;
      instance.bytes = EMPTY;
    }
    done++;
    onProgress?.({ phase: 'decode', done, total: n, bytesDone, bytesTotal });
    // Keep the page responsive: give the event loop a turn every few milliseconds of work.
    if (performance.now() - lastYield > 12) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  };

  await decodeOne(order[0]!);
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

/** Padding (outside the reconstructed field) shows as air in CT, as the lowest value otherwise. */
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
