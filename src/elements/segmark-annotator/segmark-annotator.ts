import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { LoadProgress } from '../../core/dicom/loader.js';
import type { LoadSource, NamedBlob } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { LoadWarning } from '../../core/dicom/warnings.js';
import { WINDOW_PRESETS, initialWindow, type WindowLevel } from '../../core/display/window.js';
import { SegmarkError, editRefusal, toSegmarkError } from '../../core/errors.js';
import { EXPORT_FORMATS, exportSeries, needsImage, type ExportFormat, type ExportJob, type ExportOptions } from '../../core/formats/export-job.js';
import { ExportRunner } from '../../core/formats/export-runner.js';
import { exportChecklist, type ChecklistFinding } from '../../core/formats/checklist.js';
import { applyImport, type ImportSummary } from '../../core/formats/import-apply.js';
import type { ExportChoice, ExportLabelItem } from '../segmark-export-dialog/segmark-export-dialog.js';
import { formatMessage } from '../../core/messages.js';
import type { NavigationTool } from '../../tools/navigation.js';
import type { AnnotationToolId, ToolStatusCode } from '../../tools/annotation-tool.js';
import type { ViewImage } from '../../viewer/cornerstone-view.js';
import {
  SEGMARK_CHANGE,
  SEGMARK_ERROR,
  SEGMARK_SAVE,
  SEGMARK_EXPORT,
  SEGMARK_LOAD,
  SEGMARK_PACS_STORE,
  SEGMARK_PROGRESS,
  SEGMARK_SLICE,
  SEGMARK_WINDOW,
  segmarkEvent,
  type ErrorDetail,
  type ExportDetail,
  type LoadDetail,
  type PacsStoreDetail,
  type SeriesSummary,
} from '../events.js';
import type { SegmarkViewport } from '../segmark-viewport/segmark-viewport.js';
import { toLocale } from '../../core/text.js';
import { strings } from '../text/ui.js';
import { toolStatusMessage, toolStrings } from '../text/tools.js';
import { renderToolbar } from './toolbar.js';
import { renderShortcutSheet } from './shortcut-sheet.js';
import type { SaveState } from '../../store/autosave.js';
import { THRESHOLD_PRESETS, type ThresholdBrushTool, type ThresholdPresetId } from '../../tools/threshold-brush.js';
import { acceptInterpolation, interpolateLabel } from '../../core/annotation/interpolate-label.js';
import { filesFromDataTransfer, filesFromInput } from './drop.js';
import { annotatorStyles } from './segmark-annotator.styles.js';
import { SeriesLoader } from './series-loader.js';
import { handleAnnotatorKey, type KeyTarget } from './keyboard.js';
import { AnnotationController, isAnnotationTool } from './annotation-controller.js';
import { WorkController } from './work.js';
import { ReviewController } from './review-controller.js';
import { VerifyController, reviewBarStyles } from './review-bar.js';
import type { ReviewStatus } from '../../core/review/workflow.js';
import type { CommentThread, NewComment } from '../../core/review/comments.js';
import type { StatusDetail } from '../events.js';
import type { RoleReason, TabRole } from '../../store/tabs.js';
import type { VersionItem } from '../segmark-work-panel/segmark-work-panel.js';
import type { DocumentSnapshot, RejectReason } from '../../core/annotation/document-data.js';
import type { DicomWebSource } from '../../dicomweb/request.js';
import { storeInstances } from '../../dicomweb/client.js';
import { readDicomWebSeries, type SeriesRef } from '../../dicomweb/read-series.js';
import { dicomIdentity, findSegmentations, retrieveSegmentation, type PacsSegmentation } from '../../dicomweb/segmentations.js';
import { AgreementController } from '../segmark-agreement/agreement-controller.js';
import type { AgreementResult } from '../../core/review/agreement.js';
import type { ChoiceKey, Side } from '../../core/review/adjudicate.js';

interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
  /** A button on the notice, e.g. Retry after a failed Save to PACS. */
  action?: { label: string; run: () => void };
}

/** What `loadDicomWeb` takes: the PACS (root, headers and request settings) and the series to open. */
export interface DicomWebLoad extends DicomWebSource, SeriesRef {}

/** Show the progress panel only for loads longer than a blink. */
const PROGRESS_DELAY_MS = 150;
const MAX_NOTICES = 50;

/** The tabs of the side bar. */
export type SideTab = 'labels' | 'review' | 'work';

/**
 * The annotator: opens a CT series (files, folders, zip archives, URLs) for
 * reading (window/level, zoom, pan, slices, HU and patient coordinates,
 * sagittal and coronal reformats), traces and paints labels with editable
 * outlines, keeps the work in the browser (autosave, versions, one writer per
 * document across tabs), exports it (NIfTI, DICOM SEG, PNG masks, COCO, an
 * nnU-Net package) after a checklist, and imports segmentations to correct.
 *
 * @fires segmark-load - a series is loaded; detail: series summary and warnings
 * @fires segmark-error - a file, slice or load failed; detail: `{ code, message, file }`
 * @fires segmark-progress - loading progress; detail: files and bytes done
 * @fires segmark-slice - the shown slice changed
 * @fires segmark-change - the annotation changed; detail `{ labelId, slice, kind }`
 * @fires segmark-save - the annotation was stored in the browser; detail `{ time }`
 * @fires segmark-export - an export was made; detail `{ format, fileName, size, elapsedMs, overridden }`
 * @fires segmark-window - the window changed
 * @fires segmark-pacs-store - a DICOM SEG was stored in the PACS by Save to PACS; detail: its UIDs and size
 * @fires segmark-status - the review status changed; detail `{ status, previous, user, role, at, note }`
 * @fires segmark-agreement - two documents were compared; detail `{ sideA, sideB, result, elapsedMs }`
 * @fires segmark-adjudicate - the open document was replaced by an adjudication; detail `{ sideB, fromA, fromB, revision }`
 * @csspart verify - the verification bar of the Review tab
 * @csspart reject-picker - the reason picker of a rejection
 * @csspart toolbar - the tool bar
 * @csspart viewport - the main (axial) view
 * @csspart side - the side panel with series and reformats
 * @csspart side-tabs - the side panel's tab strip (Labels, Review, Work)
 * @csspart statusbar - the slice slider and status line
 * @csspart review - the review panel (status, steps, audit trail, active time)
 * @csspart comments - the comments panel
 * @csspart review-banner - the banner over an approved (read-only) document
 * @cssproperty --segmark-danger-color
 * @cssproperty --segmark-warning-color
 * @cssproperty --segmark-background-color
 * @cssproperty --segmark-panel-color
 * @cssproperty --segmark-text-color
 * @cssproperty --segmark-muted-color
 * @cssproperty --segmark-accent-color
 * @cssproperty --segmark-on-accent-color - text on accent-coloured (pressed) buttons
 * @cssproperty --segmark-focus-color
 * @cssproperty --segmark-side-width
 * @cssproperty --segmark-font
 *
 * @tagname segmark-annotator
 */
export class SegmarkAnnotator extends LitElement {
  static override styles = [annotatorStyles, reviewBarStyles];

