/**
 * Shape-based interpolation between key slices (Raya & Udupa 1990; Herman et
 * al. 1992): each key mask becomes a signed distance field, the fields are
 * interpolated along the slice axis by slice position, and the zero level set
 * of the result is the shape of each slice between the keys.
 *
 * Refinements over the textbook (linear, two keys at a time) method:
 * - Monotone cubic (PCHIP, Fritsch–Carlson) interpolation of each pixel's
 *   distance across the key slices: the segment between two keys takes its
 *   slopes from the neighbouring keys, so a structure that is thin at its ends
 *   (a tilted disc cut to a sliver by its endplates) swells as fast as its
 *   neighbours say instead of linearly. The value between two keys stays
 *   between their values (no overshoot), so the shape stays within the two
 *   keys' shapes as linear blending would. With two keys it is linear.
 *   On the sample discs this lifts Dice from 0.78 to 0.89 (see the test).
 * - Centroid alignment: plain blending makes shapes that do not overlap vanish
 *   half way (the blend of two far-apart discs is positive everywhere). For
 *   such a pair (`align: 'auto'`, the default) or always (`'centroid'`) the
 *   fields are sampled in a frame moving with the centroid, which then
 *   travels linearly from one key to the next while the shape morphs.
 * - Only the bounding box of the shapes (grown by the centroid shifts and a
 *   margin) is processed, with buffers owned once per call.
 *
 * A key slice whose mask is empty is not interpolated from or to: a shape
 * shrinking towards an empty slice has no defined size there (it would vanish
 * at the very key). Such pairs are reported in `skipped`, and the keys on each
 * side of an empty one are interpolated independently.
 */
import { DistanceWorkspace, signedDistanceField, type Spacing } from './distance.js';
import { isocontour } from './isocontour.js';
import type { Region } from './region.js';

export interface InterpolateOptions {
  /** Pixel spacing `[between rows, between columns]`, so distances are isotropic in millimetres. Default `[1, 1]`. */
  spacing?: Spacing;
  /** Centroid alignment: `'auto'` (default) for pairs of keys whose shapes do not overlap, `'centroid'` always, `'none'` never. */
  align?: 'auto' | 'centroid' | 'none';
  /** `'pchip'` (default): monotone cubic across the keys; `'linear'`: two keys at a time. */
  method?: 'pchip' | 'linear';
  /** Rings with an area below this (pixels²) are dropped. Default 1. */
  minArea?: number;
}

/** A pair of consecutive key slices that was not interpolated, and why. */
export interface SkippedPair {
  from: number;
  to: number;
  reason: 'empty-key';
}

export interface InterpolationResult {
  /** One region per slice strictly between two key slices (slice index → region). */
  regions: Map<number, Region>;
  skipped: SkippedPair[];
}

/** Pixels of margin around the processed boxes, so the fields are exact near the shapes. */
const MARGIN = 2;

interface Box {
  c0: number;
  r0: number;
  c1: number; // exclusive
  r1: number; // exclusive
}

/** A non-empty key slice. */
interface Key {
  slice: number;
  position: number;
  mask: Uint8Array;
  box: Box;
  /** Centroid of the pixel centres. */
  cx: number;
  cy: number;
}

/**
 * Interpolates the slices between consecutive key slices.
 *
 * @param keyMasks slice index → mask (columns·rows, nonzero inside) of one label on a key slice
 * @param positions position of each slice along the slice normal (e.g. millimetres), indexed by
 *   slice index; defaults to the slice index itself. Must increase from the first key to the last.
 */
export function interpolateKeySlices(
  keyMasks: ReadonlyMap<number, Uint8Array>,
  columns: number,
  rows: number,
  positions?: ArrayLike<number>,
  options: InterpolateOptions = {},
): InterpolationResult {
  const slices = [...keyMasks.keys()].sort((a, b) => a - b);
  const positionOf = (k: number): number => {
    if (!positions) return k;
    const p = positions[k];
    if (p === undefined || !Number.isFinite(p)) throw new RangeError(`no position for slice ${k}`);
    return p;
  };
  for (const k of slices) {
    if (!Number.isInteger(k)) throw new RangeError(`key slice ${k} is not an integer`);
    if (keyMasks.get(k)!.length !== columns * rows) throw new RangeError(`mask of slice ${k} does not hold ${columns} × ${rows} pixels`);
  }
  for (let k = slices[0] ?? 0; k < (slices[slices.length - 1] ?? 0); k++) {
    if (!(positionOf(k + 1) > positionOf(k))) throw new RangeError(`slice positions do not increase from slice ${k} to ${k + 1}`);
  }

  const result: InterpolationResult = { regions: new Map(), skipped: [] };
  const buffers = new Buffers();
  // Runs of consecutive non-empty keys are interpolated independently.
  let run: Key[] = [];
  for (let n = 0; n <= slices.length; n++) {
    const slice = slices[n];
    const key = slice === undefined ? undefined : measure(slice, positionOf(slice), keyMasks.get(slice)!, columns, rows);
    if (slice !== undefined && key) {
      run.push(key);
      continue;
    }
    if (run.length >= 2) interpolateRun(run, columns, rows, positionOf, options, buffers, result.regions);
    run = [];
    if (slice === undefined) break;
    const before = slices[n - 1];
    const after = slices[n + 1];
    if (before !== undefined && slice - before >= 2) result.skipped.push({ from: before, to: slice, reason: 'empty-key' });
    if (after !== undefined && after - slice >= 2) result.skipped.push({ from: slice, to: after, reason: 'empty-key' });
  }
  // A pair of two empty keys is reported once from each side: keep one.
  result.skipped = result.skipped.filter((s, i, all) => all.findIndex((o) => o.from === s.from && o.to === s.to) === i);
  return result;
}

