/**
 * What the assisted 3D tools share (grow from seeds, one-click region): they
 * work in voxels, not on one slice. Each gesture asks for a result — a box
 * mask computed off the page (`AssistHooks`) — which every view shows as a
 * preview until Enter accepts it (one undo step, origin 'assisted', written
 * by `applyBoxMask`) or Escape drops it. Until then the document is untouched.
 */
import { applyBoxMask, type ApplyMode } from '../core/assist/apply-mask.js';
import type { VoxelBox } from '../core/assist/box.js';
import type { AlgorithmParameters } from '../core/annotation/document-data.js';
import type { AnnotationDocument } from '../core/annotation/document.js';
import { maskToRegion } from '../core/annotation/contour.js';
import type { Region } from '../core/annotation/region.js';
import type { Volume } from '../core/dicom/volume.js';
import type { ToolContext, ToolPreview, ToolStatusCode } from './annotation-tool.js';

/** What the annotator gives an assisted tool: the open series and document, and where to compute. */
export interface AssistHooks {
  document(): AnnotationDocument | undefined;
  volume(): Volume | undefined;
  /** A result arrived (or was dropped): every view draws again. */
  changed(): void;
}

/** A computed result waiting for Accept. */
export interface AssistResult {
  box: VoxelBox;
  /** Box mask, non-zero = the label. */
  mask: Uint8Array;
  labelId: number;
  method: string;
  parameters: AlgorithmParameters;
  mode: ApplyMode;
}

/** The volume voxel under a pointer on the tool's view, clamped to the image; undefined when the view has no voxels. */
export function voxelUnder(p: { x: number; y: number }, context: ToolContext): { column: number; row: number; slice: number } | undefined {
  if (!context.toVoxel) return undefined;
  const x = Math.min(context.columns - 1, Math.max(0, Math.floor(p.x)));
  const y = Math.min(context.rows - 1, Math.max(0, Math.floor(p.y)));
  return context.toVoxel(x, y);
}

/** The plane a view shows: the axial slice, or the sagittal/coronal plane through a column/row. */
export function planeOf(context: ToolContext): { plane: 'axial' | 'sagittal' | 'coronal'; index: number } {
  return context.plane ?? { plane: 'axial', index: context.slice };
}

export class AssistedResultHolder {
  #result: AssistResult | undefined;
  #regions = new Map<string, Region>();

  constructor(private readonly hooks: AssistHooks) {}

  get result(): AssistResult | undefined {
    return this.#result;
  }

  set(result: AssistResult | undefined): void {
    this.#result = result;
    this.#regions.clear();
    this.hooks.changed();
  }

  /** The result on the view's plane, in the view's image pixels (cached per plane). */
  regionOn(context: ToolContext): Region | undefined {
    const r = this.#result;
    if (!r) return undefined;
    const { plane, index } = planeOf(context);
    const key = `${plane}:${index}`;
    const cached = this.#regions.get(key);
    if (cached) return cached;
    const region = cutRegion(r.box, r.mask, plane, index, context.rows);
    if (region) this.#regions.set(key, region);
    return region;
  }

  /** Enter accepts the result, Escape drops it: the status, or undefined when there is no result or the key is another. */
  key(key: string): ToolStatusCode | undefined {
    if (!this.#result) return undefined;
    if (key === 'Enter') return this.accept();
    if (key !== 'Escape') return undefined;
    this.set(undefined);
    return 'cancelled';
  }

  /** The result as a view's preview: filled where the view's plane cuts it. */
  fillPreview(context: ToolContext): ToolPreview | undefined {
    const region = this.regionOn(context);
    return region ? { fill: region } : undefined;
  }

  /** Writes the result into the document (one undo step); `unchanged` when there is none or it changes nothing. */
  accept(): ToolStatusCode {
    const r = this.#result;
    const document = this.hooks.document();
    if (!r || !document) return 'unchanged';
    const label = document.label(r.labelId);
    if (!label || label.locked) return 'locked';
    const { slices } = applyBoxMask(document, r.box, r.mask, { labelId: r.labelId, method: r.method, parameters: r.parameters, mode: r.mode });
    this.set(undefined);
    return slices.length ? 'changed' : 'unchanged';
  }
}

/**
 * The box mask where a plane cuts it, as a region in that plane's image
 * pixels (axial: the slice; sagittal/coronal: x along rows/columns, y from the
 * last slice up, as the reformats lay them out), or undefined when the plane
 * misses the box.
 */
export function cutRegion(box: VoxelBox, mask: Uint8Array, plane: 'axial' | 'sagittal' | 'coronal', index: number, planeRows: number): Region | undefined {
  const { c0, r0, k0, columns, rows, slices } = box;
  let cut: Uint8Array;
  let width: number;
  let height: number;
  let dx: number;
  let dy: number;
  if (plane === 'axial') {
    const k = index - k0;
    if (k < 0 || k >= slices) return undefined;
    cut = mask.subarray(k * rows * columns, (k + 1) * rows * columns);
    [width, height, dx, dy] = [columns, rows, c0, r0];
  } else {
    const sagittal = plane === 'sagittal';
    const i = index - (sagittal ? c0 : r0);
    if (i < 0 || i >= (sagittal ? columns : rows)) return undefined;
    width = sagittal ? rows : columns;
    height = slices;
    cut = new Uint8Array(width * height);
    // Plane row y shows slice planeRows − 1 − y: the box's top slice is at the smallest y.
    for (let k = 0; k < slices; k++) {
      const y = slices - 1 - k;
      for (let x = 0; x < width; x++) {
        const at = sagittal ? (k * rows + x) * columns + i : (k * rows + i) * columns + x;
        cut[y * width + x] = mask[at]! ? 1 : 0;
      }
    }
    dx = sagittal ? r0 : c0;
    dy = planeRows - (k0 + slices);
  }
  const region = maskToRegion(cut, width, height, (v) => v !== 0);
  for (const ring of region.rings) {
    for (let j = 0; j < ring.length; j += 2) {
      ring[j]! += dx;
      ring[j + 1]! += dy;
    }
  }
  return region;
}
