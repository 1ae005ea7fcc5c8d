/**
 * Segment nearby slices: from the outline of a structure on one axial slice,
 * the same structure on the slices above and below, slice by slice, until
 * its shape stops matching.
 *
 * The structure's HU are taken from the start outline once: its median and
 * robust deviation σ (1.4826 × MAD, so an outline that takes in some bone at
 * its edge keeps the structure's own spread). One step, from slice p (mask
 * Mp) to its neighbour s:
 *   1. the outer ring of Mp (the largest pixel-edge ring of `maskToRegion`)
 *      is resampled into anchors every `anchorSpacingMm`;
 *   2. each anchor slides along the contour's normal, at most `searchMm`
 *      either way, to the cheapest pixel of slice s by the livewire's own
 *      edge cost (`Livewire.edgeCost`: zero crossing + gradient magnitude)
 *      plus a small price per pixel moved, so that it keeps its place where
 *      no edge is clear; the moves are then median-filtered along the ring
 *      (five anchors), so one anchor caught by a neighbour's edge is pulled
 *      back — the greedy step of an active contour. The livewire sees the
 *      slice through a window on the median, `windowSd` σ wide (at least
 *      `MIN_WINDOW_HU`), so that the structure's own boundary, not the bone
 *      and air around it, carries the contrast;
 *   3. the livewire joins the anchors on slice s (`Livewire.outline`), so the
 *      outline follows the edge between them too; the closed path is filled
 *      (pixel centres inside, and the path's own pixels);
 *   4. the filled outline is cut to the pixels within median ± `huRange`·σ
 *      and closed again (the largest piece, holes filled): where the
 *      structure narrows within the search reach (a tilted disc meeting its
 *      end plate) the shape shrinks with it;
 *   5. the step is refused, and that side ends, when: the shape is (nearly)
 *      empty; its overlap (Dice) with Mp is under `minDice`; its area differs
 *      from Mp's by more than `maxAreaChange` of it; under `minInRange` of
 *      the filled outline's pixels were in the HU range (the HU inside left
 *      the start's); the HU step across the contour (mean over the anchors
 *      of |HU 1–2 px inside − HU 1–2 px outside|) falls under
 *      `minEdgeRatio` of the start slice's (the structure runs into tissue of
 *      its own HU); the next slice is one the caller marks as drawn (a
 *      person's outline wins); or the limit (`maxSlices`) or the box's end
 *      is reached.
 * The edge test is in HU, not in livewire cost: the livewire normalises its
 * gradient by the slice's largest, so on a flat slice noise looks as strong
 * an edge as a real one.
 *
 * Only the largest outer ring is followed (holes and other pieces of the
 * start outline are not): a structure that splits between slices ends there.
 *
 * Per slice: the livewire's cost images of the box slice (linear), the
 * search along the normals, and the livewire paths between neighbouring
 * anchors. Tests: test/node/assist-nearby.test.ts (a drifting cylinder and
 * an ellipsoid in noise, a cylinder running into a slab of its HU, the
 * sample's discs against their ground truth).
 */
import { Livewire } from '../annotation/livewire.js';
import { rasterizeToMask } from '../annotation/rasterize.js';
import type { Ring } from '../annotation/region.js';
import type { BoxSpacing, VoxelBox } from './box.js';
import { median5, outerRing, resample, ringNormals } from './contour-anchors.js';

export interface NearbyOptions {
  /** The box slice (0-based in the box) the start outline lies on. */
  start: number;
  /** Most slices to take on each side; default 10. */
  maxSlices?: number;
  /** How far a contour point may move from one slice to the next (mm); default 3. */
  searchMm?: number;
  /** Distance between anchors along the contour (mm); default 3. */
  anchorSpacingMm?: number;
  /** Least overlap (Dice) with the previous slice; default 0.5. */
  minDice?: number;
  /** Largest change of area from the previous slice, as a fraction of it; default 0.6. */
  maxAreaChange?: number;
  /** The structure's HU: the start's median ± this many of its robust standard deviations; default 2.5. */
  huRange?: number;
  /** Least fraction of the snapped outline's pixels whose HU is in that range; default 0.4. */
  minInRange?: number;
  /** Least mean HU step across the contour, as a fraction of the start slice's; default 0.5. */
  minEdgeRatio?: number;
  /** Width of the livewire's window, in the start's standard deviations; default 8. */
  windowSd?: number;
  /** Box slices already outlined by a person: propagation stops before them. */
  drawn?: ArrayLike<number | boolean>;
  /** Value written in the result mask; default 1. */
  label?: number;
}

