/**
 * Every event Segmark's elements fire, in one map: its name (a constant), its
 * detail type, and whether a listener may veto it. The map is merged into
 * `HTMLElementEventMap`, so `addEventListener` and Lit handlers get the detail
 * type without a cast, and `emit` is the only way the elements fire them.
 *
 * The rule, which `emit` enforces (callers cannot choose the flags):
 * - **Public `segmark-*` events are for the host page and leave the host**:
 *   `bubbles: true, composed: true`, so a portal can listen on any ancestor,
 *   across its own shadow roots too (ARCHITECTURE "Public surface"). Those
 *   the host may veto are `cancelable` (marked in the map); `emit` returns
 *   false when one was cancelled, and the element then does nothing.
 * - **Internal `sm-*` events never cross a shadow root**: `bubbles: true,
 *   composed: false`. They are one element speaking to the element that
 *   renders it: listen on the element that fires them (in Lit, `@sm-x=${…}`
 *   on the child in the parent's template), or on an ancestor in the same
 *   tree. The parent turns what it needs into a public event itself (e.g.
 *   `sm-label-select` from the label panel becomes the annotator's
 *   `segmark-label-select`).
 */
import type { ErrorCode } from '../core/errors.js';
import type { LoadWarning } from '../core/dicom/warnings.js';
import type { StatusStep } from '../core/review/review-state.js';
import type { AgreementResult } from '../core/review/agreement.js';
import type { ChoiceKey, Side } from '../core/review/adjudicate.js';
import type { WindowLevel } from '../core/display/window.js';
import type { ViewPlane } from '../core/dicom/view-plane.js';
import type { ToolStatusCode } from '../tools/annotation-tool.js';
import type { CompareSource } from './segmark-agreement/segmark-agreement.js';
import type { ExportChoice } from './segmark-export-dialog/segmark-export-dialog.js';
import type { GatedFinding } from '../session/export-gate.js';
import type { ReviewStepDetail } from './segmark-review-panel/segmark-review-panel.js';

// ── Public events: fired on the host element for the host page ─────────────

export const SEGMARK_LOAD = 'segmark-load';
export const SEGMARK_ERROR = 'segmark-error';
export const SEGMARK_PROGRESS = 'segmark-progress';
export const SEGMARK_SLICE = 'segmark-slice';
export const SEGMARK_WINDOW = 'segmark-window';
export const SEGMARK_CHANGE = 'segmark-change';
export const SEGMARK_SAVE = 'segmark-save';
export const SEGMARK_EXPORT = 'segmark-export';
export const SEGMARK_PACS_STORE = 'segmark-pacs-store';
export const SEGMARK_OPEN_SERIES = 'segmark-open-series';
export const SEGMARK_STATUS = 'segmark-status';
export const SEGMARK_LABEL_SELECT = 'segmark-label-select';
export const SEGMARK_AGREEMENT = 'segmark-agreement';
export const SEGMARK_ADJUDICATE = 'segmark-adjudicate';
export const SEGMARK_CONFLICT = 'segmark-conflict';

/**
 * The document's review status changed (`setStatus`, or the review panel), so
 * a portal can route the work: who took the step (the annotator's `user` and
 * `role`), when (ISO 8601), and the note given with it.
 */
export type StatusDetail = StatusStep;

/** Two documents of the open series were compared (`compareWith`, or the Compare… panel). */
export interface AgreementDetail {
  /** Names of the sides: A is the open document; B a stored document's user or a file name. */
  sideA: string;
  sideB: string;
  result: AgreementResult;
  elapsedMs: number;
}

/**
 * The open document was replaced by the adjudication of A (itself) and B, as
 * one undoable step; the document as it was is kept as the version
 * `revision` (undefined when nothing is stored).
 */
export interface AdjudicateDetail {
  sideB: string;
  /** (label, slice) choices that took A, and B; everything else stayed A. */
  fromA: number;
  fromB: number;
  revision: number | undefined;
}

/** A DICOM SEG was stored in the PACS (STOW-RS) by `saveToPacs`. */
export interface PacsStoreDetail {
  studyInstanceUID: string;
  /** The SEG's own series and instance. */
  seriesInstanceUID: string;
  sopInstanceUID: string;
  fileName: string;
  /** Bytes sent. */
  size: number;
  elapsedMs: number;
}

/** `<segmark-study-browser>`: the user asked to open a series; pass it to the annotator's `loadDicomWeb`. */
export interface OpenSeriesDetail {
  root: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
}

/** An export was made (the Blob went to the caller, or to a download from the export dialog). */
export interface ExportDetail {
  format: string;
  fileName: string;
  /** Bytes. */
  size: number;
  elapsedMs: number;
  /** Checklist findings the user chose to export anyway (codes). */
  overridden: string[];
  /** The same findings one by one: code, key (`code:labelId`), label and what the checklist said. */
  overriddenFindings: GatedFinding[];
}

