/**
 * Edits made on sagittal and coronal views. The truth stays one region per
 * (label, axial slice); a plane is a derived view of it, like the labelmap.
 *
 * The plane at column i (sagittal) or row j (coronal) is an image of
 * `across × slices` pixels, laid out as `reformat.ts` lays out the CT:
 * image x runs along the volume's rows (sagittal) or columns (coronal), image
 * y = slices − 1 − k shows slice k. Its label mask is read from each axial
 * region by the labelmap's pixel-centre rule (`rasterize.ts`), so the plane
 * shows exactly the voxels the axial views and the exports show.
 *
 * `PlaneDocument` gives the annotation tools that plane as if it were a
 * slice (`label`, `regionAt`, `setRegion`): a tool draws on it unchanged, and
 * its `setRegion` compares the new plane mask with the current one, and
 * changes exactly the differing voxels on each axial slice the edit crosses
 * — through the document's own `setRegion`, so locked labels, the paint mode
 * and provenance apply as on an axial edit — in one undo step.
 */
import { maskToRegion } from './contour.js';
import type { AnnotationDocument } from './document.js';
import type { PlaneLine, SetRegionOptions } from './document-data.js';
import type { Label } from './labels.js';
import { rasterizeRegion, rasterizeToMask, regionPixelBounds, type PixelBox } from './rasterize.js';
import type { Region } from './region.js';
import { reformatRowOfSlice } from '../dicom/reformat.js';

/** The planes an edit can be made on besides the axial slices. */
export type EditPlane = PlaneLine['plane'];

/** The voxel grid of the series: `columns × rows` pixels per slice. */
export interface PlaneGrid {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
}

/**
 * Where the plane meets an axial slice, written once for every mapping below:
 * plane pixel x of the row showing slice k is pixel `offset + x·stride` of
 * that slice (row-major, `r·columns + c`); `across` is the plane's width.
 */
interface SliceLine {
  offset: number;
  stride: number;
  across: number;
}

function sliceLine(grid: PlaneGrid, plane: EditPlane, index: number): SliceLine {
  return plane === 'sagittal'
    ? { offset: index, stride: grid.columns, across: grid.rows } // x = row r, at column index
    : { offset: index * grid.columns, stride: 1, across: grid.columns }; // x = column c, at row index
}

/** The plane's image size: `across` columns (volume rows or columns) by one row per slice. */
export function planeSize(grid: PlaneGrid, plane: EditPlane): { columns: number; rows: number } {
  // The mapping of plane pixels to voxels is core/dicom/view-plane.ts's (voxelOnPlane, voxelToPlane).
  return { columns: sliceLine(grid, plane, 0).across, rows: grid.slices };
}

/** The slice a plane image row shows (the inverse of `reformatRowOfSlice`, which is its own inverse). */
function sliceOfPlaneRow(grid: PlaneGrid, y: number): number {
  return reformatRowOfSlice(grid.slices, y);
}

/** The pixels of a slice on the plane's line, as a box for `rasterizeRegion`. */
function lineBox(grid: PlaneGrid, plane: EditPlane, index: number): PixelBox {
  return plane === 'sagittal' ? { c0: index, r0: 0, c1: index + 1, r1: grid.rows } : { c0: 0, r0: index, c1: grid.columns, r1: index + 1 };
}

/**
 * A whole slice of scratch, zero between uses: rasterising with a box writes
 * only the box, which is copied out and cleared again. Grown, never shrunk.
 */
let scratch = new Uint8Array(0);
function sliceScratch(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(n);
  return scratch;
}
/** The box being re-traced, overwritten whole on every use. */
let boxScratch = new Uint8Array(0);
function boxBuffer(n: number): Uint8Array {
  if (boxScratch.length < n) boxScratch = new Uint8Array(n);
  return boxScratch.subarray(0, n);
}

/**
 * The label's voxels on the plane at `index`: `across × slices` bytes, 1
 * inside, row y = slices − 1 − k, read from each axial region by the
 * labelmap's pixel-centre rule. Only the plane's line of each slice where
 * the label has a region is rasterised. Writes into `out` when given (it
 * must hold the plane's pixels) and returns it.
 */
