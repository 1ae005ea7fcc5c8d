/**
 * Brush and eraser: a round brush of a size in millimetres (an ellipse in
 * pixels when Δrow ≠ Δcol). A stroke is the pointer path offset by the
 * radius (see `stroke.ts`); on release it is united with the active label's
 * region ('paint'), or cut from it ('erase', or Alt/Ctrl held at the press of
 * a paint stroke) — one undo step. While painting, the preview fills the
 * stroke so far; at rest it shows the footprint at the pointer. `[` and `]`
 * step the size; a pen's pressure scales the radius (0.3×–1.7×).
 */
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { BrushSize, StrokeBuilder, pressureScale } from './stroke.js';
import { applyShape, historyText, imagePx, isEditable, sameTarget, targetOf, type Target } from './tool-support.js';

export type BrushMode = 'paint' | 'erase';

export interface BrushOptions {
  /** Diameter in mm; default 5. */
  size?: number;
  /** Scale the radius by pen pressure; default true (mouse and touch are unaffected). */
  pressure?: boolean;
  /** Diameters (mm) that `[` and `]` step through. */
  sizes?: readonly number[];
}

interface Stroke {
  target: Target;
  builder: StrokeBuilder;
  subtract: boolean;
}

export class BrushTool implements AnnotationTool {
  readonly mode: BrushMode;
  readonly size: BrushSize;
  pressure: boolean;
  #status: ToolStatusCode | undefined;
  #stroke: Stroke | undefined;
  #pointer: { x: number; y: number; scale: number } | undefined;

  constructor(mode: BrushMode = 'paint', options: BrushOptions = {}) {
    this.mode = mode;
    this.size = new BrushSize(options.size ?? 5, options.sizes);
    this.pressure = options.pressure ?? true;
  }

  get id(): 'brush' | 'eraser' {
    return this.mode === 'erase' ? 'eraser' : 'brush';
  }

  get active(): boolean {
    return this.#stroke !== undefined;
  }

  /** What the last gesture came to (see ToolStatusCode). */
  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  cursor(context: ToolContext): string {
    return isEditable(context) ? 'none' : 'not-allowed';
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    this.#stroke = undefined;
    const scale = pressureScale(p, this.pressure);
    this.#pointer = { x: p.x, y: p.y, scale };
    if (!isEditable(context)) {
      this.#status = 'locked';
      return false;
    }
    // The builder works at scale 1 of the radii taken at the press; pressure scales chunks.
    const { rx, ry } = this.size.radii(context);
    const builder = new StrokeBuilder(rx, ry);
    builder.add(p.x, p.y, scale);
    this.#stroke = { target: targetOf(context), builder, subtract: this.mode === 'erase' || p.altKey || p.ctrlKey };
    return true;
  }

  move(p: ToolPointer, context: ToolContext): void {
    const scale = pressureScale(p, this.pressure);
    this.#pointer = { x: p.x, y: p.y, scale };
    const s = this.#stroke;
    if (!s) return;
    if (!sameTarget(s.target, context)) return this.cancel(context);
    const last = s.builder.last!;
    // Closer points add vertices but no shape: the sweep between samples is continuous.
    const min = Math.max(imagePx(context, 0.5), 0.1 * Math.min(s.builder.rx, s.builder.ry));
    if (Math.hypot(p.x - last[0], p.y - last[1]) >= min) s.builder.add(p.x, p.y, scale);
  }

  up(p: ToolPointer, context: ToolContext): void {
    const s = this.#stroke;
    if (!s) return;
    const last = s.builder.last!;
    if (p.x !== last[0] || p.y !== last[1]) s.builder.add(p.x, p.y, pressureScale(p, this.pressure));
    this.#stroke = undefined;
    if (!sameTarget(s.target, context)) return;
    const verb = this.mode === 'erase' ? 'Erase' : s.subtract ? 'Brush erase' : 'Brush';
    this.#status = applyShape(context, s.builder.region(), s.subtract, historyText(context, verb));
  }

  key(k: ToolKey, context: ToolContext): boolean {
    if (k.key === 'Escape' && this.#stroke) {
      this.cancel(context);
      return true;
    }
    // The size is fixed during a stroke (it would change what is already painted).
    return !this.#stroke && !k.ctrlKey && !k.altKey && this.size.key(k.key);
  }

  cancel(_context: ToolContext): void {
    if (!this.#stroke) return;
    this.#stroke = undefined;
    this.#status = 'cancelled';
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const s = this.#stroke;
    const at = this.#pointer;
    if (s && !sameTarget(s.target, context)) return undefined;
    const subtract = s ? s.subtract : this.mode === 'erase';
    const preview: ToolPreview = { subtract };
    if (at) {
      const { rx, ry } = this.size.radii(context, at.scale);
      preview.circle = { x: at.x, y: at.y, rx, ry };
    }
    if (s) preview.fill = s.builder.region();
    return preview;
  }
}
