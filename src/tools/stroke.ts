/**
 * Round brushes: sizes in millimetres, footprints in pixels, and strokes as
 * polygons built while the pointer moves (ARCHITECTURE "One source of truth":
 * the stroke path offset by the brush radius, round joins and caps).
 *
 * Anisotropic pixels: a round brush of radius r mm is an ellipse of radii
 * r/Δcol × r/Δrow pixels. Clipper offsets with circles only, so the path is
 * offset in a space where y is stretched by rx/ry (the ellipse becomes a
 * circle of radius rx) and the result is squeezed back: the sweep of an
 * ellipse is the affine image of the sweep of a circle, so this is exact,
 * not an approximation.
 *
 * Work per pointer move stays bounded: points go into an open chunk; the
 * stroke region is the union of the closed chunks and the open chunk's
 * offset, computed at most once per frame (when a preview or the commit asks
 * for it) — one offset of ≤ CHUNK points and one union. Each chunk's polyline
 * joins are round, so chunks add fewer vertices than one capsule per segment.
 */
import { strokeToRegion, unionRegions } from '../core/annotation/region-ops.js';
import { EMPTY_REGION, type Region } from '../core/annotation/region.js';
import type { ToolContext, ToolPointer } from './annotation-tool.js';

/** Largest gap (px) between a stroke's polygonal arcs and the true circle: invisible, and half the vertices of 0.01. */
export const STROKE_ARC_TOLERANCE = 0.02;
/** Points per chunk before it is folded into the stroke so far. */
const CHUNK = 16;
/** Brush diameters (mm) that `[` and `]` step through. */
export const BRUSH_SIZES_MM: readonly number[] = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];
export const MIN_BRUSH_MM = 0.5;
export const MAX_BRUSH_MM = 100;

/** The path through `points` (flat pixels) swept by an axis-aligned ellipse of radii rx, ry (pixels). */
export function sweep(points: ArrayLike<number>, rx: number, ry: number, arcTolerance = STROKE_ARC_TOLERANCE): Region {
  if (Math.abs(rx - ry) <= 1e-9 * rx) return strokeToRegion(points, rx, { arcTolerance });
  const k = rx / ry;
  const stretched = new Array<number>(points.length);
  for (let i = 0; i < points.length; i++) stretched[i] = i & 1 ? points[i]! * k : points[i]!;
  // Squeezing by 1/k shrinks the arc error along y by 1/k: keep it within the tolerance either way.
  const swept = strokeToRegion(stretched, rx, { arcTolerance: arcTolerance * Math.min(1, k) });
  for (const ring of swept.rings) for (let i = 1; i < ring.length; i += 2) ring[i] = ring[i]! / k;
  return swept;
}

/** A brush size (diameter, mm) with `[`/`]` steps, and its footprint in pixels for a context. */
export class BrushSize {
  #mm: number;

  constructor(diameterMm = 5, readonly steps: readonly number[] = BRUSH_SIZES_MM) {
    this.#mm = clampSize(diameterMm);
  }

  get mm(): number {
    return this.#mm;
  }

  set mm(value: number) {
    this.#mm = clampSize(value);
  }

  /** One step larger (+1) or smaller (−1) along the size list. */
  step(direction: 1 | -1): void {
    const mm = this.#mm;
    const next = direction > 0 ? this.steps.find((s) => s > mm + 1e-9) : [...this.steps].reverse().find((s) => s < mm - 1e-9);
    if (next !== undefined) this.#mm = clampSize(next);
  }

  /** Radii in image pixels along x and y (at least half a pixel, so a dab always covers a pixel centre). */
  radii(context: ToolContext, scale = 1): { rx: number; ry: number } {
    const r = (this.#mm / 2) * scale;
    const [dRow, dCol] = context.pixelSpacing;
    return { rx: Math.max(0.5, r / (dCol > 0 ? dCol : 1)), ry: Math.max(0.5, r / (dRow > 0 ? dRow : 1)) };
  }

  /** Handles `[` and `]`; true when the key was one of them. */
  key(key: string): boolean {
    if (key === '[') this.step(-1);
    else if (key === ']') this.step(1);
    else return false;
    return true;
  }
}

function clampSize(mm: number): number {
  if (!Number.isFinite(mm)) throw new RangeError(`brush size ${mm} mm is not a number`);
  return Math.min(MAX_BRUSH_MM, Math.max(MIN_BRUSH_MM, mm));
}

/**
 * Radius factor from pen pressure: 1 at the half pressure a mouse reports,
 * from 0.3 (a touch) to 1.7 (pressed hard), in steps of 0.1 so that a stroke
 * is rebuilt only when the size visibly changes. Mouse and touch: always 1.
 */
export function pressureScale(p: ToolPointer, enabled: boolean): number {
  if (!enabled || p.pointerType !== 'pen') return 1;
  const raw = 0.3 + 1.4 * Math.min(1, Math.max(0, p.pressure));
  return Math.round(raw * 10) / 10;
}

/**
 * The region swept by one brush stroke, grown point by point. Radii are
 * fixed per chunk (a pressure change starts a new chunk at the last point,
 * joined by the round caps).
 */
export class StrokeBuilder {
  /** The open chunk's points (flat), starting at the last point of the previous chunk. */
  #points: number[] = [];
  /** The open chunk's radius factor. */
  #scale = 1;
  #closed: Region = EMPTY_REGION;
  #cached: Region | undefined;

  constructor(
    readonly rx: number,
    readonly ry: number,
  ) {}

  /** The last point added, or undefined. */
  get last(): [number, number] | undefined {
    const n = this.#points.length;
    return n ? [this.#points[n - 2]!, this.#points[n - 1]!] : undefined;
  }

  /** Adds a point with the given radius factor. */
  add(x: number, y: number, scale = 1): void {
    if (this.#points.length && scale !== this.#scale) {
      // Fold the open chunk at its own size, then continue from its last point at the new size.
      this.#closed = this.region();
      this.#points = this.#points.slice(-2);
    }
    this.#scale = scale;
    this.#points.push(x, y);
    this.#cached = undefined;
  }

  /** The stroke so far (computed at most once between adds). */
  region(): Region {
    if (this.#cached) return this.#cached;
    const open = this.#points;
    if (open.length === 0) return (this.#cached = this.#closed);
    const part = sweep(open, Math.max(0.5, this.rx * this.#scale), Math.max(0.5, this.ry * this.#scale));
    const all = this.#closed === EMPTY_REGION ? part : unionRegions(this.#closed, part);
    if (open.length >> 1 > CHUNK) {
      // Close the chunk; the next one starts at its last point so the stroke stays joined.
      this.#closed = all;
      this.#points = open.slice(-2);
    }
    return (this.#cached = all);
  }
}
