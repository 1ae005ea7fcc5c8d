/**
 * Draws the annotation over the image, in the same frame as the image: filled
 * labels from the labelmap (one RGBA bitmap per slice, rebuilt only when the
 * slice or the label styles change), outlines from the regions (dashed where
 * an interpolation awaits acceptance or an assisted tool's result awaits
 * verification), and the active tool's preview.
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { LabelmapSlices } from '../core/annotation/labelmap.js';
import type { Ring } from '../core/annotation/region.js';
import type { ToolPreview } from '../tools/annotation-tool.js';
import { isPendingInterpolation } from '../core/annotation/interpolate-label.js';
import { LAYER_MIN_NUMBERS, PreviewLayer } from './preview-layer.js';

type Matrix = [number, number, number, number, number, number];

export class LabelOverlay {
  private readonly canvas: HTMLCanvasElement;
  private key = '';
  private lut: Uint32Array = new Uint32Array(256);
  private image: ImageData | undefined;
  private pixels: Uint32Array | undefined;
  /** Pixels repainted by the last refresh (for tests and the bench: an edit repaints only its box). */
  repainted = 0;

  constructor(
    private readonly document: AnnotationDocument,
    private readonly labelmap: LabelmapSlices,
  ) {
    this.canvas = globalThis.document.createElement('canvas');
    this.canvas.width = labelmap.columns;
    this.canvas.height = labelmap.rows;
  }

  draw(ctx: CanvasRenderingContext2D, slice: number, matrix: Matrix, activeLabel: number, preview: ToolPreview | undefined): void {
    const onSlice = this.document.labelsOnSlice(slice);
    const labels = this.document.labels.filter((l) => l.visible && onSlice.includes(l.id));
    const filled = labels.filter((l) => l.display === 'filled');
    if (filled.length) {
      this.refreshBitmap(slice);
      // Only the part of the bitmap the filled regions cover is scaled onto the view.
      const box = this.pixelBox(filled.map((l) => this.document.boundsAt(l.id, slice)!));
      if (box.c1 > box.c0 && box.r1 > box.r0) {
        const w = box.c1 - box.c0;
        const h = box.r1 - box.r0;
        ctx.save();
        ctx.setTransform(...matrix);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(this.canvas, box.c0, box.r0, w, h, box.c0, box.r0, w, h);
        ctx.restore();
      }
    }
    for (const label of labels) {
      const rings = this.document.regionAt(label.id, slice).rings;
      // Interpolated outlines not yet accepted are dashed, so they are never mistaken for checked work.
      if (isPendingInterpolation(this.document, label.id, slice)) {
        ctx.setLineDash([6, 4]);
        strokeRings(ctx, matrix, rings, 'rgb(255 255 255)', 1.5);
        ctx.setLineDash([]);
        continue;
      }
      const outlineOnly = label.display === 'outline';
      const [r, g, b] = label.color;
      // What an assisted tool wrote and no one has verified yet is dashed in the label's colour, on every label.
      const flags = this.document.flagsAt(label.id, slice);
      if (flags?.origin === 'assisted' && !flags.verified) {
        ctx.setLineDash([4, 3]);
        strokeRings(ctx, matrix, rings, `rgb(${r} ${g} ${b})`, 1.5);
        ctx.setLineDash([]);
        continue;
      }
      if (!outlineOnly && label.id !== activeLabel) continue;
      strokeRings(ctx, matrix, rings, `rgb(${r} ${g} ${b})`, outlineOnly ? 1.5 : 1);
    }
    if (preview) drawToolPreview(ctx, matrix, preview, this.document.label(activeLabel)?.color);
  }

  /**
   * Keeps the RGBA bitmap in step: rebuilt whole when the slice or a label's
   * look changed, otherwise repainted only in the box the last edits touched.
   */
  private refreshBitmap(slice: number): void {
    const key = `${slice}#${labelLooks(this.document)}`;
    const whole = key !== this.key;
    this.key = key;
    if (whole) this.lut = colourTable(this.document);
    const dirty = this.labelmap.takeDirty(slice);
    const box = whole ? { c0: 0, r0: 0, c1: this.labelmap.columns, r1: this.labelmap.rows } : dirty;
    const width = box.c1 - box.c0;
    const height = box.r1 - box.r0;
    if (width <= 0 || height <= 0) return;
    const map = this.labelmap.slice(slice);
    // One bitmap-sized ImageData, kept: only the box is rewritten and put back (no allocation per edit).
    const image = (this.image ??= new ImageData(this.labelmap.columns, this.labelmap.rows));
    const out = (this.pixels ??= new Uint32Array(image.data.buffer));
    const lut = this.lut;
    const columns = this.labelmap.columns;
    for (let r = box.r0; r < box.r1; r++) {
      const row = r * columns;
      for (let c = box.c0; c < box.c1; c++) out[row + c] = lut[map[row + c]!]!;
    }
    this.canvas.getContext('2d')!.putImageData(image, 0, 0, box.c0, box.r0, width, height);
    this.repainted = width * height;
  }

  /** The whole pixels (clipped to the image) whose centres may lie inside any of the boxes. */
  private pixelBox(boxes: readonly (readonly [number, number, number, number])[]): { c0: number; r0: number; c1: number; r1: number } {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [bx0, by0, bx1, by1] of boxes) {
      x0 = Math.min(x0, bx0);
      y0 = Math.min(y0, by0);
      x1 = Math.max(x1, bx1);
      y1 = Math.max(y1, by1);
    }
    const { columns, rows } = this.labelmap;
    return {
      c0: Math.max(0, Math.floor(x0)),
      r0: Math.max(0, Math.floor(y0)),
      c1: Math.min(columns, Math.ceil(x1)),
      r1: Math.min(rows, Math.ceil(y1)),
    };
  }
}