/** Why the propagation stopped on one side. */
export type NearbyStop = 'dice' | 'area' | 'hu' | 'edge' | 'empty' | 'drawn' | 'limit' | 'box';

export interface NearbySliceStats {
  /** Box slice. */
  slice: number;
  /** Pixels taken. */
  area: number;
  /** Dice with the slice it was propagated from (1 for the start). */
  dice: number;
  /** Mean HU inside. */
  meanHu: number;
  /** Fraction of the snapped outline's pixels in the structure's HU range. */
  inRange: number;
  /** Mean HU step across the contour at the anchors. */
  edge: number;
}

export interface NearbyResult {
  /** Box mask: `label` on the start outline and every slice taken, 0 elsewhere. */
  mask: Uint8Array;
  /** The start and every slice taken, ascending. */
  slices: NearbySliceStats[];
  /** Why each side stopped: `below` towards slice 0, `above` towards the last. */
  stopped: { below: NearbyStop; above: NearbyStop };
  /** The parameters used, defaults filled in (for provenance). */
  parameters: NearbyParameters;
}

/** The numbers that steer the propagation (every option but the start, the drawn slices and the label). */
export type NearbyParameters = Required<Omit<NearbyOptions, 'drawn' | 'label' | 'start'>>;

export const NEARBY_DEFAULTS: Readonly<NearbyParameters> = {
  maxSlices: 10,
  searchMm: 3,
  anchorSpacingMm: 3,
  minDice: 0.5,
  maxAreaChange: 0.6,
  huRange: 2.5,
  minInRange: 0.4,
  minEdgeRatio: 0.5,
  windowSd: 8,
};

/** The narrowest window the livewire sees the slice through (HU). */
const MIN_WINDOW_HU = 80;
/** Floor of the start's standard deviation (HU), so a flat phantom does not stop at the first noise. */
const MIN_SD_HU = 5;
/** Price of moving an anchor by the whole search distance, against an edge cost of 0..1. */
const MOVE_PRICE = 0.25;
/** Fewest pixels a slice's shape may have. */
const MIN_AREA = 4;

/**
 * Propagates the outline `start` (a mask of the box slice `options.start`,
 * `columns × rows`, non-zero = inside) to the neighbouring slices of `values`
 * (the box's HU, `cutBox` layout). Throws a RangeError for sizes that do not
 * fit; an empty start gives an empty result.
 */
export function propagateToNearbySlices(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, start: Uint8Array, options: NearbyOptions): NearbyResult {
  const { columns, rows, slices } = box;
  const area = columns * rows;
  if (values.length !== area * slices) throw new RangeError(`box of ${area * slices} voxels, got ${values.length} values`);
  if (start.length !== area) throw new RangeError(`start mask of ${start.length} pixels, not ${columns} × ${rows}`);
  if (!Number.isInteger(options.start) || options.start < 0 || options.start >= slices) throw new RangeError(`start slice ${options.start} is outside the box`);
  const p = { ...NEARBY_DEFAULTS, ...definedOnly(options) };
  const label = options.label ?? 1;
  const k0 = options.start;
  const mask = new Uint8Array(area * slices);
  const first = new Uint8Array(area);
  for (let i = 0; i < area; i++) first[i] = start[i] ? 1 : 0;
  const startArea = count(first);
  const parameters: NearbyParameters = {
    maxSlices: p.maxSlices,
    searchMm: p.searchMm,
    anchorSpacingMm: p.anchorSpacingMm,
    minDice: p.minDice,
    maxAreaChange: p.maxAreaChange,
    huRange: p.huRange,
    minInRange: p.minInRange,
    minEdgeRatio: p.minEdgeRatio,
    windowSd: p.windowSd,
  };
  if (startArea === 0) return { mask, slices: [], stopped: { below: 'empty', above: 'empty' }, parameters };

  const step = new Stepper(values, box, spacing, p);
  const startSlice = values.subarray(k0 * area, (k0 + 1) * area);
  const { medianHu, sdHu } = robustStats(startSlice, first);
  const meanHu = meanUnder(startSlice, first);
  const sd = Math.max(MIN_SD_HU, sdHu);
  const window = { center: medianHu, width: Math.max(MIN_WINDOW_HU, p.windowSd * sd) };
  const range = { min: medianHu - p.huRange * sd, max: medianHu + p.huRange * sd };
  const own = step.snap(first, k0, window, range);
  // The HU step across the start outline on its own slice: what later steps are held to.
  const startEdge = own ? own.edge : 0;
  put(mask, first, k0 * area, label);
  const stats: NearbySliceStats[] = [{ slice: k0, area: startArea, dice: 1, meanHu, inRange: own ? own.inRange : 1, edge: startEdge }];

  const stopped = { below: 'limit' as NearbyStop, above: 'limit' as NearbyStop };
  for (const direction of [-1, 1] as const) {
    let previous: Uint8Array = first;
    let previousArea = startArea;
    let why: NearbyStop = 'limit';
    for (let n = 1; n <= p.maxSlices; n++) {
      const s = k0 + direction * n;
      if (s < 0 || s >= slices) {
        why = 'box';
        break;
      }
      if (options.drawn?.[s]) {
        why = 'drawn';
        break;
      }
      const next = step.snap(previous, s, window, range);
      const verdict = next ? judge(next, previousArea, startEdge, p) : 'empty';
      if (verdict !== undefined || !next) {
        why = verdict ?? 'empty';
        break;
      }
      put(mask, next.mask, s * area, label);
      stats.push({ slice: s, area: next.area, dice: next.dice, meanHu: next.meanHu, inRange: next.inRange, edge: next.edge });
      previous = next.mask;
      previousArea = next.area;
    }
    if (direction < 0) stopped.below = why;
    else stopped.above = why;
  }
  stats.sort((a, b) => a.slice - b.slice);
  return { mask, slices: stats, stopped, parameters };
}

