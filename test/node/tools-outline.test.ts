/**
 * Outline tools (src/tools/freehand.ts, polygon.ts, livewire-tool.ts) on a
 * real AnnotationDocument with the Clipper region ops: what a trace adds or
 * cuts, when it closes, and that each outline is exactly one undo step.
 */
import { describe, expect, it } from 'vitest';
import { FreehandTool, chaikin } from '../../src/tools/freehand.js';
import { LivewireTool } from '../../src/tools/livewire-tool.js';
import { PolygonTool } from '../../src/tools/polygon.js';
import { dice, discMask, random } from './support/annotation-geometry.js';
import { DISC, area, click, count, drag, fixture, key, later, pixels, pointer, rectanglePath } from './support/tool-fixture.js';

describe('freehand', () => {
  it('REQ-TOOL-FREEHAND-1: a traced square adds its area to the active label, closed on release', () => {
    const { doc, context } = fixture();
    const tool = new FreehandTool();
    expect(drag(tool, context, rectanglePath(10, 10, 50, 50, 1))).toBe(true);
    const region = doc.regionAt(DISC, 1);
    expect(Math.abs(area(region) - 1600) / 1600).toBeLessThan(0.01);
    expect(count(pixels(region, context))).toBe(1600);
    expect(tool.status).toBe('changed');
    expect(doc.undoLabel).toBe('Freehand L4/L5 disc');
    expect(doc.slicesOf(DISC)).toEqual([1]);
  });

  it('REQ-TOOL-FREEHAND-2: Alt (or Ctrl) held at the press subtracts instead of adding', () => {
    const { doc, context } = fixture();
    const tool = new FreehandTool();
    drag(tool, context, rectanglePath(10, 10, 50, 50));
    drag(tool, context, rectanglePath(20, 20, 30, 30), { altKey: true });
    expect(area(doc.regionAt(DISC, 1))).toBeCloseTo(1500, -1);
    expect(doc.undoLabel).toBe('Freehand erase L4/L5 disc');
    drag(tool, context, rectanglePath(35, 35, 45, 45), { ctrlKey: true });
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(1400);
  });

  it('REQ-TOOL-FREEHAND-3: tiny accidental strokes (< 2 px²) are ignored and leave no undo step', () => {
    const { doc, context } = fixture();
    const tool = new FreehandTool();
    drag(tool, context, [[5, 5], [5.8, 5.2], [5.3, 6], [5, 5]]);
    expect(tool.status).toBe('too-small');
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(doc.canUndo).toBe(false);
  });

  it('REQ-TOOL-FREEHAND-4: one stroke is one undo step, and undo restores the previous region exactly', () => {
    const { doc, context } = fixture();
    const tool = new FreehandTool();
    drag(tool, context, rectanglePath(10, 10, 30, 30, 0.7));
    const first = doc.regionAt(DISC, 1);
    drag(tool, context, rectanglePath(20, 20, 45, 45, 0.7));
    expect(area(doc.regionAt(DISC, 1))).toBeGreaterThan(area(first) + 400);
    expect(doc.undo()).toBe(true);
    expect(doc.regionAt(DISC, 1)).toEqual(first);
    expect(doc.undo()).toBe(true);
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(doc.canUndo).toBe(false);
  });

  it('REQ-TOOL-FREEHAND-5: drops samples closer than half a screen pixel; smoothing is light Chaikin', () => {
    const { context, with: at } = fixture();
    const tool = new FreehandTool();
    tool.down(later(10, 10), context);
    for (let i = 1; i <= 100; i++) tool.move(pointer(10 + i * 0.1, 10), context); // 0.1 px apart at zoom 1
    expect(tool.preview(context)!.path!.length / 2).toBe(21);
    tool.cancel(context);
    const zoomed = at({ screenScale: 10 });
    tool.down(later(10, 10), zoomed);
    for (let i = 1; i <= 100; i++) tool.move(pointer(10 + i * 0.1, 10), zoomed); // 1 screen px apart
    expect(tool.preview(zoomed)!.path!.length / 2).toBe(101);
    tool.cancel(zoomed);
    expect(chaikin([0, 0, 4, 0, 4, 4, 0, 4], 1)).toEqual([1, 0, 3, 0, 4, 1, 4, 3, 3, 4, 1, 4, 0, 3, 0, 1]);
    expect(chaikin([0, 0, 4, 0, 4, 4], 0)).toEqual([0, 0, 4, 0, 4, 4]);
  });

  it('REQ-TOOL-FREEHAND-6: the preview shows the trace in the erase colour while subtracting', () => {
    const { context } = fixture();
    const tool = new FreehandTool();
    expect(tool.preview(context)).toBeUndefined();
    tool.down(later(10, 10, { altKey: true }), context);
    tool.move(pointer(20, 10), context);
    expect(tool.preview(context)).toEqual({ path: [10, 10, 20, 10], subtract: true });
  });
});

