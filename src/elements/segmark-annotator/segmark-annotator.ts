import type { NamedBlob } from '../../core/dicom/sources.js';
import { WINDOW_PRESETS } from '../../core/display/window.js';
import type { ExportFormat, ExportOptions } from '../../core/formats/export-job.js';
import type { ExportAcceptance } from '../../session/export-gate.js';
import type { ChecklistFinding } from '../../core/formats/checklist.js';
import type { ImportSummary } from '../../core/formats/import-apply.js';
import type { DocumentSnapshot, RejectReason } from '../../core/annotation/document-data.js';
import type { ExchangeDocument } from '../../core/annotation/exchange-format.js';
import type { OpenDocumentOptions } from './document-exchange.js';
import type { CommentThread, NewComment } from '../../core/review/comments.js';
import type { ReviewStatus } from '../../core/review/workflow.js';
import type { AgreementResult } from '../../core/review/agreement.js';
import type { ChoiceKey, Side } from '../../core/review/adjudicate.js';
import type { DicomWebSource } from '../../dicomweb/request.js';
import { readDicomWebSeries, type SeriesRef } from '../../dicomweb/read-series.js';
import type { PacsSegmentation } from '../../dicomweb/segmentations.js';
import { runCommand } from '../../session/commands.js';
import type { PacsStoreDetail, SeriesSummary, StatusDetail } from '../events.js';
import type { VersionItem } from '../segmark-work-panel/segmark-work-panel.js';
import type { DatasetCase } from '../../store/dataset-cases.js';
import type { DatasetJobResult } from '../../session/dataset-job.js';
import type { DatasetBuildOptions } from './dataset.js';
import type { ReviewQueueEntry } from './work.js';
import type { DatasetSummary } from '../../store/datasets.js';
import type { DatasetDefinition } from '../../core/formats/dataset-definition.js';
import { AnnotatorBase, seriesSummary } from './annotator-base.js';
import { renderAnnotator } from './annotator-layout.js';

export type { SideTab } from './annotator-chrome.js';

/** What `loadDicomWeb` takes: the PACS (root, headers and request settings) and the series to open. */
export interface DicomWebLoad extends DicomWebSource, SeriesRef {}