export function labelPlaneMask(
  document: Pick<AnnotationDocument, 'regionAt' | 'slicesOf'>,
  grid: PlaneGrid,
  plane: EditPlane,
  index: number,
  labelId: number,
  out?: Uint8Array,
): Uint8Array {
  checkPlane(grid, plane, index);
  const { offset, stride, across } = sliceLine(grid, plane, index);
  const size = across * grid.slices;
  if (out && out.length < size) throw new RangeError(`plane mask holds ${out.length} pixels, fewer than ${across} × ${grid.slices}`);
  const mask = out ?? new Uint8Array(size);
  mask.fill(0, 0, size);
  const buffer = sliceScratch(grid.columns * grid.rows);
  const box = lineBox(grid, plane, index);
  for (const k of document.slicesOf(labelId)) {
    if (k < 0 || k >= grid.slices) continue;
    rasterizeRegion(document.regionAt(labelId, k), grid.columns, grid.rows, buffer, 1, { box });
    const row = reformatRowOfSlice(grid.slices, k) * across;
    for (let x = 0, i = offset; x < across; x++, i += stride) {
      mask[row + x] = buffer[i]!;
      buffer[i] = 0;
    }
  }
  return mask;
}

/** A label's plane mask (and its outline, once asked for) with the slice regions it was read from. */
interface PlaneRead {
  labelId: number;
  slices: number[];
  regions: Region[];
  mask: Uint8Array;
  region?: Region;
}

/**
 * The document as seen on one sagittal or coronal plane, for the annotation
 * tools (it has their `ToolDocument` shape): the plane is the tool's slice,
 * numbered by `index`, of `planeSize(grid, plane)` pixels.
 *
 * - `label(id)` is the document's.
 * - `regionAt(labelId, index)` is the label's plane mask as pixel-edge rings
 *   (`maskToRegion` of `labelPlaneMask`), frozen; read again only when one
 *   of the label's slice regions changed (they are replaced, never mutated).
 * - `setRegion(labelId, index, region, options)` rasterises `region` on the
 *   plane (pixel-centre rule) and, for every slice whose line differs from
 *   the label's current one, sets and clears exactly the differing voxels on
 *   that slice (re-traced with `maskToRegion`, so every other voxel of the
 *   slice stays as it was) through the document's `setRegion` with
 *   `options.kind` and `drawnOn` this plane. All of it is one undo step
 *   (`beginStroke`/`commitStroke`; on an error the stroke is cancelled and
 *   the document is as before). The document applies, per slice, what an
 *   axial edit gets: a locked label refuses (`label-locked`), locked labels
 *   and in 'background-only' mode all others keep their voxels, in
 *   'over-others' mode others lose them; provenance names the user and
 *   marks slices that only plane edits made (`RegionProvenance.drawnOn`).
 *   When no voxel changes, nothing is recorded.
 *
 * Cheap to make; a view keeps one per (document, plane, index).
 */
export class PlaneDocument implements Pick<AnnotationDocument, 'label' | 'regionAt' | 'setRegion'> {
  readonly source: AnnotationDocument;
  readonly grid: PlaneGrid;
  readonly plane: EditPlane;
  readonly index: number;
  /** The plane image's width (volume rows for sagittal, columns for coronal) and height (slices). */
  readonly columns: number;
  readonly rows: number;
  /** The last plane mask read, and the slice regions it was read from (regions are frozen and replaced on change). */
  #cache: PlaneRead | undefined;

  constructor(source: AnnotationDocument, grid: PlaneGrid, plane: EditPlane, index: number) {
    const { columns, rows, slices } = source.series;
    if (grid.columns !== columns || grid.rows !== rows || grid.slices !== slices) {
      throw new RangeError(`grid ${grid.columns} × ${grid.rows} × ${grid.slices} is not the document's ${columns} × ${rows} × ${slices}`);
    }
    checkPlane(grid, plane, index);
    this.source = source;
    this.grid = { columns, rows, slices };
    this.plane = plane;
    this.index = index;
    const size = planeSize(this.grid, plane);
    this.columns = size.columns;
    this.rows = size.rows;
  }

  label(id: number): Label | undefined {
    return this.source.label(id);
  }

  /** The label's voxels on this plane as a region in plane pixel coordinates; `slice` must be the plane's index. */
  regionAt(labelId: number, slice: number): Region {
    this.#checkIndex(slice);
    const cache = this.#read(labelId);
    cache.region ??= frozen(maskToRegion(cache.mask, this.columns, this.rows));
    return cache.region;
  }

