/**
 * A real annotation document (Clipper region ops, the lumbar template) and a
 * ToolContext over it, plus helpers that drive a tool like a pointer would.
 */
import { AnnotationDocument, type RegionOps } from '../../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../../src/core/annotation/labels.js';
import { rasterizeToMask } from '../../../src/core/annotation/rasterize.js';
import { differenceRegions, unionRegions } from '../../../src/core/annotation/region-ops.js';
import { isEmptyRegion, type Region } from '../../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import type { AnnotationTool, ToolContext, ToolPointer } from '../../../src/tools/annotation-tool.js';

export const OPS: RegionOps = { union: unionRegions, difference: differenceRegions, isEmpty: isEmptyRegion };

/** L4/L5 disc in the lumbar template. */
export const DISC = 4;
/** L4 vertebral body. */
export const BODY = 9;

export interface Fixture {
  doc: AnnotationDocument;
  context: ToolContext;
  /** A context with some fields replaced. */
  with(patch: Partial<Mutable<ToolContext>>): ToolContext;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function fixture(options: { size?: number; rows?: number; slices?: number; values?: Int16Array; spacing?: [number, number]; screenScale?: number } = {}): Fixture {
  const columns = options.size ?? 64;
  const rows = options.rows ?? columns;
  const slices = options.slices ?? 3;
  const doc = new AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.3',
      seriesInstanceUID: '1.2.3.4',
      sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.3.4.${k + 1}`),
      rows,
      columns,
      slices,
    },
    ops: OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  const context: ToolContext = {
    document: doc,
    labelId: DISC,
    slice: 1,
    columns,
    rows,
    pixelSpacing: options.spacing ?? [1, 1],
    values: options.values ?? new Int16Array(columns * rows),
    window: { center: 40, width: 400 },
    screenScale: options.screenScale ?? 1,
  };
  return { doc, context, with: (patch) => ({ ...context, ...patch }) };
}

export function pointer(x: number, y: number, extra: Partial<ToolPointer> = {}): ToolPointer {
  return { x, y, pressure: 0.5, pointerType: 'mouse', shiftKey: false, altKey: false, ctrlKey: false, time: 0, ...extra };
}

let clock = 10_000;
/** A pointer with a fresh time stamp, far from the last (no accidental double clicks). */
export function later(x: number, y: number, extra: Partial<ToolPointer> = {}): ToolPointer {
  clock += 1000;
  return pointer(x, y, { time: clock, ...extra });
}

/** Press at the first point, move through the rest, release at the last. Returns what `down` said. */
export function drag(tool: AnnotationTool, context: ToolContext, points: readonly [number, number][], extra: Partial<ToolPointer> = {}): boolean {
  const [first, ...rest] = points;
  const took = tool.down(later(first![0], first![1], extra), context);
  for (const [x, y] of rest) tool.move(pointer(x, y, extra), context);
  const last = points[points.length - 1]!;
  tool.up(pointer(last[0], last[1], extra), context);
  return took;
}

/** A click: press and release at one place. */
export function click(tool: AnnotationTool, context: ToolContext, x: number, y: number, extra: Partial<ToolPointer> = {}): boolean {
  const p = later(x, y, extra);
  const took = tool.down(p, context);
  tool.up(p, context);
  return took;
}

export function key(tool: AnnotationTool, context: ToolContext, k: string): boolean {
  return tool.key({ key: k, shiftKey: false, altKey: false, ctrlKey: false }, context);
}

/** Points along the outline of an axis-aligned rectangle, `step` pixels apart, clockwise from (x0, y0). */
export function rectanglePath(x0: number, y0: number, x1: number, y1: number, step = 1): [number, number][] {
  const out: [number, number][] = [];
  const side = (ax: number, ay: number, bx: number, by: number) => {
    const n = Math.max(1, Math.round(Math.hypot(bx - ax, by - ay) / step));
    for (let i = 0; i < n; i++) out.push([ax + ((bx - ax) * i) / n, ay + ((by - ay) * i) / n]);
  };
  side(x0, y0, x1, y0);
  side(x1, y0, x1, y1);
  side(x1, y1, x0, y1);
  side(x0, y1, x0, y0);
  out.push([x0, y0]);
  return out;
}

export function area(region: Region): number {
  let sum = 0;
  for (const ring of region.rings) {
    for (let k = 0; k < ring.length; k += 2) {
      const j = (k + 2) % ring.length;
      sum += ring[k]! * ring[j + 1]! - ring[j]! * ring[k + 1]!;
    }
  }
  return sum / 2;
}

export function pixels(region: Region, context: ToolContext): Uint8Array {
  return rasterizeToMask(region, context.columns, context.rows);
}

export function count(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/** A square region [x0, x1] × [y0, y1] with an optional square hole. */
export function square(x0: number, y0: number, x1: number, y1: number): number[] {
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}
