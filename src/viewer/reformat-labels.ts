/**
 * The labels on a sagittal or coronal reformat: the labelmap cut along the
 * same plane as the image (rows from the last slice to the first, as
 * `core/dicom/reformat.ts` lays them out), painted with the labels' colours,
 * opacity and visibility — filled labels filled, outline-only labels as
 * their boundary pixels.
 *
 * Each plane's cut is kept between frames and redone only for the slices
 * whose regions changed (the labelmap's per-slice version), and slices
 * without any region are never rasterised. A plane with no region on any
 * slice (every new document) makes no bitmap at all: the first frame of a
 * new series paid for two 512×300 bitmaps of nothing.
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

/** One plane's cut and its bitmap, kept from frame to frame. */
class PlaneCut {
  readonly values: Uint8Array;
  /** The column (sagittal) or row (coronal) cut; -1 before the first cut. */
  index = -1;
  /** The labelmap's version of each slice when its row was cut. */
  readonly versions: Int32Array;
  /** 1 where the slice's row holds a region of some label. */
  readonly labelled: Uint8Array;
  /** Rows that hold a region (the sum of `labelled`). */
  rowsLabelled = 0;
  canvas: HTMLCanvasElement | undefined;
  image: ImageData | undefined;
  /** The labels' looks the bitmap was painted with; it is painted again when they or the cut change. */
  paintedLooks = '';
  /** The cut changed since the bitmap was painted. */
  changed = true;

  constructor(across: number, slices: number) {
    this.values = new Uint8Array(across * slices);
    this.versions = new Int32Array(slices).fill(-1);
    this.labelled = new Uint8Array(slices);
  }
}

export class ReformatLabels {
  /**
   * Sagittal and coronal views draw in the same frames: each plane keeps its
   * own cut, so drawing one does not throw away the other's (a whole re-cut
   * and re-paint of both on every frame the reference line moves).
   */
  private readonly planes = new Map<ReformatPlane, PlaneCut>();

  constructor(
    private readonly document: AnnotationDocument,
    private readonly labelmap: LabelmapSlices,
  ) {}

  /** The label ids of the cut (row 0 = last slice), brought up to date. Do not modify. */
  labels(plane: ReformatPlane, index: number): Uint8Array {
    return this.update(plane, index).values;
  }

  /** Paints the labels over the reformat image; `matrix` maps its pixels to the canvas. */
  draw(ctx: CanvasRenderingContext2D, plane: ReformatPlane, index: number, matrix: Matrix): void {
    if (!this.document.labels.some((l) => l.visible)) return;
    const cut = this.update(plane, index);
    // Nothing to show on this plane (a new document, say): no bitmap is made, painted or drawn.
    if (cut.rowsLabelled === 0) return;
    const across = plane === 'sagittal' ? this.labelmap.rows : this.labelmap.columns;
    const height = this.labelmap.slices;
    const canvas = (cut.canvas ??= globalThis.document.createElement('canvas'));
    if (canvas.width !== across || canvas.height !== height) {
      canvas.width = across;
      canvas.height = height;
      cut.image = undefined;
      cut.changed = true;
    }
    const image = (cut.image ??= new ImageData(across, height));
    const looks = labelLooks(this.document);
    if (cut.changed || looks !== cut.paintedLooks) {
      cut.changed = false;
      cut.paintedLooks = looks;
      paint(new Uint32Array(image.data.buffer), cut.values, across, height, colourTable(this.document), colourTable(this.document, 'outline'));
      canvas.getContext('2d')!.putImageData(image, 0, 0);
    }
    ctx.save();
    ctx.setTransform(...matrix);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(canvas, 0, 0);
    ctx.restore();
  }

  /** The plane's cut through `index`, re-cut where the plane moved or a slice's regions changed. */
  private update(plane: ReformatPlane, index: number): PlaneCut {
    const { columns, rows, slices } = this.labelmap;
    const across = plane === 'sagittal' ? rows : columns;
    const i = Math.min((plane === 'sagittal' ? columns : rows) - 1, Math.max(0, Math.round(index)));
    let cut = this.planes.get(plane);
    if (!cut) this.planes.set(plane, (cut = new PlaneCut(across, slices)));
    const whole = cut.index !== i;
    cut.index = i;
    const versions = cut.versions;
    const stale = (k: number): boolean => whole || versions[k] !== this.labelmap.version(k);
    let changed = whole;
    for (let k = 0; k < slices && !changed; k++) changed = stale(k);
    if (!changed) return cut;
    const labelled = cut.labelled;
    // A row is cut again where it is stale and has regions now or had them (its values are not all 0);
    // a row without regions before or now is 0 already, so a new document's cut writes nothing.
    const recut = (k: number): boolean => {
      if (!stale(k)) return false;
      const before = labelled[k];
      labelled[k] = this.document.labelsOnSlice(k).length > 0 ? 1 : 0;
      return labelled[k] === 1 || before === 1;
    };
    cutLabelmap(this.labelmap, (k) => labelled[k] === 1, plane, i, cut.values, recut);
    let rowsLabelled = 0;
    for (let k = 0; k < slices; k++) {
      versions[k] = this.labelmap.version(k);
      rowsLabelled += labelled[k]!;
    }
    cut.rowsLabelled = rowsLabelled;
    cut.changed = true;
    return cut;
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