describe('polygon', () => {
  const corners: [number, number][] = [[10, 10], [50, 10], [50, 50], [10, 50]];

  it('REQ-TOOL-POLYGON-1: Enter closes and commits the clicked vertices', () => {
    const { doc, context } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of corners) expect(click(tool, context, x, y)).toBe(true);
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(key(tool, context, 'Enter')).toBe(true);
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);
    expect(doc.undoLabel).toBe('Polygon L4/L5 disc');
    expect(tool.active).toBe(false);
  });

  it('REQ-TOOL-POLYGON-2: a double click closes (as doubleClick, or as two quick clicks on the last vertex)', () => {
    const { doc, context } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of corners) click(tool, context, x, y);
    tool.doubleClick!(pointer(10, 50), context);
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);

    const other = fixture();
    const t2 = new PolygonTool();
    for (const [x, y] of corners.slice(0, 3)) click(t2, other.context, x, y);
    t2.down(pointer(10, 50, { time: 50_000 }), other.context);
    t2.up(pointer(10, 50, { time: 50_050 }), other.context);
    t2.down(pointer(10.5, 50.5, { time: 50_200 }), other.context);
    t2.up(pointer(10.5, 50.5, { time: 50_250 }), other.context);
    expect(area(other.doc.regionAt(DISC, 1))).toBe(1600);
    t2.doubleClick!(pointer(10.5, 50.5, { time: 50_260 }), other.context); // the DOM's dblclick after it: nothing open, nothing happens
    expect(other.doc.undoLabel).toBe('Polygon L4/L5 disc');
  });

  it('REQ-TOOL-POLYGON-3: clicking within 6 screen px of the first vertex closes it', () => {
    const { doc, context, with: at } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of corners) click(tool, context, x, y);
    expect(tool.cursor(context)).toBe('crosshair');
    tool.move(pointer(14, 13), context);
    expect(tool.cursor(context)).toBe('pointer');
    expect(tool.preview(context)!.path!.slice(-2)).toEqual([10, 10]);
    click(tool, context, 14, 13); // 5 px away at zoom 1
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);
    // At zoom 4, 5 image px is 20 screen px: a new vertex, not a close.
    const zoomed = at({ screenScale: 4, slice: 2 });
    for (const [x, y] of corners) click(tool, zoomed, x, y);
    click(tool, zoomed, 14, 13);
    expect(tool.vertices.length).toBe(10);
    click(tool, zoomed, 11, 10);
    expect(doc.slicesOf(DISC)).toEqual([1, 2]);
  });

  it('REQ-TOOL-POLYGON-4: Backspace removes the last vertex; the preview has a rubber band to the pointer', () => {
    const { doc, context } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of [...corners, [30, 60] as [number, number]]) click(tool, context, x, y);
    expect(key(tool, context, 'Backspace')).toBe(true);
    tool.move(pointer(25, 55), context);
    const preview = tool.preview(context)!;
    expect(preview.points).toEqual([10, 10, 50, 10, 50, 50, 10, 50]);
    expect(preview.path).toEqual([10, 10, 50, 10, 50, 50, 10, 50, 25, 55]);
    key(tool, context, 'Enter');
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);
  });

  it('REQ-TOOL-POLYGON-5: Escape abandons the outline and changes nothing', () => {
    const { doc, context } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of corners) click(tool, context, x, y);
    expect(key(tool, context, 'Escape')).toBe(true);
    expect(tool.preview(context)).toBeUndefined();
    expect(tool.status).toBe('cancelled');
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(doc.canUndo).toBe(false);
    expect(key(tool, context, 'Escape')).toBe(false); // nothing open: the view may use the key
    // Enter with fewer than three vertices commits nothing.
    click(tool, context, 10, 10);
    click(tool, context, 50, 10);
    key(tool, context, 'Enter');
    expect(doc.canUndo).toBe(false);
  });

  it('REQ-TOOL-POLYGON-6: Alt at the first click cuts the polygon from the region', () => {
    const { doc, context } = fixture();
    const tool = new PolygonTool();
    for (const [x, y] of corners) click(tool, context, x, y);
    key(tool, context, 'Enter');
    click(tool, context, 20, 20, { altKey: true });
    for (const [x, y] of [[30, 20], [30, 30], [20, 30]] as const) click(tool, context, x, y);
    key(tool, context, 'Enter');
    expect(area(doc.regionAt(DISC, 1))).toBe(1500);
    expect(doc.undoLabel).toBe('Polygon erase L4/L5 disc');
  });
});

/** A disc of `inside` HU on `outside` HU with partial volume and noise (as in annotation-livewire.test.ts). */
function discImage(size: number, cx: number, cy: number, radius: number): Int16Array {
  const rand = random(11);
  const image = new Int16Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let hits = 0;
      for (let k = 0; k < 16; k++) if ((c + ((k % 4) + 0.5) / 4 - cx) ** 2 + (r + (Math.floor(k / 4) + 0.5) / 4 - cy) ** 2 < radius * radius) hits++;
      image[r * size + c] = Math.round(-80 + (200 * hits) / 16 + (rand() + rand() + rand() - 1.5) * 20);
    }
  }
  return image;
}