  private readonly loader = new SeriesLoader(this, {
    onError: (e) => this.reportError(e),
    onProgress: (p) => this.dispatchEvent(segmarkEvent(SEGMARK_PROGRESS, { ...p })),
    onPreview: (image, window) => {
      if (this.volume) return;
      this.preview = image;
      this.setWindow(window);
    },
    onVolume: (volume, k) => this.showVolume(volume, k),
    onSlice: (k) => this.sliceLoaded(k),
    onLoaded: (volume, warnings, ms) => this.loaded(volume, warnings, ms),
  });

  private readonly annotations = new AnnotationController(this, (change) => {
    this.viewport?.redraw();
    this.dispatchEvent(segmarkEvent(SEGMARK_CHANGE, { ...change }));
    this.review.changed(change, this.annotations.document);
  });

  private readonly work = new WorkController(this, this.annotations, (e) => this.reportError(e));

  /** Verification: accept, reject, next unverified (review-bar.ts). */
  private readonly verify = new VerifyController(this, {
    lang: () => this.lang,
    document: () => this.annotations.document,
    editable: () => this.editable && this.volume !== undefined,
    slice: () => this.slice,
    setSlice: (k) => (this.slice = k),
    activeLabel: () => this.activeLabel,
    setActiveLabel: (id) => (this.activeLabel = id),
  });

  private readonly review = new ReviewController(this, this.annotations, {
    lang: () => this.lang,
    actor: () => ({ user: this.user, role: this.role }),
    writable: () => this.annotations.writable,
    open: () => this.volume !== undefined && this.annotations.document !== undefined,
    slice: () => this.slice,
    setSlice: (k) => (this.slice = k),
    activeLabel: () => this.activeLabel,
    defaultPoint: () => (this.crosshair ? { x: this.crosshair.column + 0.5, y: this.crosshair.row + 0.5 } : undefined),
    centreOn: (x, y) => this.viewport?.centreOn(x, y),
    dispatch: (event) => this.dispatchEvent(event),
    reportError: (e) => this.reportError(e),
  });

  private readonly agreement = new AgreementController(this, {
    lang: () => this.lang,
    user: () => this.user,
    editable: () => this.editable,
    editRefusal: () => this.editRefusal(),
    openVolume: () => this.volume,
    openDocument: () => this.annotations.document,
    storedDb: () => this.annotations.storedDb(),
    documentKey: () => this.annotations.documentKey,
    checkpoint: () => this.work.save(),
    showSlice: (slice, labelId) => {
      this.slice = slice;
      this.activeLabel = labelId;
    },
    download: (file) => this.download(file),
    readMask: (bytes, target, file) => this.exportRunner.readMask(bytes, target, file),
    reportError: (e) => this.reportError(e),
    cancelTool: () => this.viewport?.cancelTool(),
  });

  /** Where autosave stands, for the indicator: saved (with time), saving, or failing and retrying. */
  /** The side bar's tab: `labels`, `review` (verification, status, comments, time) or `work` (recent work, versions). */
  @property({ attribute: 'side-tab', reflect: true }) sideTab: SideTab = 'labels';
  @state() private saveState: { state: SaveState; lastSaved: number | undefined } = { state: 'saved', lastSaved: undefined };
  /** The browser's answer to our request for persistent storage; undefined until asked. */
  @state() private persistent: boolean | undefined;
  /** The export dialog is open, with the checklist of its current choice. */
  @state() private exportState: { findings: ChecklistFinding[]; busy: boolean } | undefined;
  /** Another tab edits the open document: this one shows it read-only and offers to take over. */
  @state() private otherTab = false;

  /**
   * What the left button does: `window`, `pan`, `zoom`, or an annotation tool
   * (`freehand`, `polygon`, `livewire`, `edit`, `brush`, `eraser`, `threshold-brush`, `fill`).
   */
  @property({ reflect: true }) tool: NavigationTool | AnnotationToolId = 'window';
  /** The label the annotation tools draw (its id, 1..255). */
  @property({ type: Number, attribute: 'active-label', reflect: true }) activeLabel = 1;
  /** 0-based slice index in sorted order (inferior first for an axial series). */
  @property({ type: Number, reflect: true }) slice = 0;
  /** Window centre in HU. */
  @property({ type: Number, attribute: 'window-center' }) windowCenter = 40;
  /** Window width in HU. */
  @property({ type: Number, attribute: 'window-width' }) windowWidth = 400;
  /** Interface language: `en` or `zh-CN`. */
  @property({ reflect: true }) override lang = 'en';
  /**
   * `dark` (the default: a reading-room theme, dim and low-glare) or `light`.
   * Either can be adjusted with the `--segmark-*` custom properties.
   */
  @property({ reflect: true }) theme: 'dark' | 'light' = 'dark';
  /** No editing (reading only). */
  @property({ type: Boolean, reflect: true }) readonly = false;
  /** The annotator's name, given by the host page; stored work is kept per series and user. */
  @property() user = '';
  /** The annotator's role (e.g. `annotator`, `reviewer`), given by the host page. */
  @property() override role = '';
  /** Keep no annotation in the browser's storage (nothing saved, nothing restored). */
  @property({ type: Boolean, attribute: 'no-autosave' }) noAutosave = false;
  /**
   * Keep the source images of opened series in the browser (IndexedDB), so
   * recent work reopens without picking its files again. Off by default:
   * patient images in the browser are the hospital's choice.
   */
  @property({ type: Boolean, attribute: 'cache-images' }) cacheImages = false;
  /** Versions kept per document (a checkpoint every few minutes of editing and on every saved version); the oldest go first. */
  @property({ type: Number, attribute: 'revisions-kept' }) revisionsKept = 50;
  /** Most megabytes the image cache may hold; least recently used series go first. */
  @property({ type: Number, attribute: 'cache-limit' }) cacheLimit = 2048;
  /** Hides the built-in tool bar, for hosts that drive the element with their own controls. */
  @property({ type: Boolean, attribute: 'no-toolbar' }) noToolbar = false;

  @state() private volume: Volume | undefined;
  @state() private preview: ViewImage | undefined;
  @state() private invert = false;
  @state() private crosshair: { column: number; row: number } | undefined;
  @state() private notices: Notice[] = [];
  @state() private dragOver = false;
  @state() private showProgress = false;
  @state() private sheetOpen = false;
  /** The PACS and series the open series came from (loadDicomWeb); undefined for files and URLs. */
  @state() private pacs: { source: DicomWebSource; series: SeriesRef } | undefined;

  @query('segmark-viewport') private viewport!: SegmarkViewport;
  @query('input[name=files]') private fileInput!: HTMLInputElement;
  @query('input[name=mask]') private maskInput!: HTMLInputElement;
  @query('input[name=folder]') private folderInput!: HTMLInputElement;
  @query('input[name=urls]') private urlInput!: HTMLInputElement;

  private noticeId = 0;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private reformatTimer: ReturnType<typeof setTimeout> | undefined;

