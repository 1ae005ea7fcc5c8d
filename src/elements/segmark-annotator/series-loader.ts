/**
 * The loading side of the annotator, as a reactive controller: sources →
 * series candidates → the chosen volume, with progress, cancellation, per-file
 * errors and thumbnails. It owns this annotator's decoder threads; nothing is
 * shared with another annotator on the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createFrameDecoder, type FrameDecoder } from '../../core/dicom/decoder-pool.js';
import { assembleSeries, decodeStored, loadVolume, modalityLut, noImagesError, readInstances, type LoadProgress, type ReadHooks, type ReadResult } from '../../core/dicom/loader.js';
import type { SeriesCandidate } from '../../core/dicom/series.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import { sliceView, toRealWorld, type Volume } from '../../core/dicom/volume.js';
import type { DicomInstance } from '../../core/dicom/types.js';
import type { ViewImage } from '../../viewer/cornerstone-view.js';
import { valueRange } from '../../viewer/slice-images.js';
import type { LoadWarning } from '../../core/dicom/warnings.js';
import { makeThumbnail, type Thumbnail } from '../../core/display/thumbnail.js';
import { initialWindow, type WindowLevel } from '../../core/display/window.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import type { SeriesListItem } from '../segmark-series-list/segmark-series-list.js';

const PROGRESS_INTERVAL_MS = 100;

export interface LoaderEvents {
  onError(error: SegmarkError): void;
  onProgress(progress: LoadProgress): void;
  /** The first image read, shown while the rest of the series is still arriving. */
  onPreview(image: ViewImage, window: WindowLevel): void;
  /** The first slice of a new volume is ready to show. */
  onVolume(volume: Volume, firstSlice: number): void;
  onSlice(k: number): void;
  onLoaded(volume: Volume, warnings: LoadWarning[], elapsedMs: number): void;
}

export class SeriesLoader implements ReactiveController {
  candidates: SeriesCandidate[] = [];
  items: SeriesListItem[] = [];
  selectedKey = '';
  progress: LoadProgress | undefined;
  loading = false;

