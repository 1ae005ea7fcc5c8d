/**
 * Accept: a 3D mask an assisted tool computed on a box becomes outlines of a
 * label, one region per axial slice the box covers, written as one undo step
 * with origin 'assisted' and the method's provenance (see
 * `RegionProvenance.algorithm` / `parameters`), unverified until a person
 * checks them.
 *
 * Per slice the label's current region is rasterised (the centre rule of
 * `rasterize.ts`), changed inside the box as the mode says, and traced back
 * with `maskToRegion`, whose rings rasterise to exactly that mask: so outside
 * the box the new outline covers pixel for pixel what the old one did, and
 * inside it exactly the mask (the document's overlap rule then applies as to
 * any edit). Work stays within the box and the old region's pixel bounds,
 * not the whole slice; slices where no pixel changes are not touched.
 */
import type { AlgorithmParameters, RegionProvenance } from '../annotation/document-data.js';
import type { AnnotationDocument } from '../annotation/document.js';
import { maskToRegion } from '../annotation/contour.js';
import { rasterizeRegion, regionPixelBounds, unionBoxes, type PixelBox } from '../annotation/rasterize.js';
import type { Region } from '../annotation/region.js';
import { SegmarkError } from '../errors.js';
import type { VoxelBox } from './box.js';

/** How the mask changes the label inside the box: becomes it, is added to it, or is cut from it. */
export type ApplyMode = 'replace' | 'add' | 'subtract';

export interface ApplyMaskOptions {
  labelId: number;
  /** The assisted method, recorded as `provenance.algorithm` (e.g. 'grow-from-seeds'). */
  method: string;
  /** Its parameters, recorded as `provenance.parameters`: finite numbers and strings. */
  parameters?: AlgorithmParameters;
  /** Who ran it (`provenance.by`); default the document's user. */
  user?: string;
  mode: ApplyMode;
  /** Undo-menu text; default `<method> <label name>`. */
  historyLabel?: string;
}

export interface ApplyMaskResult {
  /** Axial slices whose region changed, ascending. */
  slices: number[];
}

/**
 * Writes `mask` (on `box`, index `(k·rows + r)·columns + c` in box
 * coordinates, non-zero = the label) into the label's outlines per `mode`,
 * as one undo step; each changed slice is set with kind 'assist', origin
 * 'assisted', unverified. Refused for a locked label (`label-locked`) or an
 * unknown one (`label-not-found`); a box outside the series or a mask of the
 * wrong size is a RangeError. On an error nothing is left changed.
 */
export function applyBoxMask(document: AnnotationDocument, box: VoxelBox, mask: Uint8Array, options: ApplyMaskOptions): ApplyMaskResult {
  const { labelId, method, mode } = options;
  const label = document.label(labelId);
  if (!label) throw new SegmarkError('label-not-found', `no label ${labelId}`, { params: { labelId } });
  if (label.locked) throw new SegmarkError('label-locked', `label ${label.name} is locked`, { params: { labelId } });
  if (mode !== 'replace' && mode !== 'add' && mode !== 'subtract') throw new RangeError(`apply mode ${String(mode)}`);
  if (typeof method !== 'string' || method === '') throw new RangeError('an assisted method needs a name');
  checkBox(box, document.series);
  if (mask.length !== box.columns * box.rows * box.slices) {
    throw new RangeError(`mask holds ${mask.length} voxels, not ${box.columns} × ${box.rows} × ${box.slices}`);
  }

  const changes = sliceRegions(document, labelId, box, mask, mode);
  if (changes.length === 0) return { slices: [] };
  const provenance: RegionProvenance = {
    ...(options.user !== undefined && options.user !== '' ? { by: options.user } : {}),
    algorithm: method,
    ...(options.parameters ? { parameters: { ...options.parameters } } : {}),
  };
  document.beginStroke(options.historyLabel ?? `${method} ${label.name}`);
  try {
    for (const { slice, region } of changes) {
      document.setRegion(labelId, slice, region, { kind: 'assist', origin: 'assisted', verified: false, provenance });
    }
    document.commitStroke();
  } catch (error) {
    document.cancelStroke();
    throw error;
  }
  return { slices: changes.map((c) => c.slice) };
}

function checkBox(box: VoxelBox, series: { columns: number; rows: number; slices: number }): void {
  const { c0, r0, k0, columns, rows, slices } = box;
  const whole = [c0, r0, k0, columns, rows, slices].every((v) => Number.isInteger(v));
  if (!whole || c0 < 0 || r0 < 0 || k0 < 0 || columns < 1 || rows < 1 || slices < 1 ||
      c0 + columns > series.columns || r0 + rows > series.rows || k0 + slices > series.slices) {
    throw new RangeError(`box ${JSON.stringify(box)} is not inside the series (${series.columns} × ${series.rows} × ${series.slices})`);
  }
}

/** The new region of every slice the mask changes, ascending; nothing is written yet. */
function sliceRegions(
  document: AnnotationDocument,
  labelId: number,
  box: VoxelBox,
  mask: Uint8Array,
  mode: ApplyMode,
): { slice: number; region: Region }[] {
  const { columns: W, rows: H } = document.series;
  const inBox: PixelBox = { c0: box.c0, r0: box.r0, c1: box.c0 + box.columns, r1: box.r0 + box.rows };
  // One slice-sized buffer, cleared only where it is used; the traced window is copied out compactly.
  const slice = new Uint8Array(W * H);
  let window = new Uint8Array(0);
  const out: { slice: number; region: Region }[] = [];
  for (let s = 0; s < box.slices; s++) {
    const k = box.k0 + s;
    const old = document.regionAt(labelId, k);
    const area = unionBoxes(regionPixelBounds(old, W, H), inBox);
    for (let r = area.r0; r < area.r1; r++) slice.fill(0, r * W + area.c0, r * W + area.c1);
    rasterizeRegion(old, W, H, slice, 1, { box: area });
    if (!applyInBox(slice, W, box, mask, s, mode)) continue;
    const ww = area.c1 - area.c0;
    const wh = area.r1 - area.r0;
    if (window.length < ww * wh) window = new Uint8Array(ww * wh);
    const compact = window.subarray(0, ww * wh);
    for (let r = 0; r < wh; r++) {
      const from = (area.r0 + r) * W + area.c0;
      compact.set(slice.subarray(from, from + ww), r * ww);
    }
    const region = maskToRegion(compact, ww, wh, 1);
    for (const ring of region.rings) {
      for (let i = 0; i + 1 < ring.length; i += 2) {
        ring[i]! += area.c0;
        ring[i + 1]! += area.r0;
      }
    }
    out.push({ slice: k, region });
  }
  return out;
}

/** Changes the slice mask inside the box per `mode` from box slice `s` of `mask`; whether any pixel changed. */
function applyInBox(slice: Uint8Array, W: number, box: VoxelBox, mask: Uint8Array, s: number, mode: ApplyMode): boolean {
  let changed = false;
  for (let r = 0; r < box.rows; r++) {
    const row = (box.r0 + r) * W + box.c0;
    const from = (s * box.rows + r) * box.columns;
    for (let c = 0; c < box.columns; c++) {
      const m = mask[from + c] !== 0 ? 1 : 0;
      const was = slice[row + c]!;
      const now = mode === 'replace' ? m : mode === 'add' ? was | m : was & (m ^ 1);
      if (now !== was) {
        slice[row + c] = now;
        changed = true;
      }
    }
  }
  return changed;
}
