/**
 * Exact Euclidean distance transforms of masks, and signed distance fields.
 *
 * The transform is Felzenszwalb & Huttenlocher's separable algorithm ("Distance
 * Transforms of Sampled Functions", Theory of Computing 8, 2012): a linear
 * scan down each column, then the lower envelope of parabolas along each row.
 * It is exact (not a chamfer approximation) and linear in the pixel count.
 * Hand-written because no maintained JavaScript library offers an exact EDT on
 * typed arrays with anisotropic spacing; the tests compare it with brute force
 * and with scipy.ndimage.distance_transform_edt.
 *
 * Distances are between pixel centres, in units of `spacing` (pixels when it is
 * omitted). `spacing` is `[between rows, between columns]`, as DICOM
 * PixelSpacing gives it.
 *
 * The 3-D transform (`squaredDistance3dInto`, `euclideanDistanceTransform3d`,
 * used by the assisted tools' Margin and Smoothing) is the same separable
 * scheme one axis further: the 2-D transform of every slice, then the lower
 * envelope across the slices. Its spacing is `[Δcol, Δrow, Δslice]`, as
 * `Volume.spacing`; it is checked against brute force and against scipy in
 * assist-morphology.test.ts and assist-distance.tools.test.ts.
 */

/** `[between rows, between columns]`, as DICOM PixelSpacing. */
export type Spacing = readonly [number, number];

export interface DistanceOptions {
  /** Pixel spacing `[between rows, between columns]`; default `[1, 1]` (pixel units). */
  spacing?: Spacing;
  /** Scratch buffers to reuse across calls (hot paths such as interpolation). */
  workspace?: DistanceWorkspace;
}

/** Above this a squared distance means "no feature at all" (1e20 as in the paper's code). */
const FAR = 1e20;

/**
 * Scratch buffers for the transforms. One workspace serves any number of calls
 * (not concurrently); it grows to the largest image seen.
 */
export class DistanceWorkspace {
  /** Squared distances of the whole image (column pass result, then final). */
  grid = new Float64Array(0);
  /** Second full-size buffer, for the two halves of a signed field. */
  grid2 = new Float64Array(0);
  /** One row: input values, output values, parabola vertices, envelope boundaries. */
  f = new Float64Array(0);
  d = new Float64Array(0);
  v = new Int32Array(0);
  z = new Float64Array(0);
  /** One value per column, for the column pass. */
  last = new Float64Array(0);

  /** Makes sure the buffers hold `pixels` pixels and lines of `line` samples (plus 2 virtual edge features). */
  reserve(pixels: number, line: number): void {
    if (this.grid.length < pixels) {
      this.grid = new Float64Array(pixels);
      this.grid2 = new Float64Array(pixels);
    }
    const n = line + 2;
    if (this.last.length < line) this.last = new Float64Array(line);
    if (this.f.length < n) {
      this.f = new Float64Array(n);
      this.d = new Float64Array(n);
      this.v = new Int32Array(n);
      this.z = new Float64Array(n + 1);
    }
  }
}

function checkSize(mask: ArrayLike<number>, columns: number, rows: number): void {
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 0 || rows < 0 || mask.length < columns * rows) {
    throw new RangeError(`mask of ${mask.length} values does not hold ${columns} × ${rows} pixels`);
  }
}

function spacingOf(options: DistanceOptions): [number, number] {
  const [sr, sc] = options.spacing ?? [1, 1];
  if (!(sr > 0 && sc > 0 && Number.isFinite(sr) && Number.isFinite(sc))) throw new RangeError(`invalid spacing ${sr}, ${sc}`);
  return [sr, sc];
}

/**
 * Squared distance from every pixel to the nearest *feature* pixel, into
 * `out` (length ≥ columns·rows). A pixel is a feature when `(mask[i] !== 0)
 * === featureNonzero`. With `edgesAreFeatures`, every pixel beyond the array
 * counts as a feature too (the image continues with features all around).
 * Pixels with no feature anywhere get a value ≥ FAR.
 *
 * Each loop is its own function: V8 optimises a long function loop by loop
 * and throws the code away at the next loop it has no feedback for, which
 * made the first call ten times slower than the next ones.
 */
function squaredDistanceInto(
  out: Float64Array,
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  featureNonzero: boolean,
  edgesAreFeatures: boolean,
  [sr, sc]: [number, number],
  ws: DistanceWorkspace,
): void {
  // Pass 1, down each column: 1-D distance to the nearest feature in the column, by two linear
  // scans. All columns advance together, row by row, so memory is read in order.
  const last = ws.last;
  last.fill(edgesAreFeatures ? -1 : -Infinity, 0, columns);
  columnsDown(out, mask, columns, rows, featureNonzero, last);
  last.fill(edgesAreFeatures ? rows : Infinity, 0, columns);
  columnsUp(out, columns, rows, sr * sr, last);
  // Pass 2, along each row: lower envelope of the parabolas (x − q)²·sc² + g(q).
  for (let r = 0; r < rows; r++) rowEnvelope(out, r * columns, columns, sc * sc, edgesAreFeatures, ws);
}