  /** Makes the label's voxels on this plane those of `region` (see the class comment); `slice` must be the plane's index. */
  setRegion(labelId: number, slice: number, region: Region, options: SetRegionOptions): void {
    this.#checkIndex(slice);
    const { columns: across, rows: height } = this;
    const next = rasterizeToMask(region, across, height);
    const now = this.#read(labelId).mask;
    const changed: number[] = [];
    for (let y = 0; y < height; y++) {
      const row = y * across;
      for (let x = 0; x < across; x++) {
        if (next[row + x] !== now[row + x]) {
          changed.push(y);
          break;
        }
      }
    }
    if (changed.length === 0) return;
    const doc = this.source;
    const name = doc.label(labelId)?.name ?? `label ${labelId}`;
    const drawnOn: PlaneLine = { plane: this.plane, index: this.index };
    doc.beginStroke(options.label ?? `${options.kind.charAt(0).toUpperCase()}${options.kind.slice(1)} ${name}`);
    try {
      // Slices in ascending order, as the undo history lists them.
      for (let n = changed.length - 1; n >= 0; n--) {
        const y = changed[n]!;
        const k = sliceOfPlaneRow(this.grid, y);
        const after = this.#sliceWithLine(labelId, k, now.subarray(y * across, (y + 1) * across), next.subarray(y * across, (y + 1) * across));
        doc.setRegion(labelId, k, after, { ...options, drawnOn });
      }
      doc.commitStroke();
    } catch (error) {
      doc.cancelStroke();
      throw error;
    }
  }

  /** The label's plane mask, read again only when one of its slice regions changed since the last read. */
  #read(labelId: number): PlaneRead {
    const slices = this.source.slicesOf(labelId);
    const regions = slices.map((k) => this.source.regionAt(labelId, k));
    const cache = this.#cache;
    if (cache && cache.labelId === labelId && sameList(cache.slices, slices) && sameList(cache.regions, regions)) return cache;
    const mask = labelPlaneMask(this.source, this.grid, this.plane, this.index, labelId, cache?.mask);
    this.#cache = { labelId, slices, regions, mask };
    return this.#cache;
  }

  #checkIndex(slice: number): void {
    if (slice !== this.index) throw new RangeError(`the ${this.plane} plane at ${this.index} was asked for plane ${slice}`);
  }

  /**
   * Slice k's region with the plane's line changed from `was` to `line`:
   * the region is rasterised only within its own box and the changed span,
   * the voxels set or cleared, and the box traced back to rings.
   */
  #sliceWithLine(labelId: number, k: number, was: Uint8Array, line: Uint8Array): Region {
    const { columns, rows } = this.grid;
    const { offset, stride, across } = sliceLine(this.grid, this.plane, this.index);
    let first = across;
    let last = -1;
    for (let x = 0; x < across; x++) {
      if (was[x] === line[x]) continue;
      if (x < first) first = x;
      last = x;
    }
    const region = this.source.regionAt(labelId, k);
    const a = offset + first * stride;
    const b = offset + last * stride;
    const span: PixelBox = { c0: a % columns, r0: Math.floor(a / columns), c1: (b % columns) + 1, r1: Math.floor(b / columns) + 1 };
    const own = regionPixelBounds(region, columns, rows);
    const box: PixelBox = own.c1 > own.c0 && own.r1 > own.r0
      ? { c0: Math.min(own.c0, span.c0), r0: Math.min(own.r0, span.r0), c1: Math.max(own.c1, span.c1), r1: Math.max(own.r1, span.r1) }
      : span;
    const w = box.c1 - box.c0;
    const h = box.r1 - box.r0;
    const buffer = sliceScratch(columns * rows);
    rasterizeRegion(region, columns, rows, buffer, 1, { box });
    const mask = boxBuffer(w * h);
    for (let r = box.r0; r < box.r1; r++) {
      const from = r * columns + box.c0;
      mask.set(buffer.subarray(from, from + w), (r - box.r0) * w);
      buffer.fill(0, from, from + w);
    }
    for (let x = first; x <= last; x++) {
      if (was[x] === line[x]) continue;
      const i = offset + x * stride;
      const c = i % columns;
      const r = (i - c) / columns;
      mask[(r - box.r0) * w + (c - box.c0)] = line[x]!;
    }
    const traced = maskToRegion(mask, w, h);
    for (const ring of traced.rings) {
      for (let i = 0; i + 1 < ring.length; i += 2) {
        ring[i]! += box.c0;
        ring[i + 1]! += box.r0;
      }
    }
    return traced;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function frozen(region: Region): Region {
  for (const ring of region.rings) Object.freeze(ring);
  Object.freeze(region.rings);
  return Object.freeze(region);
}

function checkPlane(grid: PlaneGrid, plane: EditPlane, index: number): void {
  if (plane !== 'sagittal' && plane !== 'coronal') throw new RangeError(`edit plane ${String(plane)}`);
  const positions = plane === 'sagittal' ? grid.columns : grid.rows;
  if (!Number.isInteger(index) || index < 0 || index >= positions) {
    throw new RangeError(`${plane} plane ${index} is outside 0..${positions - 1}`);
  }
}