/**
 * Label id → RGBA as a little-endian Uint32 (ImageData's bytes are R, G, B, A)
 * for the visible labels shown as `display`: filled ones at their opacity,
 * outline-only ones opaque.
 */
export function colourTable(document: AnnotationDocument, display: 'filled' | 'outline' = 'filled'): Uint32Array {
  const lut = new Uint32Array(256);
  for (const l of document.labels) {
    if (!l.visible || l.display !== display) continue;
    const a = display === 'outline' ? 255 : Math.round(Math.min(1, Math.max(0, l.opacity)) * 255);
    lut[l.id] = ((a << 24) | (l.color[2] << 16) | (l.color[1] << 8) | l.color[0]) >>> 0;
  }
  return lut;
}

/** What the labels look like (id, colour, opacity, visibility, display): a bitmap painted from them is stale when it changes. */
export function labelLooks(document: AnnotationDocument): string {
  return document.labels.map((l) => `${l.id}:${l.color.join(',')}:${l.opacity}:${l.visible}:${l.display}`).join('|');
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function addRing(ctx: CanvasRenderingContext2D, ring: Ring): void {
  if (ring.length < 6) return;
  ctx.moveTo(ring[0]!, ring[1]!);
  for (let i = 2; i + 1 < ring.length; i += 2) ctx.lineTo(ring[i]!, ring[i + 1]!);
  ctx.closePath();
}

/**
 * Strokes rings in image space with a line width in canvas pixels: the path is
 * built under the image matrix (points are transformed as they are added) and
 * stroked under the canvas's own, so no point is transformed in script.
 */
function strokeRings(ctx: CanvasRenderingContext2D, m: Matrix, rings: readonly Ring[], colour: string, width: number): void {
  if (rings.length === 0) return;
  ctx.save();
  ctx.setTransform(...m);
  ctx.beginPath();
  for (const ring of rings) addRing(ctx, ring);
  ctx.restore();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

function strokePath(ctx: CanvasRenderingContext2D, m: Matrix, path: readonly number[], colour: string): void {
  ctx.save();
  ctx.setTransform(...m);
  ctx.beginPath();
  ctx.moveTo(path[0]!, path[1]!);
  for (let i = 2; i + 1 < path.length; i += 2) ctx.lineTo(path[i]!, path[i + 1]!);
  ctx.restore();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/** Each canvas's layer for long previews (a polygon of thousands of vertices). */
const previewLayers = new WeakMap<object, PreviewLayer>();

/** The tool's preview (stroke so far, path, handles, brush footprint) in the label's colour, or the erase colour. */
export function drawToolPreview(ctx: CanvasRenderingContext2D, matrix: Matrix, p: ToolPreview, colour3: readonly number[] | undefined): void {
  const colour = p.subtract ? 'rgb(255 80 80)' : colour3 ? `rgb(${colour3.join(' ')})` : 'rgb(255 255 0)';
  if (p.fill && p.fill.rings.length) {
    ctx.save();
    ctx.setTransform(...matrix);
    ctx.globalAlpha = 0.45;
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (const ring of p.fill.rings) addRing(ctx, ring);
    ctx.fill('evenodd');
    ctx.restore();
  }
  if (p.rings) strokeRings(ctx, matrix, p.rings, colour, 1.5);
  if (p.subtractRings) strokeRings(ctx, matrix, p.subtractRings, 'rgb(255 80 80)', 1.5);
  if ((p.path?.length ?? 0) + (p.points?.length ?? 0) >= LAYER_MIN_NUMBERS) {
    // Long: the settled part is drawn once into a layer of this canvas, the rest each frame.
    let layer = previewLayers.get(ctx.canvas);
    if (!layer) previewLayers.set(ctx.canvas, (layer = new PreviewLayer()));
    layer.draw(ctx, matrix, p.path ?? [], p.points ?? [], colour);
  } else {
    previewLayers.delete(ctx.canvas);
    if (p.path && p.path.length >= 4) strokePath(ctx, matrix, p.path, colour);
    if (p.points) drawMarks(ctx, matrix, p.points, colour);
  }
  if (p.circle) {
    const { x, y, rx, ry } = p.circle;
    ctx.save();
    ctx.setTransform(...matrix);
    ctx.beginPath();
    ctx.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2);
    ctx.restore();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

function drawMarks(ctx: CanvasRenderingContext2D, matrix: Matrix, points: readonly number[], colour: string): void {
  ctx.fillStyle = colour;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [x, y] = apply(matrix, points[i]!, points[i + 1]!);
    ctx.fillRect(x - 3, y - 3, 6, 6);
  }
}