/** out = rows since the nearest feature above (+∞ if none); `last` holds, per column, that feature's row. */
function columnsDown(out: Float64Array, mask: ArrayLike<number>, columns: number, rows: number, featureNonzero: boolean, last: Float64Array): void {
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++, i++) {
      if ((mask[i] !== 0) === featureNonzero) last[c] = r;
      out[i] = r - last[c]!;
    }
  }
}

/** out = (rows to the nearest feature above or below)²·sr2, FAR if none; `last` holds the row of the nearest feature below. */
function columnsUp(out: Float64Array, columns: number, rows: number, sr2: number, last: Float64Array): void {
  for (let r = rows - 1, i = rows * columns - 1; r >= 0; r--) {
    for (let c = columns - 1; c >= 0; c--, i--) {
      const above = out[i]!;
      if (above === 0) last[c] = r;
      const below = last[c]! - r;
      const best = below < above ? below : above;
      out[i] = best === Infinity ? FAR : best * best * sr2;
    }
  }
}

/** One row of pass 2, in place; with features beyond the edges the row gets parabolas at q = −1 and q = columns, g = 0. */
function rowEnvelope(out: Float64Array, base: number, columns: number, w2: number, edgesAreFeatures: boolean, ws: DistanceWorkspace): void {
  const f = ws.f;
  const d = ws.d;
  const shift = edgesAreFeatures ? 1 : 0;
  const n = columns + 2 * shift;
  if (edgesAreFeatures) {
    f[0] = 0;
    f[n - 1] = 0;
  }
  for (let q = 0; q < columns; q++) f[q + shift] = out[base + q]!;
  lowerEnvelope(f, d, n, w2, ws.v, ws.z);
  for (let q = 0; q < columns; q++) out[base + q] = d[q + shift]!;
}

/**
 * The 1-D squared distance transform of sampled function `f` (length n) with
 * sample spacing² `w2`: d[q] = min_p (q − p)²·w2 + f[p]. Felzenszwalb &
 * Huttenlocher's lower envelope of parabolas, O(n). `v` (n) and `z` (n + 1)
 * are scratch. Also the review's surface distances use it.
 */
export function lowerEnvelope(f: Float64Array, d: Float64Array, n: number, w2: number, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + q * q * w2;
    let p = v[k]!;
    let s = (fq - (f[p]! + p * p * w2)) / (2 * w2 * (q - p));
    // z[0] = −∞ stops the loop at k = 0: s is always finite.
    while (s <= z[k]!) {
      k--;
      p = v[k]!;
      s = (fq - (f[p]! + p * p * w2)) / (2 * w2 * (q - p));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    d[q] = (q - p) * (q - p) * w2 + f[p]!;
  }
}

/**
 * Euclidean distance transform with the semantics of
 * `scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`: every
 * nonzero pixel gets the distance from its centre to the nearest zero pixel's
 * centre, zero pixels get 0. When the mask has no zero pixel at all the
 * distances are `Infinity`.
 */
export function euclideanDistanceTransform(
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  options: DistanceOptions = {},
): Float64Array {
  const out = squaredDistanceTransform(mask, columns, rows, options);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! >= FAR ? Infinity : Math.sqrt(out[i]!);
  return out;
}

/** As `euclideanDistanceTransform`, squared (exact integers in pixel units); `≥ 1e20` where there is no zero pixel. */
export function squaredDistanceTransform(
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  options: DistanceOptions = {},
): Float64Array {
  checkSize(mask, columns, rows);
  const ws = options.workspace ?? new DistanceWorkspace();
  ws.reserve(0, Math.max(columns, rows));
  const out = new Float64Array(columns * rows);
  squaredDistanceInto(out, mask, columns, rows, false, false, spacingOf(options), ws);
  return out;
}

export interface SignedDistanceOptions extends DistanceOptions {
  /** Where to write (length ≥ columns·rows); a new Float32Array when omitted. */
  out?: Float32Array;
  /**
   * Whether the pixels beyond the array are outside (default true: a mask
   * touching the edge is closed there). With false nothing is known beyond
   * the edges: a shape cut by the edge of the image is taken to go on, and
   * an inside pixel's distance is to the nearest outside pixel in the array.
   */
  edgesOutside?: boolean;
}

/**
 * Signed distance field of a mask: negative inside (nonzero pixels), positive
 * outside, in units of `spacing`. Pixels beyond the array count as outside
 * unless `edgesOutside` is false.
 *
 * The zero level set runs on the boundary between pixel centres: an inside
 * pixel gets −(distance to the nearest outside pixel centre − h) and an
 * outside pixel +(distance to the nearest inside pixel centre − h), with h half
 * the smaller spacing. Two 4-neighbours across the boundary therefore get −s+h
 * and s−h, and linear interpolation puts the crossing exactly on the pixel
 * edge between them; far from the boundary the value approximates the
 * distance to that edge. An empty mask gives +Infinity everywhere, a mask
 * with no outside pixel (and `edgesOutside` false) −Infinity.
 */
