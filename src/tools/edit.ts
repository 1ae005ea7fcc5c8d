/**
 * Edit the active label's outline on the slice:
 * - drag a vertex (hit within 6 screen px) to move it;
 * - click (or drag) on an edge to insert a vertex there;
 * - Alt- or Ctrl-click a vertex to delete it (a ring left with fewer than
 *   three vertices goes with it);
 * - drag inside the region, away from vertices and edges, to move the whole
 *   region;
 * - push (the `push` option, or Shift-drag): a circle of ~3 mm swept along
 *   the drag pushes the outline outward when the drag starts inside the
 *   region (union with the swept circle) and pulls it in from outside
 *   (difference).
 * Each drag is one undo step of kind 'edit'. Drags start only after the
 * pointer has moved 3 screen px, so a click does not nudge anything.
 */
import { differenceRegions, normalizeRegion, unionRegions } from '../core/annotation/region-ops.js';
import { isEmptyRegion, type Region, type Ring } from '../core/annotation/region.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { StrokeBuilder } from './stroke.js';
import {
  HIT_SCREEN_PX,
  commitRegion,
  historyText,
  imagePx,
  isEditable,
  regionContains,
  sameTarget,
  segmentDistance2,
  targetOf,
  type Target,
} from './tool-support.js';

export interface EditOptions {
  /** Push the outline on every drag, without Shift; default false. */
  push?: boolean;
  /** Radius of the push circle, mm; default 3. */
  pushRadius?: number;
}

/** Screen pixels the pointer must travel before a press becomes a drag. */
const DRAG_SCREEN_PX = 3;
/** Above this many vertices, only handles near the pointer are shown. */
const MAX_HANDLES = 1000;

export type EditHit =
  | { kind: 'vertex'; ring: number; index: number }
  | { kind: 'edge'; ring: number; index: number; x: number; y: number }
  | { kind: 'inside' };

type Drag = { target: Target; startX: number; startY: number; moved: boolean } & (
  | { kind: 'vertex'; rings: Ring[]; ring: number; index: number; fromX: number; fromY: number; inserted: boolean }
  | { kind: 'move'; region: Region; dx: number; dy: number }
  | { kind: 'push'; region: Region; builder: StrokeBuilder; grow: boolean; result: Region | undefined }
);

export class EditTool implements AnnotationTool {
  readonly id = 'edit' as const;
  push: boolean;
  pushRadius: number;
  #status: ToolStatusCode | undefined;
  #drag: Drag | undefined;
  #pointer: { x: number; y: number; shift: boolean } | undefined;

  constructor(options: EditOptions = {}) {
    this.push = options.push ?? false;
    this.pushRadius = options.pushRadius ?? 3;
  }

  get active(): boolean {
    return this.#drag !== undefined;
  }