/**
 * The annotator: opens a CT series (files, folders, zip archives, URLs, a
 * PACS) for reading (window/level, zoom, pan, slices, HU and patient
 * coordinates, sagittal and coronal reformats), traces and paints labels with
 * editable outlines, keeps the work in the browser (autosave, versions, one
 * writer per document across tabs), exports it (NIfTI, DICOM SEG, PNG masks,
 * COCO, an nnU-Net package) after a checklist, and imports segmentations to
 * correct. Its state is one session (session/annotator-session.ts); its keys,
 * buttons and methods go through one command table (session/commands.ts).
 *
 * @fires segmark-load - a series is loaded and its stored work restored; detail: series summary, warnings, `restored`
 * @fires segmark-error - a file, slice or load failed; detail: `{ code, message, file }`
 * @fires segmark-progress - loading progress; detail: files and bytes done
 * @fires segmark-slice - the shown slice changed
 * @fires segmark-change - the annotation changed; detail `{ labelId, slice, kind, revision, changed }` (`revision`: the document's change count after it; `changed`: every (label, slice) of that revision; kind `review`: the review record changed)
 * @fires segmark-conflict - `openDocument` refused a document based on a revision older than the host's current one; detail `{ revision, current }`
 * @fires segmark-save - the annotation was stored in the browser; detail `{ time }`
 * @fires segmark-export - an export was made; detail `{ format, fileName, size, elapsedMs, overridden, overriddenFindings }` (`overridden`: codes of the blocking findings exported anyway; `overriddenFindings`: each with its key, label and detail)
 * @fires segmark-window - the window changed
 * @fires segmark-pacs-store - a DICOM SEG was stored in the PACS by Save to PACS; detail: its UIDs and size
 * @fires segmark-status - the review status changed; detail `{ status, previous, user, role, at, note }`
 * @fires segmark-agreement - two documents were compared; detail `{ sideA, sideB, result, elapsedMs }`
 * @fires segmark-adjudicate - the open document was replaced by an adjudication; detail `{ sideB, fromA, fromB, revision }`
 * @fires segmark-label-select - the user picked a label in the label panel; detail `{ labelId }`; cancelable (cancelled, the active label stays)
 * @csspart verify - the verification bar of the Review tab
 * @csspart reject-picker - the reason picker of a rejection
 * @csspart frame - the box that holds the whole layout, filling the element
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
export class SegmarkAnnotator extends AnnotatorBase {
  /**
   * Opens files (picked, dropped, or Blobs with a `name`). Resolves when every slice is ready and the stored work is restored;
   * the reformats and panels show a new series a few frames after the main view: await `updateComplete` for all of them.
   */
  async loadFiles(files: FileList | Iterable<File | NamedBlob>): Promise<void> {
    await this.loads.load(Array.from(files as Iterable<File | NamedBlob>));
  }

  /** Opens DICOM files (or zip archives) by URL; `headers` go with every request (e.g. a bearer token). */
  async loadUrls(urls: Iterable<string>, options: { headers?: Record<string, string> } = {}): Promise<void> {
    await this.loads.load(Array.from(urls, (url) => ({ url, headers: options.headers })));
  }

  /**
   * Opens a series from a PACS over DICOMweb, with progress, `cancelLoad()`,
   * and `segmark-error` codes `pacs-*`. `headers` (or a function returning
   * them) go with every request. Resolves when every slice is ready and the stored work is restored (`updateComplete`:
   * and every view and panel shows the series).
   */
  async loadDicomWeb(options: DicomWebLoad): Promise<void> {
    const { studyInstanceUID, seriesInstanceUID, ...source } = options;
    const series = { studyInstanceUID, seriesInstanceUID };
    this.session.set('pacs', { source, series });
    await this.loads.start(() => this.loader.loadWith((hooks) => readDicomWebSeries(source, series, hooks)));
  }

  /** Exports a DICOM SEG (`options` as for `export`) and stores it in the series' PACS (STOW-RS); fires `segmark-pacs-store`, or `segmark-error` and rejects, the file kept for the notice's Retry. */
  saveToPacs(options: ExportOptions = {}): Promise<PacsStoreDetail> { return this.pacs.save(options); }
  /** Segmentations (DICOM SEG) of the open series stored in its PACS, newest first. */
  pacsSegmentations(): Promise<PacsSegmentation[]> { return this.pacs.segmentations(); }
  /** Imports a segmentation from the PACS onto the open series (as `importMask` does). */
  openPacsSegmentation(seg: Pick<PacsSegmentation, 'studyInstanceUID' | 'seriesInstanceUID' | 'sopInstanceUID'>): Promise<ImportSummary> { return this.pacs.open(seg); }
  /** Stops a load under way; what is already shown stays. */
  cancelLoad(): void { this.loader.cancel(); }

  /** The loaded series, or undefined. */
  get series(): SeriesSummary | undefined {
    const v = this.session.volume;
    return v ? seriesSummary(v) : undefined;
  }

  /**
   * The whole document in the exchange form (`format: 'segmark-document'`,
   * `formatVersion` 1, `revision`, the series, labels with codes, regions as
   * outlines with provenance and review decisions, `review`: status, audit
   * trail, comments, active time), plain JSON, or undefined before a series
   * is open. Its JSON Schema ships as `segmark/document.schema.json`
   * (`dist/segmark-document.schema.json`). `openDocument` takes it back.
   */
  getDocument(): ExchangeDocument | undefined { return this.documentExchange.get(); }

  /**
   * Opens a document in the exchange form (from `getDocument`, e.g. another
   * machine's, through the host) as the work on the open series: one undoable
   * step (undo brings back the regions, labels and review record that were
   * there), the review record included. It is checked first, and on any error
   * nothing changes: `document-invalid` (`params.field` names the JSON path),
   * `schema-version` (a newer format), `document-other-series` (another
   * series or grid: `params.field` names what differs), `document-conflict`
   * with `segmark-conflict` (based on a revision older than
   * `options.currentRevision`). Opening works on an approved document too (a
   * newer document from the server replaces it, its status with it); only
   * another tab editing the document stops it. Fires `segmark-change` (kind
   * `restore`) for what changed and returns the document's revision, which is
   * at least the opened document's.
   */
  openDocument(doc: ExchangeDocument, options: OpenDocumentOptions = {}): number { return this.documentExchange.open(doc, options); }

  /** The open document's revision: its change count (0 before a series is open). */
  get revision(): number { return this.session.document?.revision ?? 0; }

  /** The document's review status (also the `review-status` attribute, read-only). */
  get reviewStatus(): ReviewStatus { return this.review.status; }
  /** The document's review status: `draft`, `submitted`, `approved` or `changes-requested`. */
  getStatus(): ReviewStatus { return this.review.status; }
  /** Moves the review status as the user's `role` allows; fires `segmark-status`, or `segmark-error` (`review-step-refused`) and throws. Approved documents are read-only until reopened. */
  setStatus(status: ReviewStatus, note?: string): StatusDetail { return this.review.setStatus(status, note); }
  /** The statuses the user's role may move the document to now. */
  statusSteps(): ReviewStatus[] { return this.review.steps(); }
  /** Verifies the visible labels' unverified outlines on the shown slice, as one undo step (the V key); false when there was nothing to verify. */
  acceptSlice(): boolean { return runCommand(this.commands, 'verify.accept') ?? false; }

  /** Rejects the outline of (label, slice) with a reason and an optional note, as the R key's picker does (an undo step, `segmark-change` kind `verify`); throws when there is no outline there or the document cannot be edited. */
  rejectRegion(labelId: number, slice: number, reason: RejectReason, note?: string): void {
    const doc = this.session.requireEditable();
    doc.setReview(labelId, slice, { state: 'rejected', reason, ...(note ? { note } : {}) });
  }

  /** Goes to the active label's next unverified slice, else to the next label with one (N); with `{ label: true }` straight to the next such label (Shift+N). */
  nextUnverified(options: { label?: boolean } = {}): void { runCommand(this.commands, options.label ? 'verify.next-label' : 'verify.next'); }
  /** The document's comment threads (pinned to pixel points of slices), in the order they were made. */
  getComments(): CommentThread[] { return this.session.review.snapshot().comments; }
  /** Pins a comment to a point (pixel coordinates) of a slice; returns the new thread. */
  addComment(comment: NewComment): CommentThread { return this.review.addComment(comment); }
  /** Adds a reply to a comment thread. */
  replyToComment(id: string, text: string): void { this.review.reply(id, text); }
  /** Resolves (or, with `false`, reopens) a comment thread. */
  resolveComment(id: string, resolved = true): void { this.review.resolve(id, resolved); }
  /** Shows a comment's slice and centres its pin. */
  showComment(id: string): Promise<void> { return this.review.jump(id); }

  /** The HU range the threshold brush paints and Fill fills within (e.g. `{ min: 50, max: 150 }` for discs); a RangeError unless min ≤ max. */
  setThresholdRange(range: { min: number; max: number }): void {
    this.session.set('threshold', range);
  }

  /** Writes unsaved annotation changes now; resolves when stored (autosave does this within a second anyway). */
  flushSave(): Promise<void> { return this.annotations.flush(); }
  /** Stores the open document now and keeps it as a version (also Ctrl+S); resolves to the version's id, or undefined when nothing could be stored. */
  saveVersion(): Promise<number | undefined> { return this.work.save(); }

  /** The stored versions of the open document, newest first. */
  async listVersions(): Promise<VersionItem[]> {
    await this.work.refresh();
    return [...this.work.versions];
  }

  /** Makes the open document equal to a stored version, as one undoable step; false when there is no such version. */
  async restoreVersion(id: number): Promise<boolean> {
    if (this.review.locked) return false;
    this.cancelTools();
    const restored = await this.work.restore(id);
    if (restored) this.exchange.log({ action: 'restore', revision: id });
    return restored;
  }

  /** When another tab edits the open document: asks it to store its work and hand over, and edits here from then on. */
  takeOver(): Promise<void> { return this.annotations.takeOver(); }
  /** False while nothing may be edited: the `readonly` attribute, another tab editing this document, or an approved document. */
  get editable(): boolean { return this.session.editable; }
  /** True once the stored annotation of the open series (if any) is restored and editing may start. */
  get annotationReady(): boolean { return this.session.ready; }

  /** Undoes the last annotation change; false when there is nothing to undo. */
  undo(): boolean { return runCommand(this.commands, 'undo') ?? false; }
  /** Redoes the last undone change; false when there is nothing to redo. */
  redo(): boolean { return runCommand(this.commands, 'redo') ?? false; }
  /** Fills the slices between a label's outlined slices by shape-based interpolation (one undo step), marked until accepted; returns the slices filled. */
  interpolate(labelId = this.activeLabel): number[] { return runCommand(this.commands, 'interpolate', labelId) ?? []; }
  /** Accepts interpolated outlines of the active label: on this slice, or on all slices with `all`; returns how many. */
  acceptInterpolation(all = false, labelId = this.activeLabel): number { return runCommand(this.commands, all ? 'accept-all' : 'accept', labelId) ?? 0; }

  /** Sets the window to a preset: `soft-tissue`, `bone`, `spine`, `lung` or `brain`. */
  applyPreset(id: string): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    if (preset) runCommand(this.commands, `preset.${preset.id}`);
  }

  fit(): void { runCommand(this.commands, 'fit'); }
  actualSize(): void { runCommand(this.commands, 'actual-size'); }

  /**
   * The annotation as a `File`: `nifti` (`{ bundle: true }` a zip with labels.json, `{ image: true }` with the CT), `dicom-seg`, `png-zip`, `coco` or `dataset`; made in a worker; fires `segmark-export`, or `segmark-error` and rejects.
   * The export checklist runs first: blocking findings reject with code `export-blocked` (an error whose `findings` lists them) unless `options.acceptFindings` names them — a code accepts every finding of that code, `code:labelId` one label's — as the dialog's "Export anyway" does; `segmark-export` records what was overridden.
   */
  export(format: ExportFormat, options: ExportOptions & ExportAcceptance = {}): Promise<File> { return this.exchange.exportChecked(format, options); }
  /** Imports a segmentation (NIfTI labelmap, our NIfTI zip, DICOM SEG) onto the open series to be corrected, as one undo step of unverified outlines; rejects (and fires `segmark-error`) when it cannot be placed. */
  importMask(file: Blob): Promise<ImportSummary> { return this.exchange.importMask(file); }
  /** Opens the Compare panel (also the toolbar's Compare… button), listing the series' other stored documents. */
  openCompare(): Promise<void> { return this.agreement.show(); }

  /** Compares the open document (A) with B — another user's stored document (their `user` name), a segmentation file, or a snapshot — in a worker; fires `segmark-agreement`, rejects (and fires `segmark-error`) when B cannot be read or annotates another series. */
  compareWith(source: string | Blob | DocumentSnapshot): Promise<AgreementResult> {
    if (typeof source === 'string') return this.agreement.compare({ user: source });
    if (source instanceof Blob) return this.agreement.compare({ file: source instanceof File ? source : new File([source], 'segmentation') });
    return this.agreement.compare({ snapshot: source, name: 'snapshot' });
  }

  /** After `compareWith`: replaces the open document with A, and B where `choices` (keyed `labelId:slice`) say `'b'`, as one undoable step (A kept as a version first); fires `segmark-adjudicate`. */
  adjudicate(choices: ReadonlyMap<ChoiceKey, Side>): Promise<DocumentSnapshot> { return this.agreement.adjudicate(choices); }

  /** What the dialog's checklist says for a choice; also for hosts that build their own dialog. */
  exportChecklist(format: ExportFormat, options: ExportOptions = {}): ChecklistFinding[] { return this.exchange.checklist(format, options); }
  /** Documents the portal offers for review, listed with those submitted in this browser in the Work tab's For review (oldest first); opening one calls its `open`, which loads it (e.g. its series and document). Replaces the previous list. */
  setReviewQueue(items: readonly ReviewQueueEntry[]): void { this.work.setHostQueue(items); }
  /** Removes every cached image from this browser; stored annotations stay. */
  forgetCachedImages(): Promise<void> { return this.work.forgetImages(); }
  /** The stored documents of every series and user in this browser, as cases a dataset can be built from (the Dataset panel's list). */
  async listDatasetCases(): Promise<DatasetCase[]> {
    await this.datasets.refresh();
    return this.datasets.cases;
  }
  /**
   * Builds one nnU-Net v2 dataset of the stored documents `docIds` (cases whose images are cached here) into `options.directory`
   * (a File System Access folder), or into a folder the user picks; a stored definition of the same `name` keeps its label
   * values and case ids. Resolves to the definition, what was written, and the documents that need their files again.
   */
  buildDataset(docIds: readonly string[], options: DatasetBuildOptions = {}): Promise<DatasetJobResult | undefined> { return this.datasets.build(docIds, options); }
  /** The dataset definitions stored in this browser (id, name, folder, cases, labels). */
  listDatasets(): Promise<DatasetSummary[]> { return this.datasets.definitions(); }
  /** Dataset `id`'s whole definition as a JSON file (it holds the pseudonym key: keep it private). */
  exportDatasetDefinition(id: number): Promise<File> { return this.datasets.definitionFile(id); }
  /** Stores a definition from its JSON file, so this browser builds the dataset with the same values, case ids and split. */
  importDatasetDefinition(file: Blob): Promise<DatasetDefinition> { return this.datasets.importDefinition(file); }

  override render() {
    return renderAnnotator(this);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-annotator': SegmarkAnnotator;
  }
}
