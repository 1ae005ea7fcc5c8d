/**
 * Region → pixels: the one rule that turns the editable truth (polygons) into
 * the derived labelmap (ARCHITECTURE "One source of truth" and "Coordinates").
 *
 * Rule: pixel (c, r) belongs to a ring when its centre (c + 0.5, r + 0.5) is
 * inside the ring or on its boundary — exactly what `skimage.draw.polygon`
 * decides (O'Rourke's point-in-polygon, where "vertex" and "edge" count as in)
 * once our coordinates are shifted by −0.5 to its integer pixel centres. A
 * region with several rings is the XOR (even–odd) of its rings' pixel sets.
 * The tests compare every pixel with scikit-image on ≥ 1,000 polygons.
 *
 * How O'Rourke's test becomes a scanline: for the centre row y = r + 0.5 an
 * edge "r-crosses" when exactly one endpoint has y' > y, and "l-crosses" when
 * exactly one has y' < y (the two differ only when an endpoint lies on the
 * row). A centre is inside-or-on-boundary iff an odd number of r-crossings
 * lie strictly to its right, or an odd number of l-crossings strictly to its
 * left, or a vertex lies within 1e-12 of it. Since each list has an even
 * count on a closed ring, the first condition is "centre in [R0, R1), [R2,
 * R3), …" and the second "centre in (L0, L1], (L2, L3], …" over the sorted
 * crossing abscissae. Horizontal edges never cross a row. A crossing is
 * computed as x0 + (y − y0)(x1 − x0)/(y1 − y0): exact for ties when the
 * coordinates are dyadic (k/2^m, as in the tests and Clipper's output); for
 * arbitrary doubles a centre within an ulp or so of an edge may fall either way.
 *
 * Written by hand because no library rasterises with skimage's exact rule;
 * the loops run on typed arrays with buffers owned once per call.
 */
import type { Region } from './region.js';
import { sortByKey, sortFloats } from '../util/typed-sort.js';

/** A rectangle of pixels: columns `c0 ≤ c < c1`, rows `r0 ≤ r < r1`. */
export interface PixelBox {
  c0: number;
  r0: number;
  c1: number;
  r1: number;
}

export interface RasterizeOptions {
  /** Only pixels inside this box are written (for redrawing a changed area); clipped to the image. */
  box?: PixelBox;
}

/** skimage's tolerance for "the point is a vertex". */
const VERTEX_EPS = 1e-12;

/**
 * Sets `out[r·columns + c] = value` for every pixel of the region (see the
 * rule above); other pixels are left untouched. `out` holds `columns × rows`
 * pixels (pass `labelmap.subarray(k·rows·columns, (k+1)·rows·columns)` for a
 * slice of a volume).
 */
export function rasterizeRegion(
  region: Region,
  columns: number,
  rows: number,
  out: Uint8Array,
  value: number,
  options: RasterizeOptions = {},
): void {
  checkImage(columns, rows, out);
  const rings = region.rings.filter((ring) => ring.length >= 6);
  if (rings.length === 0) return;
  // Work only where the region can be: the scratch buffers scale with this box.
  const box = intersectBoxes(clipBox(options.box ?? { c0: 0, r0: 0, c1: columns, r1: rows }, columns, rows), regionPixelBounds(region, columns, rows));
  if (box.c1 <= box.c0 || box.r1 <= box.r0) return;
  const raster = RingRaster.for(box, maxVertices(rings));
  if (rings.length === 1) {
    raster.paint(rings[0]!, out, columns, value, false);
    return;
  }
  // Several rings: XOR their pixel sets, then write. Each span toggles only its two ends in
  // `flips` (one extra column per row); a running XOR along the row gives the parity.
  const stride = box.c1 - box.c0 + 1;
  const flips = new Uint8Array(stride * (box.r1 - box.r0));
  for (const ring of rings) raster.paint(ring, flips, stride, 1, true);
  for (let r = box.r0; r < box.r1; r++) {
    const src = (r - box.r0) * stride - box.c0;
    const dst = r * columns;
    let parity = 0;
    for (let c = box.c0; c < box.c1; c++) {
      parity ^= flips[src + c]!;
      if (parity === 1) out[dst + c] = value;
    }
  }
}

