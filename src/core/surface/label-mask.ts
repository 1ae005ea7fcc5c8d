/**
 * One label's voxels, cut out of the labelmap for meshing: the box the
 * label's regions cover, grown by one voxel on every side so the mask is
 * background all round (a surface then always closes, also against the edge
 * of the series), and a 0/1 mask of that box.
 */
import { regionPixelBounds, unionBoxes, type PixelBox } from '../annotation/rasterize.js';
import type { Region } from '../annotation/region.js';

/** A box of voxels: its first voxel and its size; the first may be −1 (the margin outside the series). */
export interface VoxelBox {
  readonly column: number;
  readonly row: number;
  readonly slice: number;
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
}

/** What finding a label's box reads of the annotation document. */
export interface LabelRegions {
  slicesOf(labelId: number): number[];
  regionAt(labelId: number, slice: number): Region;
}

/** The margin of background voxels around a label's box. */
export const MASK_MARGIN = 1;

/**
 * The box of the label's pixels on every slice it has a region on, plus the
 * margin; undefined when the label has no pixel anywhere.
 */
export function labelBox(doc: LabelRegions, labelId: number, columns: number, rows: number): VoxelBox | undefined {
  let box: PixelBox = { c0: 0, r0: 0, c1: 0, r1: 0 };
  let first = Infinity;
  let last = -Infinity;
  for (const k of doc.slicesOf(labelId)) {
    const b = regionPixelBounds(doc.regionAt(labelId, k), columns, rows);
    if (b.c1 <= b.c0 || b.r1 <= b.r0) continue;
    box = unionBoxes(box, b);
    first = Math.min(first, k);
    last = Math.max(last, k);
  }
  if (first > last) return undefined;
  return {
    column: box.c0 - MASK_MARGIN,
    row: box.r0 - MASK_MARGIN,
    slice: first - MASK_MARGIN,
    columns: box.c1 - box.c0 + 2 * MASK_MARGIN,
    rows: box.r1 - box.r0 + 2 * MASK_MARGIN,
    slices: last - first + 1 + 2 * MASK_MARGIN,
  };
}

/**
 * 1 where the labelmap holds `labelId`, inside `box` (column fastest, then
 * row, then slice); 0 elsewhere, outside the series included. `slice(k)` is
 * the labelmap's slice k (`rows·columns` label ids); it is asked only for the
 * slices inside the series, once each. Returns the mask and how many voxels
 * are set.
 */
export function cropLabelMask(
  labelId: number,
  box: VoxelBox,
  slice: (k: number) => Uint8Array,
  columns: number,
  rows: number,
  slices: number,
): { mask: Uint8Array; voxels: number } {
  const mask = new Uint8Array(box.columns * box.rows * box.slices);
  let voxels = 0;
  for (let z = 0; z < box.slices; z++) voxels += cropLabelSlice(labelId, box, z, mask, slice, columns, rows, slices);
  return { mask, voxels };
}

/**
 * Fills layer `z` of the box in `mask` (as `cropLabelMask` does for all of
 * them), so a caller can spread a large label over several tasks. Returns
 * how many voxels it set.
 */
export function cropLabelSlice(
  labelId: number,
  box: VoxelBox,
  z: number,
  mask: Uint8Array,
  slice: (k: number) => Uint8Array,
  columns: number,
  rows: number,
  slices: number,
): number {
  const k = box.slice + z;
  if (k < 0 || k >= slices) return 0;
  const c0 = Math.max(0, box.column);
  const c1 = Math.min(columns, box.column + box.columns);
  const r0 = Math.max(0, box.row);
  const r1 = Math.min(rows, box.row + box.rows);
  const map = slice(k);
  let voxels = 0;
  for (let r = r0; r < r1; r++) {
    let src = r * columns + c0;
    let dst = (z * box.rows + (r - box.row)) * box.columns + (c0 - box.column);
    for (let c = c0; c < c1; c++, src++, dst++) {
      if (map[src] === labelId) {
        mask[dst] = 1;
        voxels++;
      }
    }
  }
  return voxels;
}