/** `interpolateKeySlices` without the report: slice index → region for every interpolated slice. */
export function interpolateBetween(
  keyMasks: ReadonlyMap<number, Uint8Array>,
  columns: number,
  rows: number,
  positions?: ArrayLike<number>,
  options?: InterpolateOptions,
): Map<number, Region> {
  return interpolateKeySlices(keyMasks, columns, rows, positions, options).regions;
}

/** Buffers reused across the slices of one call; they grow to the largest box. */
class Buffers {
  crop = new Uint8Array(0);
  /** Up to four key fields (the keys around the current segment) and four sampled planes. */
  fields: Float32Array[] = [];
  fieldKeys: (Key | undefined)[] = [];
  planes: Float32Array[] = [];
  blend = new Float32Array(0);
  readonly workspace = new DistanceWorkspace();

  reserve(n: number): void {
    if (this.crop.length >= n) return;
    this.crop = new Uint8Array(n);
    this.fields = [0, 1, 2, 3].map(() => new Float32Array(n));
    this.planes = [0, 1, 2, 3].map(() => new Float32Array(n));
    this.blend = new Float32Array(n);
  }
}

/** Box and centroid of a mask, or undefined when it is empty. */
function measure(slice: number, position: number, mask: Uint8Array, columns: number, rows: number): Key | undefined {
  let c0 = columns;
  let r0 = rows;
  let c1 = -1;
  let r1 = -1;
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    let rowCount = 0;
    for (let c = 0; c < columns; c++, i++) {
      if (mask[i] === 0) continue;
      rowCount++;
      sx += c;
      if (c < c0) c0 = c;
      if (c > c1) c1 = c;
    }
    if (rowCount === 0) continue;
    if (r < r0) r0 = r;
    r1 = r;
    count += rowCount;
    sy += rowCount * r;
  }
  if (count === 0) return undefined;
  return { slice, position, mask, box: { c0, r0, c1: c1 + 1, r1: r1 + 1 }, cx: sx / count + 0.5, cy: sy / count + 0.5 };
}

