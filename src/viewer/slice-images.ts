/**
 * Serves the slices of a volume as view images without copying: each image's
 * pixels are a subarray of the volume. Per-slice value ranges are computed once
 * and forgotten when the slice changes (e.g. it finished decoding).
 */
import { sliceView, type Volume } from '../core/dicom/volume.js';
import type { ViewImage } from './cornerstone-view.js';

let nextSource = 0;

export class SliceImages {
  readonly volume: Volume;
  private readonly source = `v${++nextSource}`;
  private readonly versions: Uint32Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(volume: Volume) {
    this.volume = volume;
    this.versions = new Uint32Array(volume.slices);
    this.min = new Float64Array(volume.slices).fill(NaN);
    this.max = new Float64Array(volume.slices).fill(NaN);
  }

  /** Marks slice k as changed, so its next image is rendered afresh. */
  invalidate(k: number): void {
    this.versions[k]!++;
    this.min[k] = NaN;
  }

  image(k: number): ViewImage {
    const v = this.volume;
    const pixels = sliceView(v, k);
    if (Number.isNaN(this.min[k]!)) {
      const { min, max } = valueRange(pixels);
      this.min[k] = min;
      this.max[k] = max;
    }
    return {
      id: `segmark:${this.source}:${k}:${this.versions[k]}`,
      pixels,
      columns: v.columns,
      rows: v.rows,
      columnSpacing: v.spacing[0],
      rowSpacing: v.spacing[1],
      min: this.min[k]!,
      max: this.max[k]!,
    };
  }

}

/** Value range of any pixel array, for images made on the fly (reformats, thumbnails). */
export function valueRange(pixels: Int16Array): { min: number; max: number } {
  let min = 32767;
  let max = -32768;
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    if (p < min) min = p;
    if (p > max) max = p;
  }
  return pixels.length === 0 ? { min: 0, max: 0 } : { min, max };
}
