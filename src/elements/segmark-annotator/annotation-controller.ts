/**
 * The annotation side of the annotator: one document per opened series, its
 * derived labelmap and overlay, the annotation tools, and the bridge from the
 * document's changes to redraws and `segmark-change`. Owned by one annotator;
 * nothing is shared across elements on the page. Restore, autosave, revisions
 * and the tab lock are the document session's (`store/document-session.ts`),
 * given this page's IndexedDB, BroadcastChannel and Web Locks.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnnotationDocument } from '../../core/annotation/document.js';
import type { AnnotationChange } from '../../core/annotation/document-data.js';
import { LabelmapSlices } from '../../core/annotation/labelmap.js';
import { ReformatLabels } from '../../viewer/reformat-labels.js';
import { REGION_OPS } from '../../core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../core/annotation/templates.js';
import { labelsFromTemplate } from '../../core/annotation/labels.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { AnnotationTool, AnnotationToolId } from '../../tools/annotation-tool.js';
import { GrowTool, NearbyTool, OneClickTool, createTool } from '../../tools/index.js';
import type { ToolStatusCode } from '../../tools/annotation-tool.js';
import { propagateToNearbySlices, type NearbyOptions, type NearbyResult } from '../../core/assist/nearby-slices.js';
import { growFromSeeds, type GrowResult } from '../../core/assist/grow-from-seeds.js';
import { oneClickRegion, type OneClickOptions, type OneClickResult } from '../../core/assist/one-click.js';
import type { BoxSpacing, Voxel, VoxelBox } from '../../core/assist/box.js';
import { THRESHOLD_PRESETS, type ThresholdRange } from '../../tools/threshold-brush.js';
import { isAnnotationTool } from '../../session/commands.js';
import { LabelOverlay } from '../../viewer/label-overlay.js';
import { openSegmarkDb, type SegmarkDb } from '../../store/db.js';
import { DocumentSession, type DocumentSessionEnvironment, type ReviewHooks, type StorageEvents } from '../../store/document-session.js';
import { sessionSeries } from '../../store/session-series.js';
import type { DocId } from '../../store/schema.js';
import { browserTabEnvironment } from '../../store/tabs.js';
import { systemClock } from '../../store/clock.js';
import type { Locale } from '../../core/text.js';
import type { ViewportAnnotation } from '../segmark-viewport/segmark-viewport.js';

export type { ReviewHooks, StorageEvents } from '../../store/document-session.js';

/** The 3D tools' computations, as the assist worker offers them; undefined when a newer request replaced one. */
export interface AssistCompute {
  grow(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, seeds: Uint8Array): Promise<GrowResult | undefined>;
  nearby(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, start: Uint8Array, options: NearbyOptions): Promise<NearbyResult | undefined>;
  oneClick(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, options: OneClickOptions): Promise<OneClickResult | undefined>;
}

/** The computations on this thread (tests; until the element starts its worker). */
const SAME_THREAD_ASSIST: AssistCompute = {
  grow: async (values, box, spacing, seeds) => growFromSeeds(values, box, spacing, seeds),
  nearby: async (values, box, spacing, start, options) => propagateToNearbySlices(values, box, spacing, start, options),
  oneClick: async (values, box, spacing, options) => oneClickRegion(values, box, spacing, options),
};

/** The document session's view of this page: its IndexedDB, BroadcastChannel, Web Locks, clock and StorageManager. */
function browserEnvironment(): DocumentSessionEnvironment {
  const tabs = browserTabEnvironment();
  return {
    openDb: (handlers) => openSegmarkDb(undefined, handlers),
    channel: tabs.channel,
    locks: tabs.locks,
    clock: systemClock,
    persistence: typeof navigator === 'undefined' ? undefined : navigator.storage,
  };
}

