/**
 * Polygon: click vertices; a double click, Enter, or a click on the first
 * vertex closes the outline and adds it to the active label's region (cuts
 * it away when Alt or Ctrl was held at the first click). Backspace removes
 * the last vertex, Escape abandons the outline. The preview shows the
 * vertices, the path and a rubber band to the pointer.
 */
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import {
  DOUBLE_CLICK_MS,
  HIT_SCREEN_PX,
  applyShape,
  historyText,
  imagePx,
  isEditable,
  outlineRegion,
  sameTarget,
  targetOf,
  type Target,
} from './tool-support.js';

interface Outline {
  target: Target;
  vertices: number[];
  subtract: boolean;
  /** Time of the last click that placed (or repeated) a vertex, for double-click detection. */
  lastClick: number;
}

export class PolygonTool implements AnnotationTool {
  readonly id = 'polygon' as const;
  #status: ToolStatusCode | undefined;
  #outline: Outline | undefined;
  #pointer: [number, number] | undefined;

  /** Whether an outline is under construction. */
  get active(): boolean {
    return this.#outline !== undefined;
  }

  /** The vertices placed so far (flat, pixels). */
  get vertices(): readonly number[] {
    return this.#outline?.vertices ?? [];
  }

  /** What the last gesture came to (see ToolStatusCode). */
  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  cursor(context: ToolContext): string {
    if (!isEditable(context)) return 'not-allowed';
    return this.#nearFirst(this.#pointer, context) ? 'pointer' : 'crosshair';
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    this.#pointer = [p.x, p.y];
    if (!isEditable(context)) {
      this.cancel(context);
      this.#status = 'locked';
      return false;
    }
    let o = this.#outline;
    if (o && !sameTarget(o.target, context)) {
      this.cancel(context);
      o = undefined;
    }
    if (!o) {
      this.#outline = { target: targetOf(context), vertices: [p.x, p.y], subtract: p.altKey || p.ctrlKey, lastClick: p.time };
      return true;
    }
    const v = o.vertices;
    const tol = imagePx(context, HIT_SCREEN_PX);
    if (v.length >= 6 && this.#nearFirst([p.x, p.y], context)) {
      this.#close(context);
    } else if (Math.hypot(p.x - v[v.length - 2]!, p.y - v[v.length - 1]!) <= tol) {
      // A click on the last vertex adds nothing; a quick second one is a double click.
      if (p.time - o.lastClick <= DOUBLE_CLICK_MS) this.#close(context);
      else o.lastClick = p.time;
    } else {
      v.push(p.x, p.y);
      o.lastClick = p.time;
    }
    return true;
  }

  move(p: ToolPointer, _context: ToolContext): void {
    this.#pointer = [p.x, p.y];
  }

  up(_p: ToolPointer, _context: ToolContext): void {}

  doubleClick(_p: ToolPointer, context: ToolContext): void {
    if (this.#outline) this.#close(context);
  }

  key(k: ToolKey, context: ToolContext): boolean {
    const o = this.#outline;
    if (!o) return false;
    switch (k.key) {
      case 'Enter':
        this.#close(context);
        return true;
      case 'Escape':
        this.cancel(context);
        return true;
      case 'Backspace':
        o.vertices.length -= 2;
        if (o.vertices.length === 0) this.cancel(context);
        return true;
      default:
        return false;
    }
  }

  cancel(_context: ToolContext): void {
    if (!this.#outline) return;
    this.#outline = undefined;
    this.#status = 'cancelled';
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const o = this.#outline;
    if (!o || !sameTarget(o.target, context)) return undefined;
    const path = o.vertices.slice();
    const pointer = this.#pointer;
    if (pointer) {
      // Rubber band to the pointer, snapping onto the first vertex when a click there would close.
      if (o.vertices.length >= 6 && this.#nearFirst(pointer, context)) path.push(o.vertices[0]!, o.vertices[1]!);
      else path.push(pointer[0], pointer[1]);
    }
    return { path, points: o.vertices.slice(), subtract: o.subtract };
  }

  #nearFirst(point: [number, number] | undefined, context: ToolContext): boolean {
    const v = this.#outline?.vertices;
    if (!point || !v || v.length < 6) return false;
    return Math.hypot(point[0] - v[0]!, point[1] - v[1]!) <= imagePx(context, HIT_SCREEN_PX);
  }

  /** Closes and commits the outline (fewer than three vertices, or no area: nothing happens). */
  #close(context: ToolContext): void {
    const o = this.#outline;
    this.#outline = undefined;
    if (!o || !sameTarget(o.target, context)) return;
    const shape = outlineRegion(o.vertices);
    if (!shape) {
      this.#status = 'too-small';
      return;
    }
    this.#status = applyShape(context, shape, o.subtract, historyText(context, o.subtract ? 'Polygon erase' : 'Polygon'));
  }
}