export function signedDistanceField(
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  options: SignedDistanceOptions = {},
): Float32Array {
  checkSize(mask, columns, rows);
  const n = columns * rows;
  const out = options.out ?? new Float32Array(n);
  if (out.length < n) throw new RangeError(`output of ${out.length} values does not hold ${columns} × ${rows} pixels`);
  const spacing = spacingOf(options);
  const ws = options.workspace ?? new DistanceWorkspace();
  ws.reserve(n, Math.max(columns, rows));
  const toOutside = ws.grid;
  const toInside = ws.grid2;
  squaredDistanceInto(toOutside, mask, columns, rows, false, options.edgesOutside ?? true, spacing, ws);
  squaredDistanceInto(toInside, mask, columns, rows, true, false, spacing, ws);
  combine(out, mask, n, toOutside, toInside, 0.5 * Math.min(spacing[0], spacing[1]));
  return out;
}

function combine(out: Float32Array, mask: ArrayLike<number>, n: number, toOutside: Float64Array, toInside: Float64Array, h: number): void {
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0) {
      const d2 = toOutside[i]!;
      out[i] = d2 >= FAR ? -Infinity : h - Math.sqrt(d2);
    } else {
      const d2 = toInside[i]!;
      out[i] = d2 >= FAR ? Infinity : Math.sqrt(d2) - h;
    }
  }
}

/** `[Δcol, Δrow, Δslice]` in mm, as `Volume.spacing`: note the order differs from the 2-D `Spacing`. */
export type Spacing3d = readonly [number, number, number];

/**
 * 3-D squared distance from every voxel to the nearest voxel with
 * `(mask[i] !== 0) === featureNonzero`, into `out` (length ≥ columns·rows·slices,
 * index `(k·rows + r)·columns + c`); ≥ 1e20 where there is no feature. The
 * separable transform one axis further: the 2-D transform of each slice, then
 * the lower envelope along each line across the slices, with Δslice².
 */
export function squaredDistance3dInto(
  out: Float64Array,
  mask: ArrayLike<number>,
  columns: number,
  rows: number,
  slices: number,
  featureNonzero: boolean,
  spacing: Spacing3d,
  ws: DistanceWorkspace = new DistanceWorkspace(),
): void {
  const [sc, sr, sk] = spacing;
  if (!(sc > 0 && sr > 0 && sk > 0 && Number.isFinite(sc) && Number.isFinite(sr) && Number.isFinite(sk))) throw new RangeError(`invalid spacing ${sc}, ${sr}, ${sk}`);
  const area = columns * rows;
  if (!Number.isInteger(slices) || slices < 0 || mask.length < area * slices || out.length < area * slices) {
    throw new RangeError(`mask of ${mask.length} values does not hold ${columns} × ${rows} × ${slices} voxels`);
  }
  ws.reserve(0, Math.max(columns, rows, slices));
  for (let k = 0; k < slices; k++) {
    const plane = out.subarray(k * area, (k + 1) * area);
    const slice = sliceOf(mask, k * area, area);
    squaredDistanceInto(plane, slice, columns, rows, featureNonzero, false, [sr, sc], ws);
  }
  if (slices > 1) acrossSlices(out, area, slices, sk * sk, ws);
}

/** A view of slice `k` of the mask without copying when it is a typed array. */
function sliceOf(mask: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  if (ArrayBuffer.isView(mask)) return (mask as unknown as Uint8Array).subarray(start, start + length);
  return Array.prototype.slice.call(mask, start, start + length) as number[];
}

/** Pass 3: the lower envelope along every line of constant (r, c), in place. */
function acrossSlices(out: Float64Array, area: number, slices: number, w2: number, ws: DistanceWorkspace): void {
  const f = ws.f;
  const d = ws.d;
  for (let i = 0; i < area; i++) {
    for (let k = 0, j = i; k < slices; k++, j += area) f[k] = out[j]!;
    lowerEnvelope(f, d, slices, w2, ws.v, ws.z);
    for (let k = 0, j = i; k < slices; k++, j += area) out[j] = d[k]!;
  }
}

/**
 * 3-D Euclidean distance transform with the semantics of
 * `scipy.ndimage.distance_transform_edt(mask, sampling=[Δslice, Δrow, Δcol])`
 * on the array shaped (slices, rows, columns): every nonzero voxel gets the
 * distance in mm from its centre to the nearest zero voxel's centre, zero
 * voxels 0, `Infinity` everywhere when there is no zero voxel.
 */
export function euclideanDistanceTransform3d(mask: ArrayLike<number>, columns: number, rows: number, slices: number, spacing: Spacing3d): Float64Array {
  const out = new Float64Array(columns * rows * slices);
  squaredDistance3dInto(out, mask, columns, rows, slices, false, spacing);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! >= FAR ? Infinity : Math.sqrt(out[i]!);
  return out;
}
