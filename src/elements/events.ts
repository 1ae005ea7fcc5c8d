/**
 * Events the annotator fires for its host page (ARCHITECTURE "Public surface").
 * All bubble and are composed, so a portal can listen on any ancestor.
 */
import type { ErrorCode } from '../core/errors.js';
import type { LoadWarning } from '../core/dicom/warnings.js';
import type { StatusStep } from '../core/review/review-state.js';
import type { AgreementResult } from '../core/review/agreement.js';

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

/**
 * The document's review status changed (`setStatus`, or the review panel), so
 * a portal can route the work: who took the step (the annotator's `user` and
 * `role`), when (ISO 8601), and the note given with it.
 */
export type StatusDetail = StatusStep;
export const SEGMARK_AGREEMENT = 'segmark-agreement';
export const SEGMARK_ADJUDICATE = 'segmark-adjudicate';

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

export function segmarkEvent<T>(type: string, detail: T, cancelable = false): CustomEvent<T> {
  return new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable });
}

/** An annotation changed: which label, which slice (null: the label as a whole), and how. */
export interface ChangeDetail {
  labelId: number;
  slice: number | null;
  kind: 'draw' | 'erase' | 'edit' | 'interpolate' | 'import' | 'verify' | 'label' | 'restore' | 'undo' | 'redo';
}

declare global {
  interface HTMLElementEventMap {
    'segmark-change': CustomEvent<ChangeDetail>;
    'segmark-save': CustomEvent<SaveDetail>;
    'segmark-export': CustomEvent<ExportDetail>;
    'segmark-load': CustomEvent<LoadDetail>;
    'segmark-error': CustomEvent<ErrorDetail>;
    'segmark-progress': CustomEvent<ProgressDetail>;
    'segmark-slice': CustomEvent<SliceDetail>;
    'segmark-window': CustomEvent<WindowDetail>;
    'segmark-pacs-store': CustomEvent<PacsStoreDetail>;
    'segmark-open-series': CustomEvent<OpenSeriesDetail>;
    'segmark-status': CustomEvent<StatusDetail>;
    'segmark-agreement': CustomEvent<AgreementDetail>;
    'segmark-adjudicate': CustomEvent<AdjudicateDetail>;
  }
}
