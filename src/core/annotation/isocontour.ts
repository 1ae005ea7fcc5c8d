/**
 * Sub-pixel iso-contours of a scalar field (marching squares with linear
 * interpolation along cell edges), as a Region of smooth closed rings.
 *
 * This is the smooth counterpart of the pixel-edge contour of a mask: the
 * level set of a signed distance field (distance.ts) or of a blend of two
 * (interpolate.ts). Hand-written rather than d3-contour because we need our
 * coordinate convention, typed-array input without copies, an origin for
 * cropped fields, consistent orientation and ring assembly without
 * intermediate objects per cell.
 *
 * Conventions:
 * - Field sample (c, r) lives at the pixel centre (c + 0.5 + originX, r + 0.5 + originY).
 * - A sample is inside when its value is < level (NaN is outside).
 * - The field is padded with outside samples all around, so rings are always
 *   closed; where an inside sample touches the edge of the field the ring runs
 *   along the field's edge (half a pixel beyond the border samples).
 * - Saddle cells are decided by the mean of their four corners (inside mean:
 *   the inside corners connect), the same rule for every cell, so the
 *   topology is consistent and rings never cross.
 * - Orientation: outer boundaries have a positive shoelace sum
 *   Σ (x_i·y_{i+1} − x_{i+1}·y_i) in pixel coordinates (y down, so clockwise on
 *   screen), holes a negative one; the inside is on the right of travel on
 *   screen — as maskToRegion (contour.ts) and the region operations orient
 *   theirs. The Region's even–odd rule does not need it, but consumers may.
 */
import type { Region, Ring } from './region.js';

export interface IsocontourOptions {
  /** Level of the contour; inside is `value < level`. Default 0. */
  level?: number;
  /** Pixel column / row of field sample (0, 0), for fields cropped out of an image. Default 0, 0. */
  originX?: number;
  originY?: number;
  /** Rings with |area| below this (pixels²) are dropped. Default 0.25. */
  minArea?: number;
}

/** Crossings are kept this far (in cell units) from cell corners, so rings never touch at a corner. */
const CORNER_GAP = 1e-3;
/** Vertices whose triangle with their neighbours is below this area (pixels²) are collinear and dropped. */
const COLLINEAR_AREA = 1e-9;

// Cell edges, by position.
const T = 0;
const R = 1;
const B = 2;
const L = 3;

/**
 * For each case (bits: top-left 1, top-right 2, bottom-right 4, bottom-left 8
 * inside), the oriented segments as [from, to] edge pairs with the inside on
 * the right of travel (screen, y down). Saddles 5 and 10 are listed for the
 * "separate" decision; the "joined" decision is handled where used.
 */
const SEGMENTS: readonly (readonly number[])[] = [
  [],
  [T, L],
  [R, T],
  [R, L],
  [B, R],
  [T, L, B, R], // 5 separate: top-left and bottom-right apart
  [B, T],
  [B, L],
  [L, B],
  [T, B],
  [R, T, L, B], // 10 separate: top-right and bottom-left apart
  [R, B],
  [L, R],
  [T, R],
  [L, T],
  [],
];
const SADDLE_JOINED: Readonly<Record<number, readonly number[]>> = {
  5: [T, R, B, L], // top-right and bottom-left are the outside corners
  10: [L, T, R, B], // top-left and bottom-right are the outside corners
};

/**
 * The level-`level` iso-contour of `field` (columns × rows samples) as a
 * Region whose inside is `value < level`.
 */
export function isocontour(field: ArrayLike<number>, columns: number, rows: number, options: IsocontourOptions = {}): Region {
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 0 || rows < 0 || field.length < columns * rows) {
    throw new RangeError(`field of ${field.length} values does not hold ${columns} × ${rows} samples`);
  }
  const level = options.level ?? 0;
  const originX = options.originX ?? 0;
  const originY = options.originY ?? 0;
  const minArea = options.minArea ?? 0.25;
  if (columns === 0 || rows === 0) return { rings: [] };

  const box = insideBox(field, columns, rows, level);
  if (!box) return { rings: [] };
  const grid = new Window(field, columns, rows, level, box);
  const next = new Int32Array(grid.edgeCount);
  const starts: number[] = [];
  linkCells(grid, next, starts);

  const rings: Ring[] = [];
  for (const start of starts) {
    if (next[start] === 0) continue; // already part of a traced ring
    const ring = trace(grid, start, next, originX, originY);
    const cleaned = dropCollinear(ring);
    if (cleaned.length >= 6 && Math.abs(ringArea(cleaned)) >= minArea) rings.push(cleaned);
  }
  return { rings };
}

// The loops below live in small functions: V8 optimises a long function one loop at a time and
// discards the code at each loop it has no feedback for yet, which makes first calls slow.

/** The box [minC, minR, maxC, maxR] of the samples below `level`, or undefined when there is none. */
function insideBox(field: ArrayLike<number>, columns: number, rows: number, level: number): [number, number, number, number] | undefined {
  let minC = columns;
  let maxC = -1;
  let minR = rows;
  let maxR = -1;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, i++) {
      if (field[i]! < level) {
        if (c < minC) minC = c;
        if (c > maxC) maxC = c;
        if (r < minR) minR = r;
        maxR = r;
      }
    }
  }
  return maxR < 0 ? undefined : [minC, minR, maxC, maxR];
}

/**
 * The samples of the inside box grown by one sample all around (all outside;
 * beyond the field they are virtual), with window-local sample (i, j) at field
 * sample (c0 + i, r0 + j). Edge ids: horizontal (i, j)–(i+1, j) is
 * j·(width−1) + i; vertical (i, j)–(i, j+1) is nH + j·width + i.
 */
