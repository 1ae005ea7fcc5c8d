/**
 * Threshold brush: a round brush that paints only the pixels whose HU lies
 * within [min, max] — the stroke's footprint is rasterised, ANDed with the
 * HU range, traced back to pixel-edge polygons (maskToRegion, exact) and
 * united with the active label's region on release (cut from it with Alt or
 * Ctrl held at the press). Presets cover discs, bone and soft tissue; any
 * range can be set. The range may be given as a function (the annotator's
 * one range, which Fill uses too); it is read at each press.
 *
 * Per pointer move only the new piece of the stroke is rasterised and tested;
 * the traced preview is rebuilt at most once per frame, over the bounding box
 * of what was painted.
 */
import { maskToRegion } from '../core/annotation/contour.js';
import type { EdgeRange } from '../core/assist/partial-volume-edge.js';
import { rasterizeRegion, regionPixelBounds, unionBoxes, type PixelBox } from '../core/annotation/rasterize.js';
import { EMPTY_REGION, type Region } from '../core/annotation/region.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { BrushSize, pressureScale, sweep } from './stroke.js';
import { applyShape, historyText, imagePx, isEditable, sameTarget, targetOf, type Target } from './tool-support.js';

export interface ThresholdRange {
  /** Lowest HU painted (inclusive). */
  min: number;
  /** Highest HU painted (inclusive). */
  max: number;
  /**
   * The one-click region's partial-volume edge: the half-way HU between the
   * structure and the darker and brighter tissues around it
   * (`core/assist/partial-volume-edge.ts`). Absent: no edge.
   */
  partialVolume?: EdgeRange;
}

export type ThresholdPresetId = 'disc' | 'bone' | 'soft-tissue';

export const THRESHOLD_PRESETS: Readonly<Record<ThresholdPresetId, Readonly<ThresholdRange>>> = Object.freeze({
  // Edge: half-way from disc (≈ 90 HU) to fat (≈ −90) and to a cortical endplate (≈ 1050).
  disc: Object.freeze({ min: 50, max: 150, partialVolume: Object.freeze({ min: 0, max: 570 }) }),
  bone: Object.freeze({ min: 200, max: 3000 }),
  'soft-tissue': Object.freeze({ min: -100, max: 100 }),
});

/** A range, a preset's id, or where to read the range at each press (e.g. the annotator's session). */
export type ThresholdRangeInput = ThresholdRange | ThresholdPresetId | (() => ThresholdRange);

export interface ThresholdBrushOptions {
  /** Diameter in mm; default 5. */
  size?: number;
  /** The HU range; default the 'disc' preset. */
  range?: ThresholdRangeInput;
  pressure?: boolean;
  sizes?: readonly number[];
}

/** Per pixel of a stroke: not reached, reached and not yet tested, reached and in range, reached and out of range. */
const UNTOUCHED = 0;
const REACHED = 1;
const IN_RANGE = 2;
const OUT_OF_RANGE = 3;

interface Stroke {
  target: Target;
  subtract: boolean;
  /** The range at the press: a change of the range takes effect at the next stroke. */
  range: ThresholdRange;
  state: Uint8Array;
  /** Pixels in range lie within this box. */
  box: PixelBox;
  /** Points not yet rasterised, starting with the last one that was (flat). */
  pending: number[];
  scale: number;
  region: Region | undefined;
}

export class ThresholdBrushTool implements AnnotationTool {
  readonly id = 'threshold-brush' as const;
  readonly size: BrushSize;
  pressure: boolean;
  #status: ToolStatusCode | undefined;
  #range: () => ThresholdRange;
  #stroke: Stroke | undefined;
  #pointer: { x: number; y: number; scale: number } | undefined;

  constructor(options: ThresholdBrushOptions = {}) {
    this.size = new BrushSize(options.size ?? 5, options.sizes);
    this.pressure = options.pressure ?? true;
    this.#range = rangeSource(options.range ?? 'disc');
  }

  /** The HU range painted; set a preset id, a range or a function. Takes effect at the next stroke. */
  get range(): ThresholdRange {
    return thresholdRange(this.#range());
  }

  set range(range: ThresholdRangeInput) {
    this.#range = rangeSource(range);
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
    this.#stroke = {
      target: targetOf(context),
      subtract: p.altKey || p.ctrlKey,
      range: this.range,
      state: new Uint8Array(context.columns * context.rows),
      box: { c0: 0, r0: 0, c1: 0, r1: 0 },
      pending: [p.x, p.y],
      scale,
      region: undefined,
    };
    return true;
  }

  move(p: ToolPointer, context: ToolContext): void {
    const scale = pressureScale(p, this.pressure);
    this.#pointer = { x: p.x, y: p.y, scale };
    const s = this.#stroke;
    if (!s) return;
    if (!sameTarget(s.target, context)) return this.cancel(context);
    const n = s.pending.length;
    const { rx, ry } = this.size.radii(context, s.scale);
    const min = Math.max(imagePx(context, 0.5), 0.1 * Math.min(rx, ry));
    if (Math.hypot(p.x - s.pending[n - 2]!, p.y - s.pending[n - 1]!) < min) return;
    if (scale !== s.scale) this.#flush(s, context);
    s.pending.push(p.x, p.y);
    s.scale = scale;
    s.region = undefined;
  }

