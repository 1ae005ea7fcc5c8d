/**
 * Sagittal and coronal reformats of an axial-style volume: planes through a
 * column or a row of every slice. Rows of a reformat run from the last slice
 * to the first, so the slice normal points up on screen (superior up for a
 * normal axial series).
 */
import type { Vec3 } from './types.js';
import type { Volume } from './volume.js';

export type ReformatPlane = 'sagittal' | 'coronal';

export interface ReformatImage {
  plane: ReformatPlane;
  /** The column (sagittal) or row (coronal) of the volume it cuts through. */
  index: number;
  columns: number;
  rows: number;
  pixels: Int16Array;
  /** mm between neighbouring columns and rows of this image. */
  columnSpacing: number;
  rowSpacing: number;
  /** Patient direction of increasing column and increasing row. */
  rightDirection: Vec3;
  downDirection: Vec3;
}

/** Reuses `target` when it has the right size, so dragging the cut line does not allocate. */
export function reformat(volume: Volume, plane: ReformatPlane, index: number, target?: Int16Array): ReformatImage {
  const { columns, rows, slices, sliceData } = volume;
  const across = plane === 'sagittal' ? rows : columns;
  const size = across * slices;
  const pixels = target && target.length === size ? target : new Int16Array(size);
  if (plane === 'sagittal') {
    const c = clamp(index, columns);
    for (let k = 0; k < slices; k++) {
      const slice = sliceData[k]!;
      const out = (slices - 1 - k) * rows;
      for (let r = 0, src = c; r < rows; r++, src += columns) pixels[out + r] = slice[src]!;
    }
  } else {
    const r = clamp(index, rows);
    for (let k = 0; k < slices; k++) {
      const start = r * columns;
      pixels.set(sliceData[k]!.subarray(start, start + columns), (slices - 1 - k) * columns);
    }
  }
  const [dCol, dRow, dSlice] = volume.spacing;
  const up = volume.normal;
  return {
    plane,
    index: plane === 'sagittal' ? clamp(index, columns) : clamp(index, rows),
    columns: across,
    rows: slices,
    pixels,
    columnSpacing: plane === 'sagittal' ? dRow : dCol,
    rowSpacing: dSlice,
    rightDirection: plane === 'sagittal' ? volume.columnCosine : volume.rowCosine,
    downDirection: [-up[0], -up[1], -up[2]],
  };
}

/** Row of a reformat image that shows slice k, and back. */
export function reformatRowOfSlice(slices: number, k: number): number {
  return slices - 1 - k;
}

function clamp(i: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.round(i)));
}