function interpolateRun(
  run: Key[],
  columns: number,
  rows: number,
  positionOf: (k: number) => number,
  options: InterpolateOptions,
  buffers: Buffers,
  out: Map<number, Region>,
): void {
  const alignMode = options.align ?? 'auto';
  const cubic = (options.method ?? 'pchip') === 'pchip';
  const minArea = options.minArea ?? 1;
  // One field box for the run: every key's box, grown by the largest centroid offset between
  // keys (the most a field is shifted when sampled), the margin, and two pixels for rounding and
  // the bilinear neighbour, within the image. Nothing is known beyond the image: a shape cut by
  // its edge is taken to go on (fields with edgesOutside false, sampling clamped to the edge).
  const spread = (get: (k: Key) => number) => (alignMode === 'none' ? 0 : Math.max(...run.map(get)) - Math.min(...run.map(get)));
  const gx = Math.ceil(spread((k) => k.cx)) + MARGIN + 2;
  const gy = Math.ceil(spread((k) => k.cy)) + MARGIN + 2;
  const crop: Box = {
    c0: Math.max(0, Math.min(...run.map((k) => k.box.c0)) - gx),
    r0: Math.max(0, Math.min(...run.map((k) => k.box.r0)) - gy),
    c1: Math.min(columns, Math.max(...run.map((k) => k.box.c1)) + gx),
    r1: Math.min(rows, Math.max(...run.map((k) => k.box.r1)) + gy),
  };
  const fw = crop.c1 - crop.c0;
  buffers.reserve(fw * (crop.r1 - crop.r0));
  buffers.fieldKeys = [undefined, undefined, undefined, undefined];
  const fieldOf = (key: Key): Float32Array => {
    let slot = buffers.fieldKeys.indexOf(key);
    if (slot < 0) {
      // Keys are visited in order, so the slot of the lowest key is free again.
      slot = buffers.fieldKeys.indexOf(undefined);
      if (slot < 0) slot = buffers.fieldKeys.reduce((lo, k, i) => (k!.slice < buffers.fieldKeys[lo]!.slice ? i : lo), 0);
      copyBox(key.mask, columns, crop, buffers.crop);
      signedDistanceField(buffers.crop, fw, crop.r1 - crop.r0, {
        spacing: options.spacing,
        workspace: buffers.workspace,
        out: buffers.fields[slot],
        edgesOutside: false,
      });
      buffers.fieldKeys[slot] = key;
    }
    return buffers.fields[slot]!;
  };

  for (let i = 0; i + 1 < run.length; i++) {
    const a = run[i]!;
    const b = run[i + 1]!;
    if (b.slice - a.slice < 2) continue;
    const align = alignMode === 'centroid' || (alignMode === 'auto' && !overlaps(a, b, columns));
    // The keys whose fields shape this segment: its two ends, and their neighbours for the slopes.
    const keys = cubic ? [run[i - 1], a, b, run[i + 2]] : [undefined, a, b, undefined];
    const fields = keys.map((k) => (k ? fieldOf(k) : undefined));
    for (let k = a.slice + 1; k < b.slice; k++) {
      const t = (positionOf(k) - a.position) / (b.position - a.position);
      // Each key's field is moved so that its centroid lands on c(t): sampled at p + (c_key − c(t)).
      const cx = align ? a.cx + t * (b.cx - a.cx) : 0;
      const cy = align ? a.cy + t * (b.cy - a.cy) : 0;
      const shiftX = (key: Key) => (align ? key.cx - cx : 0);
      const shiftY = (key: Key) => (align ? key.cy - cy : 0);
      // The interpolated value lies between the two ends' values, so the shape lies within their moved boxes.
      const box: Box = {
        c0: Math.max(0, Math.floor(Math.min(a.box.c0 - shiftX(a), b.box.c0 - shiftX(b))) - MARGIN),
        r0: Math.max(0, Math.floor(Math.min(a.box.r0 - shiftY(a), b.box.r0 - shiftY(b))) - MARGIN),
        c1: Math.min(columns, Math.ceil(Math.max(a.box.c1 - shiftX(a), b.box.c1 - shiftX(b))) + MARGIN),
        r1: Math.min(rows, Math.ceil(Math.max(a.box.r1 - shiftY(a), b.box.r1 - shiftY(b))) + MARGIN),
      };
      const w = box.c1 - box.c0;
      const h = box.r1 - box.r0;
      if (w <= 0 || h <= 0) {
        out.set(k, { rings: [] });
        continue;
      }
      keys.forEach((key, j) => {
        if (key) sampleInto(buffers.planes[j]!, w, h, fields[j]!, fw, crop, box, shiftX(key), shiftY(key));
      });
      const [p0, p1, p2, p3] = buffers.planes as [Float32Array, Float32Array, Float32Array, Float32Array];
      const [before, , , after] = keys;
      if (before || after) {
        pchipInto(buffers.blend, w * h, t, p1, p2, a.position, b.position, before ? p0 : undefined, before?.position ?? 0, after ? p3 : undefined, after?.position ?? 0);
      } else {
        linearInto(buffers.blend, w * h, t, p1, p2);
      }
      out.set(k, isocontour(buffers.blend, w, h, { originX: box.c0, originY: box.r0, minArea }));
    }
  }
}

/** Whether the two keys' masks share a pixel. */
function overlaps(a: Key, b: Key, columns: number): boolean {
  for (let r = Math.max(a.box.r0, b.box.r0); r < Math.min(a.box.r1, b.box.r1); r++) {
    for (let c = Math.max(a.box.c0, b.box.c0), i = r * columns + c; c < Math.min(a.box.c1, b.box.c1); c++, i++) {
      if (a.mask[i] !== 0 && b.mask[i] !== 0) return true;
    }
  }
  return false;
}

/** Copies the box of the mask (within the image) into `out`, row-major, box width. */
function copyBox(mask: Uint8Array, columns: number, box: Box, out: Uint8Array): void {
  const w = box.c1 - box.c0;
  for (let r = box.r0; r < box.r1; r++) out.set(mask.subarray(r * columns + box.c0, r * columns + box.c1), (r - box.r0) * w);
}

/**
 * plane (w × h, for the pixels p of `box`) = field(p + (sx, sy)), bilinear; the
 * field covers `crop` with row length fw. The shift is the same for every
 * pixel, so are the four weights. Samples beyond the crop take the value at
 * its edge: the crop has a margin of outside pixels except at the image's
 * edges, where the shape is taken to go on.
 */
