/**
 * The loading side of the annotator, as a reactive controller: a thin adapter
 * that ties a `SeriesLoading` workflow (`src/session/series-loading.ts`) to
 * the element's lifecycle. It gives the workflow this annotator's own decoder
 * threads (nothing is shared with another annotator on the page) and a way to
 * let the preview paint, and asks the element to re-render when loading state
 * changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createFrameDecoder } from '../../core/dicom/decoder-pool.js';
import { resolveLimits, type LoadLimitsInit } from '../../core/dicom/limits.js';
import type { LoadProgress, ReadHooks, ReadResult } from '../../core/dicom/loader.js';
import type { SegSource } from '../../core/dicom/seg-references.js';
import type { SeriesCandidate } from '../../core/dicom/series.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import { SeriesLoading, type SeriesLoadingListener } from '../../session/series-loading.js';
import type { SeriesListItem } from '../segmark-series-list/segmark-series-list.js';
import { afterNextFrame } from '../after-frame.js';

export type LoaderEvents = Omit<SeriesLoadingListener, 'onChange'>;

export class SeriesLoader implements ReactiveController {
  private readonly workflow: SeriesLoading;

  constructor(host: ReactiveControllerHost, events: LoaderEvents) {
    this.workflow = new SeriesLoading({ ...events, onChange: () => host.requestUpdate() }, { createDecoder: () => createFrameDecoder(), afterPreview: afterNextFrame });
    host.addController(this);
  }

  get candidates(): SeriesCandidate[] {
    return this.workflow.candidates;
  }

  get items(): SeriesListItem[] {
    return this.workflow.items;
  }

  get selectedKey(): string {
    return this.workflow.selectedKey;
  }

  get progress(): LoadProgress | undefined {
    return this.workflow.progress;
  }

  get loading(): boolean {
    return this.workflow.loading;
  }

  /** The host's budgets (a copy); `{}` when it set none. */
  get limits(): LoadLimitsInit {
    return { ...this.workflow.limits };
  }

  /** Checked at once (`bad-argument` for a value that is not a positive number), applied from the next load. */
  set limits(limits: LoadLimitsInit | undefined) {
    resolveLimits(limits);
    this.workflow.limits = limits ? { ...limits } : undefined;
  }

  hostDisconnected(): void {
    this.workflow.dispose();
  }

  cancel(): void {
    this.workflow.cancel();
  }

  /** Reads, groups and opens the largest series; resolves when all its slices are ready. */
  load(sources: readonly LoadSource[]): Promise<Volume | undefined> {
    return this.workflow.load(sources);
  }

  /** The same for instances that `read` gets some other way (DICOMweb), given the hooks `readInstances` takes. */
  loadWith(reader: (hooks: ReadHooks) => Promise<ReadResult>): Promise<Volume | undefined> {
    return this.workflow.loadWith(reader);
  }

  /** The segmentation named `file` of the last drop, when it annotates the series shown. */
  importableSeg(file: string): SegSource | undefined {
    return this.workflow.importableSeg(file);
  }

  /** Switches to another series of the last drop. */
  select(key: string): Promise<Volume | undefined> {
    return this.workflow.select(key);
  }
}

