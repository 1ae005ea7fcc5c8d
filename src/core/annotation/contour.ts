/**
 * Mask → region, exactly: the rings run along pixel boundaries (integer
 * coordinates), so rasterising them with the centre rule of `rasterize.ts`
 * gives back the very same mask for any mask — no pixel centre lies on a
 * pixel boundary, so no tie rule is ever involved. This is how raster tools
 * (threshold brush, fill, level trace, mask import) hand their result to the
 * polygon truth (ARCHITECTURE "One source of truth").
 *
 * Method: every boundary edge between a foreground and a background pixel
 * (the image border counts as background) is directed so that the foreground
 * lies on its right in screen coordinates (y down). Every vertex then has as
 * many edges in as out, so the edges split into closed rings; we follow them,
 * keeping only the corners (collinear points merged). Outer boundaries come
 * out with positive shoelace area (clockwise on screen), holes negative — the
 * orientation Clipper gives its outer polygons too.
 *
 * Saddles (two diagonal foreground pixels meeting at a corner) are the only
 * choice: turning right keeps the two pixels in separate rings that touch at
 * the corner (4-connected foreground, the default); turning left joins them
 * into one ring (8-connected). Under the even–odd rule both describe the
 * same pixels — the parity of a point depends only on the set of boundary
 * edges, not on how they are grouped — so the identity holds either way, and
 * in both cases rings never cross: at a saddle they only touch. 4 is the
 * default because it matches how the rasteriser sees a corner contact (it
 * covers no pixel centre) and keeps diagonal specks as separate rings that
 * slivers cleaning can drop one by one.
 *
 * Written by hand rather than with d3-contour: d3's marching squares
 * interpolates and emits one point per pixel edge; we need exact
 * pixel-edge rings with corners only, and holes.
 */
import type { Region, Ring } from './region.js';

/** Decides which mask values are foreground. */
export type MaskPredicate = (value: number) => boolean;

export interface MaskToRegionOptions {
  /** Connectivity of the foreground at saddle corners: 4 (default) keeps diagonal pixels in separate rings, 8 joins them. */
  connectivity?: 4 | 8;
}

/** Steps of the four directions: east, south, west, north (y down). */
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;
const EAST = 1;
const SOUTH = 2;
const WEST = 4;
const NORTH = 8;

/**
 * Traces the pixels of `mask` (index `r·columns + c`) equal to `value` (or
 * passing the predicate) into a region of pixel-edge rings, holes included.
 */
export function maskToRegion(
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  value: number | MaskPredicate = 1,
  options: MaskToRegionOptions = {},
): Region {
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 0 || rows < 0) {
    throw new RangeError(`bad image size ${columns} × ${rows}`);
  }
  if (mask.length < columns * rows) throw new RangeError(`mask holds ${mask.length} pixels, fewer than ${columns} × ${rows}`);
  if (typeof value === 'number' && mask instanceof Uint8Array && rows > 1) {
    // Trace only the rows that hold the value (found by native scans), then move the rings down:
    // an imported 512² mask is mostly empty rows. The rings are the same, in the same order.
    const first = mask.indexOf(value);
    if (first < 0 || first >= columns * rows) return { rings: [] };
    const r0 = Math.floor(first / columns);
    const r1 = Math.floor(mask.lastIndexOf(value, columns * rows - 1) / columns) + 1;
    if (r0 > 0 || r1 < rows) {
      const band = maskToRegion(mask.subarray(r0 * columns, r1 * columns), columns, r1 - r0, value, options);
      for (const ring of band.rings) for (let i = 1; i < ring.length; i += 2) ring[i]! += r0;
      return band;
    }
  }
  const fg = foreground(mask, columns * rows, value);
  const edges = boundaryEdges(fg, columns, rows);
  return { rings: traceRings(edges, columns + 1, options.connectivity === 8) };
}

