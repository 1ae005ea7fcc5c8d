/**
 * The three planes a volume is read in, written once: the axial plane is a
 * slice as acquired; the sagittal plane at column i and the coronal plane at
 * row j cut every slice, with image rows running from the last slice to the
 * first (as `reformat.ts` lays them out), so the slice normal points up.
 *
 * Plane pixel coordinates follow ARCHITECTURE "Coordinates" on each plane's
 * own image; this module maps them to voxels (column, row, slice) and back,
 * and gives each plane's size, spacing, directions and numbering.
 *
 * The grid is the acquisition grid: on a gantry-tilted series the slices are
 * stacked as acquired, so a reformat shows the anatomy sheared by the tilt and
 * an edit on it lands on exactly the voxels under the pointer. Patient
 * coordinates are always those of the voxel's own slice plane.
 */
import { negate } from './geometry.js';
import type { Vec3 } from './types.js';
import type { Volume } from './volume.js';

export type ViewPlane = 'axial' | 'sagittal' | 'coronal';

export const VIEW_PLANES: readonly ViewPlane[] = ['axial', 'sagittal', 'coronal'];

export interface Voxel {
  column: number;
  row: number;
  slice: number;
}

/** The voxel grid and geometry a plane needs from a volume. */
export type PlaneVolume = Pick<Volume, 'columns' | 'rows' | 'slices' | 'spacing' | 'rowCosine' | 'columnCosine' | 'normal'>;

export interface PlaneFrame {
  plane: ViewPlane;
  /** Image size on this plane. */
  columns: number;
  rows: number;
  /** mm between neighbouring image columns and rows. */
  columnSpacing: number;
  rowSpacing: number;
  /** Patient direction of increasing image column and row. */
  rightDirection: Vec3;
  downDirection: Vec3;
  /** How many positions the plane can take (slices, columns or rows of the volume). */
  positions: number;
}

export function planeFrame(v: PlaneVolume, plane: ViewPlane): PlaneFrame {
  const [dCol, dRow, dSlice] = v.spacing;
  if (plane === 'axial') {
    return {
      plane,
      columns: v.columns,
      rows: v.rows,
      columnSpacing: dCol,
      rowSpacing: dRow,
      rightDirection: v.rowCosine,
      downDirection: v.columnCosine,
      positions: v.slices,
    };
  }
  const sagittal = plane === 'sagittal';
  return {
    plane,
    columns: sagittal ? v.rows : v.columns,
    rows: v.slices,
    columnSpacing: sagittal ? dRow : dCol,
    rowSpacing: dSlice,
    rightDirection: sagittal ? v.columnCosine : v.rowCosine,
    downDirection: negate(v.normal),
    positions: sagittal ? v.columns : v.rows,
  };
}

/** The voxel shown at whole image pixel (x, y) of the plane at `index`. */
export function voxelOnPlane(v: Pick<Volume, 'slices'>, plane: ViewPlane, index: number, x: number, y: number): Voxel {
  if (plane === 'axial') return { column: x, row: y, slice: index };
  const slice = v.slices - 1 - y;
  return plane === 'sagittal' ? { column: index, row: x, slice } : { column: x, row: index, slice };
}

/** Where a voxel lies on a plane: its whole image pixel and the plane's index through it. */
export function voxelToPlane(v: Pick<Volume, 'slices'>, plane: ViewPlane, voxel: Voxel): { x: number; y: number; index: number } {
  if (plane === 'axial') return { x: voxel.column, y: voxel.row, index: voxel.slice };
  const y = v.slices - 1 - voxel.slice;
  return plane === 'sagittal' ? { x: voxel.row, y, index: voxel.column } : { x: voxel.column, y, index: voxel.row };
}

/** The plane's index through a voxel position: the slice, column or row. */
export function planeIndexOf(plane: ViewPlane, at: Voxel): number {
  return plane === 'axial' ? at.slice : plane === 'sagittal' ? at.column : at.row;
}

/**
 * Slice numbers as radiologists read them: image 1 is the most superior slice
 * of an axial-type series (the hospital viewer's numbering), otherwise the
 * first in the stored order. Index k is the position in ascending order along
 * the normal.
 */
export function sliceNumber(v: Pick<Volume, 'slices' | 'normal'>, k: number): number {
  return superiorFirst(v) ? v.slices - k : k + 1;
}

/** The slice index of a displayed number (the inverse of `sliceNumber`). */
export function sliceOfNumber(v: Pick<Volume, 'slices' | 'normal'>, n: number): number {
  return superiorFirst(v) ? v.slices - n : n - 1;
}

/** The slice index one reading step on ("next image"): inferior on an axial series. */
export function nextSliceIndex(v: Pick<Volume, 'slices' | 'normal'>, k: number, steps = 1): number {
  const to = superiorFirst(v) ? k - steps : k + steps;
  return Math.min(v.slices - 1, Math.max(0, to));
}

/** The normal points to the head more than anywhere else: numbering starts at the top. */
function superiorFirst(v: Pick<Volume, 'normal'>): boolean {
  const [x, y, z] = v.normal;
  return z > 0 && Math.abs(z) >= Math.abs(x) && Math.abs(z) >= Math.abs(y);
}

/** A series' image number of each slice index (see `sliceNumber`). */
export type SliceNumbering = (k: number) => number;

/** Index + 1: the numbering of elements shown without a series. */
export const ONE_BASED: SliceNumbering = (k) => k + 1;

export function numbering(v: Pick<Volume, 'slices' | 'normal'> | undefined): SliceNumbering {
  return v ? (k) => sliceNumber(v, k) : ONE_BASED;
}
