/**
 * Interpolation applied to a document: the slices a person outlined (or
 * accepted) are the keys, the slices between them get shape-based interpolated
 * regions, marked 'interpolated' and unverified until someone accepts them.
 * One run is one undo step.
 */
import type { AnnotationDocument } from './document.js';
import { interpolateKeySlices, type SkippedPair } from './interpolate.js';
import { rasterizeToMask } from './rasterize.js';
import { isEmptyRegion } from './region.js';

export interface SliceGeometry {
  columns: number;
  rows: number;
  /** Position of each slice along the normal, mm (uneven spacing is honoured). */
  positions: ArrayLike<number>;
  /** [Δrow, Δcol] mm. */
  pixelSpacing: readonly [number, number];
}

export interface LabelInterpolation {
  keys: number[];
  filled: number[];
  skipped: SkippedPair[];
}

/** Whether (label, slice) is interpolated and not yet accepted. */
export function isPendingInterpolation(document: AnnotationDocument, labelId: number, slice: number): boolean {
  const flags = document.flagsAt(labelId, slice);
  return flags?.origin === 'interpolated' && !flags.verified;
}

/** Key slices: outlined by a person, imported, or interpolated and accepted. */
export function keySlices(document: AnnotationDocument, labelId: number): number[] {
  return document.slicesOf(labelId).filter((k) => !isPendingInterpolation(document, labelId, k));
}

export function interpolateLabel(document: AnnotationDocument, labelId: number, g: SliceGeometry): LabelInterpolation {
  const keys = keySlices(document, labelId);
  const result: LabelInterpolation = { keys, filled: [], skipped: [] };
  if (keys.length < 2) return result;
  const masks = new Map(keys.map((k) => [k, rasterizeToMask(document.regionAt(labelId, k), g.columns, g.rows)]));
  const { regions, skipped } = interpolateKeySlices(masks, g.columns, g.rows, g.positions, { spacing: g.pixelSpacing });
  result.skipped = skipped;
  const name = document.label(labelId)?.name ?? `label ${labelId}`;
  document.beginStroke(`Interpolate ${name}`);
  try {
    for (const [k, region] of [...regions].sort((a, b) => a[0] - b[0])) {
      if (masks.has(k) || isEmptyRegion(region)) continue;
      document.setRegion(labelId, k, region, { kind: 'interpolate', origin: 'interpolated', verified: false });
      result.filled.push(k);
    }
    document.commitStroke();
  } catch (error) {
    document.cancelStroke();
    throw error;
  }
  return result;
}

/** Accepts the pending interpolated slices of a label (all, or the ones given) as one undo step; returns how many. */
export function acceptInterpolation(document: AnnotationDocument, labelId: number, slices?: readonly number[]): number {
  const pending = (slices ?? document.slicesOf(labelId)).filter((k) => isPendingInterpolation(document, labelId, k));
  if (pending.length === 0) return 0;
  document.beginStroke(`Accept interpolation of ${document.label(labelId)?.name ?? `label ${labelId}`}`);
  try {
    for (const k of pending) document.setVerified(labelId, k, true);
    document.commitStroke();
  } catch (error) {
    document.cancelStroke();
    throw error;
  }
  return pending.length;
}
