/**
 * Livewire: click anchors; between the last anchor and the pointer the path
 * follows the edges the reader sees (Livewire over the slice's HU through the
 * window on screen). A click near the first anchor, a double click or Enter
 * closes the outline — the closing segment follows edges too — and adds it to
 * the active label's region (cuts it when Alt or Ctrl was held at the first
 * anchor). Backspace removes the last anchor, Escape abandons the outline.
 *
 * The Livewire cost images are built lazily, once per (slice, values,
 * window), on the first anchor; anchors snap to pixel centres, where the
 * paths start and end.
 */
import { Livewire } from '../core/annotation/livewire.js';
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

interface Trace {
  target: Target;
  /** Anchor pixel centres, flat. */
  anchors: number[];
  /** segments[i]: the path from anchor i to anchor i + 1, pixel centres, both ends included. */
  segments: number[][];
  /** From the last anchor to the pointer. */
  live: number[];
  subtract: boolean;
  lastClick: number;
}

/**
 * What a Livewire was built from. The pixels are matched by buffer and
 * offset, not array identity (a view may hand out a fresh subarray of its
 * volume per event), and by slice (a view may reuse one buffer for every slice).
 */
interface WireCache {
  wire: Livewire;
  buffer: ArrayBufferLike;
  offset: number;
  slice: number;
  center: number;
  width: number;
}

export class LivewireTool implements AnnotationTool {
  readonly id = 'livewire' as const;
  #status: ToolStatusCode | undefined;
  #trace: Trace | undefined;
  #cache: WireCache | undefined;
  #pointer: [number, number] | undefined;

  get active(): boolean {
    return this.#trace !== undefined;
  }

  /** Anchors placed so far (pixel centres, flat). */
  get anchors(): readonly number[] {
    return this.#trace?.anchors ?? [];
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
    let t = this.#trace;
    if (t && !sameTarget(t.target, context)) {
      this.cancel(context);
      t = undefined;
    }
    const [x, y] = snap(p, context);
    if (!t) {
      this.#wire(context).setSeed(x, y);
      this.#trace = { target: targetOf(context), anchors: [x, y], segments: [], live: [x, y], subtract: p.altKey || p.ctrlKey, lastClick: p.time };
      return true;
    }
    const a = t.anchors;
    if (a.length >= 4 && this.#nearFirst([p.x, p.y], context)) {
      this.#close(context);
    } else if (x === a[a.length - 2] && y === a[a.length - 1]) {
      // The same pixel again adds nothing; a quick second click is a double click.
      if (p.time - t.lastClick <= DOUBLE_CLICK_MS) this.#close(context);
      else t.lastClick = p.time;
    } else {
      const wire = this.#wire(context);
      t.segments.push(wire.pathTo(x, y));
      a.push(x, y);
      wire.setSeed(x, y);
      t.live = [x, y];
      t.lastClick = p.time;
    }
    return true;
  }

  move(p: ToolPointer, context: ToolContext): void {
    this.#pointer = [p.x, p.y];
    const t = this.#trace;
    if (!t) return;
    if (!sameTarget(t.target, context)) return this.cancel(context);
    const a = t.anchors;
    // Near the first anchor the live path shows the closing segment.
    const [x, y] = a.length >= 4 && this.#nearFirst([p.x, p.y], context) ? [a[0]!, a[1]!] : [p.x, p.y];
    t.live = this.#wire(context).pathTo(x, y);
  }

  up(_p: ToolPointer, _context: ToolContext): void {}

  doubleClick(_p: ToolPointer, context: ToolContext): void {
    if (this.#trace) this.#close(context);
  }

  key(k: ToolKey, context: ToolContext): boolean {
    const t = this.#trace;
    if (!t) return false;
    switch (k.key) {
      case 'Enter':
        this.#close(context);
        return true;
      case 'Escape':
        this.cancel(context);
        return true;
      case 'Backspace': {
        t.anchors.length -= 2;
        t.segments.pop();
        if (t.anchors.length === 0) {
          this.cancel(context);
          return true;
        }
        const a = t.anchors;
        const wire = this.#wire(context);
        wire.setSeed(a[a.length - 2]!, a[a.length - 1]!);
        t.live = this.#pointer ? wire.pathTo(this.#pointer[0], this.#pointer[1]) : a.slice(-2);
        return true;
      }
      default:
        return false;
    }
  }

  cancel(_context: ToolContext): void {
    if (!this.#trace) return;
    this.#trace = undefined;
    this.#status = 'cancelled';
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const t = this.#trace;
    if (!t || !sameTarget(t.target, context)) return undefined;
    return { path: joinPaths([...t.segments, t.live]), points: t.anchors.slice(), subtract: t.subtract };
  }

  prepare(context: ToolContext): void {
    this.#wire(context);
  }

  /** The Livewire for the context's slice and window, rebuilt only when either changes (seed kept at the last anchor). */
  #wire(context: ToolContext): Livewire {
    const c = this.#cache;
    const { values, window, slice } = context;
    const same =
      c && c.buffer === values.buffer && c.offset === values.byteOffset && c.slice === slice &&
      c.center === window.center && c.width === window.width && c.wire.columns === context.columns && c.wire.rows === context.rows;
    if (same) return c.wire;
    const wire = new Livewire(values, context.columns, context.rows, window);
    this.#cache = { wire, buffer: values.buffer, offset: values.byteOffset, slice, center: window.center, width: window.width };
    const a = this.#trace?.anchors;
    if (a && a.length) wire.setSeed(a[a.length - 2]!, a[a.length - 1]!);
    return wire;
  }

  #nearFirst(point: [number, number] | undefined, context: ToolContext): boolean {
    const a = this.#trace?.anchors;
    if (!point || !a || a.length < 4) return false;
    return Math.hypot(point[0] - a[0]!, point[1] - a[1]!) <= imagePx(context, HIT_SCREEN_PX);
  }

  /** Closes with a livewire segment back to the first anchor and commits. */
  #close(context: ToolContext): void {
    const t = this.#trace;
    this.#trace = undefined;
    if (!t || !sameTarget(t.target, context)) return;
    const a = t.anchors;
    if (a.length < 4) {
      this.#status = 'too-small';
      return;
    }
    const closing = this.#wire(context).pathTo(a[0]!, a[1]!);
    const ring = joinPaths([...t.segments, closing]);
    ring.length -= 2; // the last point is the first anchor again
    const shape = outlineRegion(ring);
    if (!shape) {
      this.#status = 'too-small';
      return;
    }
    this.#status = applyShape(context, shape, t.subtract, historyText(context, t.subtract ? 'Livewire erase' : 'Livewire'));
  }
}

/** The pixel centre under the pointer, clamped to the image. */
function snap(p: ToolPointer, context: ToolContext): [number, number] {
  const c = Math.min(context.columns - 1, Math.max(0, Math.floor(p.x)));
  const r = Math.min(context.rows - 1, Math.max(0, Math.floor(p.y)));
  return [c + 0.5, r + 0.5];
}

/** Concatenates paths that each start where the previous one ended, without repeating the joints. */
function joinPaths(paths: readonly number[][]): number[] {
  const out: number[] = [];
  for (const path of paths) {
    const skip = out.length && path[0] === out[out.length - 2] && path[1] === out[out.length - 1] ? 2 : 0;
    for (let i = skip; i < path.length; i++) out.push(path[i]!);
  }
  return out;
}
