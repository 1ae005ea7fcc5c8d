/**
 * Freehand: press, drag, release — the traced loop closes itself and is added
 * to the active label's region on the slice, or cut from it when Alt or Ctrl
 * is held at the press. A self-crossing loop encloses what the even–odd rule
 * says (its lobes). Tiny loops (a click with a jitter) are ignored.
 *
 * Points closer than half a screen pixel to the previous one are dropped (at
 * any zoom the same hand gives the same density); the closed loop is then
 * smoothed by Chaikin corner cutting, which keeps the outline inside the
 * traced polygon's hull and removes pointer jitter without rounding the
 * shape at the scale of the drawing.
 */
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { applyShape, historyText, imagePx, isEditable, outlineRegion, sameTarget, targetOf, type Target } from './tool-support.js';

export interface FreehandOptions {
  /** Chaikin passes over the closed loop: 0 = none, 1 = light (default), up to 4. */
  smoothing?: number;
  /** Pointer samples closer than this (screen px) to the previous one are dropped; default 0.5. */
  minSpacing?: number;
}

interface Trace {
  target: Target;
  points: number[];
  subtract: boolean;
}

export class FreehandTool implements AnnotationTool {
  readonly id = 'freehand' as const;
  readonly smoothing: number;
  readonly minSpacing: number;
  #status: ToolStatusCode | undefined;
  #trace: Trace | undefined;

  constructor(options: FreehandOptions = {}) {
    this.smoothing = Math.max(0, Math.min(4, Math.round(options.smoothing ?? 1)));
    this.minSpacing = options.minSpacing ?? 0.5;
  }

  /** Whether a loop is being traced. */
  get active(): boolean {
    return this.#trace !== undefined;
  }

  /** What the last gesture came to (see ToolStatusCode). */
  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  cursor(context: ToolContext): string {
    return isEditable(context) ? 'crosshair' : 'not-allowed';
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    this.#trace = undefined;
    if (!isEditable(context)) {
      this.#status = 'locked';
      return false;
    }
    this.#trace = { target: targetOf(context), points: [p.x, p.y], subtract: p.altKey || p.ctrlKey };
    return true;
  }

  move(p: ToolPointer, context: ToolContext): void {
    const trace = this.#trace;
    if (!trace) return;
    if (!sameTarget(trace.target, context)) return this.cancel(context);
    const pts = trace.points;
    const min = imagePx(context, this.minSpacing);
    const dx = p.x - pts[pts.length - 2]!;
    const dy = p.y - pts[pts.length - 1]!;
    if (dx * dx + dy * dy >= min * min) pts.push(p.x, p.y);
  }

  up(p: ToolPointer, context: ToolContext): void {
    const trace = this.#trace;
    if (!trace) return;
    this.move(p, context);
    this.#trace = undefined;
    if (!sameTarget(trace.target, context)) return;
    // Simplify below what anyone can see: a tenth of a pixel, less when zoomed in.
    const shape = outlineRegion(chaikin(trace.points, this.smoothing), Math.min(0.1, imagePx(context, 0.2)));
    if (!shape) {
      this.#status = 'too-small';
      return;
    }
    const verb = trace.subtract ? 'Freehand erase' : 'Freehand';
    this.#status = applyShape(context, shape, trace.subtract, historyText(context, verb));
  }

  key(k: ToolKey, context: ToolContext): boolean {
    if (k.key !== 'Escape' || !this.#trace) return false;
    this.cancel(context);
    return true;
  }

  cancel(_context: ToolContext): void {
    if (!this.#trace) return;
    this.#trace = undefined;
    this.#status = 'cancelled';
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const trace = this.#trace;
    if (!trace || !sameTarget(trace.target, context)) return undefined;
    return { path: trace.points.slice(), subtract: trace.subtract };
  }
}

/**
 * Chaikin corner cutting of a closed ring (flat points), `passes` times:
 * every edge is replaced by its points at 1/4 and 3/4.
 */
export function chaikin(ring: readonly number[], passes: number): number[] {
  let pts = ring.slice();
  for (let pass = 0; pass < passes && pts.length >= 6; pass++) {
    const n = pts.length;
    const out = new Array<number>(2 * n);
    for (let i = 0; i < n; i += 2) {
      const j = (i + 2) % n;
      const ax = pts[i]!, ay = pts[i + 1]!, bx = pts[j]!, by = pts[j + 1]!;
      out[2 * i] = 0.75 * ax + 0.25 * bx;
      out[2 * i + 1] = 0.75 * ay + 0.25 * by;
      out[2 * i + 2] = 0.25 * ax + 0.75 * bx;
      out[2 * i + 3] = 0.25 * ay + 0.75 * by;
    }
    pts = out;
  }
  return pts;
}