function sampleInto(plane: Float32Array, w: number, h: number, field: Float32Array, fw: number, crop: Box, box: Box, sx: number, sy: number): void {
  const fx = Math.floor(sx);
  const fy = Math.floor(sy);
  const ax = sx - fx;
  const ay = sy - fy;
  const fh = crop.r1 - crop.r0;
  // Crop coordinates of the top-left sample for the box's first pixel.
  const x0 = box.c0 + fx - crop.c0;
  const y0 = box.r0 + fy - crop.r0;
  const inside = x0 >= 0 && y0 >= 0 && x0 + w + 1 <= fw && y0 + h + 1 <= fh;
  if (inside && ax === 0 && ay === 0) {
    for (let r = 0; r < h; r++) plane.set(field.subarray((y0 + r) * fw + x0, (y0 + r) * fw + x0 + w), r * w);
    return;
  }
  const w00 = (1 - ax) * (1 - ay);
  const w10 = ax * (1 - ay);
  const w01 = (1 - ax) * ay;
  const w11 = ax * ay;
  if (inside) {
    for (let r = 0, o = 0; r < h; r++) {
      for (let c = 0, i = (y0 + r) * fw + x0; c < w; c++, o++, i++) {
        plane[o] = w00 * field[i]! + w10 * field[i + 1]! + w01 * field[i + fw]! + w11 * field[i + fw + 1]!;
      }
    }
    return;
  }
  sampleClamped(plane, w, h, field, fw, fh, x0, y0, w00, w10, w01, w11);
}

function sampleClamped(plane: Float32Array, w: number, h: number, field: Float32Array, fw: number, fh: number, x0: number, y0: number, w00: number, w10: number, w01: number, w11: number): void {
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  for (let r = 0, o = 0; r < h; r++) {
    const top = clamp(y0 + r, fh) * fw;
    const bottom = clamp(y0 + r + 1, fh) * fw;
    for (let c = 0; c < w; c++, o++) {
      const left = clamp(x0 + c, fw);
      const right = clamp(x0 + c + 1, fw);
      plane[o] = w00 * field[top + left]! + w10 * field[top + right]! + w01 * field[bottom + left]! + w11 * field[bottom + right]!;
    }
  }
}

function linearInto(out: Float32Array, n: number, t: number, y0: Float32Array, y1: Float32Array): void {
  for (let i = 0; i < n; i++) out[i] = y0[i]! + t * (y1[i]! - y0[i]!);
}

/**
 * Monotone cubic Hermite (PCHIP, as scipy.interpolate.PchipInterpolator) at
 * fraction t of the segment x0 → x1, per pixel, from the values y0, y1 at its
 * ends and, where present, ym at xm < x0 and y2 at x2 > x1.
 */
function pchipInto(
  out: Float32Array,
  n: number,
  t: number,
  y0: Float32Array,
  y1: Float32Array,
  x0: number,
  x1: number,
  ym: Float32Array | undefined,
  xm: number,
  y2: Float32Array | undefined,
  x2: number,
): void {
  const h = x1 - x0;
  const hm = x0 - xm;
  const h2 = x2 - x1;
  const t2 = t * t;
  const t3 = t2 * t;
  const b00 = 2 * t3 - 3 * t2 + 1;
  const b10 = (t3 - 2 * t2 + t) * h;
  const b01 = -2 * t3 + 3 * t2;
  const b11 = (t3 - t2) * h;
  for (let i = 0; i < n; i++) {
    const v0 = y0[i]!;
    const v1 = y1[i]!;
    const delta = (v1 - v0) / h;
    const deltaM = ym ? (v0 - ym[i]!) / hm : 0;
    const delta2 = y2 ? (y2[i]! - v1) / h2 : 0;
    const d0 = ym ? interiorSlope(deltaM, delta, hm, h) : y2 ? endSlope(h, h2, delta, delta2) : delta;
    const d1 = y2 ? interiorSlope(delta, delta2, h, h2) : ym ? endSlope(h, hm, delta, deltaM) : delta;
    out[i] = b00 * v0 + b10 * d0 + b01 * v1 + b11 * d1;
  }
}

/** Slope at a key between secants `left` (over hl) and `right` (over hr): weighted harmonic mean, 0 at an extremum. */
function interiorSlope(left: number, right: number, hl: number, hr: number): number {
  if (left * right <= 0) return 0;
  const w1 = 2 * hr + hl;
  const w2 = hr + 2 * hl;
  return (w1 + w2) / (w1 / left + w2 / right);
}

/** Slope at an end key: the three-point estimate, kept shape-preserving (scipy's `_edge_case`). */
function endSlope(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (d * m0 <= 0) return 0;
  if (m0 * m1 <= 0 && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}
