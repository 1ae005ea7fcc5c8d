/**
 * Serves the slices of a volume as view images without copying: each image's
 * pixels are a subarray of the volume. Per-slice value ranges are computed once
 * and forgotten when the slice changes (e.g. it finished decoding).
 */
import { sliceView, type Volume } from '../core/dicom/volume.js';
import { reformat, type ReformatImage, type ReformatPlane } from '../core/dicom/reformat.js';
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

/**
 * The range of every value a reformat of `volume` can hold, without reading the
 * voxels: the range of the slices decoded so far, widened to the placeholder
 * that stands in for a slice still to come. Undefined before any slice is decoded.
 * (Scanning a 512×300 reformat for its range cost more than cutting it.)
 */
export function volumeRange(volume: Volume): { min: number; max: number } | undefined {
  let { min, max } = volume.range;
  if (!(min <= max)) return undefined;
  const waiting = volume.loaded.indexOf(0);
  if (waiting >= 0) {
    const placeholder = volume.sliceData[waiting]![0];
    if (placeholder !== undefined) {
      min = Math.min(min, placeholder);
      max = Math.max(max, placeholder);
    }
  }
  return { min, max };
}

/**
 * Serves sagittal or coronal reformats as view images: one pixel buffer per
 * plane, cut again only when the index changes or a slice it crosses changed
 * (e.g. finished decoding).
 */
export class PlaneImages {
  private readonly source = `p${++nextSource}`;
  private cut: ReformatImage | undefined;
  private version = 0;
  private stale = true;

  constructor(
    readonly volume: Volume,
    readonly plane: ReformatPlane,
  ) {}

  /** A slice changed: the next image is cut again. */
  invalidate(): void {
    this.stale = true;
  }

  /** The reformat's own pixels (rows from the last slice to the first); do not modify. */
  pixels(index: number): ReformatImage {
    if (this.stale || this.cut?.index !== Math.min(this.limit() - 1, Math.max(0, Math.round(index)))) {
      this.cut = reformat(this.volume, this.plane, index, this.cut?.pixels);
      this.stale = false;
      this.version++;
    }
    return this.cut;
  }

  image(index: number): ViewImage {
    const img = this.pixels(index);
    const { min, max } = volumeRange(this.volume) ?? valueRange(img.pixels);
    return {
      id: `segmark:${this.source}:${this.plane}:${this.version}`,
      pixels: img.pixels,
      columns: img.columns,
      rows: img.rows,
      columnSpacing: img.columnSpacing,
      rowSpacing: img.rowSpacing,
      min,
      max,
    };
  }

  private limit(): number {
    return this.plane === 'sagittal' ? this.volume.columns : this.volume.rows;
  }
}