/** `rasterizeRegion` restricted to `box`: the variant for redrawing only a changed area. */
export function rasterizeRegionInBox(
  region: Region,
  columns: number,
  rows: number,
  out: Uint8Array,
  value: number,
  box: PixelBox,
): void {
  rasterizeRegion(region, columns, rows, out, value, { box });
}

/** A new `columns × rows` mask with 1 on the region's pixels and 0 elsewhere. */
export function rasterizeToMask(region: Region, columns: number, rows: number): Uint8Array {
  const out = new Uint8Array(columns * rows);
  rasterizeRegion(region, columns, rows, out, 1);
  return out;
}

/**
 * The pixels a region can set, clipped to the image (empty box when none):
 * the union of the boxes before and after an edit is the area to redraw.
 */
export function regionPixelBounds(region: Region, columns: number, rows: number): PixelBox {
  let xMin = Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let yMax = -Infinity;
  for (const ring of region.rings) {
    if (ring.length < 6) continue;
    for (let i = 0; i + 1 < ring.length; i += 2) {
      const x = ring[i]!;
      const y = ring[i + 1]!;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (!(xMin <= xMax && yMin <= yMax)) return { c0: 0, r0: 0, c1: 0, r1: 0 };
  // Centres c + 0.5 within [xMin, xMax], widened by one pixel for the vertex tolerance.
  return clipBox(
    { c0: Math.floor(xMin - 0.5) - 1, r0: Math.floor(yMin - 0.5) - 1, c1: Math.ceil(xMax - 0.5) + 2, r1: Math.ceil(yMax - 0.5) + 2 },
    columns,
    rows,
  );
}

/** The smallest box holding both (either may be empty). */
export function unionBoxes(a: PixelBox, b: PixelBox): PixelBox {
  if (a.c1 <= a.c0 || a.r1 <= a.r0) return { ...b };
  if (b.c1 <= b.c0 || b.r1 <= b.r0) return { ...a };
  return { c0: Math.min(a.c0, b.c0), r0: Math.min(a.r0, b.r0), c1: Math.max(a.c1, b.c1), r1: Math.max(a.r1, b.r1) };
}

function intersectBoxes(a: PixelBox, b: PixelBox): PixelBox {
  return { c0: Math.max(a.c0, b.c0), r0: Math.max(a.r0, b.r0), c1: Math.min(a.c1, b.c1), r1: Math.min(a.r1, b.r1) };
}

function checkImage(columns: number, rows: number, out: Uint8Array): void {
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 0 || rows < 0) {
    throw new RangeError(`bad image size ${columns} × ${rows}`);
  }
  if (out.length < columns * rows) throw new RangeError(`output holds ${out.length} pixels, fewer than ${columns} × ${rows}`);
}

function clipBox(box: PixelBox, columns: number, rows: number): PixelBox {
  return {
    c0: Math.max(0, Math.floor(box.c0)),
    r0: Math.max(0, Math.floor(box.r0)),
    c1: Math.min(columns, Math.ceil(box.c1)),
    r1: Math.min(rows, Math.ceil(box.r1)),
  };
}

function maxVertices(rings: readonly (readonly number[])[]): number {
  let n = 0;
  for (const ring of rings) n = Math.max(n, ring.length >> 1);
  return n;
}

/** Far beyond any image, small enough that integers stay exact (and the loops below end). */
const FAR = 2 ** 40;

/** Smallest pixel index whose centre is ≥ x (exact: no reliance on x − 0.5 rounding). */
function firstCentreAtOrAbove(x: number): number {
  if (x < -FAR) x = -FAR;
  else if (x > FAR) x = FAR;
  let c = Math.ceil(x - 0.5);
  while (c + 0.5 < x) c++;
  while (c - 0.5 >= x) c--;
  return c;
}

/** Largest pixel index whose centre is ≤ x. */
function lastCentreAtOrBelow(x: number): number {
  if (x < -FAR) x = -FAR;
  else if (x > FAR) x = FAR;
  let c = Math.floor(x - 0.5);
  while (c + 0.5 > x) c--;
  while (c + 1.5 <= x) c++;
  return c;
}

/**
 * Scratch for painting one ring at a time inside a box. One instance is kept
 * and reused while it is big enough: typed-array allocations on every edit
 * would add garbage (and, in browsers, external-memory GC pressure) to each
 * commit and brush frame.
 */
class RingRaster {
  private static last: RingRaster | undefined;

  /** A raster for `box` and rings of up to `maxVertices` vertices. Valid until the next call. */
  static for(box: PixelBox, maxVertices: number): RingRaster {
    const rows = box.r1 - box.r0;
    let raster = RingRaster.last;
    if (!raster || raster.capacity < maxVertices || raster.bucketStart.length < rows + 1) {
      raster = new RingRaster(Math.max(maxVertices, raster?.capacity ?? 0), Math.max(rows, (raster?.bucketStart.length ?? 1) - 1));
      RingRaster.last = raster;
    }
    raster.box = box;
    return raster;
  }

  private box: PixelBox = { c0: 0, r0: 0, c1: 0, r1: 0 };
  private readonly capacity: number;
  // Edges of the current ring: endpoints ordered by y, and the rows they touch.
  private readonly ex0: Float64Array;
  private readonly ey0: Float64Array;
  private readonly ex1: Float64Array;
  private readonly ey1: Float64Array;
  private readonly lastRow: Int32Array;
  private readonly firstRow: Int32Array;
  private readonly bucketStart: Int32Array;
  private readonly bucketEdges: Int32Array;
  private active: Int32Array;
  // The active edges' crossings on the row, in the active list's order; the merge's second buffers.
  private ax: Float64Array;
  private active2: Int32Array;
  private ax2: Float64Array;
  // Edges starting on the row, sorted by their crossing before they are merged in.
  private readonly fresh: Int32Array;
  private readonly freshX: Float64Array;
  private readonly rx: Float64Array;
  private readonly lx: Float64Array;
  // Pixel spans of one row (inclusive column pairs) before merging; the starts are the sort key.
  private readonly spanA: Float64Array;
  private readonly spanB: Int32Array;
  // Vertices lying on a pixel centre inside the box: row (the sort key), column.
  private readonly vRow: Float64Array;
  private readonly vCol: Int32Array;

  private constructor(maxVertices: number, maxRows: number) {
    const n = maxVertices;
    this.capacity = n;
    this.ex0 = new Float64Array(n);
    this.ey0 = new Float64Array(n);
    this.ex1 = new Float64Array(n);
    this.ey1 = new Float64Array(n);
    this.lastRow = new Int32Array(n);
    this.firstRow = new Int32Array(n);
    this.bucketStart = new Int32Array(maxRows + 1);
    this.bucketEdges = new Int32Array(n);
    this.active = new Int32Array(n);
    this.ax = new Float64Array(n);
    this.active2 = new Int32Array(n);
    this.ax2 = new Float64Array(n);
    this.fresh = new Int32Array(n);
    this.freshX = new Float64Array(n);
    this.rx = new Float64Array(n);
    this.lx = new Float64Array(n);
    // Spans per row: ≤ n/2 from each crossing list plus ≤ n on-centre vertices.
    this.spanA = new Float64Array(2 * n + 2);
    this.spanB = new Int32Array(2 * n + 2);
    this.vRow = new Float64Array(n);
    this.vCol = new Int32Array(n);
  }

  /**
   * Writes the ring's pixels inside the box into `target` (row stride
   * `stride`): `value` into the image, or, when `local`, span-end toggles
   * into the box-relative flip buffer of a multi-ring region.
   *
   * The work per row is split into small methods: each is compiled to fast
   * code after a few rows of its own, where one large loop body ran for
   * hundreds of milliseconds in the interpreter on the first large outline
   * of a session (issue 17).
   */
  paint(ring: readonly number[], target: Uint8Array, stride: number, value: number, local: boolean): void {
    const { r0, r1, c0 } = this.box;
    const { vRow, vCol } = this;
    if (!this.bucketEdgesOf(ring)) return;
    // Sweep rows with an active edge list, kept in the order of its crossings: the edges of a
    // ring without crossings keep their order from row to row, so the crossing lists come out
    // sorted without a sort on every row (thousands of crossings per row on a spiky outline).
    this.nActive = 0;
    let vNext = 0;
    const nVertices = this.nVertices;
    sortByKey(vRow, vCol, nVertices);
    const bucketStart = this.bucketStart;
    for (let r = r0; r < r1; r++) {
      const k = r - r0;
      const from = k === 0 ? 0 : bucketStart[k - 1]!;
      const to = bucketStart[k]!;
      if (this.nActive === 0 && from === to && (vNext >= nVertices || vRow[vNext] !== r)) continue;
      const y = r + 0.5;
      let ordered = this.advance(r, y);
      if (to > from) ordered = this.addFresh(from, to, y) && ordered;
      const onRow = this.splitCrossings(y);
      // Crossing edges (a ring that crosses itself) change order: then the lists are sorted.
      if (!ordered) {
        sortFloats(this.rx, this.nR);
        sortFloats(this.lx, this.nL);
      }
      while (vNext < nVertices && vRow[vNext]! < r) vNext++;
      const vFrom = vNext;
      while (vNext < nVertices && vRow[vNext] === r) vNext++;
      const rowBase = local ? k * stride - c0 : r * stride;
      if (!onRow && vFrom === vNext) this.writeRow(target, rowBase, value, local);
      else this.writeRowWithEnds(target, rowBase, value, local, vFrom, vNext);
    }
  }

  // Per ring: edges, on-centre vertices, the active list and the row's crossing lists.
  private nEdges = 0;
  private nVertices = 0;
  private nActive = 0;
  private nR = 0;
  private nL = 0;

  /**
   * Edges touching a centre row inside the box, bucketed by first row (counting sort;
   * `bucketStart[k]` ends up holding the end of bucket k), and the vertices on a pixel centre.
   * False when the ring has neither.
   */
  private bucketEdgesOf(ring: readonly number[]): boolean {
    const { r0, r1, c0, c1 } = this.box;
    const nRows = r1 - r0;
    const { ex0, ey0, ex1, ey1, lastRow, firstRow, bucketStart, bucketEdges, vRow, vCol } = this;
    const n = ring.length >> 1;
    bucketStart.fill(0, 0, nRows + 1);
    let nEdges = 0;
    let nVertices = 0;
    for (let i = 0; i < n; i++) {
      const ax = ring[2 * i]!;
      const ay = ring[2 * i + 1]!;
      const j = i + 1 === n ? 0 : i + 1;
      const bx = ring[2 * j]!;
      const by = ring[2 * j + 1]!;
      // A vertex within skimage's tolerance of a pixel centre is in.
      const vr = Math.round(ay - 0.5);
      const vc = Math.round(ax - 0.5);
      if (Math.abs(ay - (vr + 0.5)) < VERTEX_EPS && Math.abs(ax - (vc + 0.5)) < VERTEX_EPS) {
        if (vr >= r0 && vr < r1 && vc >= c0 && vc < c1) {
          vRow[nVertices] = vr;
          vCol[nVertices] = vc;
          nVertices++;
        }
      }
      if (ay === by || !(Number.isFinite(ay) && Number.isFinite(by))) continue; // horizontal (or garbage): never crosses
      const low = ay < by;
      const yLo = low ? ay : by;
      const yHi = low ? by : ay;
      // Rows whose centre y = r + 0.5 satisfies yLo ≤ y ≤ yHi.
      const first = Math.max(r0, firstCentreAtOrAbove(yLo));
      const last = Math.min(r1 - 1, lastCentreAtOrBelow(yHi));
      if (first > last) continue;
      ex0[nEdges] = low ? ax : bx;
      ey0[nEdges] = yLo;
      ex1[nEdges] = low ? bx : ax;
      ey1[nEdges] = yHi;
      lastRow[nEdges] = last;
      firstRow[nEdges] = first - r0;
      bucketStart[first - r0 + 1]!++;
      nEdges++;
    }
    this.nEdges = nEdges;
    this.nVertices = nVertices;
    if (nEdges === 0 && nVertices === 0) return false;
    for (let k = 0; k < nRows; k++) bucketStart[k + 1]! += bucketStart[k]!;
    for (let e = 0; e < nEdges; e++) {
      const k = firstRow[e]!;
      bucketEdges[bucketStart[k]!] = e;
      bucketStart[k]!++;
    }
    return true;
  }

  /** Drops the active edges that ended above row `r` and computes the others' crossings; false when they came out of order. */
  private advance(r: number, y: number): boolean {
    const { active, ax, lastRow, ex0, ey0, ex1, ey1 } = this;
    const nActive = this.nActive;
    let keep = 0;
    let ordered = true;
    for (let q = 0; q < nActive; q++) {
      const e = active[q]!;
      if (lastRow[e]! < r) continue;
      const xa = ex0[e]!;
      const x = xa + ((y - ey0[e]!) * (ex1[e]! - xa)) / (ey1[e]! - ey0[e]!);
      if (keep > 0 && x < ax[keep - 1]!) ordered = false;
      active[keep] = e;
      ax[keep++] = x;
    }
    this.nActive = keep;
    return ordered;
  }

  /** Merges the edges starting on the row (bucket entries `from..to`), sorted by crossing, into the active list. */
  private addFresh(from: number, to: number, y: number): boolean {
    const { bucketEdges, fresh, freshX, ex0, ey0, ex1, ey1, active, ax, active2, ax2 } = this;
    const nFresh = to - from;
    for (let q = 0; q < nFresh; q++) {
      const e = bucketEdges[from + q]!;
      const xa = ex0[e]!;
      fresh[q] = e;
      freshX[q] = xa + ((y - ey0[e]!) * (ex1[e]! - xa)) / (ey1[e]! - ey0[e]!);
    }
    sortByKey(freshX, fresh, nFresh);
    const nActive = this.nActive;
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < nActive || j < nFresh) {
      if (j >= nFresh || (i < nActive && ax[i]! <= freshX[j]!)) {
        active2[o] = active[i]!;
        ax2[o++] = ax[i++]!;
      } else {
        active2[o] = fresh[j]!;
        ax2[o++] = freshX[j++]!;
      }
    }
    this.active = active2;
    this.active2 = active;
    this.ax = ax2;
    this.ax2 = ax;
    this.nActive = o;
    return true;
  }

  /** The row's r- and l-crossings (see the file's comment) into `rx`, `lx`; true when an edge ends on the row. */
  private splitCrossings(y: number): boolean {
    const { active, ax, ey0, ey1, rx, lx } = this;
    const nActive = this.nActive;
    let nR = 0;
    let nL = 0;
    let onRow = false;
    for (let q = 0; q < nActive; q++) {
      const e = active[q]!;
      const x = ax[q]!;
      const ya = ey0[e]!;
      const yb = ey1[e]!;
      if (y < yb) rx[nR++] = x; // r-crossing: exactly one endpoint strictly below the row in y
      if (y > ya) lx[nL++] = x; // l-crossing: exactly one endpoint strictly above
      if (y === ya || y === yb) onRow = true;
    }
    this.nR = nR;
    this.nL = nL;
    return onRow;
  }

  /**
   * A row with no endpoint on it: both crossing lists are the same, and their spans' union is
   * the centres in [X2k, X2k+1] (a pair at one x covers nothing). Written in order, merged.
   */
  private writeRow(target: Uint8Array, rowBase: number, value: number, local: boolean): void {
    const { c0, c1 } = this.box;
    const { rx } = this;
    const nR = this.nR;
    let start = 0;
    let end = -2;
    for (let i = 0; i + 1 < nR; i += 2) {
      if (rx[i] === rx[i + 1]) continue;
      const a = Math.max(c0, firstCentreAtOrAbove(rx[i]!));
      const b = Math.min(c1 - 1, lastCentreAtOrBelow(rx[i + 1]!));
      if (a > b) continue;
      if (a <= end + 1) {
        if (b > end) end = b;
        continue;
      }
      if (end >= start) writeSpan(target, rowBase, start, end, value, local);
      start = a;
      end = b;
    }
    if (end >= start) writeSpan(target, rowBase, start, end, value, local);
  }

  /** A row where an edge ends or a vertex lies on a pixel centre (on-centre vertices `vFrom..vTo`). */
  private writeRowWithEnds(target: Uint8Array, rowBase: number, value: number, local: boolean, vFrom: number, vTo: number): void {
    const { c0, c1 } = this.box;
    const { rx, lx, spanA, spanB, vCol } = this;
    const nR = this.nR;
    const nL = this.nL;
    // Spans in column indices: R → [R2k, R2k+1), L → (L2k, L2k+1], plus vertex pixels.
    let nSpans = 0;
    for (let i = 0; i + 1 < nR; i += 2) {
      const a = Math.max(c0, firstCentreAtOrAbove(rx[i]!));
      const b = Math.min(c1 - 1, firstCentreAtOrAbove(rx[i + 1]!) - 1);
      if (a <= b) {
        spanA[nSpans] = a;
        spanB[nSpans++] = b;
      }
    }
    const nRSpans = nSpans;
    for (let i = 0; i + 1 < nL; i += 2) {
      const a = Math.max(c0, lastCentreAtOrBelow(lx[i]!) + 1);
      const b = Math.min(c1 - 1, lastCentreAtOrBelow(lx[i + 1]!));
      if (a <= b) {
        spanA[nSpans] = a;
        spanB[nSpans++] = b;
      }
    }
    if (nSpans === 2 * nRSpans && vFrom === vTo && sameSpans(spanA, spanB, nRSpans)) {
      // The usual case: both lists agree.
      for (let s = 0; s < nRSpans; s++) writeSpan(target, rowBase, spanA[s]!, spanB[s]!, value, local);
      return;
    }
    for (let v = vFrom; v < vTo; v++) {
      spanA[nSpans] = vCol[v]!;
      spanB[nSpans++] = vCol[v]!;
    }
    mergeAndWrite(spanA, spanB, nSpans, target, rowBase, value, local);
  }
}

function sameSpans(a: Float64Array, b: Int32Array, n: number): boolean {
  for (let s = 0; s < n; s++) if (a[s] !== a[n + s] || b[s] !== b[n + s]) return false;
  return true;
}

/** Sets columns a..b (inclusive) to `value`, or, in the flip buffer of a multi-ring region, toggles the span's two ends. */
function writeSpan(target: Uint8Array, base: number, a: number, b: number, value: number, toggle: boolean): void {
  if (toggle) {
    target[base + a]! ^= 1;
    target[base + b + 1]! ^= 1;
  } else {
    target.fill(value, base + a, base + b + 1);
  }
}

/** Writes the union of the spans (inclusive pairs, any order) once each. */
function mergeAndWrite(a: Float64Array, b: Int32Array, n: number, target: Uint8Array, base: number, value: number, toggle: boolean): void {
  sortByKey(a, b, n);
  let i = 0;
  while (i < n) {
    const start = a[i]!;
    let end = b[i]!;
    i++;
    while (i < n && a[i]! <= end + 1) {
      if (b[i]! > end) end = b[i]!;
      i++;
    }
    writeSpan(target, base, start, end, value, toggle);
  }
}
