/**
 * Measurements in physical units: area and perimeter of a region on a slice,
 * area of a mask, volume of a label.
 *
 * Regions are in pixel units (ARCHITECTURE "Coordinates"): x runs along a
 * row (columns, spaced Δcol), y down the columns (rows, spaced Δrow); DICOM
 * PixelSpacing is `[Δrow, Δcol]`. With anisotropic pixels, x is scaled by
 * Δcol and y by Δrow before measuring; areas simply scale by Δrow·Δcol, but
 * lengths must be measured edge by edge in millimetres.
 *
 * Region measures read the rings by the even–odd rule: they are first
 * normalised by Clipper (non-crossing rings, outer boundaries positive, holes
 * negative), so self-intersecting or inconsistently oriented rings are
 * measured as what they cover. Clipper's 1/4096 px grid bounds the error by
 * about 1.2e-4 px times the perimeter (1e-5 of a lumbar disc's area).
 */
import type { Region, Ring } from './region.js';
import { normalizeRegion } from './region-ops.js';
import type { MaskPredicate } from './contour.js';

/** DICOM PixelSpacing order: `[between rows (Δrow), between columns (Δcol)]`, in millimetres. */
export type PixelSpacing = readonly [number, number];

/** Area covered by the region, in mm². */
export function regionAreaMm2(region: Region, spacing: PixelSpacing): number {
  const [dRow, dCol] = checkSpacing(spacing);
  return regionAreaPx(region) * dRow * dCol;
}

/** Area covered by the region, in square pixels. */
export function regionAreaPx(region: Region): number {
  let area = 0;
  for (const ring of normal(region).rings) area += signedRingArea(ring);
  return area;
}

/**
 * The region normalised, once per frozen region (the document's are): the
 * label panel asks for area and perimeter of the same region, and a
 * 10,000-vertex outline takes tens of milliseconds to normalise (issue 17).
 */
const normalised = new WeakMap<Region, Region>();
function normal(region: Region): Region {
  if (!Object.isFrozen(region)) return normalizeRegion(region);
  let n = normalised.get(region);
  if (!n) normalised.set(region, (n = normalizeRegion(region)));
  return n;
}

/** Length of the region's boundary (outer boundaries and holes), in mm. */
export function regionPerimeterMm(region: Region, spacing: PixelSpacing): number {
  const [dRow, dCol] = checkSpacing(spacing);
  let length = 0;
  for (const ring of normal(region).rings) {
    const n = ring.length >> 1;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const dx = (ring[2 * i]! - ring[2 * j]!) * dCol;
      const dy = (ring[2 * i + 1]! - ring[2 * j + 1]!) * dRow;
      length += Math.hypot(dx, dy);
    }
  }
  return length;
}

/** Pixels of `mask` equal to `value` (default 1) or passing the predicate. */
export function countPixels(mask: ArrayLike<number>, value: number | MaskPredicate = 1): number {
  let n = 0;
  const len = mask.length;
  if (typeof value === 'number') {
    for (let i = 0; i < len; i++) if (mask[i] === value) n++;
  } else {
    for (let i = 0; i < len; i++) if (value(mask[i]!)) n++;
  }
  return n;
}

/** Area of the pixels of `mask` equal to `value` (or passing the predicate): count × Δrow × Δcol, in mm². */
export function maskAreaMm2(mask: ArrayLike<number>, spacing: PixelSpacing, value: number | MaskPredicate = 1): number {
  const [dRow, dCol] = checkSpacing(spacing);
  return countPixels(mask, value) * dRow * dCol;
}

/** Volume of one voxel in mm³: Δrow × Δcol × the spacing between slice centres. */
export function voxelVolumeMm3(spacing: PixelSpacing, sliceSpacingMm: number): number {
  const [dRow, dCol] = checkSpacing(spacing);
  if (!(sliceSpacingMm > 0) || !Number.isFinite(sliceSpacingMm)) throw new RangeError(`slice spacing ${sliceSpacingMm} mm is not positive`);
  return dRow * dCol * sliceSpacingMm;
}

/** Volume in millilitres (1 mL = 1,000 mm³) of voxels counted per slice, each of `voxelVolume` mm³. */
export function volumeMl(perSliceCounts: ArrayLike<number>, voxelVolume: number): number {
  if (!(voxelVolume >= 0) || !Number.isFinite(voxelVolume)) throw new RangeError(`voxel volume ${voxelVolume} mm³ is not a finite non-negative number`);
  let total = 0;
  for (let k = 0; k < perSliceCounts.length; k++) total += perSliceCounts[k]!;
  return (total * voxelVolume) / 1000;
}

/**
 * Voxels of `labelId` in each slice of a labelmap (index `k·rows·columns +
 * r·columns + c`), for `volumeMl` and per-slice areas.
 */
export function labelVoxelCounts(labelmap: Uint8Array, columns: number, rows: number, slices: number, labelId: number): Uint32Array {
  const size = columns * rows;
  if (labelmap.length < size * slices) throw new RangeError(`labelmap holds ${labelmap.length} voxels, fewer than ${columns} × ${rows} × ${slices}`);
  const counts = new Uint32Array(slices);
  for (let k = 0; k < slices; k++) {
    let n = 0;
    for (let i = k * size, end = i + size; i < end; i++) if (labelmap[i] === labelId) n++;
    counts[k] = n;
  }
  return counts;
}

function signedRingArea(ring: Ring): number {
  let a = 0;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return a / 2;
}

function checkSpacing(spacing: PixelSpacing): PixelSpacing {
  const [dRow, dCol] = spacing;
  if (!(dRow > 0) || !(dCol > 0) || !Number.isFinite(dRow) || !Number.isFinite(dCol)) {
    throw new RangeError(`pixel spacing [${dRow}, ${dCol}] mm is not two positive numbers`);
  }
  return spacing;
}
