/**
 * The box of voxels the assisted tools work on: an axis-aligned block cut from
 * a `Volume`, so that a 3-D algorithm touches ~10⁶ voxels, not the series.
 *
 * Layout, everywhere in `core/assist/`: x fastest, index `(k·rows + r)·columns + c`
 * in box coordinates (c, r, k) = volume voxel (c0 + c, r0 + r, k0 + k). A box
 * *mask* is a Uint8Array of that layout holding label ids, 0 = none. Spacing
 * travels as `[Δcol, Δrow, Δslice]` in mm, as `Volume.spacing`.
 *
 * Tests: test/node/assist-box.test.ts (clamping, the layout of `cutBox`).
 */
import type { Volume } from '../dicom/volume.js';

/** Origin (in volume voxels) and size of a box. */
export interface VoxelBox {
  readonly c0: number;
  readonly r0: number;
  readonly k0: number;
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
}

/** A voxel `[column, row, slice]`, in volume or box coordinates as the function says. */
export type Voxel = readonly [number, number, number];

/** `[Δcol, Δrow, Δslice]` in mm. */
export type BoxSpacing = readonly [number, number, number];

type VolumeExtent = Pick<Volume, 'columns' | 'rows' | 'slices' | 'spacing'>;

/** Number of voxels of a box. */
export function boxSize(box: VoxelBox): number {
  return box.columns * box.rows * box.slices;
}

/**
 * The smallest box holding every point (volume voxels) grown by `marginMm` on
 * every side (rounded up to whole voxels per axis with the volume's spacing),
 * clamped to the volume. Throws when there is no point.
 */
export function boxAround(points: readonly Voxel[], marginMm: number, volume: VolumeExtent): VoxelBox {
  if (points.length === 0) throw new RangeError('a box needs at least one point');
  const size = [volume.columns, volume.rows, volume.slices];
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const p of points) {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, Math.floor(p[a]!));
      hi[a] = Math.max(hi[a]!, Math.floor(p[a]!));
    }
  }
  const from = [0, 0, 0];
  const to = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const m = Math.max(0, Math.ceil(marginMm / volume.spacing[a]! - 1e-9));
    from[a] = Math.max(0, Math.min(size[a]! - 1, lo[a]! - m));
    to[a] = Math.max(from[a]!, Math.min(size[a]! - 1, hi[a]! + m));
  }
  return { c0: from[0]!, r0: from[1]!, k0: from[2]!, columns: to[0]! - from[0]! + 1, rows: to[1]! - from[1]! + 1, slices: to[2]! - from[2]! + 1 };
}

/** The volume's HU inside the box, in box layout (a copy). */
export function cutBox(volume: Pick<Volume, 'columns' | 'sliceData'>, box: VoxelBox): Int16Array {
  const out = new Int16Array(boxSize(box));
  for (let k = 0; k < box.slices; k++) {
    const slice = volume.sliceData[box.k0 + k]!;
    for (let r = 0; r < box.rows; r++) {
      const from = (box.r0 + r) * volume.columns + box.c0;
      out.set(slice.subarray(from, from + box.columns), (k * box.rows + r) * box.columns);
    }
  }
  return out;
}

/** Index in the box of box voxel (c, r, k); throws outside the box. */
export function boxIndex(box: VoxelBox, [c, r, k]: Voxel): number {
  if (!(c >= 0 && r >= 0 && k >= 0 && c < box.columns && r < box.rows && k < box.slices)) throw new RangeError(`voxel ${c}, ${r}, ${k} is outside the box`);
  return (k * box.rows + r) * box.columns + c;
}