export class AnnotationController implements ReactiveController {
  /** The interface language, which names a new document's template labels. */
  #locale: Locale = 'en';
  get locale(): Locale {
    return this.#locale;
  }
  set locale(locale: Locale) {
    this.#locale = locale;
    // Template label names the user has not renamed follow the language at once.
    if (this.document) this.document.locale = locale;
  }
  storage: StorageEvents | undefined;
  labelmap: LabelmapSlices | undefined;
  /** The labels as the sagittal and coronal reformats show them. */
  reformatLabels: ReformatLabels | undefined;
  /** The stored side: restore, autosave, revisions, the tab lock and hand-over. */
  private readonly documents: DocumentSession<Volume>;
  private overlay: LabelOverlay | undefined;
  private readonly tools = new Map<AnnotationToolId, AnnotationTool>();
  /** Where the 3D tools compute (the element gives its assist worker); this thread until then. */
  assist: AssistCompute = SAME_THREAD_ASSIST;
  /** A 3D tool's result arrived or went: the element draws every view again. */
  toolChanged: () => void = () => this.host.requestUpdate();
  /** A 3D tool's computation asked by key came to this (no gesture reports it): the element tells the user. */
  toolStatus: (status: ToolStatusCode) => void = () => undefined;
  /** The series the document belongs to. */
  volume: Volume | undefined;
  /** Where the threshold brush and Fill read their HU range at each press (the element gives the session's). */
  thresholdRange: () => ThresholdRange = () => THRESHOLD_PRESETS.disc;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange: (change: AnnotationChange) => void,
  ) {
    this.documents = new DocumentSession(
      browserEnvironment(),
      {
        onDocument: (document, volume) => this.adopt(document, volume),
        onChange: () => this.host.requestUpdate(),
        onSaveState: (state, lastSaved, error) => this.storage?.onSaveState(state, lastSaved, error),
        onStorageError: (error) => this.storage?.onStorageError(error),
        onPersistence: (granted) => this.storage?.onPersistence(granted),
        onRole: (role, reason) => this.storage?.onRole(role, reason),
      },
      (_series, volume) => this.fresh(volume),
    );
    host.addController(this);
  }

  /** The document shown. */
  get document(): AnnotationDocument | undefined {
    return this.documents.document;
  }

  /** False while a stored document is being looked up: editing waits so nothing stored can be overwritten. */
  get ready(): boolean {
    return this.documents.ready;
  }

  /** Settles when the stored document of the open series is looked up: true when stored work was restored. */
  get restored(): Promise<boolean> {
    return this.documents.restored;
  }

  /** The user's name, part of the stored document's key. */
  get user(): string {
    return this.documents.user;
  }
  set user(user: string) {
    this.documents.user = user;
    // Who draws, edits and reviews from now on is recorded with each region, at once.
    if (this.document) this.document.user = user;
  }

  /** Another user's stored document to open for its series instead of the user's own (a reviewer's queue). */
  set openAs(docId: DocId | undefined) {
    this.documents.openAs = docId;
  }

  /** Off: nothing is written to or read from the browser's storage. */
  get persist(): boolean {
    return this.documents.persist;
  }
  set persist(persist: boolean) {
    this.documents.persist = persist;
  }

  /** Revisions kept per document. */
  get revisionsKept(): number | undefined {
    return this.documents.revisionsKept;
  }
  set revisionsKept(kept: number | undefined) {
    this.documents.revisionsKept = kept;
  }

  /** Loads and stores the document's review record with it. */
  get review(): ReviewHooks | undefined {
    return this.documents.review;
  }
  set review(hooks: ReviewHooks | undefined) {
    this.documents.review = hooks;
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // Off the page: store what is pending and let other tabs have the document.
    void this.documents.close();
  }

  hostConnected(): void {
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    if (this.document && !this.unsubscribe) this.listen(this.document);
    this.documents.resume();
  }

  /** The tab is closing or navigating: start writing what is pending (the debounce would be too late). */
  private readonly onPageHide = (): void => {
    void this.flush();
  };

  /** Writes pending changes now (e.g. before the host navigates away). */
  flush(): Promise<void> {
    return this.documents.flush();
  }

  /** The review record changed: store the document record soon. */
  touchRecord(): void {
    this.documents.touchRecord();
  }

  /** False while another tab edits this document (this one shows it read-only). */
  get writable(): boolean {
    return this.documents.writable;
  }

  /** The stored document's key, once the document is stored. */
  get documentKey(): DocId | undefined {
    return this.documents.documentKey;
  }

  /** The database, when storage is on and available. */
  storedDb(): Promise<SegmarkDb | undefined> {
    return this.documents.storedDb();
  }

  /** Makes this tab the document's writer (the other tab stores its work and steps down). */
  takeOver(): Promise<void> {
    return this.documents.takeOver();
  }

  /** An explicit save: writes now and keeps a checkpoint. Returns the revision id. */
  save(note?: string): Promise<number | undefined> {
    return this.documents.save(note);
  }

  /**
   * Puts a stored revision back into the open document as one undo step (so
   * the restore itself can be undone). Returns false when there is no such revision.
   */
  restoreRevision(id: number): Promise<boolean> {
    return this.documents.restoreRevision(id);
  }

  /**
   * The volume's document: the stored one for this series and user if there is
   * one, else a fresh one with the lumbar spine labels; autosaved from then on.
   */
  open(volume: Volume): AnnotationDocument {
    return this.documents.open(sessionSeries(volume), volume);
  }

  private fresh(volume: Volume): AnnotationDocument {
    return new AnnotationDocument({
      series: {
        studyInstanceUID: volume.studyInstanceUID,
        seriesInstanceUID: volume.seriesInstanceUID,
        sopInstanceUIDs: volume.sopInstanceUIDs,
        rows: volume.rows,
        columns: volume.columns,
        slices: volume.slices,
      },
      ops: REGION_OPS,
      labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE, this.locale),
      locale: this.locale,
    });
  }

  /** The session shows `document` now: derive its labelmap and overlay, and follow its changes. */
  private adopt(document: AnnotationDocument, volume: Volume): void {
    this.unsubscribe?.();
    document.locale = this.locale;
    this.volume = volume;
    this.labelmap = new LabelmapSlices(document, volume.columns, volume.rows, volume.slices);
    this.reformatLabels = new ReformatLabels(document, this.labelmap);
    this.overlay = new LabelOverlay(document, this.labelmap);
    this.tools.clear();
    this.listen(document);
    this.host.requestUpdate();
  }

  tool(id: AnnotationToolId): AnnotationTool {
    const tool = this.tools.get(id) ?? this.makeTool(id);
    this.tools.set(id, tool);
    return tool;
  }

  private makeTool(id: AnnotationToolId): AnnotationTool {
    const hooks = { document: () => this.document, volume: () => this.volume, changed: () => this.toolChanged() };
    switch (id) {
      case 'grow':
        return new GrowTool({ ...hooks, grow: (...args) => this.assist.grow(...args) });
      case 'one-click':
        return new OneClickTool({ ...hooks, range: () => this.thresholdRange(), oneClick: (...args) => this.assist.oneClick(...args) });
      case 'nearby':
        return new NearbyTool({ ...hooks, nearby: (...args) => this.assist.nearby(...args), status: (status) => this.toolStatus(status) });
      case 'threshold-brush':
      case 'fill':
        return createTool(id, { range: () => this.thresholdRange() });
      default:
        return createTool(id);
    }
  }

  /** What the viewport needs to draw labels and route the left button. */
  forViewport(toolId: string, activeLabel: number): ViewportAnnotation | undefined {
    if (!this.document || !this.overlay || !this.reformatLabels) return undefined;
    return {
      document: this.document,
      overlay: this.overlay,
      planeLabels: this.reformatLabels,
      activeLabel,
      tool: this.ready && this.writable && isAnnotationTool(toolId) ? this.tool(toolId) : undefined,
    };
  }

  private listen(document: AnnotationDocument): void {
    this.unsubscribe = document.subscribe((change) => {
      this.labelmap?.invalidate(change.slice);
      this.onChange(change);
      this.host.requestUpdate();
    });
  }
}