/** One slice's snapped shape. */
interface Snapped {
  mask: Uint8Array;
  area: number;
  /** Dice with the mask it came from. */
  dice: number;
  meanHu: number;
  inRange: number;
  edge: number;
}

/** Why the step to `next` is refused, or undefined when it is taken. */
function judge(next: Snapped, previousArea: number, startEdge: number, p: NearbyParameters): NearbyStop | undefined {
  if (next.area < MIN_AREA) return 'empty';
  if (next.dice < p.minDice) return 'dice';
  if (Math.abs(next.area - previousArea) > p.maxAreaChange * previousArea) return 'area';
  if (next.inRange < p.minInRange) return 'hu';
  if (next.edge < p.minEdgeRatio * startEdge) return 'edge';
  return undefined;
}

/** One step from a slice to its neighbour, in the box's pixels. */
class Stepper {
  private readonly columns: number;
  private readonly rows: number;
  /** Anchor spacing and search reach in pixels (the in-plane spacing is taken as the mean of the two). */
  private readonly anchorPx: number;
  private readonly searchPx: number;

  constructor(
    private readonly values: Int16Array,
    box: VoxelBox,
    spacing: BoxSpacing,
    p: NearbyParameters,
  ) {
    this.columns = box.columns;
    this.rows = box.rows;
    const pixel = (spacing[0] + spacing[1]) / 2;
    this.anchorPx = Math.max(1, p.anchorSpacingMm / pixel);
    this.searchPx = Math.max(1, p.searchMm / pixel);
  }

  /**
   * `from` carried onto box slice s: snapped, joined, filled, then cut to the
   * pixels in the structure's HU range (the largest piece, holes filled);
   * undefined when it has no contour to follow.
   */
  snap(from: Uint8Array, s: number, window: { center: number; width: number }, range: { min: number; max: number }): Snapped | undefined {
    const { columns, rows } = this;
    const ring = outerRing(from, columns, rows);
    if (!ring) return undefined;
    const anchors = resample(ring, this.anchorPx);
    const slice = this.values.subarray(s * columns * rows, (s + 1) * columns * rows);
    const livewire = new Livewire(slice, columns, rows, window);
    const { moved, edge } = this.slide(anchors, slice, livewire);
    const outline = fill(livewire.outline(moved), columns, rows);
    const outlineArea = count(outline);
    let inside = 0;
    for (let i = 0; i < outline.length; i++) {
      if (!outline[i]) continue;
      const v = slice[i]!;
      if (v >= range.min && v <= range.max) inside++;
      else outline[i] = 0;
    }
    const outer = outerRing(outline, columns, rows);
    const mask: Uint8Array = outer ? rasterizeToMask({ rings: [outer] }, columns, rows) : outline;
    const area = count(mask);
    let both = 0;
    for (let i = 0; i < mask.length; i++) both += mask[i]! & (from[i]! ? 1 : 0);
    const dice = (2 * both) / (area + count(from));
    const meanHu = meanUnder(slice, mask);
    return { mask, area, dice, meanHu, inRange: outlineArea ? inside / outlineArea : 0, edge };
  }