  private decoder: FrameDecoder | undefined;
  private lastProgress = -Infinity;
  private controller: AbortController | undefined;
  /**
   * Volumes already opened from the current drop. A series is decoded once: its
   * files' memory became the volume's slices, so switching back reuses it.
   */
  private volumes = new Map<string, { volume: Volume; warnings: LoadWarning[]; complete: boolean }>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly events: LoaderEvents,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
    this.decoder?.dispose();
    this.decoder = undefined;
  }

  cancel(): void {
    this.controller?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Reads, groups and opens the largest series; resolves when all its slices are ready. */
  load(sources: readonly LoadSource[]): Promise<Volume | undefined> {
    return this.loadWith((hooks) => readInstances(sources, hooks));
  }

  /** The same for instances that `read` gets some other way (DICOMweb), given the hooks `readInstances` takes. */
  loadWith(reader: (hooks: ReadHooks) => Promise<ReadResult>): Promise<Volume | undefined> {
    return this.run(async (signal) => {
      const start = performance.now();
      performance.mark('segmark:load-start');
      let first: DicomInstance | undefined;
      let previewed: Promise<void> = Promise.resolve();
      const read = await reader({
        afterFirst: () => previewed,
        signal,
        onError: (e) => this.events.onError(e),
        onProgress: (p) => this.setProgress(p),
        onInstance: (instance) => {
          if (first) return;
          first = instance;
          previewed = this.preview(instance, signal);
        },
      });
      performance.mark('segmark:read-done');
      const candidates = assembleSeries(read.instances);
      if (candidates.length === 0) throw noImagesError();
      this.candidates = candidates;
      this.volumes = new Map();
      this.items = candidates.map((c) => listItem(c, undefined));
      const chosen = candidates[0]!;
      // Open where the preview already is, so the picture does not jump when the volume takes over.
      const at = chosen.slices.findIndex((s) => s.instance === first && s.frameIndex === 0);
      return this.openCandidate(chosen, signal, start, at >= 0 ? at : undefined);
    });
  }

  /** Switches to another series of the last drop. */
  async select(key: string): Promise<Volume | undefined> {
    const candidate = this.candidates.find((c) => c.key === key);
    if (!candidate || key === this.selectedKey) return undefined;
    return this.run((signal) => this.openCandidate(candidate, signal, performance.now()));
  }

  /**
   * Runs one load, cancelling the one before. Errors are reported, except the
   * cancellation of a load that a newer one replaced.
   */
  private async run(work: (signal: AbortSignal) => Promise<Volume>): Promise<Volume | undefined> {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    this.loading = true;
    this.host.requestUpdate();
    try {
      return await work(controller.signal);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      if (e.code !== 'aborted' || this.controller === controller) this.events.onError(e);
      return undefined;
    } finally {
      if (this.controller === controller) {
        this.loading = false;
        this.progress = undefined;
        this.controller = undefined;
        this.host.requestUpdate();
      }
    }
  }

  /** Shows the first image read before the series is assembled; a failure here is reported by the volume load. */
  private async preview(instance: DicomInstance, signal: AbortSignal): Promise<void> {
    try {
      const decoder = (this.decoder ??= createFrameDecoder());
      const { pixels, min, max } = await realWorldFrame(instance, 0, decoder, signal);
      const { rows, columns } = instance.pixel;
      const g = instance.frames[0]!;
      if (signal.aborted) return;
      this.events.onPreview(
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
      await nextPaint();
    } catch {
      // The same frame is decoded again for the volume, and any error is reported there.
    }
  }

  private async openCandidate(candidate: SeriesCandidate, signal: AbortSignal, start: number, firstSlice?: number): Promise<Volume> {
    this.selectedKey = candidate.key;
    const opened = this.volumes.get(candidate.key);
    if (opened?.complete) {
      this.events.onVolume(opened.volume, Math.floor(opened.volume.slices / 2));
      this.events.onLoaded(opened.volume, opened.warnings, performance.now() - start);
      return opened.volume;
    }
    const decoder = (this.decoder ??= createFrameDecoder());
    let shown = false;
    if (opened) {
      shown = true;
      this.events.onVolume(opened.volume, firstSlice ?? Math.floor(opened.volume.slices / 2));
    }
    const result = await loadVolume(candidate, decoder, {
      signal,
      firstSlice,
      resume: opened?.volume,
      onAllocated: (volume) => this.volumes.set(candidate.key, { volume, warnings: [], complete: false }),
      onError: (e) => this.events.onError(e),
      onProgress: (p) => this.setProgress(p),
      onSlice: (k, volume) => {
        if (!shown) {
          shown = true;
          this.events.onVolume(volume, k);
          this.setThumbnail(candidate, volume, k);
        } else this.events.onSlice(k);
      },
    });
    if (!shown) throw new SegmarkError('no-images', 'no slice of the series could be decoded');
    this.volumes.set(candidate.key, { volume: result.volume, warnings: result.warnings, complete: true });
    this.events.onLoaded(result.volume, result.warnings, performance.now() - start);
    void this.thumbnailsForOthers(candidate, decoder, signal);
    return result.volume;
  }

  /**
   * Progress reaches the page at most every PROGRESS_INTERVAL_MS (and always at a phase's start and
   * end): re-rendering the element for each of hundreds of slices would cost more than decoding them.
   */
  private setProgress(p: LoadProgress): void {
    const now = performance.now();
    const edge = p.done === p.total || p.done <= 1 || p.phase !== this.progress?.phase;
    this.progress = p;
    if (!edge && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    this.events.onProgress(p);
    this.host.requestUpdate();
  }

  private setThumbnail(candidate: SeriesCandidate, volume: Volume, k: number): void {
    const window = initialWindow(volume.modality, volume.defaultWindow, { min: -1024, max: 3071 });
    const thumb = makeThumbnail(sliceView(volume, k), volume.columns, volume.rows, window, 64, volume.invert);
    this.replaceItem(candidate, thumb);
  }

  /** Thumbnails of the series not opened: decode only their middle frame. */
  private async thumbnailsForOthers(opened: SeriesCandidate, decoder: FrameDecoder, signal: AbortSignal): Promise<void> {
    for (const c of this.candidates) {
      if (c === opened || signal.aborted) continue;
      const { instance, frameIndex } = c.slices[Math.floor(c.slices.length / 2)]!;
      if (instance.bytes.byteLength === 0) continue;
      try {
        const { pixels, min, max } = await realWorldFrame(instance, frameIndex, decoder, signal);
        const window = initialWindow(c.modality, fileWindow(instance), { min, max });
        this.replaceItem(c, makeThumbnail(pixels, c.columns, c.rows, window, 64));
      } catch {
        // A thumbnail is a nicety: the series stays in the list without one.
      }
    }
  }

  private replaceItem(candidate: SeriesCandidate, thumbnail: Thumbnail): void {
    this.items = this.items.map((item) => (item.key === candidate.key ? listItem(candidate, thumbnail) : item));
    this.host.requestUpdate();
  }
}

/** Resolves after the next frame has been painted (two animation frames), or after 100 ms in a hidden page. */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

/** One frame in real-world values (a new array; the file's bytes are left as they are). */
async function realWorldFrame(
  instance: DicomInstance,
  frameIndex: number,
  decoder: FrameDecoder,
  signal: AbortSignal,
): Promise<{ pixels: Int16Array; min: number; max: number }> {
  const stored = await decodeStored(instance, frameIndex, decoder, signal);
  const pixels = new Int16Array(instance.pixel.rows * instance.pixel.columns);
  toRealWorld(stored, modalityLut(instance, frameIndex), pixels);
  return { pixels, ...valueRange(pixels) };
}

function fileWindow(instance: DicomInstance): WindowLevel | undefined {
  const { windowCenter: center, windowWidth: width } = instance;
  return center !== undefined && width !== undefined ? { center, width } : undefined;
}

function listItem(c: SeriesCandidate, thumbnail: Thumbnail | undefined): SeriesListItem {
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

