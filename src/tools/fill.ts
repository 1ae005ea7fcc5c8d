/**
 * Fill: one click, one undo step, on the active label's region on the slice
 * (at the release, where the press was).
 *
 * - Click inside the label: all its holes are filled (`fill-no-holes` when
 *   it has none).
 * - Click where the label is absent: the background area there is filled if
 *   the label closes it. Holes of the region polygon are filled exactly (the
 *   hole ring is united with the region). Otherwise the pixels decide: a
 *   4-connected flood of the label's absent pixels from the click; if it
 *   reaches the image border the area is open and nothing changes
 *   (`fill-open`), else the flooded pixels (traced with maskToRegion) are
 *   united with the region, grown by just under half a pixel so they meet
 *   the region's sub-pixel outline without taking any pixel outside the
 *   flood.
 * - Click where the label is absent and encloses nothing there: the
 *   4-connected region of the slice's pixels within the HU range (the
 *   annotator's threshold range) around the click is united with the region,
 *   traced exactly along pixel edges (`fill-out-of-range` when the clicked
 *   pixel itself is outside the range).
 *
 * In 'over-others' paint mode a filled area takes over other labels inside
 * it, as any drawing does (the document applies the rule).
 */
import { maskToRegion } from '../core/annotation/contour.js';
import { rasterizeToMask } from '../core/annotation/rasterize.js';
import { cleanRegion, normalizeRegion, offsetRegion, unionRegions } from '../core/annotation/region-ops.js';
import { EMPTY_REGION, type Region, type Ring } from '../core/annotation/region.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { rangeSource, thresholdRange, type ThresholdRange, type ThresholdRangeInput } from './threshold-brush.js';
import { commitRegion, historyText, isEditable, regionContains, ringArea, ringContains } from './tool-support.js';

/** How far flooded pixel squares are grown to meet a sub-pixel outline: < 0.5, so no pixel centre outside the flood is taken. */
const FLOOD_GROW = 0.49;

export interface FillOptions {
  /** The HU range an open area is filled within; default the 'disc' preset. */
  range?: ThresholdRangeInput;
}

export class FillTool implements AnnotationTool {
  readonly id = 'fill' as const;
  #status: ToolStatusCode | undefined;
  #range: () => ThresholdRange;
  /** The press of the click under way (image pixels), filled at its release. */
  #press: { x: number; y: number; slice: number } | undefined;

  constructor(options: FillOptions = {}) {
    this.#range = rangeSource(options.range ?? 'disc');
  }

  /** The HU range an open area is filled within; set a preset id, a range or a function. */
  get range(): ThresholdRange {
    return thresholdRange(this.#range());
  }

  set range(range: ThresholdRangeInput) {
    this.#range = rangeSource(range);
  }

  /** What the last gesture came to (see ToolStatusCode). */
  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  cursor(context: ToolContext): string {
    return isEditable(context) ? 'crosshair' : 'not-allowed';
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    if (!isEditable(context)) {
      this.#status = 'locked';
      return false;
    }
    if (!(p.x >= 0 && p.y >= 0 && p.x < context.columns && p.y < context.rows)) return false;
    this.#press = { x: p.x, y: p.y, slice: context.slice };
    return true;
  }

  move(_p: ToolPointer, _context: ToolContext): void {}

  /** The fill happens at the release, at the press's point, so a click abandoned in between (cancel) changes nothing. */
  up(_p: ToolPointer, context: ToolContext): void {
    const press = this.#press;
    this.#press = undefined;
    if (!press || press.slice !== context.slice) return;
    this.#status = this.fillAt(press.x, press.y, context);
  }

  key(_k: ToolKey, _context: ToolContext): boolean {
    return false;
  }

  cancel(_context: ToolContext): void {
    if (!this.#press) return;
    this.#press = undefined;
    this.#status = 'cancelled';
  }

  preview(_context: ToolContext): ToolPreview | undefined {
    return undefined;
  }

  /** Fills at (x, y) as described above; returns what happened. */
  fillAt(x: number, y: number, context: ToolContext): ToolStatusCode {
    if (!isEditable(context)) return 'locked';
    const region = normalizeRegion(context.document.regionAt(context.labelId, context.slice));
    if (regionContains(region, x, y)) return this.#fillHoles(region, context);
    const hole = innermostHole(region, x, y);
    if (hole) return commitRegion(context, unionRegions(region, { rings: [hole] }), 'draw', historyText(context, 'Fill hole'));
    const { columns, rows } = context;
    const mask = rasterizeToMask(region, columns, rows);
    const c = Math.floor(x);
    const r = Math.floor(y);
    // The click's pixel centre may be inside although the point is not (near the outline).
    if (mask[r * columns + c]) return this.#fillHoles(region, context);
    const flood = floodBackground(mask, columns, rows, r * columns + c);
    if (!flood) return this.#fillRange(region, r * columns + c, context);
    const added = offsetRegion(maskToRegion(flood, columns, rows), FLOOD_GROW);
    // Growing can leave hair-thin slivers where the outline ran within 0.01 px of a pixel edge.
    const filled = cleanRegion(unionRegions(region, added), { minArea: 0.05 });
    return commitRegion(context, filled, 'draw', historyText(context, 'Fill'));
  }

  /** The connected in-range pixels around `start`, united with the region. */
  #fillRange(region: Region, start: number, context: ToolContext): ToolStatusCode {
    const { columns, rows } = context;
    const flood = floodRange(context.values, columns, rows, start, this.range);
    if (!flood) return 'fill-out-of-range';
    const filled = unionRegions(region, maskToRegion(flood, columns, rows));
    return commitRegion(context, filled, 'draw', historyText(context, 'Fill range'));
  }

  #fillHoles(region: Region, context: ToolContext): ToolStatusCode {
    const outer = region.rings.filter((ring) => ringArea(ring) > 0);
    if (outer.length === region.rings.length) return 'fill-no-holes';
    // Each outer ring on its own (an island in a hole is then inside its outer ring, not a hole again).
    let filled: Region = EMPTY_REGION;
    for (const ring of outer) filled = unionRegions(filled, { rings: [ring] });
    return commitRegion(context, filled, 'draw', historyText(context, 'Fill holes'));
  }
}

