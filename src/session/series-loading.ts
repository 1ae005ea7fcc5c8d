/**
 * Loading a series, as a plain module (no DOM, no Lit): sources → series
 * candidates → the chosen volume, with progress, a preview of the first image,
 * cancellation, per-file errors, switching series, and thumbnails. The reading
 * and decoding themselves are `core/dicom/loader.ts`; this is the workflow
 * around them that an annotator runs, one load at a time.
 *
 * What it needs comes in as parameters: the decoder (a worker pool in the page,
 * made on first need and owned by this loader alone), the clock, and how to
 * let the page paint the preview. What it tells comes out through a listener.
 *
 * One load at a time: a new load (or `cancel`) stops the one before, and from
 * then on nothing of the old load reaches the listener, except the `aborted`
 * error that ends a load the user cancelled. What was already shown stays.
 */
import { assembleSeries, decodeStored, loadVolume, modalityLut, noSeriesError, readInstances, type LoadProgress, type ReadHooks, type ReadResult } from '../core/dicom/loader.js';
import type { LoadLimitsInit } from '../core/dicom/limits.js';
import type { FrameDecoder } from '../core/dicom/pixels/decoder.js';
import { segAnnotates, type SegSource } from '../core/dicom/seg-references.js';
import { isLocalizer, type SeriesCandidate } from '../core/dicom/series.js';
import type { LoadSource } from '../core/dicom/sources.js';
import type { DicomInstance } from '../core/dicom/types.js';
import { sliceView, toRealWorld, type Volume } from '../core/dicom/volume.js';
import type { LoadWarning } from '../core/dicom/warnings.js';
import { makeThumbnail, type Thumbnail } from '../core/display/thumbnail.js';
import { initialWindow, type WindowLevel } from '../core/display/window.js';
import { SegmarkError, throwIfAborted, toSegmarkError } from '../core/errors.js';
import { yieldToEventLoop } from '../core/util/concurrency.js';
import type { ViewImage } from '../viewer/cornerstone-view.js';

/** Progress reaches the listener at most this often (and always at a phase's start and end). */
const PROGRESS_INTERVAL_MS = 100;
/** Thumbnails are made for this long at most before the page gets a turn. */
const THUMBNAIL_SLICE_MS = 8;

/** What a load tells the page. */
export interface SeriesLoadingListener {
  onError(error: SegmarkError): void;
  onProgress(progress: LoadProgress): void;
  /** The first image read, shown while the rest of the series is still arriving. */
  onPreview(image: ViewImage, window: WindowLevel): void;
  /** The first slice of a new volume is ready to show. */
  onVolume(volume: Volume, firstSlice: number): void;
  onSlice(k: number): void;
  onLoaded(volume: Volume, warnings: LoadWarning[], elapsedMs: number): void;
  /** `loading`, `progress`, `items` or `selectedKey` changed. */
  onChange?(): void;
}

export interface SeriesLoadingOptions {
  /** Makes this loader's decoder, once, when the first frame needs one. */
  createDecoder: () => FrameDecoder;
  /** A monotonic clock in milliseconds. Default: `performance.now`. */
  now?: () => number;
  /** Awaited after the preview is announced, before the rest is read: lets the page paint it. Default: nothing to wait for. */
  afterPreview?: () => Promise<void>;
}

/** One entry of the series list (the shape `<segmark-series-list>` shows). */
export interface SeriesItem {
  key: string;
  description: string;
  modality: string;
  slices: number;
  rows: number;
  columns: number;
  seriesNumber: number | undefined;
  thumbnail: Thumbnail | undefined;
  warnings: number;
}

export class SeriesLoading {
  /** The series of the last drop, largest first. */
  candidates: SeriesCandidate[] = [];
  items: SeriesItem[] = [];
  selectedKey = '';
  /** DICOM segmentations of the last drop, beside its series. */
  segs: SegSource[] = [];
  progress: LoadProgress | undefined;
  loading = false;
  /** Budgets of the next loads (frame, series, inflate); what is left out keeps its default. */
  limits: LoadLimitsInit | undefined;

  private readonly now: () => number;
  private decoder: FrameDecoder | undefined;
  private lastProgress = -Infinity;
  /** The newest load's; aborted by `cancel` or by the next load, never cleared (it also stops that load's thumbnails). */
  private current: AbortController | undefined;
  /**
   * Volumes already opened from the current drop. A series is decoded once: its
   * files' memory became the volume's slices, so switching back reuses it.
   */
  private volumes = new Map<string, { volume: Volume; warnings: LoadWarning[]; complete: boolean }>();

