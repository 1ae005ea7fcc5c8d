/**
 * What the annotation tools share: the editable-label check, tolerances that
 * feel the same at any zoom, region geometry helpers, and the one way a tool
 * commits — a single `setRegion` per gesture, so one stroke is one undo step
 * and a cancelled gesture has touched nothing (tools keep their work local
 * until the commit).
 */
import { boundsOf, overlaps, sameRegion } from '../core/annotation/document-data.js';
import type { RegionChangeKind } from '../core/annotation/document.js';
import { differenceRegions, normalizeRegion, simplifyRegion, unionRegions } from '../core/annotation/region-ops.js';
import { isEmptyRegion, type Region, type Ring } from '../core/annotation/region.js';
import type { ToolContext, ToolStatusCode } from './annotation-tool.js';

/** Hit tolerance for vertices, edges and the first point of an outline, in screen pixels. */
export const HIT_SCREEN_PX = 6;
/** Outlines and strokes smaller than this (image px²) are taken as accidents and ignored. */
export const MIN_AREA = 2;
/** Two clicks closer in time than this, at the same place, are a double click. */
export const DOUBLE_CLICK_MS = 400;

/** Whether the active label exists and is not locked. */
export function isEditable(context: ToolContext): boolean {
  const label = context.document.label(context.labelId);
  return label !== undefined && !label.locked;
}

/** Undo-menu text, e.g. "Freehand L4/L5 disc". */
export function historyText(context: ToolContext, verb: string): string {
  return `${verb} ${context.document.label(context.labelId)?.name ?? `label ${context.labelId}`}`;
}

/** Image pixels that cover `screenPx` screen pixels at the current zoom. */
export function imagePx(context: ToolContext, screenPx: number): number {
  return screenPx / (context.screenScale > 0 ? context.screenScale : 1);
}

/** Where a gesture began: it only ever applies to that (label, slice). */
export interface Target {
  readonly labelId: number;
  readonly slice: number;
}

export function targetOf(context: ToolContext): Target {
  return { labelId: context.labelId, slice: context.slice };
}

export function sameTarget(target: Target | undefined, context: ToolContext): boolean {
  return target !== undefined && target.labelId === context.labelId && target.slice === context.slice;
}

/** Signed shoelace area of a ring (positive clockwise on screen, y down). */
export function ringArea(ring: ArrayLike<number>): number {
  let sum = 0;
  const n = ring.length;
  for (let k = 0; k + 1 < n; k += 2) {
    const j = k + 2 < n ? k + 2 : 0;
    sum += ring[k]! * ring[j + 1]! - ring[j]! * ring[k + 1]!;
  }
  return sum / 2;
}

/** Area of a region with oriented rings (outer positive, holes negative), as Clipper and maskToRegion give them. */
export function orientedArea(region: Region): number {
  let sum = 0;
  for (const ring of region.rings) sum += ringArea(ring);
  return sum;
}

/** Whether (x, y) is inside the region by the even–odd rule. */
export function regionContains(region: Region, x: number, y: number): boolean {
  let inside = false;
  for (const ring of region.rings) if (ringContains(ring, x, y)) inside = !inside;
  return inside;
}

export function ringContains(ring: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i + 1 < n; j = i, i += 2) {
    const xi = ring[i]!, yi = ring[i + 1]!, xj = ring[j]!, yj = ring[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Squared distance from (x, y) to the segment (ax, ay)–(bx, by), and where along it (0..1) the nearest point lies. */
export function segmentDistance2(x: number, y: number, ax: number, ay: number, bx: number, by: number): { d2: number; t: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  const ex = ax + t * dx - x;
  const ey = ay + t * dy - y;
  return { d2: ex * ex + ey * ey, t };
}

/**
 * A drawn outline (any ring, even self-crossing) as the area it encloses
 * by the even–odd rule, or undefined when that area is below MIN_AREA.
 * `simplify` > 0 drops vertices within that many pixels of the line through
 * their neighbours (dense pointer traces carry many redundant points).
 */
export function outlineRegion(ring: Ring, simplify = 0): Region | undefined {
  if (ring.length < 6) return undefined;
  const region = simplify > 0 ? simplifyRegion({ rings: [ring] }, simplify) : normalizeRegion({ rings: [ring] });
  return orientedArea(region) < MIN_AREA ? undefined : region;
}

/**
 * Adds `shape` (a normal region, as outlineRegion gives) to the active
 * label's region on the slice, or cuts it away, as one undo step ('draw' or
 * 'erase'). No step is recorded when nothing
 * changes (erasing where the label is absent, adding what is already there).
 */
export function applyShape(context: ToolContext, shape: Region, subtract: boolean, text: string): ToolStatusCode {
  if (!isEditable(context)) return 'locked';
  const before = context.document.regionAt(context.labelId, context.slice);
  if (isEmptyRegion(shape) || (subtract && isEmptyRegion(before))) return 'unchanged';
  // Apart from the region (the shape is normal already): nothing to clip, which for an
  // outline of thousands of vertices saves Clipper's seconds (issue 17).
  const apart = !overlaps(boundsOf(before), boundsOf(shape));
  if (apart && subtract) return 'unchanged';
  if (apart) return commitRegion(context, { rings: [...normalizeRegion(before).rings, ...shape.rings] }, 'draw', text);
  const after = subtract ? differenceRegions(before, shape) : unionRegions(before, shape);
  // Union only adds and difference only removes: the same area means the same pixels.
  const unchanged = Math.abs(orientedArea(after) - orientedArea(normalizeRegion(before))) < 1e-6;
  if (unchanged) return 'unchanged';
  return commitRegion(context, after, subtract ? 'erase' : 'draw', text);
}

/** Sets the active label's region on the slice (one undo step), unless it is the same. */
export function commitRegion(context: ToolContext, region: Region, kind: RegionChangeKind, text: string): ToolStatusCode {
  if (!isEditable(context)) return 'locked';
  const before = context.document.regionAt(context.labelId, context.slice);
  if (sameRegion(before, region) || (isEmptyRegion(before) && isEmptyRegion(region))) return 'unchanged';
  context.document.setRegion(context.labelId, context.slice, region, { kind, label: text });
  // A sagittal or coronal plane keeps its region when the edit changed no voxel (nothing was recorded).
  return context.document.regionAt(context.labelId, context.slice) === before ? 'unchanged' : 'changed';
}
