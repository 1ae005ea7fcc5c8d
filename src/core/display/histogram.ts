/**
 * The HU histogram the threshold range is chosen on: the values of one slice
 * in a few equal integer-HU bins, the bars' heights on a log scale (air and
 * fat would otherwise flatten everything else), and the mapping between a
 * position along the histogram and HU.
 */

export interface Histogram {
  /** HU at the left edge of bin 0. */
  readonly lo: number;
  /** HU per bin (an integer ≥ 1). */
  readonly binWidth: number;
  /** Pixels per bin; bin i holds [lo + i·binWidth, lo + (i+1)·binWidth). */
  readonly counts: Uint32Array;
}

/** The HU a CT histogram spans at most: values beyond it are counted in the end bins. */
export const HISTOGRAM_LIMITS: Readonly<{ min: number; max: number }> = Object.freeze({ min: -1024, max: 3071 });

/**
 * The histogram of `values` (HU, e.g. one slice) in `bins` bins spanning the
 * values' own minimum to maximum (within `limits`). An empty input gives one
 * empty span at 0.
 */
export function huHistogram(values: ArrayLike<number>, bins = 80, limits: { min: number; max: number } = HISTOGRAM_LIMITS): Histogram {
  if (!(bins >= 1)) throw new RangeError(`a histogram needs at least one bin, not ${bins}`);
  const n = Math.floor(bins);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { lo: 0, binWidth: 1, counts: new Uint32Array(n) };
  lo = Math.max(limits.min, Math.min(limits.max, Math.floor(lo)));
  hi = Math.max(lo, Math.min(limits.max, Math.floor(hi)));
  const binWidth = Math.max(1, Math.ceil((hi - lo + 1) / n));
  const counts = new Uint32Array(n);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i]! - lo) / binWidth);
    counts[b < 0 ? 0 : b >= n ? n - 1 : b]!++;
  }
  return { lo, binWidth, counts };
}

/** The HU just past the last bin. */
export function histogramEnd(h: Histogram): number {
  return h.lo + h.binWidth * h.counts.length;
}

/** Bar heights in [0, height]: log(1 + count), the tallest bar `height`, an empty bin 0. */
export function barHeights(h: Histogram, height: number): Float64Array {
  let max = 0;
  for (const c of h.counts) if (c > max) max = c;
  const out = new Float64Array(h.counts.length);
  if (max === 0) return out;
  const scale = height / Math.log1p(max);
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(h.counts[i]!) * scale;
  return out;
}

/** The HU (rounded to an integer) at `fraction` (0 = left edge, 1 = right edge) of the histogram; clamped. */
export function huAt(h: Histogram, fraction: number): number {
  const f = Math.max(0, Math.min(1, fraction));
  return Math.round(h.lo + f * (histogramEnd(h) - h.lo));
}

/** Where `hu` lies along the histogram, 0 (left edge) to 1 (right edge); clamped. */
export function fractionOf(h: Histogram, hu: number): number {
  const f = (hu - h.lo) / (histogramEnd(h) - h.lo);
  return Math.max(0, Math.min(1, f));
}
