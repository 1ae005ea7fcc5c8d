/**
 * Contours drawn on sagittal and coronal views as interpolation keys
 * (`interpolate-label.ts` applies these to a document; `plane-edit.ts` makes
 * the drawings). A slice such a drawing crossed holds, on the plane's line —
 * column i for a sagittal plane, row j for a coronal one — exactly the
 * voxels the person drew there: one voxel wide, so no shape of its own, but
 * the true extent of the structure along that line.
 *
 * Between two axial keys (`fitToPlaneLines`): the shape-based interpolation
 * gives the slice a shape; it is then stretched to the drawn extents.
 *   1. Rows, for sagittal lines: where the shape spans rows [m0, m1] on
 *      column i (its whole row extent when it misses that column) and the
 *      drawing spans [d0, d1], the shape is mapped by the affine stretch
 *      along rows taking the interval [m0, m1 + 1) onto [d0, d1 + 1) (pixel
 *      edges, so a one-pixel shape stretches too): output pixel (c, r)
 *      takes the shape's value at row ⌊m0 + (r + ½ − d0)·(m1 + 1 − m0)/(d1 + 1 − d0)⌋.
 *      With several sagittal lines the stretch's offset and scale vary
 *      linearly between their columns (and stay those of the nearest line
 *      beyond them), so each line gets its own extent.
 *   2. Columns, for coronal lines: the same along columns, per row j, on the
 *      result of 1.
 *   3. On every drawn line the slice is made exactly what was drawn.
 * A stretch of an interval onto an interval keeps the shape's form (a disc
 * becomes an ellipse of the drawn height) and moves it where the drawing
 * says the structure is, which the axial keys alone cannot know.
 *
 * Outside any pair of axial keys (`ellipseOfPlaneLines`): a slice crossed by
 * both a sagittal and a coronal drawing gets the axis-aligned ellipse through
 * the four ends of their extents — rows [r0, r1] on column i, columns
 * [c0, c1] on row j — centred on the intervals' midpoints, so that a disc
 * drawn once on each view becomes a 3D shape. With the centre
 * (cx, cy) = ((c0 + c1 + 1)/2, (r0 + r1 + 1)/2), half-lengths A, B of the two
 * intervals and the lines' offsets u = i + ½ − cx, v = j + ½ − cy from it,
 * the ellipse x²/a² + y²/b² = 1 through (u, ±B) and (±A, v) has
 * 1/a² = (B² − v²)/(A²B² − u²v²), 1/b² = (A² − u²)/(A²B² − u²v²); when a
 * line lies outside the other's interval (|u| ≥ A or |v| ≥ B, drawings that
 * do not meet) the semi-axes are A and B. With several lines of a plane the
 * longest extent is used. The drawn lines are then set exactly as in 3.
 *
 * Masks are `columns × rows` bytes, index `r·columns + c`, nonzero inside.
 */
import type { PlaneLine } from './document-data.js';

/** How a line of one plane runs through a slice's mask, and how the stretch moves along it. */
interface Axis {
  /** Lines (columns for sagittal, rows for coronal) and positions along each (rows, columns). */
  lines: number;
  positions: number;
  /** Index = line·lineStride + position·positionStride. */
  lineStride: number;
  positionStride: number;
}

function axisOf(plane: PlaneLine['plane'], columns: number, rows: number): Axis {
  return plane === 'sagittal'
    ? { lines: columns, positions: rows, lineStride: 1, positionStride: columns }
    : { lines: rows, positions: columns, lineStride: columns, positionStride: 1 };
}

/** First and last position on `line` where the mask is set, or undefined. */
function extentOnLine(mask: Uint8Array, axis: Axis, line: number): [number, number] | undefined {
  let first = -1;
  let last = -1;
  for (let p = 0, i = line * axis.lineStride; p < axis.positions; p++, i += axis.positionStride) {
    if (mask[i] === 0) continue;
    if (first < 0) first = p;
    last = p;
  }
  return first < 0 ? undefined : [first, last];
}

/** First and last position along the axis where the mask is set on any line, or undefined. */
function extentAlong(mask: Uint8Array, axis: Axis): [number, number] | undefined {
  let first = axis.positions;
  let last = -1;
  for (let line = 0; line < axis.lines; line++) {
    const e = extentOnLine(mask, axis, line);
    if (!e) continue;
    if (e[0] < first) first = e[0];
    if (e[1] > last) last = e[1];
  }
  return last < 0 ? undefined : [first, last];
}

/** The drawn lines of a plane that exist on this slice's grid, each once, in line order. */
function linesOf(lines: readonly PlaneLine[], plane: PlaneLine['plane'], axis: Axis): number[] {
  const own = lines.filter((l) => l.plane === plane && l.index < axis.lines).map((l) => l.index);
  return [...new Set(own)].sort((a, b) => a - b);
}

/**
 * The stretch along the axis that takes `shape`'s extent on each drawn line
 * onto the drawing's (`slice` on that line); lines with nothing drawn do not
 * constrain it. Returns `shape` itself when nothing is to be stretched.
 */