  /** What the last gesture came to (see ToolStatusCode). */
  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  cursor(context: ToolContext): string {
    if (!isEditable(context)) return 'not-allowed';
    const at = this.#pointer;
    if (this.#drag?.kind === 'push' || (at && (this.push || at.shift))) return 'none';
    if (this.#drag) return this.#drag.kind === 'move' ? 'move' : 'grabbing';
    const hit = at && this.hitTest(at.x, at.y, context);
    return !hit ? 'default' : hit.kind === 'inside' ? 'move' : hit.kind === 'vertex' ? 'grab' : 'copy';
  }

  /** What a press at (x, y) would grab: a vertex, an edge, the inside, or nothing. */
  hitTest(x: number, y: number, context: ToolContext): EditHit | undefined {
    const region = context.document.regionAt(context.labelId, context.slice);
    const tol2 = imagePx(context, HIT_SCREEN_PX) ** 2;
    let best: EditHit | undefined;
    let bestD2 = tol2;
    region.rings.forEach((ring, k) => {
      for (let i = 0; i < ring.length; i += 2) {
        const d2 = (ring[i]! - x) ** 2 + (ring[i + 1]! - y) ** 2;
        if (d2 <= bestD2) [best, bestD2] = [{ kind: 'vertex', ring: k, index: i }, d2];
      }
    });
    if (best) return best;
    region.rings.forEach((ring, k) => {
      for (let i = 0; i < ring.length; i += 2) {
        const j = (i + 2) % ring.length;
        const { d2, t } = segmentDistance2(x, y, ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!);
        if (d2 > bestD2) continue;
        const ex = ring[i]! + t * (ring[j]! - ring[i]!);
        const ey = ring[i + 1]! + t * (ring[j + 1]! - ring[i + 1]!);
        [best, bestD2] = [{ kind: 'edge', ring: k, index: i, x: ex, y: ey }, d2];
      }
    });
    return best ?? (regionContains(region, x, y) ? { kind: 'inside' } : undefined);
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    this.#drag = undefined;
    this.#pointer = { x: p.x, y: p.y, shift: p.shiftKey };
    if (!isEditable(context)) {
      this.#status = 'locked';
      return false;
    }
    const base = { target: targetOf(context), startX: p.x, startY: p.y, moved: false };
    const region = context.document.regionAt(context.labelId, context.slice);
    if (this.push || p.shiftKey) {
      const r = this.pushRadius;
      const [dRow, dCol] = context.pixelSpacing;
      const builder = new StrokeBuilder(Math.max(0.5, r / dCol), Math.max(0.5, r / dRow));
      builder.add(p.x, p.y);
      this.#drag = { ...base, kind: 'push', region, builder, grow: regionContains(region, p.x, p.y), result: undefined };
      return true;
    }
    const hit = this.hitTest(p.x, p.y, context);
    if (!hit) return false;
    if (hit.kind === 'inside') {
      this.#drag = { ...base, kind: 'move', region, dx: 0, dy: 0 };
      return true;
    }
    const rings = region.rings.map((ring) => ring.slice());
    const ring = rings[hit.ring]!;
    if (hit.kind === 'vertex' && (p.altKey || p.ctrlKey)) {
      if (ring.length > 6) ring.splice(hit.index, 2);
      else rings.splice(hit.ring, 1);
      this.#status = commitRegion(context, normalizeRegion({ rings }), 'edit', historyText(context, 'Delete vertex'));
      return true;
    }
    let index = hit.index;
    if (hit.kind === 'edge') ring.splice((index += 2), 0, hit.x, hit.y);
    this.#drag = { ...base, kind: 'vertex', rings, ring: hit.ring, index, fromX: ring[index]!, fromY: ring[index + 1]!, inserted: hit.kind === 'edge' };
    return true;
  }

  move(p: ToolPointer, context: ToolContext): void {
    this.#pointer = { x: p.x, y: p.y, shift: p.shiftKey };
    const d = this.#drag;
    if (!d) return;
    if (!sameTarget(d.target, context)) return this.cancel(context);
    const dx = p.x - d.startX;
    const dy = p.y - d.startY;
    if (!d.moved && Math.hypot(dx, dy) < imagePx(context, DRAG_SCREEN_PX)) return;
    d.moved = true;
    if (d.kind === 'vertex') {
      const ring = d.rings[d.ring]!;
      ring[d.index] = d.fromX + dx;
      ring[d.index + 1] = d.fromY + dy;
    } else if (d.kind === 'move') {
      d.dx = dx;
      d.dy = dy;
    } else {
      d.builder.add(p.x, p.y);
      d.result = undefined;
    }
  }

  up(p: ToolPointer, context: ToolContext): void {
    if (!this.#drag) return;
    this.move(p, context);
    const d = this.#drag;
    this.#drag = undefined;
    if (!d || !sameTarget(d.target, context)) return;
    if (d.kind === 'vertex') {
      if (!d.moved && !d.inserted) return void (this.#status = 'unchanged');
      const text = historyText(context, d.inserted ? 'Insert vertex' : 'Move vertex');
      this.#status = commitRegion(context, normalizeRegion({ rings: d.rings }), 'edit', text);
    } else if (d.kind === 'move') {
      if (!d.moved) return void (this.#status = 'unchanged');
      this.#status = commitRegion(context, translate(d.region, d.dx, d.dy), 'edit', historyText(context, 'Move'));
    } else {
      this.#status = commitRegion(context, this.#pushed(d), 'edit', historyText(context, 'Push'));
    }
  }

  key(k: ToolKey, context: ToolContext): boolean {
    if (k.key !== 'Escape' || !this.#drag) return false;
    this.cancel(context);
    return true;
  }

  cancel(_context: ToolContext): void {
    if (!this.#drag) return;
    this.#drag = undefined;
    this.#status = 'cancelled';
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const d = this.#drag;
    const at = this.#pointer;
    if (d && !sameTarget(d.target, context)) return undefined;
    const preview: ToolPreview = {};
    let rings: Ring[] = context.document.regionAt(context.labelId, context.slice).rings;
    if (d?.kind === 'vertex') rings = preview.rings = d.rings;
    else if (d?.kind === 'move') rings = preview.rings = translate(d.region, d.dx, d.dy).rings;
    else if (d?.kind === 'push') {
      preview.rings = this.#pushed(d).rings;
      preview.subtract = !d.grow;
    }
    if (at && (d?.kind === 'push' || (!d && (this.push || at.shift)))) {
      const [dRow, dCol] = context.pixelSpacing;
      preview.circle = { x: at.x, y: at.y, rx: Math.max(0.5, this.pushRadius / dCol), ry: Math.max(0.5, this.pushRadius / dRow) };
    } else {
      preview.points = handles(rings, at, imagePx(context, 50));
    }
    return preview;
  }

  /** The region with the push stroke so far applied (computed once per change). */
  #pushed(d: Extract<Drag, { kind: 'push' }>): Region {
    if (!d.result) {
      const stroke = d.builder.region();
      d.result = d.grow ? unionRegions(d.region, stroke) : isEmptyRegion(d.region) ? d.region : differenceRegions(d.region, stroke);
    }
    return d.result;
  }
}

function translate(region: Region, dx: number, dy: number): Region {
  return { rings: region.rings.map((ring) => ring.map((v, i) => v + (i & 1 ? dy : dx))) };
}

/** Vertex handles: all of them, or for big outlines those within `near` pixels of the pointer. */
function handles(rings: readonly Ring[], at: { x: number; y: number } | undefined, near: number): number[] {
  const total = rings.reduce((n, ring) => n + ring.length / 2, 0);
  const out: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i += 2) {
      if (total > MAX_HANDLES && (!at || Math.hypot(ring[i]! - at.x, ring[i + 1]! - at.y) > near)) continue;
      out.push(ring[i]!, ring[i + 1]!);
    }
  }
  return out;
}
