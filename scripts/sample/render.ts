/**
 * Rasterises the phantom into CT slices. Each pixel averages 2 × 2 in-plane
 * samples at each of 4 sub-planes across the slice thickness (partial-volume
 * averaging, so edges look like CT rather than a binary mask); then smooth
 * noise (σ ≈ 10 HU) is added inside the body only, so air stays exactly
 * −1000 HU and compresses well.
 */

import {
  columnX,
  rowY,
  SAMPLE_COLUMNS,
  SAMPLE_PIXEL_SPACING,
  SAMPLE_ROWS,
  SAMPLE_SLICE_THICKNESS,
  sliceZ,
} from './geometry.js';
import type { Phantom } from './phantom.js';
import { gaussianish, hash32, mulberry32 } from './random.js';

/** Stored value = HU − RESCALE_INTERCEPT (RescaleSlope 1). */
export const RESCALE_INTERCEPT = -1024;
/** Standard deviation of the added noise (HU). */
export const NOISE_SIGMA = 10;

const SUB_PLANES = 4;
const SUB_PIXELS = 2;

/** Mean HU of each pixel of slice k, before noise (row-major, rows × columns). */
export function renderSliceHU(phantom: Phantom, k: number): Float64Array {
  const cols = SAMPLE_COLUMNS;
  const rows = SAMPLE_ROWS;
  const sum = new Float64Array(rows * cols);
  const step = SAMPLE_PIXEL_SPACING / SUB_PIXELS;
  const xs = new Float64Array(cols * SUB_PIXELS);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < SUB_PIXELS; i++) xs[c * SUB_PIXELS + i] = columnX(c) + (i + 0.5) * step - SAMPLE_PIXEL_SPACING / 2;
  }
  const z0 = sliceZ(k);
  for (let p = 0; p < SUB_PLANES; p++) {
    phantom.prepare(z0 + ((p + 0.5) / SUB_PLANES - 0.5) * SAMPLE_SLICE_THICKNESS);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < SUB_PIXELS; j++) {
        const y = rowY(r) + (j + 0.5) * step - SAMPLE_PIXEL_SPACING / 2;
        const base = r * cols;
        for (let s = 0; s < xs.length; s++) {
          const i = base + ((s / SUB_PIXELS) | 0);
          sum[i] = sum[i]! + phantom.hu(xs[s]!, y);
        }
      }
    }
  }
  const n = SUB_PLANES * SUB_PIXELS * SUB_PIXELS;
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / n;
  return sum;
}

/**
 * Smooth noise for slice k: white deviates blurred by a 3 × 3 binomial kernel
 * (which divides σ by 8/3), scaled to NOISE_SIGMA. Seeded per slice, so any
 * slice can be regenerated alone.
 */
export function sliceNoise(seed: number, k: number): Float64Array {
  const cols = SAMPLE_COLUMNS;
  const rows = SAMPLE_ROWS;
  const w = cols + 2;
  const h = rows + 2;
  const next = mulberry32(hash32(seed ^ Math.imul(k + 1, 0x9e3779b1)));
  const white = new Float64Array(w * h);
  for (let i = 0; i < white.length; i++) white[i] = gaussianish(next);
  const out = new Float64Array(rows * cols);
  const scale = (NOISE_SIGMA * 8) / 3 / 16;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const o = (r + 1) * w + (c + 1);
      const v =
        white[o - w - 1]! + 2 * white[o - w]! + white[o - w + 1]! +
        2 * white[o - 1]! + 4 * white[o]! + 2 * white[o + 1]! +
        white[o + w - 1]! + 2 * white[o + w]! + white[o + w + 1]!;
      out[r * cols + c] = v * scale;
    }
  }
  return out;
}

/** Stored pixel values of slice k (signed 16-bit, HU − RESCALE_INTERCEPT), noise included. */
export function renderSlice(phantom: Phantom, k: number): Int16Array {
  const hu = renderSliceHU(phantom, k);
  const noise = sliceNoise(phantom.seed, k);
  const cols = SAMPLE_COLUMNS;
  const out = new Int16Array(hu.length);
  phantom.prepare(sliceZ(k));
  for (let r = 0; r < SAMPLE_ROWS; r++) {
    const y = rowY(r);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      // Noise only in and at the edge of the body; air outside stays exact.
      const inBody = phantom.skinDepth(columnX(c), y) > -SAMPLE_PIXEL_SPACING;
      const v = Math.round(hu[i]! + (inBody ? noise[i]! : 0)) - RESCALE_INTERCEPT;
      out[i] = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
    }
  }
  return out;
}

/** Ground-truth disc labels of slice k: the label at each pixel centre, in the slice's centre plane. */
export function discLabelSlice(phantom: Phantom, k: number): Uint8Array {
  const cols = SAMPLE_COLUMNS;
  const out = new Uint8Array(SAMPLE_ROWS * cols);
  phantom.prepare(sliceZ(k));
  for (let r = 0; r < SAMPLE_ROWS; r++) {
    const y = rowY(r);
    for (let c = 0; c < cols; c++) out[r * cols + c] = phantom.discLabel(columnX(c), y);
  }
  return out;
}
