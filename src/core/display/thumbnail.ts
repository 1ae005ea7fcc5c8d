/**
 * A small windowed RGBA picture of one slice, for series lists: nearest-sample
 * downscaling (a thumbnail needs no filtering) and a linear window.
 */
import type { WindowLevel } from './window.js';

export interface Thumbnail {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export function makeThumbnail(
  values: ArrayLike<number>,
  columns: number,
  rows: number,
  window: WindowLevel,
  size = 64,
  invert = false,
): Thumbnail {
  const s = Math.min(1, size / Math.max(columns, rows));
  const width = Math.max(1, Math.round(columns * s));
  const height = Math.max(1, Math.round(rows * s));
  const rgba = new Uint8ClampedArray(width * height * 4);
  const lo = window.center - window.width / 2;
  const k = 255 / Math.max(1, window.width);
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor((y + 0.5) / s));
    for (let x = 0; x < width; x++) {
      const c = Math.min(columns - 1, Math.floor((x + 0.5) / s));
      let g = (values[r * columns + c]! - lo) * k;
      if (invert) g = 255 - g;
      const o = (y * width + x) * 4;
      rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}