  up(p: ToolPointer, context: ToolContext): void {
    const s = this.#stroke;
    if (!s) return;
    this.move(p, context);
    this.#stroke = undefined;
    if (!sameTarget(s.target, context)) return;
    const verb = s.subtract ? 'Threshold erase' : 'Threshold brush';
    this.#status = applyShape(context, this.#painted(s, context), s.subtract, historyText(context, verb));
  }

  key(k: ToolKey, context: ToolContext): boolean {
    if (k.key === 'Escape' && this.#stroke) {
      this.cancel(context);
      return true;
    }
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
    const preview: ToolPreview = { subtract: s?.subtract ?? false };
    if (at) {
      const { rx, ry } = this.size.radii(context, at.scale);
      preview.circle = { x: at.x, y: at.y, rx, ry };
    }
    if (s) preview.fill = this.#painted(s, context);
    return preview;
  }

  /** The in-range pixels of the stroke so far, as pixel-edge polygons. */
  #painted(s: Stroke, context: ToolContext): Region {
    this.#flush(s, context);
    if (s.region) return s.region;
    const { c0, r0, c1, r1 } = s.box;
    const w = c1 - c0;
    const h = r1 - r0;
    if (w <= 0 || h <= 0) return (s.region = EMPTY_REGION);
    const crop = new Uint8Array(w * h);
    for (let r = 0; r < h; r++) crop.set(s.state.subarray((r + r0) * context.columns + c0, (r + r0) * context.columns + c1), r * w);
    const region = maskToRegion(crop, w, h, IN_RANGE);
    for (const ring of region.rings) {
      for (let i = 0; i < ring.length; i += 2) {
        ring[i] = ring[i]! + c0;
        ring[i + 1] = ring[i + 1]! + r0;
      }
    }
    return (s.region = region);
  }

  /** Rasterises the pending piece of the stroke and tests its new pixels against the range. */
  #flush(s: Stroke, context: ToolContext): void {
    if (s.pending.length < 2) return;
    const { rx, ry } = this.size.radii(context, s.scale);
    const piece = sweep(s.pending, rx, ry);
    s.pending = s.pending.slice(-2);
    const { columns, rows, values } = context;
    const box = regionPixelBounds(piece, columns, rows);
    if (box.c1 <= box.c0 || box.r1 <= box.r0) return;
    // Rasterise the piece in its own box (shifted there), then mark only pixels no earlier piece decided.
    const scratch = new Uint8Array((box.c1 - box.c0) * (box.r1 - box.r0));
    const w = box.c1 - box.c0;
    for (const ring of piece.rings) {
      for (let i = 0; i < ring.length; i += 2) {
        ring[i] = ring[i]! - box.c0;
        ring[i + 1] = ring[i + 1]! - box.r0;
      }
    }
    rasterizeRegion(piece, w, box.r1 - box.r0, scratch, REACHED);
    const { min, max } = s.range;
    const state = s.state;
    let fc0 = Infinity, fr0 = Infinity, fc1 = -Infinity, fr1 = -Infinity;
    for (let r = box.r0; r < box.r1; r++) {
      const row = (r - box.r0) * w - box.c0;
      for (let c = box.c0; c < box.c1; c++) {
        const i = r * columns + c;
        if (scratch[row + c] !== REACHED || state[i] !== UNTOUCHED) continue;
        const v = values[i]!;
        if (v < min || v > max) {
          state[i] = OUT_OF_RANGE;
          continue;
        }
        state[i] = IN_RANGE;
        if (c < fc0) fc0 = c;
        if (c >= fc1) fc1 = c + 1;
        if (r < fr0) fr0 = r;
        if (r >= fr1) fr1 = r + 1;
      }
    }
    if (fc1 > fc0) {
      s.box = unionBoxes(s.box, { c0: fc0, r0: fr0, c1: fc1, r1: fr1 });
      s.region = undefined;
    }
  }
}

/** Where a tool reads its range: a fixed range is checked once, a function at each reading. */
export function rangeSource(range: ThresholdRangeInput): () => ThresholdRange {
  if (typeof range === 'function') return range;
  const fixed = thresholdRange(range);
  return () => fixed;
}

/** A copy of the range (or the preset's), checked: finite, min ≤ max, and so its edge if any; else a RangeError. */
export function thresholdRange(range: ThresholdRange | ThresholdPresetId): ThresholdRange {
  const r = typeof range === 'string' ? THRESHOLD_PRESETS[range] : range;
  const ordered = (x: { min: number; max: number } | undefined) => !!x && Number.isFinite(x.min) && Number.isFinite(x.max) && x.min <= x.max;
  if (!ordered(r) || (r!.partialVolume !== undefined && !ordered(r!.partialVolume))) {
    throw new RangeError(`threshold range ${JSON.stringify(range)} is not [min ≤ max] HU`);
  }
  const { min, max, partialVolume } = r!;
  return partialVolume ? { min, max, partialVolume: { min: partialVolume.min, max: partialVolume.max } } : { min, max };
}