class Window {
  readonly c0: number;
  readonly r0: number;
  readonly width: number;
  readonly height: number;
  readonly nH: number;
  readonly edgeCount: number;
  /** 1 where the window sample is inside. */
  readonly inside: Uint8Array;

  constructor(
    readonly field: ArrayLike<number>,
    readonly columns: number,
    readonly rows: number,
    readonly level: number,
    [minC, minR, maxC, maxR]: [number, number, number, number],
  ) {
    this.c0 = minC - 1;
    this.r0 = minR - 1;
    this.width = maxC - minC + 3;
    this.height = maxR - minR + 3;
    this.nH = (this.width - 1) * this.height;
    this.edgeCount = this.nH + this.width * (this.height - 1);
    this.inside = new Uint8Array(this.width * this.height);
    markInside(this);
  }
}

function markInside(w: Window): void {
  const { field, columns, level, inside, width } = w;
  for (let j = 1; j < w.height - 1; j++) {
    for (let i = 1, f = (w.r0 + j) * columns + w.c0 + 1, p = j * width + 1; i < width - 1; i++, f++, p++) {
      if (field[f]! < level) inside[p] = 1;
    }
  }
}

function edgeId(edge: number, a: number, b: number, width: number, nH: number): number {
  if (edge === T) return b * (width - 1) + a;
  if (edge === B) return (b + 1) * (width - 1) + a;
  if (edge === L) return nH + b * width + a;
  return nH + b * width + a + 1;
}

/**
 * Writes next[from] = to + 1 for the oriented segment of every cell (a, b) of
 * the window (corners (a, b) … (a+1, b+1)), and the edges segments start from.
 */
function linkCells(w: Window, next: Int32Array, starts: number[]): void {
  const { inside, width, nH, field, columns, level } = w;
  for (let b = 0; b < w.height - 1; b++) {
    for (let a = 0, p = b * width; a < width - 1; a++, p++) {
      const kase = inside[p]! | (inside[p + 1]! << 1) | (inside[p + width + 1]! << 2) | (inside[p + width]! << 3);
      if (kase === 0 || kase === 15) continue;
      let segments = SEGMENTS[kase]!;
      if (kase === 5 || kase === 10) {
        // Cells on the window's border are never saddles (their outside corners are adjacent), so
        // the four corners are field samples.
        const f = (w.r0 + b) * columns + w.c0 + a;
        const mean = (field[f]! + field[f + 1]! + field[f + columns]! + field[f + columns + 1]!) / 4;
        if (mean < level) segments = SADDLE_JOINED[kase]!;
      }
      for (let s = 0; s < segments.length; s += 2) {
        const from = edgeId(segments[s]!, a, b, width, nH);
        next[from] = edgeId(segments[s + 1]!, a, b, width, nH) + 1;
        starts.push(from);
      }
    }
  }
}

/** Follows the links from `start` back to it, clearing them, and returns the crossing points. */
function trace(w: Window, start: number, next: Int32Array, originX: number, originY: number): Ring {
  const ring: Ring = [];
  let e = start;
  do {
    pushCrossing(ring, w, e, originX, originY);
    const to = next[e]! - 1;
    next[e] = 0;
    e = to;
  } while (e !== start && e >= 0);
  return ring;
}

/** Appends the crossing point of edge `e` to `ring`. */
function pushCrossing(ring: Ring, w: Window, e: number, originX: number, originY: number): void {
  const { field, columns, rows, level, width, nH } = w;
  let i: number;
  let j: number;
  let di = 0;
  let dj = 0;
  if (e < nH) {
    j = Math.floor(e / (width - 1));
    i = e - j * (width - 1);
    di = 1;
  } else {
    j = Math.floor((e - nH) / width);
    i = e - nH - j * width;
    dj = 1;
  }
  // Field sample coordinates of the two ends.
  const c = w.c0 + i;
  const r = w.r0 + j;
  const c2 = c + di;
  const r2 = r + dj;
  let t = 0.5; // an edge to a sample beyond the field: the boundary is the field's edge
  if (c >= 0 && r >= 0 && c2 < columns && r2 < rows) {
    const a = field[r * columns + c]!;
    const b = field[r2 * columns + c2]!;
    t = (level - a) / (b - a);
  }
  if (!(t > CORNER_GAP)) t = CORNER_GAP; // also catches NaN
  else if (t > 1 - CORNER_GAP) t = 1 - CORNER_GAP;
  ring.push(originX + c + di * t + 0.5, originY + r + dj * t + 0.5);
}

/** Signed area of a flat ring (shoelace, pixel coordinates; positive for outer boundaries). */
function ringArea(ring: ArrayLike<number>): number {
  const n = ring.length;
  let sum = 0;
  for (let k = 0; k < n; k += 2) {
    const x0 = ring[k]!;
    const y0 = ring[k + 1]!;
    const x1 = ring[(k + 2) % n]!;
    const y1 = ring[(k + 3) % n]!;
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

/** Drops vertices that lie on the line through their neighbours (straight runs of marching squares). */
function dropCollinear(ring: Ring): Ring {
  const n = ring.length / 2;
  if (n <= 3) return ring;
  const out: Ring = [];
  let px = ring[2 * n - 2]!;
  let py = ring[2 * n - 1]!;
  for (let k = 0; k < n; k++) {
    const x = ring[2 * k]!;
    const y = ring[2 * k + 1]!;
    const nx = ring[(2 * k + 2) % (2 * n)]!;
    const ny = ring[(2 * k + 3) % (2 * n)]!;
    if (Math.abs((x - px) * (ny - py) - (nx - px) * (y - py)) < 2 * COLLINEAR_AREA) continue;
    out.push(x, y);
    px = x;
    py = y;
  }
  return out.length >= 6 ? out : ring;
}
