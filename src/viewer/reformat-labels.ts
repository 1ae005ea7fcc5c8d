/**
 * The labels on a sagittal or coronal reformat: the labelmap cut along the
 * same plane as the image (rows from the last slice to the first, as
 * `core/dicom/reformat.ts` lays them out), painted with the labels' colours,
 * opacity and visibility — filled labels filled, outline-only labels as
 * their boundary pixels.
 *
 * The cut is kept between frames and redone only for the slices whose
 * regions changed (the labelmap's per-slice version), and slices without any
 * region are never rasterised.
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { LabelmapSlices } from '../core/annotation/labelmap.js';
import type { ReformatPlane } from '../core/dicom/reformat.js';
import { colourTable, labelLooks } from './label-overlay.js';

type Matrix = [number, number, number, number, number, number];

/** Label ids along a plane through every slice: row `slices − 1 − k` holds slice k, `across` values per row. */
export function cutLabelmap(
  labelmap: LabelmapSlices,
  hasLabels: (k: number) => boolean,
  plane: ReformatPlane,
  index: number,
  out: Uint8Array,
  only?: (k: number) => boolean,
): void {
  const { columns, rows, slices } = labelmap;
  const across = plane === 'sagittal' ? rows : columns;
  for (let k = 0; k < slices; k++) {
    if (only && !only(k)) continue;
    const at = (slices - 1 - k) * across;
    if (!hasLabels(k)) {
      out.fill(0, at, at + across);
      continue;
    }
    const map = labelmap.slice(k);
    if (plane === 'sagittal') {
      for (let r = 0, src = index; r < rows; r++, src += columns) out[at + r] = map[src]!;
    } else {
      out.set(map.subarray(index * columns, index * columns + columns), at);
    }
  }
}

export class ReformatLabels {
  private values: Uint8Array | undefined;
  private cut = '';
  private readonly versions: Int32Array;
  private canvas: HTMLCanvasElement | undefined;
  private image: ImageData | undefined;
  /** The labels' looks the bitmap was painted with; it is painted again when they or the cut change. */
  private paintedLooks = '';
  /** The cut changed since the bitmap was painted. */
  private cutChanged = true;

  constructor(
    private readonly document: AnnotationDocument,
    private readonly labelmap: LabelmapSlices,
  ) {
    this.versions = new Int32Array(labelmap.slices).fill(-1);
  }

  /** The label ids of the cut (row 0 = last slice), brought up to date. Do not modify. */
  labels(plane: ReformatPlane, index: number): Uint8Array {
    const { columns, rows, slices } = this.labelmap;
    const across = plane === 'sagittal' ? rows : columns;
    const i = Math.min((plane === 'sagittal' ? columns : rows) - 1, Math.max(0, Math.round(index)));
    if (this.values?.length !== across * slices) {
      this.values = new Uint8Array(across * slices);
      this.cut = '';
    }
    const values = this.values;
    const cut = `${plane}:${i}`;
    const whole = cut !== this.cut;
    this.cut = cut;
    const stale = (k: number): boolean => whole || this.versions[k] !== this.labelmap.version(k);
    let changed = whole;
    for (let k = 0; k < slices && !changed; k++) changed = stale(k);
    if (changed) {
      cutLabelmap(this.labelmap, (k) => this.document.labelsOnSlice(k).length > 0, plane, i, values, stale);
      for (let k = 0; k < slices; k++) this.versions[k] = this.labelmap.version(k);
      this.cutChanged = true;
    }
    return values;
  }

  /** Paints the labels over the reformat image; `matrix` maps its pixels to the canvas. */
  draw(ctx: CanvasRenderingContext2D, plane: ReformatPlane, index: number, matrix: Matrix): void {
    if (!this.document.labels.some((l) => l.visible)) return;
    const values = this.labels(plane, index);
    const across = plane === 'sagittal' ? this.labelmap.rows : this.labelmap.columns;
    const height = this.labelmap.slices;
    const canvas = (this.canvas ??= globalThis.document.createElement('canvas'));
    if (canvas.width !== across || canvas.height !== height) {
      canvas.width = across;
      canvas.height = height;
      this.image = undefined;
      this.cutChanged = true;
    }
    const image = (this.image ??= new ImageData(across, height));
    const looks = labelLooks(this.document);
    if (this.cutChanged || looks !== this.paintedLooks) {
      this.cutChanged = false;
      this.paintedLooks = looks;
      paint(new Uint32Array(image.data.buffer), values, across, height, colourTable(this.document), colourTable(this.document, 'outline'));
      canvas.getContext('2d')!.putImageData(image, 0, 0);
    }
    ctx.save();
    ctx.setTransform(...matrix);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(canvas, 0, 0);
    ctx.restore();
  }

}


/** RGBA of each pixel: the filled colour, or for outline labels the colour on boundary pixels only. */
function paint(out: Uint32Array, values: Uint8Array, width: number, height: number, fill: Uint32Array, line: Uint32Array): void {
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const v = values[i]!;
      if (v === 0) {
        out[i] = 0;
        continue;
      }
      const lined = line[v]!;
      if (lined === 0) {
        out[i] = fill[v]!;
        continue;
      }
      const edge =
        x === 0 || x === width - 1 || y === 0 || y === height - 1 || values[i - 1] !== v || values[i + 1] !== v || values[i - width] !== v || values[i + width] !== v;
      out[i] = edge ? lined : 0;
    }
  }
}