/** The smallest hole ring (negative orientation, as normalised) around (x, y), if any. */
function innermostHole(region: Region, x: number, y: number): Ring | undefined {
  let best: Ring | undefined;
  let bestArea = Infinity;
  for (const ring of region.rings) {
    const area = ringArea(ring);
    if (area < 0 && -area < bestArea && ringContains(ring, x, y)) {
      best = ring;
      bestArea = -area;
    }
  }
  return best;
}

/**
 * The 4-connected component of zero pixels containing `start`, as a 0/1
 * mask, or undefined when it touches the image border (it is not closed).
 */
export function floodBackground(mask: Uint8Array, columns: number, rows: number, start: number): Uint8Array | undefined {
  if (mask[start]) return undefined;
  const out = new Uint8Array(columns * rows);
  const stack = new Int32Array(columns * rows);
  let top = 0;
  stack[top++] = start;
  out[start] = 1;
  while (top > 0) {
    const i = stack[--top]!;
    const c = i % columns;
    const r = (i - c) / columns;
    if (c === 0 || r === 0 || c === columns - 1 || r === rows - 1) return undefined;
    // Not on the border, so all four neighbours exist.
    for (let k = 0; k < 4; k++) {
      const j = k === 0 ? i - 1 : k === 1 ? i + 1 : k === 2 ? i - columns : i + columns;
      if (mask[j] || out[j]) continue;
      out[j] = 1;
      stack[top++] = j;
    }
  }
  return out;
}

/**
 * The 4-connected component of pixels with `min ≤ value ≤ max` containing
 * `start`, as a 0/1 mask, or undefined when the start pixel is out of range.
 */
export function floodRange(values: Int16Array, columns: number, rows: number, start: number, range: ThresholdRange): Uint8Array | undefined {
  const { min, max } = range;
  if (!(values[start]! >= min && values[start]! <= max)) return undefined;
  const out = new Uint8Array(columns * rows);
  const stack = new Int32Array(columns * rows);
  let top = 0;
  stack[top++] = start;
  out[start] = 1;
  while (top > 0) {
    const i = stack[--top]!;
    const c = i % columns;
    const r = (i - c) / columns;
    for (let k = 0; k < 4; k++) {
      if ((k === 0 && c === 0) || (k === 1 && c === columns - 1) || (k === 2 && r === 0) || (k === 3 && r === rows - 1)) continue;
      const j = k === 0 ? i - 1 : k === 1 ? i + 1 : k === 2 ? i - columns : i + columns;
      if (out[j]) continue;
      const v = values[j]!;
      if (v < min || v > max) continue;
      out[j] = 1;
      stack[top++] = j;
    }
  }
  return out;
}