  /**
   * Each anchor to the cheapest pixel along its normal (plus the price of
   * the move), the moves median-filtered along the ring; the mean HU step
   * across the contour at the moved anchors.
   */
  private slide(anchors: Float64Array, slice: Int16Array, livewire: Livewire): { moved: Float64Array; edge: number } {
    const m = anchors.length / 2;
    const { columns, rows, searchPx } = this;
    const max = livewire.maxEdgeCost;
    const normals = ringNormals(anchors);
    const shift = new Float64Array(m);
    const steps = Math.ceil(searchPx * 2);
    for (let a = 0; a < m; a++) {
      const x = anchors[2 * a]!;
      const y = anchors[2 * a + 1]!;
      const nx = normals[2 * a]!;
      const ny = normals[2 * a + 1]!;
      let best = Infinity;
      let bestT = 0;
      for (let j = -steps; j <= steps; j++) {
        const t = (j / steps) * searchPx;
        const c = Math.floor(x + t * nx);
        const r = Math.floor(y + t * ny);
        if (c < 0 || r < 0 || c >= columns || r >= rows) continue;
        const cost = livewire.edgeCost(c, r) / max + (MOVE_PRICE * Math.abs(t)) / searchPx;
        if (cost < best) [best, bestT] = [cost, t];
      }
      shift[a] = bestT;
    }
    const smooth = median5(shift);
    const moved = new Float64Array(anchors.length);
    let strength = 0;
    for (let a = 0; a < m; a++) {
      const x = anchors[2 * a]! + smooth[a]! * normals[2 * a]!;
      const y = anchors[2 * a + 1]! + smooth[a]! * normals[2 * a + 1]!;
      moved[2 * a] = clamp(Math.floor(x), columns) + 0.5;
      moved[2 * a + 1] = clamp(Math.floor(y), rows) + 0.5;
      strength += this.contrast(slice, x, y, normals[2 * a]!, normals[2 * a + 1]!);
    }
    return { moved, edge: strength / m };
  }

  /** The HU step across the contour at (x, y): |mean 1 and 2 pixels inside − mean 1 and 2 pixels outside|. */
  private contrast(slice: Int16Array, x: number, y: number, nx: number, ny: number): number {
    const at = (t: number) => slice[clamp(Math.floor(y + t * ny), this.rows) * this.columns + clamp(Math.floor(x + t * nx), this.columns)]!;
    return Math.abs(at(-1) + at(-2) - at(1) - at(2)) / 2;
  }
}

function clamp(v: number, n: number): number {
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/** The pixels of a closed livewire path (pixel centres) and the pixels whose centres it encloses. */
function fill(path: Ring, columns: number, rows: number): Uint8Array {
  if (path.length < 6) return new Uint8Array(columns * rows);
  const mask = rasterizeToMask({ rings: [path] }, columns, rows);
  for (let i = 0; i + 1 < path.length; i += 2) mask[Math.floor(path[i + 1]!) * columns + Math.floor(path[i]!)] = 1;
  return mask;
}

/** `label` into `mask` from `offset` wherever the slice mask is set. */
function put(mask: Uint8Array, slice: Uint8Array, offset: number, label: number): void {
  for (let i = 0; i < slice.length; i++) if (slice[i]) mask[offset + i] = label;
}

function count(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/**
 * Median and robust standard deviation (1.4826 × the median absolute
 * deviation) of the HU under a mask: a start outline that takes in some
 * bone at its edge keeps the structure's own spread.
 */
function robustStats(slice: ArrayLike<number>, mask: ArrayLike<number>): { medianHu: number; sdHu: number } {
  const inside = new Float64Array(count(mask));
  for (let i = 0, n = 0; i < mask.length; i++) if (mask[i]) inside[n++] = slice[i]!;
  if (inside.length === 0) return { medianHu: 0, sdHu: 0 };
  const medianHu = median(inside);
  for (let i = 0; i < inside.length; i++) inside[i] = Math.abs(inside[i]! - medianHu);
  return { medianHu, sdHu: 1.4826 * median(inside) };
}

/** Median of the values (sorted in place). */
function median(values: Float64Array): number {
  const sorted = values.sort();
  const h = sorted.length >> 1;
  return sorted.length % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** Mean HU under a mask (0 when empty). */
function meanUnder(slice: ArrayLike<number>, mask: ArrayLike<number>): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    sum += slice[i]!;
  }
  return n ? sum / n : 0;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
