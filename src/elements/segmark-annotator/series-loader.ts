/**
 * The loading side of the annotator, as a reactive controller: sources →
 * series candidates → the chosen volume, with progress, cancellation, per-file
 * errors and thumbnails. It owns this annotator's decoder threads; nothing is
 * shared with another annotator on the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createFrameDecoder, type FrameDecoder } from '../../core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, noImagesError, readInstances, type LoadProgress } from '../../core/dicom/loader.js';
import { frameBytes } from '../../core/dicom/parse.js';
import type { SeriesCandidate } from '../../core/dicom/series.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import { sliceView, type Volume } from '../../core/dicom/volume.js';
import type { LoadWarning } from '../../core/dicom/warnings.js';
import { makeThumbnail, type Thumbnail } from '../../core/display/thumbnail.js';
import { initialWindow } from '../../core/display/window.js';
import { SegmarkError, isSegmarkError, toSegmarkError } from '../../core/errors.js';
import type { SeriesListItem } from '../segmark-series-list/segmark-series-list.js';

export interface LoaderEvents {
  onError(error: SegmarkError): void;
  onProgress(progress: LoadProgress): void;
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
  private controller: AbortController | undefined;

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
  async load(sources: readonly LoadSource[]): Promise<Volume | undefined> {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    const start = performance.now();
    performance.mark('segmark:load-start');
    this.loading = true;
    this.host.requestUpdate();
    try {
      const read = await readInstances(sources, {
        signal,
        onError: (e) => this.events.onError(e),
        onProgress: (p) => this.setProgress(p),
      });
      const candidates = assembleSeries(read.instances);
      if (candidates.length === 0) throw noImagesError();
      this.candidates = candidates;
      this.items = candidates.map((c) => listItem(c, undefined));
      return await this.openCandidate(candidates[0]!, signal, start);
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

  /** Switches to another series of the last drop. */
  async select(key: string): Promise<Volume | undefined> {
    const candidate = this.candidates.find((c) => c.key === key);
    if (!candidate || key === this.selectedKey) return undefined;
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    this.loading = true;
    try {
      return await this.openCandidate(candidate, controller.signal, performance.now());
    } catch (error) {
      this.events.onError(toSegmarkError(error, 'internal'));
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

  private async openCandidate(candidate: SeriesCandidate, signal: AbortSignal, start: number): Promise<Volume> {
    this.selectedKey = candidate.key;
    const decoder = (this.decoder ??= createFrameDecoder());
    let shown = false;
    const result = await loadVolume(candidate, decoder, {
      signal,
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
    this.events.onLoaded(result.volume, result.warnings, performance.now() - start);
    void this.thumbnailsForOthers(candidate, decoder, signal);
    return result.volume;
  }

  private setProgress(p: LoadProgress): void {
    this.progress = p;
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
        const stored = await decoder.decode(instance.pixel, frameBytes(instance, frameIndex), instance.fileName, signal);
        const g = instance.frames[frameIndex]!;
        const values = Array.from(stored as ArrayLike<number>, (s) => s * g.rescaleSlope + g.rescaleIntercept);
        const window = initialWindow(c.modality, undefined, range(values));
        this.replaceItem(c, makeThumbnail(values, c.columns, c.rows, window, 64));
      } catch (error) {
        if (!isSegmarkError(error) || error.code !== 'aborted') continue;
      }
    }
  }

  private replaceItem(candidate: SeriesCandidate, thumbnail: Thumbnail): void {
    this.items = this.items.map((item) => (item.key === candidate.key ? listItem(candidate, thumbnail) : item));
    this.host.requestUpdate();
  }
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

function range(values: number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
