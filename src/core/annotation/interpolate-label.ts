/**
 * Interpolation applied to a document: the slices a person outlined (or
 * accepted) are the keys, the slices between them get shape-based interpolated
 * regions, marked 'interpolated' and unverified until someone accepts them.
 * One run is one undo step.
 *
 * Contours drawn on sagittal and coronal views are keys too. The slices they
 * crossed, where no axial work was (`RegionProvenance.drawnOn`), are not
 * axial keys — a line one voxel wide is no shape — but what was drawn on
 * their lines is kept and shapes them (`interpolate-planes.ts`): between two
 * axial keys the interpolated shape is stretched to the drawn extents;
 * elsewhere a slice crossed by both a sagittal and a coronal drawing gets the
 * ellipse through their extents. Either way the drawn voxels stay exactly as
 * drawn, and the filled region keeps the slice's `drawnOn`, so running the
 * interpolation again sees the same drawings.
 */
import { maskToRegion } from './contour.js';
import type { AnnotationDocument } from './document.js';
import type { PlaneLine } from './document-data.js';
import { interpolateKeySlices, type SkippedPair } from './interpolate.js';
import { ellipseOfPlaneLines, fitToPlaneLines } from './interpolate-planes.js';
import { rasterizeToMask } from './rasterize.js';
import { isEmptyRegion, type Region } from './region.js';

export interface SliceGeometry {
  columns: number;
  rows: number;
  /** Position of each slice along the normal, mm (uneven spacing is honoured). */
  positions: ArrayLike<number>;
  /** [Δrow, Δcol] mm. */
  pixelSpacing: readonly [number, number];
}

export interface LabelInterpolation {
  /** The axial key slices. */
  keys: number[];
  /** Slices given an interpolated region, ascending. */
  filled: number[];
  /** Of `filled`, those shaped by sagittal or coronal drawings (stretched to them, or their ellipse). */
  fromPlanes: number[];
  skipped: SkippedPair[];
}

/** Whether (label, slice) is interpolated and not yet accepted. */
export function isPendingInterpolation(document: AnnotationDocument, labelId: number, slice: number): boolean {
  const flags = document.flagsAt(labelId, slice);
  return flags?.origin === 'interpolated' && !flags.verified;
}

/** The sagittal and coronal lines drawn on (label, slice), or none (see `RegionProvenance.drawnOn`). */
export function planeLinesAt(document: AnnotationDocument, labelId: number, slice: number): readonly PlaneLine[] {
  return document.metaAt(labelId, slice)?.provenance?.drawnOn ?? [];
}

/** Whether the region of (label, slice) was drawn only on sagittal or coronal views: not an axial key. */
export function isPlaneDrawn(document: AnnotationDocument, labelId: number, slice: number): boolean {
  return document.flagsAt(labelId, slice)?.origin === 'drawn' && planeLinesAt(document, labelId, slice).length > 0;
}

/** Key slices: outlined by a person on the slice, imported, or interpolated and accepted. */
export function keySlices(document: AnnotationDocument, labelId: number): number[] {
  return document.slicesOf(labelId).filter((k) => !isPendingInterpolation(document, labelId, k) && !isPlaneDrawn(document, labelId, k));
}

/**
 * Fills the slices between the label's axial keys by shape-based
 * interpolation, fitted to what was drawn on sagittal and coronal views
 * (see the file comment), and the slices outside them that both views
 * crossed with the ellipse of their extents. One undo step; the filled
 * slices are 'interpolated' and unverified; keys are never changed.
 */
export function interpolateLabel(document: AnnotationDocument, labelId: number, g: SliceGeometry): LabelInterpolation {
  const keys = keySlices(document, labelId);
  const result: LabelInterpolation = { keys, filled: [], fromPlanes: [], skipped: [] };
  const { columns, rows } = g;
  const masks = new Map(keys.map((k) => [k, rasterizeToMask(document.regionAt(labelId, k), columns, rows)]));
  let regions = new Map<number, Region>();
  if (keys.length >= 2) {
    const run = interpolateKeySlices(masks, columns, rows, g.positions, { spacing: g.pixelSpacing });
    regions = run.regions;
    result.skipped = run.skipped;
  }
  // Slices with drawings on sagittal or coronal views, other than keys.
  const drawn = document.slicesOf(labelId).filter((k) => !masks.has(k) && planeLinesAt(document, labelId, k).length > 0);
  const fills: { slice: number; region: Region; lines?: readonly PlaneLine[] }[] = [];
  for (const [k, region] of regions) {
    if (masks.has(k) || drawn.includes(k) || isEmptyRegion(region)) continue;
    fills.push({ slice: k, region });
  }
  for (const k of drawn) {
    const lines = planeLinesAt(document, labelId, k);
    const slice = rasterizeToMask(document.regionAt(labelId, k), columns, rows);
    const between = regions.get(k);
    let mask: Uint8Array | undefined;
    if (between && !isEmptyRegion(between)) mask = fitToPlaneLines(rasterizeToMask(between, columns, rows), slice, lines, columns, rows);
    else if (!between) mask = ellipseOfPlaneLines(slice, lines, columns, rows);
    if (mask) fills.push({ slice: k, region: maskToRegion(mask, columns, rows), lines });
  }
  fills.sort((a, b) => a.slice - b.slice);
  if (fills.length === 0) return result;
  const name = document.label(labelId)?.name ?? `label ${labelId}`;
  document.beginStroke(`Interpolate ${name}`);
  try {
    for (const { slice: k, region, lines } of fills) {
      // A slice shaped by drawings keeps their lines: the next run sees them again.
      const provenance = lines ? { provenance: { drawnOn: lines } } : {};
      document.setRegion(labelId, k, region, { kind: 'interpolate', origin: 'interpolated', verified: false, ...provenance });
      result.filled.push(k);
      if (lines) result.fromPlanes.push(k);
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
