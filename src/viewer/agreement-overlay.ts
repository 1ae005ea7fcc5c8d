/**
 * Draws the agreement of two documents for one label over the image, in the
 * image's frame: pixels both sides have, pixels only A has and pixels only B
 * has, each in its own colour (Okabe–Ito colours, told apart with the common
 * colour-vision deficiencies). One bitmap per slice, built when first shown.
 */
import type { DocumentSnapshot } from '../core/annotation/document-data.js';
import { OVERLAY_A_ONLY, OVERLAY_BOTH, OVERLAY_B_ONLY, agreementOverlay, type LabelPair } from '../core/review/agreement.js';

type Matrix = [number, number, number, number, number, number];

/** sRGB colours of the three kinds of pixel; the legend shows the same. */
export const AGREEMENT_COLORS = {
  both: [0, 158, 115],
  aOnly: [230, 159, 0],
  bOnly: [86, 180, 233],
} as const satisfies Record<string, readonly [number, number, number]>;

/** Opacity of the overlay, 0..255. */
const ALPHA = 160;
/** Slice bitmaps kept (scrolling back and forth stays cheap; memory stays bounded). */
const CACHED_SLICES = 16;

export class AgreementOverlay {
  private readonly canvas: HTMLCanvasElement;
  private readonly cache = new Map<number, ImageData | null>();
  private shown = -1;

  constructor(
    private readonly a: DocumentSnapshot,
    private readonly b: DocumentSnapshot,
    /** The label compared: its id on each side. */
    readonly label: LabelPair,
  ) {
    this.canvas = globalThis.document.createElement('canvas');
    this.canvas.width = a.series.columns;
    this.canvas.height = a.series.rows;
  }

  draw(ctx: CanvasRenderingContext2D, slice: number, matrix: Matrix): void {
    const image = this.bitmap(slice);
    if (!image) return;
    if (this.shown !== slice) {
      this.canvas.getContext('2d')!.putImageData(image, 0, 0);
      this.shown = slice;
    }
    ctx.save();
    ctx.setTransform(...matrix);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.canvas, 0, 0);
    ctx.restore();
  }

  /** The slice's RGBA bitmap, or null when neither side has the label there. */
  private bitmap(slice: number): ImageData | null {
    const cached = this.cache.get(slice);
    if (cached !== undefined) return cached;
    const { columns, rows } = this.a.series;
    const codes = agreementOverlay(this.a, this.b, this.label, slice);
    let image: ImageData | null = null;
    if (codes.some((v) => v !== 0)) {
      image = new ImageData(columns, rows);
      const px = new Uint32Array(image.data.buffer);
      const lut = new Uint32Array(4);
      lut[OVERLAY_BOTH] = rgba(AGREEMENT_COLORS.both);
      lut[OVERLAY_A_ONLY] = rgba(AGREEMENT_COLORS.aOnly);
      lut[OVERLAY_B_ONLY] = rgba(AGREEMENT_COLORS.bOnly);
      for (let i = 0; i < codes.length; i++) px[i] = lut[codes[i]!]!;
    }
    if (this.cache.size >= CACHED_SLICES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(slice, image);
    return image;
  }
}

/** Little-endian RGBA as one 32-bit word (canvas ImageData byte order). */
function rgba(c: readonly [number, number, number]): number {
  return ((ALPHA << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
}