describe('livewire', () => {
  const size = 128;
  const [cx, cy, radius] = [64.3, 63.6, 36];
  const values = discImage(size, cx, cy, radius);
  const onEdge = (deg: number): [number, number] => [cx + radius * Math.cos((deg * Math.PI) / 180), cy + radius * Math.sin((deg * Math.PI) / 180)];

  it('REQ-TOOL-LIVEWIRE-1: four anchors on a bright disc close into its outline (Dice ≥ 0.95)', () => {
    const { doc, context } = fixture({ size, values });
    const tool = new LivewireTool();
    const anchors = [10, 100, 190, 280].map(onEdge);
    for (const [x, y] of anchors) {
      tool.move(pointer(x, y), context);
      click(tool, context, x, y);
    }
    // Hovering near the first anchor previews the closing path, which ends on it.
    const [fx, fy] = anchors[0]!;
    tool.move(pointer(fx + 2, fy + 1), context);
    const preview = tool.preview(context)!;
    expect(preview.path!.slice(-2)).toEqual([Math.floor(fx) + 0.5, Math.floor(fy) + 0.5]);
    expect(preview.points!.length).toBe(8);
    click(tool, context, fx + 2, fy + 1);
    const mask = pixels(doc.regionAt(DISC, 1), context);
    const score = dice(mask, discMask(size, size, cx, cy, radius));
    console.log(`tools-livewire: 4 anchors on a disc of radius ${radius}: Dice ${score.toFixed(4)}`);
    expect(score).toBeGreaterThanOrEqual(0.95);
    expect(doc.undoLabel).toBe('Livewire L4/L5 disc');
  });

  it('REQ-TOOL-LIVEWIRE-2: Enter and double click close too; the path between anchors follows the edge', () => {
    for (const how of ['enter', 'double'] as const) {
      const { doc, context } = fixture({ size, values });
      const tool = new LivewireTool();
      for (const deg of [0, 120, 240]) click(tool, context, ...onEdge(deg));
      const path = tool.preview(context)!.path!;
      let worst = 0;
      for (let k = 0; k < path.length; k += 2) worst = Math.max(worst, Math.abs(Math.hypot(path[k]! - cx, path[k + 1]! - cy) - radius));
      expect(worst).toBeLessThan(2);
      if (how === 'enter') key(tool, context, 'Enter');
      else tool.doubleClick!(pointer(...onEdge(240)), context);
      expect(dice(pixels(doc.regionAt(DISC, 1), context), discMask(size, size, cx, cy, radius))).toBeGreaterThan(0.95);
    }
  });

  it('REQ-TOOL-LIVEWIRE-3: Backspace removes the last anchor, Escape abandons with no change', () => {
    const { doc, context } = fixture({ size, values });
    const tool = new LivewireTool();
    for (const deg of [0, 90, 180]) click(tool, context, ...onEdge(deg));
    expect(tool.anchors.length).toBe(6);
    key(tool, context, 'Backspace');
    expect(tool.anchors.length).toBe(4);
    const [x, y] = onEdge(90);
    expect(tool.anchors.slice(-2)).toEqual([Math.floor(x) + 0.5, Math.floor(y) + 0.5]);
    key(tool, context, 'Escape');
    expect(tool.active).toBe(false);
    expect(tool.preview(context)).toBeUndefined();
    expect(doc.canUndo).toBe(false);
    // Backspace down to nothing ends the trace as well.
    click(tool, context, ...onEdge(0));
    key(tool, context, 'Backspace');
    expect(tool.active).toBe(false);
  });

  it('REQ-TOOL-LIVEWIRE-PERF: first anchor and pointer following on 512² (printed, not asserted)', () => {
    const big = 512;
    const { context } = fixture({ size: big, values: discImage(big, 256.3, 255.6, 120) });
    const tool = new LivewireTool();
    let t0 = performance.now();
    tool.prepare(context);
    const prepare = performance.now() - t0;
    t0 = performance.now();
    click(tool, context, 256.3 + 120, 255.6);
    const first = performance.now() - t0;
    const times: number[] = [];
    for (let i = 1; i <= 200; i++) {
      const a = (i / 200) * Math.PI * 0.9;
      t0 = performance.now();
      tool.move(pointer(256.3 + 120 * Math.cos(a), 255.6 + 120 * Math.sin(a)), context);
      tool.preview(context);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const p95 = times[Math.floor(0.95 * times.length)]!;
    console.log(`tools-livewire: 512², prepare (cost images) ${prepare.toFixed(1)} ms, then first anchor ${first.toFixed(2)} ms; 200 pointer moves along a half circle: p95 ${p95.toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms`);
    tool.cancel(context);
  });
});