function stretch(shape: Uint8Array, slice: Uint8Array, axis: Axis, drawnLines: readonly number[]): Uint8Array {
  const whole = extentAlong(shape, axis);
  if (!whole) return shape;
  // Per constraint: source position = offset + scale · (target position), in pixel-edge coordinates.
  const at: number[] = [];
  const offset: number[] = [];
  const scale: number[] = [];
  for (const line of drawnLines) {
    const drawn = extentOnLine(slice, axis, line);
    if (!drawn) continue;
    const from = extentOnLine(shape, axis, line) ?? whole;
    const s = (from[1] + 1 - from[0]) / (drawn[1] + 1 - drawn[0]);
    at.push(line);
    scale.push(s);
    offset.push(from[0] - drawn[0] * s);
  }
  if (at.length === 0) return shape;
  const out = new Uint8Array(shape.length);
  let n = 0;
  for (let line = 0; line < axis.lines; line++) {
    while (n + 1 < at.length && at[n + 1]! <= line) n++;
    let o = offset[n]!;
    let s = scale[n]!;
    if (line > at[n]! && n + 1 < at.length) {
      const t = (line - at[n]!) / (at[n + 1]! - at[n]!);
      o += t * (offset[n + 1]! - o);
      s += t * (scale[n + 1]! - s);
    }
    const base = line * axis.lineStride;
    for (let p = 0; p < axis.positions; p++) {
      const src = Math.floor(o + s * (p + 0.5));
      if (src >= 0 && src < axis.positions && shape[base + src * axis.positionStride] !== 0) out[base + p * axis.positionStride] = 1;
    }
  }
  return out;
}

/** Makes `out` on each drawn line exactly what `slice` holds there. */
function setDrawnLines(out: Uint8Array, slice: Uint8Array, lines: readonly PlaneLine[], columns: number, rows: number): void {
  for (const plane of ['sagittal', 'coronal'] as const) {
    const axis = axisOf(plane, columns, rows);
    for (const line of linesOf(lines, plane, axis)) {
      for (let p = 0, i = line * axis.lineStride; p < axis.positions; p++, i += axis.positionStride) out[i] = slice[i] !== 0 ? 1 : 0;
    }
  }
}

/**
 * The interpolated `shape` of a slice fitted to what was drawn on it along
 * sagittal and coronal `lines` (`slice`: the slice's current mask, whose
 * voxels on those lines are the drawn ones): stretched along rows, then
 * columns, to the drawn extents, and exact on the lines (see above). A new
 * mask; the inputs are not changed.
 */
export function fitToPlaneLines(shape: Uint8Array, slice: Uint8Array, lines: readonly PlaneLine[], columns: number, rows: number): Uint8Array {
  checkMasks(columns, rows, shape, slice);
  const sagittal = axisOf('sagittal', columns, rows);
  const coronal = axisOf('coronal', columns, rows);
  let out = stretch(shape, slice, sagittal, linesOf(lines, 'sagittal', sagittal));
  out = stretch(out, slice, coronal, linesOf(lines, 'coronal', coronal));
  if (out === shape) out = shape.slice();
  setDrawnLines(out, slice, lines, columns, rows);
  return out;
}

/**
 * The ellipse through the ends of the drawn extents of a slice crossed by
 * both a sagittal and a coronal drawing (see above), exact on the drawn
 * lines; undefined unless both planes have voxels drawn on this slice.
 */
export function ellipseOfPlaneLines(slice: Uint8Array, lines: readonly PlaneLine[], columns: number, rows: number): Uint8Array | undefined {
  checkMasks(columns, rows, slice);
  const longest = (plane: PlaneLine['plane']) => {
    const axis = axisOf(plane, columns, rows);
    let best: { line: number; from: number; to: number } | undefined;
    for (const line of linesOf(lines, plane, axis)) {
      const e = extentOnLine(slice, axis, line);
      if (e && (!best || e[1] - e[0] > best.to - best.from)) best = { line, from: e[0], to: e[1] };
    }
    return best;
  };
  const sag = longest('sagittal');
  const cor = longest('coronal');
  if (!sag || !cor) return undefined;
  const cx = (cor.from + cor.to + 1) / 2;
  const cy = (sag.from + sag.to + 1) / 2;
  const A = (cor.to + 1 - cor.from) / 2;
  const B = (sag.to + 1 - sag.from) / 2;
  const u = sag.line + 0.5 - cx;
  const v = cor.line + 0.5 - cy;
  let p = 1 / (A * A);
  let q = 1 / (B * B);
  if (Math.abs(u) < A && Math.abs(v) < B) {
    const det = A * A * B * B - u * u * v * v;
    p = (B * B - v * v) / det;
    q = (A * A - u * u) / det;
  }
  const out = new Uint8Array(columns * rows);
  const halfHeight = 1 / Math.sqrt(q);
  const r0 = Math.max(0, Math.floor(cy - halfHeight - 1));
  const r1 = Math.min(rows, Math.ceil(cy + halfHeight + 1));
  for (let r = r0; r < r1; r++) {
    const dy = r + 0.5 - cy;
    const rest = 1 - q * dy * dy;
    if (rest < 0) continue;
    const halfWidth = Math.sqrt(rest / p);
    for (let c = Math.max(0, Math.floor(cx - halfWidth - 1)); c < Math.min(columns, Math.ceil(cx + halfWidth + 1)); c++) {
      const dx = c + 0.5 - cx;
      if (p * dx * dx + q * dy * dy <= 1) out[r * columns + c] = 1;
    }
  }
  setDrawnLines(out, slice, lines, columns, rows);
  return out;
}

function checkMasks(columns: number, rows: number, ...masks: Uint8Array[]): void {
  for (const m of masks) if (m.length !== columns * rows) throw new RangeError(`mask holds ${m.length} pixels, not ${columns} × ${rows}`);
}
