/**
 * Islands, smoothing and margin of one label's box mask, in 3-D with the
 * box's anisotropic spacing (as Slicer's Segment Editor effects).
 *
 * - `islands`: 6-connected components (a diagonal contact does not join two
 *   islands, as in the flood fills of grow and one-click); keep the largest,
 *   remove those under a volume in mm³, or keep the one holding a voxel.
 * - `margin`: grow by `mm` = every voxel whose centre lies within `mm` of a
 *   voxel of the mask (dilation by a ball); shrink by `mm` = every voxel of
 *   the mask farther than `mm` from any voxel outside it (erosion by a ball).
 *   Distances are exact Euclidean, from the 3-D EDT of
 *   core/annotation/distance.ts (Felzenszwalb & Huttenlocher), O(n). Nothing
 *   is known beyond the box: it neither adds to nor erodes the mask.
 * - `smooth`: closing = grow then shrink by the radius, opening = shrink then
 *   grow (Serra's morphological closing and opening by a ball in mm).
 * - `median`: 3×3×3 majority vote, separable box sums, O(n); at the box edge
 *   the vote is among the neighbours inside the box.
 *
 * Results are new masks holding the mask's label id (its first nonzero value).
 * Tests: assist-morphology.test.ts (margin against brute force on a small
 * anisotropic box, islands, smoothing, median); the EDT against scipy in
 * assist-distance.tools.test.ts.
 */
import { squaredDistance3dInto } from '../annotation/distance.js';
import { boxIndex, boxSize, type BoxSpacing, type Voxel, type VoxelBox } from './box.js';
import { components } from './neighbours.js';

export type IslandsOptions =
  | { mode: 'keep-largest' }
  | { mode: 'remove-smaller'; minMm3: number }
  /** A voxel in box coordinates; when it is not in the mask the mask is returned unchanged. */
  | { mode: 'keep-clicked'; voxel: Voxel };

export interface SmoothOptions {
  kind: 'closing' | 'opening';
  radiusMm: number;
}

/** The label id a result is written with: the first nonzero value (1 for an empty mask). */
function labelOf(mask: Uint8Array): number {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return mask[i]!;
  return 1;
}

function checkMask(mask: Uint8Array, box: VoxelBox): void {
  if (mask.length !== boxSize(box)) throw new RangeError(`mask of ${mask.length} voxels for a box of ${boxSize(box)}`);
}

/** The islands kept by `options` (see the file comment). */
export function islands(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, options: IslandsOptions): Uint8Array {
  checkMask(mask, box);
  const { ids, sizes } = components(mask, box);
  const keep = new Uint8Array(sizes.length);
  if (options.mode === 'keep-largest') {
    let best = 0;
    for (let id = 1; id < sizes.length; id++) if (sizes[id]! > sizes[best]!) best = id;
    keep[best] = 1;
  } else if (options.mode === 'remove-smaller') {
    const voxelMm3 = spacing[0] * spacing[1] * spacing[2];
    for (let id = 1; id < sizes.length; id++) keep[id] = sizes[id]! * voxelMm3 >= options.minMm3 ? 1 : 0;
  } else {
    const id = ids[boxIndex(box, options.voxel)]!;
    if (id === 0) return Uint8Array.from(mask);
    keep[id] = 1;
  }
  keep[0] = 0;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (keep[ids[i]!] === 1) out[i] = mask[i]!;
  return out;
}

/** Grow (mm > 0) or shrink (mm < 0) by a Euclidean distance in mm. */
export function margin(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, mm: number): Uint8Array {
  checkMask(mask, box);
  if (!Number.isFinite(mm)) throw new RangeError(`margin of ${mm} mm`);
  const label = labelOf(mask);
  if (mm === 0) return Uint8Array.from(mask, (v) => (v !== 0 ? label : 0));
  const out = new Uint8Array(mask.length);
  const d2 = new Float64Array(mask.length);
  // Grow: distance to the nearest voxel of the mask; shrink: to the nearest voxel outside it.
  squaredDistance3dInto(d2, mask, box.columns, box.rows, box.slices, mm > 0, spacing);
  // A relative tolerance, so that a voxel exactly at the distance counts whatever the rounding.
  const limit = mm * mm * (1 + 1e-12);
  if (mm > 0) {
    for (let i = 0; i < out.length; i++) out[i] = d2[i]! <= limit ? label : 0;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = mask[i] !== 0 && d2[i]! > limit ? label : 0;
  }
  return out;
}

/** Morphological closing or opening by a ball of `radiusMm`. */
export function smooth(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, { kind, radiusMm }: SmoothOptions): Uint8Array {
  if (!(radiusMm >= 0)) throw new RangeError(`radius of ${radiusMm} mm`);
  const first = kind === 'closing' ? radiusMm : -radiusMm;
  const out = margin(margin(mask, box, spacing, first), box, spacing, -first);
  const label = labelOf(mask);
  for (let i = 0; i < out.length; i++) if (out[i] !== 0) out[i] = label;
  return out;
}

/** 3×3×3 median of a binary mask: a voxel is set when more than half its neighbours in the box (itself included) are. */
export function median(mask: Uint8Array, box: VoxelBox): Uint8Array {
  checkMask(mask, box);
  const { columns, rows, slices } = box;
  const set = Uint8Array.from(mask, (v) => (v !== 0 ? 1 : 0));
  const tmp = new Uint8Array(set.length);
  sum3(set, tmp, columns, 1, set.length);
  sum3(tmp, set, rows, columns, set.length);
  sum3(set, tmp, slices, columns * rows, set.length);
  const label = labelOf(mask);
  const out = new Uint8Array(set.length);
  for (let k = 0, i = 0; k < slices; k++) {
    const nk = span3(k, slices);
    for (let r = 0; r < rows; r++) {
      const nrk = span3(r, rows) * nk;
      for (let c = 0; c < columns; c++, i++) out[i] = 2 * tmp[i]! > span3(c, columns) * nrk ? label : 0;
    }
  }
  return out;
}

/** How many of i − 1, i, i + 1 lie in [0, n). */
function span3(i: number, n: number): number {
  return 1 + (i > 0 ? 1 : 0) + (i < n - 1 ? 1 : 0);
}

/** dst[i] = src[i − s] + src[i] + src[i + s] along one axis of length n and stride s, zero beyond the box. */
function sum3(src: Uint8Array, dst: Uint8Array, n: number, stride: number, total: number): void {
  for (let i = 0; i < total; i++) {
    const along = ((i - (i % stride)) / stride) % n;
    dst[i] = src[i]! + (along > 0 ? src[i - stride]! : 0) + (along < n - 1 ? src[i + stride]! : 0);
  }
}