  constructor(
    private readonly listener: SeriesLoadingListener,
    private readonly options: SeriesLoadingOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Stops the load under way (it ends with an `aborted` error); what is shown
   * stays. The decoder's threads end with it, so a frame still decoding stops
   * taking CPU and memory; the next load starts new ones.
   */
  cancel(): void {
    this.stop();
    this.decoder?.dispose();
    this.decoder = undefined;
  }

  private stop(): void {
    this.current?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Cancels, and ends the decoder's threads; a later load makes a new decoder. */
  dispose(): void {
    this.cancel();
  }

  /** Reads, groups and opens the largest series; resolves when all its slices are ready (undefined when the load failed or was stopped). */
  load(sources: readonly LoadSource[]): Promise<Volume | undefined> {
    // A local file is read in a millisecond: the decoder is started once the first one shows it is needed.
    return this.loadWith((hooks) => readInstances(sources, hooks), sources.some((s) => 'url' in s));
  }

  /**
   * The same for instances that `reader` gets some other way (DICOMweb), given the hooks `readInstances` takes.
   * `warmDecoder`: the decoder's first worker starts while the first file is on its way (over a network);
   * otherwise when the first image turns out to be compressed.
   */
  loadWith(reader: (hooks: ReadHooks) => Promise<ReadResult>, warmDecoder = true): Promise<Volume | undefined> {
    return this.run(async (signal, tell) => {
      const start = this.now();
      performance.mark('segmark:load-start');
      if (warmDecoder) this.decoderFor().warm?.();
      let first: DicomInstance | undefined;
      let previewed: Promise<void> = Promise.resolve();
      const read = await reader({
        afterFirst: () => previewed,
        signal,
        ...(this.limits ? { limits: this.limits } : {}),
        onError: (e) => tell.onError(e),
        onProgress: (p) => this.setProgress(p, signal, tell),
        onInstance: (instance) => {
          // A localizer is no preview of the series: alone it opens nothing, beside a series it is left out.
          if (first || isLocalizer(instance)) return;
          first = instance;
          if (instance.encapsulated) this.decoderFor().warm?.();
          previewed = this.preview(instance, signal, tell);
        },
      });
      performance.mark('segmark:read-done');
      // Reading ended in a task of its own; sorting thousands of files into series gets another,
      // and opening the largest a third, so none of them holds the page long (issue 17).
      await yieldToEventLoop();
      throwIfAborted(signal);
      const candidates = assembleSeries(read.instances);
      if (candidates.length === 0) throw noSeriesError(read);
      await yieldToEventLoop();
      throwIfAborted(signal);
      this.candidates = candidates;
      this.segs = read.segs ?? [];
      this.volumes = new Map();
      this.items = candidates.map((c) => listItem(c, undefined));
      const chosen = candidates[0]!;
      // Open where the preview already is, so the picture does not jump when the volume takes over.
      const at = chosen.slices.findIndex((s) => s.instance === first && s.frameIndex === 0);
      return this.openCandidate(chosen, signal, tell, start, at >= 0 ? at : undefined);
    });
  }

  /** The segmentation named `file` of the last drop, when it annotates the series shown (so it can be imported onto it). */
  importableSeg(file: string): SegSource | undefined {
    const shown = this.candidates.find((c) => c.key === this.selectedKey);
    const seg = this.segs.find((s) => s.name === file);
    return seg && shown && segAnnotates(seg.references, shown) ? seg : undefined;
  }

  /** Switches to another series of the last drop (undefined when it is the one shown, or unknown). */
  async select(key: string): Promise<Volume | undefined> {
    const candidate = this.candidates.find((c) => c.key === key);
    if (!candidate || key === this.selectedKey) return undefined;
    return this.run((signal, tell) => this.openCandidate(candidate, signal, tell, this.now()));
  }

  /**
   * Runs one load, cancelling the one before. Its listener goes quiet once its
   * signal fires. Errors are reported, except the cancellation of a load that
   * a newer one replaced.
   */
  private async run(work: (signal: AbortSignal, tell: SeriesLoadingListener) => Promise<Volume>): Promise<Volume | undefined> {
    // The load before stops; the decoder's threads stay for this one (a large frame still decoding ends its own).
    this.stop();
    const controller = new AbortController();
    this.current = controller;
    this.loading = true;
    this.changed();
    try {
      return await work(controller.signal, quietAfter(controller.signal, this.listener));
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      if (e.code !== 'aborted' || this.current === controller) this.listener.onError(e);
      return undefined;
    } finally {
      if (this.current === controller) {
        this.loading = false;
        this.progress = undefined;
        this.changed();
      }
    }
  }

  private decoderFor(): FrameDecoder {
    return (this.decoder ??= this.options.createDecoder());
  }

  /** Shows the first image read before the series is assembled; a failure here is reported by the volume load. */
  private async preview(instance: DicomInstance, signal: AbortSignal, tell: SeriesLoadingListener): Promise<void> {
    try {
      const { pixels, min, max } = await realWorldFrame(instance, 0, this.decoderFor(), signal);
      const { rows, columns } = instance.pixel;
      const g = instance.frames[0]!;
      if (signal.aborted) return;
      tell.onPreview(
        {
          id: `segmark:preview:${instance.sopInstanceUID}`,
          pixels,
          columns,
          rows,
          columnSpacing: g.pixelSpacing?.[1] ?? 1,
          rowSpacing: g.pixelSpacing?.[0] ?? 1,
          min,
          max,
        },
        initialWindow(instance.modality, fileWindow(instance), { min, max }),
      );
      // Let the preview reach the screen before the rest of the files keep the main thread busy.
      await this.options.afterPreview?.();
    } catch {
      // The same frame is decoded again for the volume, and any error is reported there.
    }
  }

  private async openCandidate(
    candidate: SeriesCandidate,
    signal: AbortSignal,
    tell: SeriesLoadingListener,
    start: number,
    firstSlice?: number,
  ): Promise<Volume> {
    this.selectedKey = candidate.key;
    const opened = this.volumes.get(candidate.key);
    if (opened?.complete) {
      tell.onVolume(opened.volume, Math.floor(opened.volume.slices / 2));
      tell.onLoaded(opened.volume, [...opened.warnings, ...this.segWarnings(candidate)], this.now() - start);
      return opened.volume;
    }
    const decoder = this.decoderFor();
    let shown = false;
    if (opened) {
      shown = true;
      tell.onVolume(opened.volume, firstSlice ?? Math.floor(opened.volume.slices / 2));
    }
    const result = await loadVolume(candidate, decoder, {
      signal,
      ...(this.limits ? { limits: this.limits } : {}),
      firstSlice,
      resume: opened?.volume,
      onAllocated: (volume) => this.volumes.set(candidate.key, { volume, warnings: [], complete: false }),
      onError: (e) => tell.onError(e),
      onProgress: (p) => this.setProgress(p, signal, tell),
      onSlice: (k, volume) => {
        if (signal.aborted) return;
        if (!shown) {
          shown = true;
          tell.onVolume(volume, k);
          this.setThumbnail(candidate, volume, k);
        } else tell.onSlice(k);
      },
    });
    if (!shown) throw new SegmarkError('no-images', 'no slice of the series could be decoded');
    this.volumes.set(candidate.key, { volume: result.volume, warnings: result.warnings, complete: true });
    performance.mark('segmark:slices-ready');
    tell.onLoaded(result.volume, [...result.warnings, ...this.segWarnings(candidate)], this.now() - start);
    void this.thumbnailsForOthers(candidate, decoder, signal);
    return result.volume;
  }

  /**
   * For each segmentation of the drop, named: `seg-beside-series` when it annotates the series opened
   * (the annotator offers to import it), `seg-other-series` when it annotates another one.
   */
  private segWarnings(opened: SeriesCandidate): LoadWarning[] {
    return this.segs.map((seg): LoadWarning =>
      segAnnotates(seg.references, opened)
        ? {
            code: 'seg-beside-series',
            message: `${seg.name} is a DICOM segmentation of this series; it was not opened as images`,
            params: { file: seg.name },
            files: [seg.name],
          }
        : {
            code: 'seg-other-series',
            message: `${seg.name} is a DICOM segmentation of another series (${seg.references.seriesInstanceUIDs.join(', ') || 'unknown'})`,
            params: { file: seg.name, series: seg.references.seriesInstanceUIDs.join(', ') || '?' },
            files: [seg.name],
          },
    );
  }

  /**
   * Progress reaches the listener at most every PROGRESS_INTERVAL_MS (and always at a phase's start and
   * end): re-rendering the element for each of hundreds of slices would cost more than decoding them.
   */
  private setProgress(p: LoadProgress, signal: AbortSignal, tell: SeriesLoadingListener): void {
    if (signal.aborted) return;
    const now = this.now();
    const edge = p.done === p.total || p.done <= 1 || p.phase !== this.progress?.phase;
    this.progress = p;
    if (!edge && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    tell.onProgress(p);
    tell.onChange?.();
  }

  private setThumbnail(candidate: SeriesCandidate, volume: Volume, k: number): void {
    const window = initialWindow(volume.modality, volume.defaultWindow, { min: -1024, max: 3071 });
    const thumb = makeThumbnail(sliceView(volume, k), volume.columns, volume.rows, window, 64, volume.invert);
    this.replaceItem(candidate, thumb);
  }

  /**
   * Thumbnails of the series not opened: decode only their middle frame. A
   * drop can hold thousands of series (issue 17): the work gives the page a
   * turn every few milliseconds, and the list gets its new thumbnails a batch
   * at a time, not one list (and one re-render) per thumbnail.
   */
  private async thumbnailsForOthers(opened: SeriesCandidate, decoder: FrameDecoder, signal: AbortSignal): Promise<void> {
    const made = new Map<string, Thumbnail>();
    let lastYield = this.now();
    let lastShown = lastYield;
    for (const c of this.candidates) {
      if (c === opened || signal.aborted) continue;
      const { instance, frameIndex } = c.slices[Math.floor(c.slices.length / 2)]!;
      if (instance.bytes.byteLength === 0) continue;
      try {
        const { pixels, min, max } = await realWorldFrame(instance, frameIndex, decoder, signal);
        if (signal.aborted) return;
        const window = initialWindow(c.modality, fileWindow(instance), { min, max });
        made.set(c.key, makeThumbnail(pixels, c.columns, c.rows, window, 64));
      } catch {
        // A thumbnail is a nicety: the series stays in the list without one.
      }
      if (this.now() - lastYield > THUMBNAIL_SLICE_MS) {
        if (this.now() - lastShown > PROGRESS_INTERVAL_MS) {
          this.replaceItems(made);
          lastShown = this.now();
        }
        await yieldToEventLoop();
        if (signal.aborted) return;
        lastYield = this.now();
      }
    }
    if (!signal.aborted) this.replaceItems(made);
  }

  private replaceItem(candidate: SeriesCandidate, thumbnail: Thumbnail): void {
    this.replaceItems(new Map([[candidate.key, thumbnail]]));
  }

  /** Gives the listed series their new thumbnails (keyed by series), in one new list. */
  private replaceItems(thumbnails: Map<string, Thumbnail>): void {
    if (thumbnails.size === 0) return;
    const byKey = new Map(this.candidates.map((c) => [c.key, c]));
    this.items = this.items.map((item) => {
      const t = thumbnails.get(item.key);
      const c = byKey.get(item.key);
      return t && c ? listItem(c, t) : item;
    });
    thumbnails.clear();
    this.changed();
  }

  private changed(): void {
    this.listener.onChange?.();
  }
}

/** The listener, muted once `signal` fires: a stopped or replaced load tells nothing more. */
function quietAfter(signal: AbortSignal, listener: SeriesLoadingListener): SeriesLoadingListener {
  const live = () => !signal.aborted;
  return {
    onError: (e) => live() && listener.onError(e),
    onProgress: (p) => live() && listener.onProgress(p),
    onPreview: (image, window) => live() && listener.onPreview(image, window),
    onVolume: (volume, k) => live() && listener.onVolume(volume, k),
    onSlice: (k) => live() && listener.onSlice(k),
    onLoaded: (volume, warnings, ms) => live() && listener.onLoaded(volume, warnings, ms),
    onChange: () => live() && listener.onChange?.(),
  };
}

/** One frame in real-world values, in a new array (the volume takes the file's memory for its own). */
async function realWorldFrame(
  instance: DicomInstance,
  frameIndex: number,
  decoder: FrameDecoder,
  signal: AbortSignal,
): Promise<{ pixels: Int16Array; min: number; max: number }> {
  const converted = instance.realWorld?.[frameIndex];
  if (converted) return { pixels: converted.values.slice(), min: converted.min, max: converted.max };
  const stored = await decodeStored(instance, frameIndex, decoder, signal);
  const pixels = new Int16Array(instance.pixel.rows * instance.pixel.columns);
  const { min, max } = toRealWorld(stored, modalityLut(instance, frameIndex), pixels);
  return { pixels, ...(min <= max ? { min, max } : { min: 0, max: 0 }) };
}

function fileWindow(instance: DicomInstance): WindowLevel | undefined {
  const { windowCenter: center, windowWidth: width } = instance;
  return center !== undefined && width !== undefined ? { center, width } : undefined;
}

function listItem(c: SeriesCandidate, thumbnail: Thumbnail | undefined): SeriesItem {
  return {
    key: c.key,
    description: c.description,
    modality: c.modality,
    slices: c.slices.length,
    rows: c.rows,
    columns: c.columns,
    seriesNumber: c.seriesNumber,
    thumbnail,
    warnings: c.warnings.length,
  };
}