/** The annotation was stored in the browser (autosave). */
export interface SaveDetail {
  /** When it was stored, ms since the epoch. */
  time: number;
}

/** What the host learns about the series that was opened. */
export interface SeriesSummary {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  description: string;
  modality: string;
  sopInstanceUIDs: string[];
  rows: number;
  columns: number;
  slices: number;
  /** [Δcol, Δrow, Δslice] mm. */
  spacing: [number, number, number];
}

export interface LoadDetail {
  series: SeriesSummary;
  warnings: Array<Pick<LoadWarning, 'code' | 'message'> & { params?: LoadWarning['params']; files?: string[] }>;
  /** Other series found in the same drop, which the user may switch to. */
  otherSeries: number;
  /** Milliseconds from the start of loading to the last slice ready. */
  elapsedMs: number;
  /** Stored work of this series and user was found in the browser and is shown (it is restored before this event). */
  restored: boolean;
}

export interface ErrorDetail {
  code: ErrorCode;
  /** Human message from the catalogue, in the element's language. */
  message: string;
  /** File name or URL concerned, when there is one. */
  file?: string;
  /** HTTP status, for `pacs-*` errors that had one (e.g. 401 or 403 for `pacs-unauthorized`). */
  status?: number;
}

export interface ProgressDetail {
  phase: 'read' | 'decode';
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface SliceDetail {
  slice: number;
  /** Position along the slice normal, mm. */
  location: number;
}

export interface WindowDetail {
  center: number;
  width: number;
}

/**
 * An annotation changed: which label, which slice (null: the label as a
 * whole), and how; kind 'review' (labelId 0, slice null) is a change of the
 * review record (status, comments). `revision` is the document's change count
 * after the change (every event of one change carries the same revision), and
 * `changed` every (label, slice) that revision changed, so a host can save
 * deltas: one per revision.
 */
export interface ChangeDetail {
  labelId: number;
  slice: number | null;
  kind: 'draw' | 'erase' | 'edit' | 'interpolate' | 'import' | 'assist' | 'verify' | 'label' | 'restore' | 'undo' | 'redo' | 'review';
  revision: number;
  changed: { labelId: number; slice: number | null }[];
}

/**
 * `openDocument(doc, { currentRevision })` refused a document based on a
 * revision (`revision`: its `baseRevision`, else its `revision`) older than
 * the host's `current`: nothing was changed.
 */
export interface ConflictDetail {
  revision: number;
  current: number;
}


/** A label was picked (in the label panel: its name, a row moved to with the keyboard, or a new label). */
export interface LabelSelectDetail {
  /** The label id (labelmap value 1..255) now active. */
  labelId: number;
}

// ── Internal events: a child element to the element whose template renders it ──

/** `<segmark-label-panel>`: the user picked a label; cancelling keeps the active label. */
export const LABEL_SELECT = 'sm-label-select';

/** `<segmark-viewport>` (a wheel step) and `<segmark-reformat>` (a level clicked): show this slice. */
export const VIEWPORT_SLICE = 'sm-viewport-slice';
/** `<segmark-viewport>`: the user dragged the window. */
export const VIEWPORT_WINDOW = 'sm-viewport-window';
/** `<segmark-viewport>`: the pixel under the pointer, for the reformats' crosshair. */
export const VIEWPORT_CROSSHAIR = 'sm-viewport-crosshair';
/** `<segmark-viewport>`: a double click asks to show this view alone (or all again). */
export const VIEWPORT_MAXIMISE = 'sm-viewport-maximise';
/** `<segmark-viewport>`: a tool gesture ended with a status worth telling the user. */
export const VIEWPORT_TOOL_STATUS = 'sm-viewport-tool-status';

/** `<segmark-series-list>`: the user picked a series of the drop. */
export const SERIES_SELECT = 'sm-series-select';

/** `<segmark-work-panel>`: open a recent document. */
export const WORK_OPEN = 'sm-work-open';
/** `<segmark-work-panel>`: open a document of the review queue (stored, or the host's). */
export const REVIEW_QUEUE_OPEN = 'sm-review-queue-open';
/** `<segmark-work-panel>`: delete a stored document (the user confirmed). */
export const WORK_DELETE = 'sm-work-delete';
/** `<segmark-work-panel>`: restore a version of the open document. */
export const VERSION_RESTORE = 'sm-version-restore';
/** `<segmark-work-panel>`: keep the open document as a version now. */
export const VERSION_SAVE = 'sm-version-save';
/** `<segmark-work-panel>`: the panel was opened; its lists should be refreshed. */
export const WORK_REFRESH = 'sm-work-refresh';
/** `<segmark-work-panel>`: remove every cached image (the user confirmed). */
export const IMAGES_FORGET = 'sm-images-forget';
/** `<segmark-dataset-panel>`: the panel was opened; read the stored cases again. */
export const DATASET_REFRESH = 'sm-dataset-refresh';
/** `<segmark-dataset-panel>`: build a dataset of the picked cases. */
export const DATASET_BUILD = 'sm-dataset-build';
/** `<segmark-dataset-panel>`: stop the build under way. */
export const DATASET_CANCEL = 'sm-dataset-cancel';

/** `<segmark-export-dialog>`: the choice changed; findings are wanted. */
export const EXPORT_CHECK = 'sm-export-check';
/** `<segmark-export-dialog>`: export this choice (with the findings the user overrode). */
export const EXPORT_RUN = 'sm-export-run';
/** `<segmark-export-dialog>`: close the dialog. */
export const EXPORT_CLOSE = 'sm-export-close';
/** `<segmark-export-dialog>`: show the slice of a finding. */
export const EXPORT_GOTO = 'sm-export-goto';

/** `<segmark-review-panel>`: the user chose a review step. */
export const REVIEW_STEP = 'sm-review-step';

/** `<segmark-comments>`: add a comment at the pending point. */
export const COMMENT_ADD = 'sm-comment-add';
/** `<segmark-comments>`: start or stop placing the pin with a click. */
export const COMMENT_PIN = 'sm-comment-pin';
/** `<segmark-comments>`: show the comment's slice and centre its pin. */
export const COMMENT_JUMP = 'sm-comment-jump';
/** `<segmark-comments>`: reply to a comment. */
export const COMMENT_REPLY = 'sm-comment-reply';
/** `<segmark-comments>`: resolve or reopen a comment. */
export const COMMENT_RESOLVE = 'sm-comment-resolve';

/** `<segmark-agreement>`: compare with this side B. */
export const AGREEMENT_COMPARE = 'sm-agreement-compare';
/** `<segmark-agreement>`: stop the comparison under way. */
export const AGREEMENT_CANCEL = 'sm-agreement-cancel';
/** `<segmark-agreement>`: show this slice with this label active. */
export const AGREEMENT_GOTO = 'sm-agreement-goto';
/** `<segmark-agreement>`: draw the agreement of `result.labels[index]` (null: none). */
export const AGREEMENT_OVERLAY = 'sm-agreement-overlay';
/** `<segmark-agreement>`: make the adjudicated document (A where nothing is chosen). */
export const AGREEMENT_ADJUDICATE = 'sm-agreement-adjudicate';
/** `<segmark-agreement>`: download the table as CSV. */
export const AGREEMENT_CSV = 'sm-agreement-csv';
/** `<segmark-agreement>`: close the panel. */
export const AGREEMENT_CLOSE = 'sm-agreement-close';

/** `<segmark-surface-view>`: a surface was clicked at this voxel; show the three planes through it. */
export const SURFACE_POINT = 'sm-surface-point';

/** The detail of an event that carries nothing (it is an empty object). */
export type NoDetail = Record<string, never>;

// ── The map ─────────────────────────────────────────────────────────────────

/** One entry of the map: whether a listener may veto the event, and (as a type only) its detail. */
export interface EventSpec<D> {
  readonly cancelable: boolean;
  /** Never set at run time: it carries the detail type. */
  readonly detail?: D;
}

function spec<D>(cancelable = false): EventSpec<D> {
  return { cancelable };
}

/** Every event, by name. A name missing here cannot be fired by `emit`. */
export const EVENTS = {
  [SEGMARK_LOAD]: spec<LoadDetail>(),
  [SEGMARK_ERROR]: spec<ErrorDetail>(),
  [SEGMARK_PROGRESS]: spec<ProgressDetail>(),
  [SEGMARK_SLICE]: spec<SliceDetail>(),
  [SEGMARK_WINDOW]: spec<WindowDetail>(),
  [SEGMARK_CHANGE]: spec<ChangeDetail>(),
  [SEGMARK_SAVE]: spec<SaveDetail>(),
  [SEGMARK_EXPORT]: spec<ExportDetail>(),
  [SEGMARK_PACS_STORE]: spec<PacsStoreDetail>(),
  [SEGMARK_OPEN_SERIES]: spec<OpenSeriesDetail>(),
  [SEGMARK_STATUS]: spec<StatusDetail>(),
  // The host may keep the active label: cancelling leaves it as it was.
  [SEGMARK_LABEL_SELECT]: spec<LabelSelectDetail>(true),
  [SEGMARK_AGREEMENT]: spec<AgreementDetail>(),
  [SEGMARK_ADJUDICATE]: spec<AdjudicateDetail>(),
  [SEGMARK_CONFLICT]: spec<ConflictDetail>(),

  // The annotator vetoes a pick when its host cancelled `segmark-label-select`.
  [LABEL_SELECT]: spec<LabelSelectDetail>(true),
  // `slice` from a reformat (absolute), `delta` from a view's wheel (reading steps along that view's plane).
  [VIEWPORT_SLICE]: spec<{ slice?: number; delta?: number; plane?: ViewPlane }>(),
  [VIEWPORT_WINDOW]: spec<WindowLevel>(),
  [VIEWPORT_CROSSHAIR]: spec<{ column: number; row: number; slice?: number }>(),
  [VIEWPORT_MAXIMISE]: spec<{ plane: ViewPlane }>(),
  [VIEWPORT_TOOL_STATUS]: spec<{ status: ToolStatusCode }>(),
  [SERIES_SELECT]: spec<{ key: string }>(),
  [WORK_OPEN]: spec<{ id: string }>(),
  [REVIEW_QUEUE_OPEN]: spec<{ id: string }>(),
  [WORK_DELETE]: spec<{ id: string }>(),
  [VERSION_RESTORE]: spec<{ id: number }>(),
  [VERSION_SAVE]: spec<NoDetail>(),
  [WORK_REFRESH]: spec<NoDetail>(),
  [IMAGES_FORGET]: spec<NoDetail>(),
  [DATASET_REFRESH]: spec<NoDetail>(),
  [DATASET_BUILD]: spec<{ docIds: string[]; name: string }>(),
  [DATASET_CANCEL]: spec<NoDetail>(),
  [EXPORT_CHECK]: spec<ExportChoice>(),
  [EXPORT_RUN]: spec<ExportChoice & { overridden: string[] }>(),
  [EXPORT_CLOSE]: spec<NoDetail>(),
  [EXPORT_GOTO]: spec<{ slice: number; labelId?: number }>(),
  [REVIEW_STEP]: spec<ReviewStepDetail>(),
  [COMMENT_ADD]: spec<{ text: string }>(),
  [COMMENT_PIN]: spec<{ on: boolean }>(),
  [COMMENT_JUMP]: spec<{ id: string }>(),
  [COMMENT_REPLY]: spec<{ id: string; text: string }>(),
  [COMMENT_RESOLVE]: spec<{ id: string; resolved: boolean }>(),
  [AGREEMENT_COMPARE]: spec<CompareSource>(),
  [AGREEMENT_CANCEL]: spec<NoDetail>(),
  [AGREEMENT_GOTO]: spec<{ slice: number; labelId: number }>(),
  [AGREEMENT_OVERLAY]: spec<{ index: number | null }>(),
  [AGREEMENT_ADJUDICATE]: spec<{ choices: Map<ChoiceKey, Side> }>(),
  [AGREEMENT_CSV]: spec<NoDetail>(),
  [AGREEMENT_CLOSE]: spec<NoDetail>(),
  [SURFACE_POINT]: spec<{ column: number; row: number; slice: number }>(),
};

export type EventName = keyof typeof EVENTS;
/** The public names: what a host page may listen to. */
export type PublicEventName = Extract<EventName, `segmark-${string}`>;
/** The internal names: never leave the shadow root they are fired in. */
export type InternalEventName = Extract<EventName, `sm-${string}`>;
export type EventDetail<K extends EventName> = (typeof EVENTS)[K] extends EventSpec<infer D> ? D : never;

/** Whether a name is public: it leaves the host. */
export function isPublicEvent(type: EventName): type is PublicEventName {
  return type.startsWith('segmark-');
}

/** The public names, in map order. */
export const PUBLIC_EVENTS: readonly PublicEventName[] = (Object.keys(EVENTS) as EventName[]).filter(isPublicEvent);

/**
 * Fires `type` on `target` with `detail`, typed by the map, with the flags of
 * the rule above. Returns false when a listener cancelled a cancelable event
 * (the caller then leaves things as they were), true otherwise.
 */
export function emit<K extends EventName>(target: EventTarget, type: K, detail: EventDetail<K>): boolean {
  const composed = isPublicEvent(type);
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed, cancelable: EVENTS[type].cancelable }));
}

type EventMapOf<K extends EventName> = { [N in K]: CustomEvent<EventDetail<N>> };
type SegmarkEventMap = EventMapOf<EventName>;
type PublicEventMap = EventMapOf<PublicEventName>;

declare global {
  interface HTMLElementEventMap extends SegmarkEventMap {}
  /** Public events bubble up to the document too, so a page can listen there. */
  interface DocumentEventMap extends PublicEventMap {}
}
