/**
 * Which stored document belongs to an opened series: the series and user key
 * it by default; the same series opened with other images (a subset, another
 * reconstruction) gets a key of its own, so no document is restored onto the
 * wrong slices or overwritten by another stack's.
 */
import type { Volume } from '../core/dicom/volume.js';
import type { DocId } from './schema.js';

/** What the session needs to know of the opened series. */
export interface SessionSeries {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUIDs: readonly string[];
  rows: number;
  columns: number;
  slices: number;
  /** Series Description, for the recent-work list. */
  description: string;
  /** What identifies the series' geometry, so a stored document is never restored onto a different stack. */
  geometry: string;
}

/** The session's view of a loaded volume. */
export function sessionSeries(v: Volume): SessionSeries {
  return {
    studyInstanceUID: v.studyInstanceUID,
    seriesInstanceUID: v.seriesInstanceUID,
    sopInstanceUIDs: v.sopInstanceUIDs,
    rows: v.rows,
    columns: v.columns,
    slices: v.slices,
    description: v.description,
    geometry: geometryFingerprint(v),
  };
}

/** The key of the document for `series` when the one under `docId` was made on other images. */
export function imagesDocId(docId: DocId, series: SessionSeries): DocId {
  return `${docId}|${hash(series.sopInstanceUIDs.join('\\') + series.geometry)}`;
}

/** What identifies a series' geometry, so a stored document is never restored onto a different stack. */
function geometryFingerprint(v: Volume): string {
  const round = (x: number) => x.toFixed(3);
  const first = v.planes[0]!.position.map(round).join(',');
  const last = v.planes[v.slices - 1]!.position.map(round).join(',');
  return [v.columns, v.rows, v.slices, v.spacing.map(round).join(','), v.rowCosine.map(round).join(','), v.columnCosine.map(round).join(','), first, last].join('|');
}

/** Whether a stored document was made on exactly these images. */
export function sameImages(stored: { sopInstanceUIDs: readonly string[]; rows: number; columns: number }, series: SessionSeries): boolean {
  return (
    stored.rows === series.rows &&
    stored.columns === series.columns &&
    stored.sopInstanceUIDs.length === series.sopInstanceUIDs.length &&
    stored.sopInstanceUIDs.every((uid, i) => uid === series.sopInstanceUIDs[i])
  );
}

/** A short stable hash (FNV-1a, 32 bit) for keys. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