  /** This annotator's export workers, kept between exports and ended when it leaves the page. */
  private readonly exportRunner = new ExportRunner();

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeyDown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeyDown);
    clearTimeout(this.progressTimer);
    clearTimeout(this.reformatTimer);
    this.exportRunner.dispose();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('slice') && this.volume) {
      const clamped = Math.min(this.volume.slices - 1, Math.max(0, Math.round(this.slice)));
      if (clamped !== this.slice) this.slice = clamped;
    }
    if (changed.has('windowWidth') && this.windowWidth < 1) this.windowWidth = 1;
    // However the tool changes (toolbar, key, or a host setting the property), work in progress is
    // abandoned; the viewport still holds the old tool here, so the cancel reaches it.
    if (changed.has('tool') && changed.get('tool') !== undefined) this.viewport?.cancelTool();
    // Host settings take effect at once: new work is recorded under the new user; template labels are renamed.
    if (changed.has('user')) this.annotations.user = this.user;
    if (changed.has('lang')) this.annotations.locale = toLocale(this.lang);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('slice') && this.volume && changed.get('slice') !== undefined) {
      this.dispatchEvent(segmarkEvent(SEGMARK_SLICE, { slice: this.slice, location: this.volume.locations[this.slice]! }));
    }
    if ((changed.has('windowCenter') || changed.has('windowWidth')) && this.hasUpdated) {
      this.dispatchEvent(segmarkEvent(SEGMARK_WINDOW, { center: this.windowCenter, width: this.windowWidth }));
    }
  }

  /** Opens files (picked, dropped, or Blobs with a `name`). Resolves when every slice is ready. */
  async loadFiles(files: FileList | Iterable<File | NamedBlob>): Promise<void> {
    await this.loadSources(Array.from(files as Iterable<File | NamedBlob>));
  }

  /** Opens DICOM files (or zip archives) by URL; `headers` go with every request (e.g. a bearer token). */
  async loadUrls(urls: Iterable<string>, options: { headers?: Record<string, string> } = {}): Promise<void> {
    await this.loadSources(Array.from(urls, (url) => ({ url, headers: options.headers })));
  }

  /**
   * Opens a series from a PACS over DICOMweb (WADO-RS metadata, then frames,
   * compressed ones decoded here), with progress, `cancelLoad()`, and
   * `segmark-error` codes `pacs-*` for what the PACS did. `headers` (or a
   * function returning them, asked before each request) go with every request.
   * Resolves when every slice is ready.
   */
  async loadDicomWeb(options: DicomWebLoad): Promise<void> {
    const { studyInstanceUID, seriesInstanceUID, ...source } = options;
    const series = { studyInstanceUID, seriesInstanceUID };
    this.pacs = { source, series };
    await this.startLoad(() => this.loader.loadWith((hooks) => readDicomWebSeries(source, series, hooks)));
  }

  /**
   * Exports the annotation as a DICOM SEG (`options` as for `export`) and stores
   * it in the PACS the series came from (STOW-RS). Fires `segmark-pacs-store`
   * and resolves with its detail; on failure fires `segmark-error` and rejects,
   * keeping the work here and the file ready for the notice's Retry button.
   */
  async saveToPacs(options: ExportOptions = {}): Promise<PacsStoreDetail> {
    const file = await this.export('dicom-seg', options);
    return this.storeToPacs(file);
  }

  /** Segmentations (DICOM SEG) of the open series stored in its PACS, newest first. */
  async pacsSegmentations(): Promise<PacsSegmentation[]> {
    try {
      const pacs = this.requirePacs();
      return await findSegmentations(pacs.source, pacs.series);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.reportError(e);
      throw e;
    }
  }

  /** Imports a segmentation from the PACS onto the open series (as `importMask` does). */
  async openPacsSegmentation(seg: Pick<PacsSegmentation, 'studyInstanceUID' | 'seriesInstanceUID' | 'sopInstanceUID'>): Promise<ImportSummary> {
    let bytes: Uint8Array;
    try {
      bytes = await retrieveSegmentation(this.requirePacs().source, seg);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.reportError(e);
      throw e;
    }
    return this.importMask(new File([bytes as Uint8Array<ArrayBuffer>], `${seg.sopInstanceUID}.dcm`, { type: 'application/dicom' }));
  }

  private requirePacs(): { source: DicomWebSource; series: SeriesRef } {
    if (!this.volume) throw new SegmarkError('not-loaded', 'no series is open');
    if (!this.pacs) throw new SegmarkError('not-from-pacs', 'the open series did not come from a PACS');
    return this.pacs;
  }

  private async storeToPacs(file: File): Promise<PacsStoreDetail> {
    const started = performance.now();
    const t = toolStrings(this.lang);
    try {
      const pacs = this.requirePacs();
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { stored } = await storeInstances(pacs.source, [bytes]);
      const seg = dicomIdentity(bytes);
      const detail: PacsStoreDetail = { ...seg, sopInstanceUID: stored[0] ?? seg.sopInstanceUID, fileName: file.name, size: file.size, elapsedMs: performance.now() - started };
      this.notices = this.notices.filter((n) => n.action?.label !== t.retry);
      this.addNotice('info', `${t.savedToPacs} ${file.name}`);
      this.dispatchEvent(segmarkEvent(SEGMARK_PACS_STORE, detail));
      return detail;
    } catch (error) {
      const e = toSegmarkError(error, 'pacs-store-failed');
      this.reportError(e, { label: t.retry, run: () => void this.storeToPacs(file).catch(() => undefined) });
      throw e;
    }
  }

  /** Lists the PACS's segmentations of the open series as notices, each with an Open button. */
  private async showPacsSegmentations(): Promise<void> {
    const t = toolStrings(this.lang);
    const found = await this.pacsSegmentations().catch(() => undefined);
    if (!found) return;
    if (found.length === 0) this.addNotice('info', t.pacsNoSegmentations);
    for (const seg of found) {
      const when = `${seg.contentDate} ${seg.contentTime.slice(0, 6)}`.trim();
      const text = `${t.pacsSegmentation} ${seg.contentLabel || seg.seriesDescription || seg.sopInstanceUID} · ${seg.creator || '—'} · ${when} · ${seg.segments}`;
      this.addNotice('info', text, { label: t.open, run: () => void this.openPacsSegmentation(seg).catch(() => undefined) });
    }
  }

  /** Stops a load under way; what is already shown stays. */
  cancelLoad(): void {
    this.loader.cancel();
  }

  /** The loaded series, or undefined. */
  get series(): SeriesSummary | undefined {
    return this.volume ? summary(this.volume) : undefined;
  }

  /** A structured-clone-safe snapshot of the annotation (ARCHITECTURE "Public surface"), or undefined before a series is open. */
  getDocument(): DocumentSnapshot | undefined {
    const snapshot = this.annotations.document?.snapshot();
    return snapshot ? { ...snapshot, review: this.review.state.snapshot() } : undefined;
  }

  /** The document's review status (also the `review-status` attribute, read-only). */
  get reviewStatus(): ReviewStatus {
    return this.review.status;
  }

  /** The document's review status: `draft`, `submitted`, `approved` or `changes-requested`. */
  getStatus(): ReviewStatus {
    return this.review.status;
  }

  /**
   * Moves the review status, as the user's `role` allows (an annotator
   * submits; a reviewer approves, requests changes, reopens; no role: every
   * step). Fires `segmark-status` and returns its detail; a refused step fires
   * `segmark-error` (`review-step-refused`) and throws. Approved documents are
   * read-only until reopened.
   */
  setStatus(status: ReviewStatus, note?: string): StatusDetail {
    return this.review.setStatus(status, note);
  }

  /** The statuses the user's role may move the document to now. */
  statusSteps(): ReviewStatus[] {
    return this.review.steps();
  }

  /** Verifies the visible labels' unverified outlines on the shown slice, as one undo step (the V key); false when there was nothing to verify. */
  acceptSlice(): boolean {
    return this.verify.accept();
  }

  /**
   * Rejects the outline of (label, slice) with a reason (`boundary-wrong`,
   * `wrong-label`, `missed-structure`, `not-this-structure`, `other`) and an
   * optional note, as the R key's picker does; an undo step, announced as
   * `segmark-change` kind `verify`. Throws when there is no outline there or
   * the document cannot be edited.
   */
  rejectRegion(labelId: number, slice: number, reason: RejectReason, note?: string): void {
    const doc = this.annotations.document;
    if (!doc) throw new SegmarkError('not-loaded', 'no series is open');
    const refused = this.editRefusal();
    if (refused) throw refused;
    doc.setReview(labelId, slice, { state: 'rejected', reason, ...(note ? { note } : {}) });
  }

  /**
   * Goes to the active label's next unverified slice, else to the next label
   * with one (the N key); with `{ label: true }` straight to the next such
   * label (Shift+N).
   */
  nextUnverified(options: { label?: boolean } = {}): void {
    if (options.label) this.verify.nextLabel();
    else this.verify.next();
  }

  /** The document's comment threads (pinned to pixel points of slices), in the order they were made. */
  getComments(): CommentThread[] {
    return this.review.state.snapshot().comments;
  }

  /** Pins a comment to a point (pixel coordinates) of a slice; returns the new thread. */
  addComment(comment: NewComment): CommentThread {
    return this.review.addComment(comment);
  }

  /** Adds a reply to a comment thread. */
  replyToComment(id: string, text: string): void {
    this.review.reply(id, text);
  }

  /** Resolves (or, with `false`, reopens) a comment thread. */
  resolveComment(id: string, resolved = true): void {
    this.review.resolve(id, resolved);
  }

  /** Shows a comment's slice and centres its pin. */
  showComment(id: string): Promise<void> {
    return this.review.jump(id);
  }

  /** The HU range the threshold brush paints (e.g. `{ min: 50, max: 150 }` for discs). */
  setThresholdRange(range: { min: number; max: number }): void {
    this.thresholdBrush().range = range;
    this.requestUpdate();
  }

  private thresholdBrush(): ThresholdBrushTool {
    return this.annotations.tool('threshold-brush') as ThresholdBrushTool;
  }

  /** Writes unsaved annotation changes now; resolves when stored (autosave does this within a second anyway). */
  flushSave(): Promise<void> {
    return this.annotations.flush();
  }

  /**
   * Stores the open document now and keeps it as a version (also Ctrl+S).
   * Resolves to the version's id, or undefined when nothing could be stored.
   */
  saveVersion(): Promise<number | undefined> {
    return this.work.save();
  }

  /** The stored versions of the open document, newest first. */
  async listVersions(): Promise<VersionItem[]> {
    await this.work.refresh();
    return [...this.work.versions];
  }

  /** Makes the open document equal to a stored version, as one undoable step; false when there is no such version. */
  async restoreVersion(id: number): Promise<boolean> {
    if (this.review.locked) return false;
    this.viewport?.cancelTool();
    const restored = await this.work.restore(id);
    if (restored) this.review.log({ action: 'restore', revision: id });
    return restored;
  }

  /** When another tab edits the open document: asks it to store its work and hand over, and edits here from then on. */
  takeOver(): Promise<void> {
    return this.annotations.takeOver();
  }

  /** False while nothing may be edited: the `readonly` attribute, another tab editing this document, or an approved document. */
  get editable(): boolean {
    return !this.readonly && this.annotations.writable && !this.review.locked;
  }

  /** Why nothing may be edited now (`read-only`, `approved-locked`, `storage-other-tab`), or undefined. */
  private editRefusal(): SegmarkError | undefined {
    return editRefusal({ readonly: this.readonly, approved: this.review.locked, otherTab: !this.annotations.writable });
  }

  /** True once the stored annotation of the open series (if any) is restored and editing may start. */
  get annotationReady(): boolean {
    return this.annotations.ready;
  }

  /** Shows or hides the shortcut sheet (also the `?` key). */
  toggleShortcuts(open = !this.sheetOpen): void {
    this.sheetOpen = open;
    if (!open) this.focus();
  }

  /** Undoes the last annotation change; false when there is nothing to undo. */
  undo(): boolean {
    if (!this.editable) return false;
    this.viewport?.cancelTool();
    return this.annotations.document?.undo() ?? false;
  }

  /** Redoes the last undone change; false when there is nothing to redo. */
  redo(): boolean {
    if (!this.editable) return false;
    this.viewport?.cancelTool();
    return this.annotations.document?.redo() ?? false;
  }

  /**
   * Fills the slices between the active label's outlined slices by shape-based
   * interpolation (one undo step); they stay marked until accepted. Returns the slices filled.
   */
  interpolate(labelId = this.activeLabel): number[] {
    const document = this.annotations.document;
    const v = this.volume;
    if (!document || !v || !this.editable) return [];
    this.viewport?.cancelTool();
    return interpolateLabel(document, labelId, {
      columns: v.columns,
      rows: v.rows,
      positions: v.locations,
      pixelSpacing: [v.spacing[1], v.spacing[0]],
    }).filled;
  }

  /** Accepts interpolated outlines of the active label: on this slice, or on all slices with `all`. Returns how many. */
  acceptInterpolation(all = false, labelId = this.activeLabel): number {
    const document = this.annotations.document;
    if (!document || !this.editable) return 0;
    return acceptInterpolation(document, labelId, all ? undefined : [this.slice]);
  }

  /** Sets the window to a preset: `soft-tissue`, `bone`, `spine`, `lung` or `brain`. */
  applyPreset(id: string): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    if (preset) this.setWindow(preset);
  }

  fit(): void {
    this.viewport?.fit();
  }

  actualSize(): void {
    this.viewport?.actualSize();
  }

  override render() {
    const t = strings(this.lang);
    const p = this.loader.progress;
    const win: WindowLevel = { center: this.windowCenter, width: this.windowWidth };
    return html`
      ${this.noToolbar ? html`<div></div>` : this.renderToolbar(t)}
      <div class="main" @dragover=${this.onDragOver} @dragleave=${this.onDragLeave} @drop=${this.onDrop}>
        <div class="stage">
          <segmark-viewport
            part="viewport"
            tabindex="0"
            aria-label=${t.slice}
            .volume=${this.volume}
            .preview=${this.preview}
            .slice=${this.slice}
            .window=${win}
            .tool=${this.tool}
            .invert=${this.invert !== (this.volume?.invert ?? false)}
            .crosshair=${this.crosshair}
            .agreement=${this.agreement.overlay}
            .annotation=${this.annotations.forViewport(this.editable ? this.tool : 'window', this.activeLabel)}
            .emptyText=${t.emptyViewer}
            @sm-viewport-slice=${this.onSliceRequest}
            @sm-viewport-window=${this.onWindowDrag}
            @sm-viewport-crosshair=${this.onCrosshair}
            @sm-viewport-tool-status=${this.onToolStatus}
            .pins=${this.review.pins()}
            .pendingPin=${this.review.pendingPoint()}
            @pointerdown=${this.onViewportPointer}
          ></segmark-viewport>
        </div>
        <div class="side" part="side">
          <segmark-series-list
            aria-label=${t.series}
            .items=${this.loader.items}
            .selected=${this.loader.selectedKey}
            @sm-series-select=${this.onSeriesSelect}
          ></segmark-series-list>
          ${this.renderSideTabs(t)}
          <div class="tab-panel" role="tabpanel" id="panel-labels" aria-labelledby="tab-labels" ?hidden=${this.shownSideTab() !== 'labels'}>
            <segmark-label-panel
              .document=${this.annotations.document}
              .activeLabel=${this.activeLabel}
              .slice=${this.slice}
              .pixelSpacing=${this.volume ? ([this.volume.spacing[1], this.volume.spacing[0]] as const) : undefined}
              .sliceSpacing=${this.volume?.spacing[2] ?? 0}
              .lang=${this.lang}
              .readonly=${!this.editable}
              @sm-label-select=${this.onLabelSelect}
            ></segmark-label-panel>
          </div>
          <div class="tab-panel" role="tabpanel" id="panel-review" aria-labelledby="tab-review" ?hidden=${this.shownSideTab() !== 'review'}>
            ${this.verify.render()}
            ${this.review.renderSide(this.annotations.document?.labels ?? [])}
          </div>
          ${this.noAutosave
            ? nothing
            : html`<div class="tab-panel" role="tabpanel" id="panel-work" aria-labelledby="tab-work" ?hidden=${this.shownSideTab() !== 'work'}>
              <segmark-work-panel
                .recent=${this.work.recent}
                .versions=${this.work.versions}
                .lang=${this.lang}
                .readonly=${!this.editable}
                .hasDocument=${this.annotations.documentKey !== undefined}
                @sm-work-refresh=${() => void this.work.refresh()}
                @sm-work-delete=${(e: CustomEvent<{ id: string }>) => void this.work.delete(e.detail.id)}
                @sm-work-open=${(e: CustomEvent<{ id: string }>) => void this.openWork(e.detail.id)}
                @sm-images-forget=${() => void this.forgetCachedImages()}
                .cacheBytes=${this.cacheImages ? this.work.cacheBytes : undefined}
                @sm-version-restore=${(e: CustomEvent<{ id: number }>) => void this.restoreVersion(e.detail.id)}
                @sm-version-save=${() => void this.saveVersion()}
              ></segmark-work-panel>
            </div>`}
          ${(['sagittal', 'coronal'] as const).map(
            (plane) => html`<segmark-reformat
              aria-label=${t[plane]}
              .plane=${plane}
              .volume=${this.volume}
              .index=${plane === 'sagittal' ? (this.crosshair?.column ?? 0) : (this.crosshair?.row ?? 0)}
              .slice=${this.slice}
              .window=${win}
              .invert=${this.invert !== (this.volume?.invert ?? false)}
              @sm-viewport-slice=${this.onSliceRequest}
            ></segmark-reformat>`,
          )}
        </div>
        ${this.agreement.render()}
      </div>
      <div class="statusbar" part="statusbar">
        <label for="slider">${t.slice}</label>
        <input
          id="slider"
          type="range"
          min="0"
          max=${Math.max(0, (this.volume?.slices ?? 1) - 1)}
          .value=${String(this.slice)}
          ?disabled=${!this.volume}
          aria-label=${t.slice}
          @input=${(e: Event) => (this.slice = Number((e.target as HTMLInputElement).value))}
        />
        <span class="slice-label">${this.volume ? `${this.slice + 1} / ${this.volume.slices}` : '–'}</span>
        ${this.volume && !this.noAutosave ? this.renderSaveState() : nothing}
      </div>
      ${this.showProgress && p ? this.renderProgress(p, t) : nothing}
      ${this.otherTab ? this.renderOtherTab() : nothing}
      ${this.review.renderBanner()}
      ${this.notices.length ? this.renderNotices(t) : nothing}
      ${this.dragOver ? html`<div class="drop-hint">${t.dropHere}</div>` : nothing}
      ${this.sheetOpen ? renderShortcutSheet(this.lang, () => this.toggleShortcuts(false)) : nothing}
      ${this.exportState ? this.renderExportDialog() : nothing}
    `;
  }

  private renderToolbar(t: ReturnType<typeof strings>) {
    const document = this.annotations.document;
    return renderToolbar(
      {
        t,
        tools: toolStrings(this.lang),
        tool: this.tool,
        invert: this.invert,
        window: { center: this.windowCenter, width: this.windowWidth },
        annotationDisabled: !this.editable || !this.volume,
        canUndo: document?.canUndo ?? false,
        canRedo: document?.canRedo ?? false,
        backgroundOnly: document?.paintMode === 'background-only',
        threshold: this.thresholdBrush().range,
        canExport: this.volume !== undefined,
        fromPacs: this.pacs !== undefined,
        lang: this.lang,
      },
      {
        openFiles: () => this.fileInput.click(),
        openFolder: () => this.folderInput.click(),
        picked: this.onPick,
        urlsSubmitted: this.onUrlSubmit,
        setTool: (tool) => {
          this.viewport?.cancelTool();
          this.tool = tool;
        },
        fit: () => this.fit(),
        actualSize: () => this.actualSize(),
        toggleInvert: () => (this.invert = !this.invert),
        setWindow: (w) => this.setWindow(w),
        undo: () => this.undo(),
        redo: () => this.redo(),
        interpolate: () => this.interpolate(),
        acceptSlice: () => this.acceptInterpolation(false),
        acceptAll: () => this.acceptInterpolation(true),
        toggleBackgroundOnly: () => {
          if (!document) return;
          document.paintMode = document.paintMode === 'background-only' ? 'over-others' : 'background-only';
          this.requestUpdate();
        },
        shortcuts: () => this.toggleShortcuts(),
        exportDialog: () => this.openExportDialog(),
        importDialog: () => this.maskInput.click(),
        saveToPacs: () => void this.saveToPacs().catch(() => undefined),
        pacsSegmentations: () => void this.showPacsSegmentations(),
        compare: () => void this.openCompare(),
        maskPicked: (e: Event) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          input.value = '';
          // Failures are reported by importMask (segmark-error and a notice).
          if (file) this.importMask(file).catch(() => undefined);
        },
        setThreshold: (preset) => {
          if (preset in THRESHOLD_PRESETS) this.setThresholdRange(THRESHOLD_PRESETS[preset as ThresholdPresetId]);
        },
      },
    );
  }

  private renderSaveState() {
    const t = toolStrings(this.lang);
    const { state, lastSaved } = this.saveState;
    const time = lastSaved ? new Intl.DateTimeFormat(toLocale(this.lang), { timeStyle: 'medium' }).format(lastSaved) : '';
    const text = state === 'saving' ? t.saving : state === 'error' ? t.saveFailed : lastSaved ? `${t.saved} ${time}` : '';
    const persistence = this.persistent === undefined ? '' : this.persistent ? t.persistent : t.notPersistent;
    return html`<span class="save-state ${state}" part="save-state" role="status" aria-live="polite" data-state=${state}
      data-persistent=${this.persistent === undefined ? '' : String(this.persistent)} title=${persistence}>${text}${this.persistent === false ? ' ⚠' : ''}</span>`;
  }

  private renderOtherTab() {
    const t = toolStrings(this.lang);
    return html`<div class="other-tab" part="other-tab" role="status">
      <span>${t.otherTab}</span>
      <button class="take-over" @click=${() => void this.takeOver()}>${t.takeOver}</button>
    </div>`;
  }

  private roleChanged(role: TabRole, reason: RoleReason): void {
    const t = toolStrings(this.lang);
    this.otherTab = role === 'reader';
    if (role === 'reader') {
      this.viewport?.cancelTool();
      if (reason === 'handed-over') this.addNotice('warning', t.handedOver);
      if (reason === 'lost') this.addNotice('warning', t.lostDocument);
    } else if (reason === 'promoted') {
      this.addNotice('info', t.nowEditing);
    }
    void this.work.refresh();
  }

  /**
   * Opens a recent-work item: from the image cache when its images are there
   * (the document then reopens by itself), else the user is asked to open them.
   */
  private async openWork(id: string): Promise<void> {
    const files = this.cacheImages ? await this.work.cachedFiles(id) : undefined;
    if (files) {
      // Already in the cache (and marked used): not written again.
      await this.loadSources(files, false);
      return;
    }
    const item = this.work.recent.find((w) => w.id === id);
    this.addNotice('info', `${toolStrings(this.lang).openImagesFor} ${item?.description || id}`);
  }

  private renderProgress(p: LoadProgress, t: ReturnType<typeof strings>) {
    const mb = (b: number) => (b / 1048576).toFixed(1);
    const label = p.phase === 'read' ? `${t.reading} ${p.done} / ${p.total} ${t.files}` : `${t.decoding} ${p.done} / ${p.total} ${t.slices}`;
    return html`<div class="progress" role="status" aria-live="polite">
      <div class="row"><span>${label} · ${mb(p.bytesDone)} / ${mb(p.bytesTotal)} MB</span>
        <button @click=${() => this.cancelLoad()}>${t.cancel}</button></div>
      <progress max=${p.total} .value=${p.done}></progress>
    </div>`;
  }

  /** The tab shown: the chosen one, except that an open reject picker or a comment being placed shows Review. */
  private shownSideTab(): SideTab {
    if (this.verify.picking || this.review.pendingPoint()) return 'review';
    return this.sideTab === 'work' && this.noAutosave ? 'labels' : this.sideTab;
  }

  private renderSideTabs(t: ReturnType<typeof strings>) {
    const tabs: [SideTab, string][] = [['labels', t.labelPanel], ['review', t.tabReview]];
    if (!this.noAutosave) tabs.push(['work', t.tabWork]);
    const shown = this.shownSideTab();
    const pick = (tab: SideTab, focus: boolean): void => {
      this.sideTab = tab;
      if (focus) void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
    };
    // The tab pattern of WAI-ARIA: one tab stop, arrows (and Home/End) move between tabs and show them.
    const onKey = (e: KeyboardEvent): void => {
      const at = tabs.findIndex(([id]) => id === shown);
      const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      pick(tabs[(to + tabs.length) % tabs.length]![0], true);
    };
    return html`<div class="side-tabs" role="tablist" aria-label=${t.sidePanels} part="side-tabs" @keydown=${onKey}>
      ${tabs.map(
        ([id, name]) => html`<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected=${id === shown ? 'true' : 'false'}
          tabindex=${id === shown ? 0 : -1} @click=${() => pick(id, false)}>${name}</button>`,
      )}
    </div>`;
  }

  private renderNotices(t: ReturnType<typeof strings>) {
    return html`<div class="notices" role="log" aria-live="polite">
      ${this.notices.map(
        (n) => html`<div class="notice ${n.kind}">
          <span>${n.text}</span>
          ${n.action ? html`<button class="notice-action" @click=${n.action.run}>${n.action.label}</button>` : nothing}
          <button aria-label=${t.dismiss} @click=${() => (this.notices = this.notices.filter((x) => x.id !== n.id))}>×</button>
        </div>`,
      )}
    </div>`;
  }

  private async loadSources(sources: LoadSource[], cache = true): Promise<void> {
    this.pacs = undefined;
    const volume = await this.startLoad(() => this.loader.load(sources));
    if (cache && volume && this.cacheImages && !this.noAutosave) await this.work.cacheImages(volume, sources, this.cacheLimit * 1e6);
  }

  /** Clears the view and runs one load with the progress panel. */
  private async startLoad(load: () => Promise<Volume | undefined>): Promise<Volume | undefined> {
    this.notices = [];
    this.volume = undefined;
    this.preview = undefined;
    this.viewport?.expectFirstImage();
    clearTimeout(this.progressTimer);
    this.showProgress = false;
    this.progressTimer = setTimeout(() => (this.showProgress = true), PROGRESS_DELAY_MS);
    try {
      return await load();
    } finally {
      clearTimeout(this.progressTimer);
      this.showProgress = false;
    }
  }

  /**
   * The annotation as a file (a `File`, so it carries its name): `nifti`
   * (the labelmap .nii.gz; `{ bundle: true }` a zip with its labels.json,
   * `{ image: true }` with the CT volume too) or `dicom-seg`. Options choose
   * the labels and the file name. The work runs in a worker; fires
   * `segmark-export`, or `segmark-error` (and rejects) when it fails.
   */
  async export(format: ExportFormat, options: ExportOptions = {}): Promise<File> {
    return this.runExport(format, options, []);
  }

  private async runExport(format: ExportFormat, options: ExportOptions, overridden: string[]): Promise<File> {
    const v = this.volume;
    const document = this.annotations.document;
    const started = performance.now();
    try {
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
        throw new SegmarkError('bad-argument', `unknown export format ${String(format)}`, { params: { argument: `format ${String(format)}` } });
      }
      if (!v || !document) throw new SegmarkError(this.loader.loading ? 'still-loading' : 'not-loaded', 'nothing is open to export');
      if (needsImage({ format, options }) && v.loaded.includes(0)) throw new SegmarkError('still-loading', 'the series is still loading');
      const job: ExportJob = { format, options, series: exportSeries(v), snapshot: { ...document.snapshot(), review: this.review.state.snapshot() }, user: this.user, role: this.role };
      const file = await this.exportRunner.run(job, v.sliceData);
      const detail: ExportDetail = { format, fileName: file.name, size: file.size, elapsedMs: performance.now() - started, overridden };
      this.dispatchEvent(segmarkEvent(SEGMARK_EXPORT, detail));
      if (this.annotations.writable) this.review.log({ action: 'export', format });
      return file;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.reportError(e);
      throw e;
    }
  }

  /**
   * Imports a segmentation onto the open series, to be corrected: a NIfTI
   * labelmap (.nii, .nii.gz; its voxels must lie on the series' pixels — a
   * mismatch is refused, never resampled), our NIfTI zip (with labels.json),
   * or a DICOM SEG (binary or fractional, placed by referenced image or by
   * position). Labels are matched by coded meaning, then name (a bare
   * labelmap's values are read as label ids), else created. Outlines arrive
   * unverified, as one undo step. Rejects (and fires `segmark-error`) when the
   * file cannot be placed.
   */
  async importMask(file: Blob): Promise<ImportSummary> {
    const v = this.volume;
    const document = this.annotations.document;
    const name = file instanceof File ? file.name : 'segmentation';
    try {
      if (!v || !document) throw new SegmarkError(this.loader.loading ? 'still-loading' : 'not-loaded', 'open a series before importing a segmentation');
      const refused = this.editRefusal();
      if (refused) throw refused;
      // Read and traced in the worker; the document takes the outlines in one step.
      const imported = await this.exportRunner.readMask(new Uint8Array(await file.arrayBuffer()), v, name);
      if (this.volume !== v || this.annotations.document !== document) throw new SegmarkError('aborted', 'another series was opened while the file was read');
      const late = this.editRefusal();
      if (late) throw late;
      this.viewport?.cancelTool();
      const summary = applyImport(document, imported, { historyLabel: `Import ${name}`, file: name });
      const locale = toLocale(this.lang);
      for (const w of imported.warnings) this.addNotice('warning', formatMessage(w.code, { ...w.params, file: name }, locale));
      const t = toolStrings(this.lang);
      this.addNotice('info', `${t.imported} ${summary.labels.map((l) => `${l.name} (${l.slices})`).join(', ') || '—'}`);
      this.review.log({ action: 'import', file: name });
      return summary;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.reportError(e.file ? e : new SegmarkError(e.code, e.message, { file: name, params: e.params, cause: e }));
      throw e;
    }
  }

  /** Opens the Compare panel (also the toolbar's Compare… button), listing the series' other stored documents. */
  openCompare(): Promise<void> {
    return this.agreement.show();
  }

  /**
   * Compares the open document (A) with B — another user's stored document of
   * this series (their `user` name), a segmentation file (DICOM SEG, NIfTI;
   * read onto the series, the open document untouched), or a snapshot — in a
   * worker, and shows the table and the disagreeing slices in the Compare
   * panel. Fires `segmark-agreement`; rejects (and fires `segmark-error`)
   * when B cannot be read or annotates another series.
   */
  compareWith(source: string | Blob | DocumentSnapshot): Promise<AgreementResult> {
    if (typeof source === 'string') return this.agreement.compare({ user: source });
    if (source instanceof Blob) return this.agreement.compare({ file: source instanceof File ? source : new File([source], 'segmentation') });
    return this.agreement.compare({ snapshot: source, name: 'snapshot' });
  }

  /**
   * After `compareWith`: replaces the open document with A, and B where
   * `choices` (keyed `labelId:slice`) say `'b'`, as one undoable step, the
   * document as it was kept as a version first. Fires `segmark-adjudicate`.
   */
  adjudicate(choices: ReadonlyMap<ChoiceKey, Side>): Promise<DocumentSnapshot> {
    return this.agreement.adjudicate(choices);
  }

  /** Opens the export dialog (also Ctrl+E and the toolbar's Export… button). */
  openExportDialog(): void {
    if (!this.volume || !this.annotations.document) return;
    this.viewport?.cancelTool();
    this.exportState = { findings: [], busy: false };
    // The workers start while the user reads the checklist.
    this.exportRunner.warm();
  }

  /** What the dialog's checklist says for a choice; also for hosts that build their own dialog. */
  exportChecklist(format: ExportFormat, options: ExportOptions = {}): ChecklistFinding[] {
    const v = this.volume;
    const document = this.annotations.document;
    if (!v || !document) return [];
    return exportChecklist({ format, options, series: v, snapshot: document.snapshot() });
  }

  private renderExportDialog() {
    const document = this.annotations.document;
    const labels: ExportLabelItem[] = (document?.labels ?? []).map((l) => ({ id: l.id, name: l.name, color: l.color, slices: document!.slicesOf(l.id).length }));
    return html`<segmark-export-dialog
      .labels=${labels}
      .findings=${this.exportState!.findings}
      .busy=${this.exportState!.busy}
      .lang=${this.lang}
      .name=${this.volume?.description ?? ''}
      @sm-export-check=${(e: CustomEvent<ExportChoice>) => {
        if (this.exportState) this.exportState = { ...this.exportState, findings: this.exportChecklist(e.detail.format, e.detail.options) };
      }}
      @sm-export-goto=${(e: CustomEvent<{ slice: number; labelId?: number }>) => {
        this.slice = e.detail.slice;
        if (e.detail.labelId !== undefined) this.activeLabel = e.detail.labelId;
        this.exportState = undefined;
      }}
      @sm-export-close=${() => {
        this.exportState = undefined;
        this.focus();
      }}
      @sm-export-run=${(e: CustomEvent<ExportChoice & { overridden: string[] }>) => void this.exportFromDialog(e.detail)}
    ></segmark-export-dialog>`;
  }

  private async exportFromDialog(choice: ExportChoice & { overridden: string[] }): Promise<void> {
    if (!this.exportState) return;
    this.exportState = { ...this.exportState, busy: true };
    try {
      const file = await this.runExport(choice.format, choice.options, choice.overridden);
      this.download(file);
      this.exportState = undefined;
    } catch {
      // Reported by runExport (segmark-error and a notice); the dialog stays for another try.
      if (this.exportState) this.exportState = { ...this.exportState, busy: false };
    }
  }

  /** Hands a file to the browser's download. */
  private download(file: File): void {
    const url = URL.createObjectURL(file);
    const a = globalThis.document.createElement('a');
    a.href = url;
    a.download = file.name;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Removes every cached image from this browser; stored annotations stay. */
  forgetCachedImages(): Promise<void> {
    return this.work.forgetImages();
  }

  private showVolume(volume: Volume, k: number): void {
    this.annotations.user = this.user;
    this.annotations.persist = !this.noAutosave;
    this.annotations.revisionsKept = Math.max(1, Math.trunc(this.revisionsKept) || 50);
    this.annotations.locale = toLocale(this.lang);
    this.annotations.storage = {
      onSaveState: (state, lastSaved, error) => {
        const was = this.saveState.state;
        this.saveState = { state, lastSaved };
        if (error && was !== 'error') this.reportError(error);
        if (state === 'saved' && lastSaved) this.dispatchEvent(segmarkEvent(SEGMARK_SAVE, { time: lastSaved }));
      },
      onStorageError: (error) => this.reportError(error),
      onPersistence: (granted) => (this.persistent = granted),
      onRole: (role, reason) => this.roleChanged(role, reason),
    };
    this.annotations.open(volume);
    this.volume = volume;
    this.preview = undefined;
    this.slice = k;
    this.crosshair = { column: Math.floor(volume.columns / 2), row: Math.floor(volume.rows / 2) };
    this.setWindow(initialWindow(volume.modality, volume.defaultWindow, volume.range));
  }

  private sliceLoaded(k: number): void {
    this.viewport?.sliceChanged(k);
    // Reformats cut through every slice: rebuild them now and then while slices arrive, not per slice.
    if (this.reformatTimer === undefined) {
      this.reformatTimer = setTimeout(() => {
        this.reformatTimer = undefined;
        this.rebuildReformats();
      }, 200);
    }
  }

  private loaded(volume: Volume, warnings: LoadWarning[], elapsedMs: number): void {
    clearTimeout(this.reformatTimer);
    this.reformatTimer = undefined;
    this.rebuildReformats();
    const locale = toLocale(this.lang);
    for (const w of warnings) this.addNotice('warning', formatMessage(w.code, w.params, locale));
    const detail: LoadDetail = {
      series: summary(volume),
      warnings: warnings.map((w) => ({ code: w.code, message: w.message, params: w.params, files: w.files })),
      otherSeries: this.loader.candidates.length - 1,
      elapsedMs,
    };
    this.dispatchEvent(segmarkEvent(SEGMARK_LOAD, detail));
  }

  private rebuildReformats(): void {
    this.renderRoot.querySelectorAll('segmark-reformat').forEach((r) => r.rebuild());
  }

  private reportError(error: SegmarkError, action?: Notice['action']): void {
    const locale = toLocale(this.lang);
    const message = formatMessage(error.code, { ...error.params, file: error.file ?? '' }, locale).trim();
    const detail: ErrorDetail = { code: error.code, message, ...(error.file ? { file: error.file } : {}), ...(error.params.status ? { status: Number(error.params.status) } : {}) };
    this.dispatchEvent(segmarkEvent(SEGMARK_ERROR, detail));
    if (error.code !== 'aborted') this.addNotice('error', message, action);
  }

  private addNotice(kind: Notice['kind'], text: string, action?: Notice['action']): void {
    this.notices = [...this.notices, { id: ++this.noticeId, kind, text, ...(action ? { action } : {}) }].slice(-MAX_NOTICES);
  }

  private setWindow(w: WindowLevel): void {
    this.windowCenter = w.center;
    this.windowWidth = Math.max(1, w.width);
  }

  /** From the views: an absolute slice (reformat click) or a step (wheel). */
  private readonly onSliceRequest = (e: CustomEvent<{ slice?: number; delta?: number }>): void => {
    e.stopPropagation();
    if (!this.volume) return;
    const target = e.detail.slice ?? this.slice + (e.detail.delta ?? 0);
    this.slice = Math.min(this.volume.slices - 1, Math.max(0, target));
  };

  private readonly onWindowDrag = (e: CustomEvent<WindowLevel>): void => {
    e.stopPropagation();
    this.setWindow(e.detail);
  };

  private readonly onCrosshair = (e: CustomEvent<{ column: number; row: number }>): void => {
    e.stopPropagation();
    this.crosshair = e.detail;
  };

  private readonly onToolStatus = (e: CustomEvent<{ status: ToolStatusCode }>): void => {
    e.stopPropagation();
    const text = toolStatusMessage(this.lang, e.detail.status);
    if (text) this.addNotice('warning', text);
  };

  private readonly onLabelSelect = (e: CustomEvent<{ labelId: number }>): void => {
    e.stopPropagation();
    this.activeLabel = e.detail.labelId;
  };

  private readonly onSeriesSelect = (e: CustomEvent<{ key: string }>): void => {
    e.stopPropagation();
    void this.loader.select(e.detail.key);
  };

  private readonly onPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const files = filesFromInput(input);
    input.value = '';
    if (files.length) void this.loadFiles(files);
  };

  private readonly onUrlSubmit = (e: Event): void => {
    e.preventDefault();
    const urls = this.urlInput.value.split(/[\s,]+/).filter(Boolean);
    if (urls.length) void this.loadUrls(urls);
  };

  private readonly onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragOver = true;
  };

  private readonly onDragLeave = (e: DragEvent): void => {
    if (e.target === e.currentTarget) this.dragOver = false;
  };

  private readonly onDrop = async (e: DragEvent): Promise<void> => {
    e.preventDefault();
    this.dragOver = false;
    if (!e.dataTransfer) return;
    const files = await filesFromDataTransfer(e.dataTransfer);
    if (files.length) await this.loadFiles(files);
  };

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLInputElement && target.type !== 'range') return;
    if (e.key === '?') {
      this.toggleShortcuts();
      e.preventDefault();
      return;
    }
    if (this.review.key(e) || this.verify.key(e)) {
      e.preventDefault();
      return;
    }
    if (handleAnnotatorKey(e, this.keyTarget)) {
      e.preventDefault();
      if (this.editable) this.review.activity();
    }
  };

  /** A press on the image: places a comment pin in pin mode (the tool never sees it), else counts as editing activity. */
  private readonly onViewportPointer = {
    capture: true,
    handleEvent: (e: PointerEvent): void => {
      if (e.button !== 0) return;
      if (this.review.pointer(this.viewport?.clientToImage(e.clientX, e.clientY))) {
        e.stopPropagation();
        e.preventDefault();
        return;
      }
      if (this.editable && isAnnotationTool(this.tool)) this.review.activity();
    },
  };

  /** What the keyboard can reach. */
  private readonly keyTarget: KeyTarget = {
    slices: () => this.volume?.slices ?? 0,
    slice: () => this.slice,
    setSlice: (k) => (this.slice = k),
    setWindow: (w) => this.setWindow(w),
    fit: () => this.fit(),
    actualSize: () => this.actualSize(),
    toggleInvert: () => (this.invert = !this.invert),
    zoomBy: (f) => this.viewport?.zoomBy(f),
    undo: () => this.undo(),
    redo: () => this.redo(),
    save: () => void this.saveVersion(),
    exportDialog: () => this.openExportDialog(),
    editable: () => this.editable && this.volume !== undefined,
    setTool: (tool) => {
      this.viewport?.cancelTool();
      this.tool = tool;
    },
    toolKey: (k) => {
      const context = this.viewport?.toolContext();
      if (!isAnnotationTool(this.tool) || !context || !this.editable) return false;
      if (!this.annotations.tool(this.tool).key(k, context)) return false;
      this.viewport?.redraw();
      return true;
    },
  };
}


function summary(v: Volume): SeriesSummary {
  return {
    studyInstanceUID: v.studyInstanceUID,
    seriesInstanceUID: v.seriesInstanceUID,
    description: v.description,
    modality: v.modality,
    sopInstanceUIDs: [...v.sopInstanceUIDs],
    rows: v.rows,
    columns: v.columns,
    slices: v.slices,
    spacing: [...v.spacing],
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-annotator': SegmarkAnnotator;
  }
}