/** 1 where the pixel is foreground. A predicate on a byte mask is asked once per byte value. */
function foreground(mask: ArrayLike<number>, n: number, value: number | MaskPredicate): Uint8Array {
  const fg = new Uint8Array(n);
  if (typeof value === 'number') {
    for (let i = 0; i < n; i++) if (mask[i] === value) fg[i] = 1;
    return fg;
  }
  if (mask instanceof Uint8Array || mask instanceof Uint8ClampedArray) {
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++) table[v] = value(v) ? 1 : 0;
    for (let i = 0; i < n; i++) fg[i] = table[mask[i]!]!;
    return fg;
  }
  for (let i = 0; i < n; i++) if (value(mask[i]!)) fg[i] = 1;
  return fg;
}

/**
 * Per vertex (x, y) of the (columns+1) × (rows+1) corner grid, the bits of
 * the directed boundary edges leaving it (foreground on the right).
 */
function boundaryEdges(fg: Uint8Array, columns: number, rows: number): Uint8Array {
  const w1 = columns + 1;
  const bits = new Uint8Array(w1 * (rows + 1));
  // Horizontal edges on grid line y, between the pixel above (row y − 1) and below (row y).
  for (let y = 0; y <= rows; y++) {
    const above = (y - 1) * columns;
    const below = y * columns;
    for (let x = 0; x < columns; x++) {
      const a = y > 0 ? fg[above + x]! : 0;
      const b = y < rows ? fg[below + x]! : 0;
      if (a === b) continue;
      if (b) bits[y * w1 + x]! |= EAST; // foreground below: (x, y) → (x + 1, y)
      else bits[y * w1 + x + 1]! |= WEST; // foreground above: (x + 1, y) → (x, y)
    }
  }
  // Vertical edges on grid line x, between the pixel left (column x − 1) and right (column x).
  for (let y = 0; y < rows; y++) {
    const row = y * columns;
    for (let x = 0; x <= columns; x++) {
      const l = x > 0 ? fg[row + x - 1]! : 0;
      const r = x < columns ? fg[row + x]! : 0;
      if (l === r) continue;
      if (l) bits[y * w1 + x]! |= SOUTH; // foreground left: (x, y) → (x, y + 1)
      else bits[(y + 1) * w1 + x]! |= NORTH; // foreground right: (x, y + 1) → (x, y)
    }
  }
  return bits;
}

/** Follows the directed edges into closed rings of corner points. */
function traceRings(bits: Uint8Array, w1: number, joinDiagonals: boolean): Ring[] {
  const used = new Uint8Array(bits.length);
  const rings: Ring[] = [];
  // Turn order at a vertex, relative to the incoming direction: right, straight, left (4-connected) or left first (8).
  const first = joinDiagonals ? 3 : 1;
  const last = joinDiagonals ? 1 : 3;
  for (let v = 0; v < bits.length; v++) {
    while ((bits[v]! & ~used[v]!) !== 0) {
      const free = bits[v]! & ~used[v]!;
      const startDir = free & EAST ? 0 : free & SOUTH ? 1 : free & WEST ? 2 : 3;
      let x = v % w1;
      let y = (v - x) / w1;
      const ring: Ring = [x, y];
      let dir = startDir;
      let at = v;
      for (;;) {
        used[at]! |= 1 << dir;
        x += DX[dir]!;
        y += DY[dir]!;
        at = y * w1 + x;
        const out = bits[at]!;
        let next: number;
        if (out & (1 << ((dir + first) & 3))) next = (dir + first) & 3;
        else if (out & (1 << dir)) next = dir;
        else if (out & (1 << ((dir + last) & 3))) next = (dir + last) & 3;
        else throw new Error(`contour: open boundary at (${x}, ${y})`); // cannot happen: in-degree = out-degree
        if (used[at]! & (1 << next)) {
          // Closed. The start is a corner unless we arrive heading the way we left.
          if (dir === startDir) ring.splice(0, 2);
          break;
        }
        if (next !== dir) ring.push(x, y);
        dir = next;
      }
      rings.push(ring);
    }
  }
  return rings;
}
