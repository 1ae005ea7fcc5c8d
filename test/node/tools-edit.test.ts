/**
 * Fill and edit tools (src/tools/fill.ts, edit.ts): holes and closed areas
 * filled, open areas left alone; vertex drag, insert, delete, region move and
 * push, each one undo step.
 */
import { describe, expect, it } from 'vitest';
import { EditTool } from '../../src/tools/edit.js';
import { FillTool } from '../../src/tools/fill.js';
import { DISC, area, click, count, drag, fixture, pixels, pointer, square } from './support/tool-fixture.js';
import { unionRegions } from '../../src/core/annotation/region-ops.js';
import type { Region } from '../../src/core/annotation/region.js';

/** Vertices as sorted "x,y" strings. */
function vertices(region: Region): string[] {
  const out: string[] = [];
  for (const ring of region.rings) for (let i = 0; i < ring.length; i += 2) out.push(`${ring[i]},${ring[i + 1]}`);
  return out.sort();
}

describe('fill', () => {
  it('REQ-TOOL-FILL-1: a click in a hole fills that hole, exactly', () => {
    const { doc, context } = fixture();
    doc.setRegion(DISC, 1, { rings: [square(10, 10, 50, 50), square(20, 20, 30, 30), square(35, 35, 45, 45)] }, { kind: 'draw' });
    const tool = new FillTool();
    expect(click(tool, context, 25, 25)).toBe(true);
    expect(tool.status).toBe('changed');
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(1500);
    expect(area(doc.regionAt(DISC, 1))).toBe(1500);
    expect(doc.undoLabel).toBe('Fill hole L4/L5 disc');
    doc.undo();
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(1400);
  });

  it('REQ-TOOL-FILL-2: a click inside the label fills all its holes (islands in a hole stay inside)', () => {
    const { doc, context } = fixture();
    doc.setRegion(DISC, 1, { rings: [square(10, 10, 50, 50), square(20, 20, 40, 40), square(25, 25, 30, 30)] }, { kind: 'draw' });
    const tool = new FillTool();
    click(tool, context, 12, 12);
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);
    expect(doc.regionAt(DISC, 1).rings.length).toBe(1);
    expect(doc.undoLabel).toBe('Fill holes L4/L5 disc');
    click(tool, context, 12, 12);
    expect(tool.status).toBe('fill-no-holes');
  });

  it('REQ-TOOL-FILL-3: an area open to the image border is not filled when its pixel is outside the threshold range', () => {
    const { doc, context } = fixture();
    // A "C": a frame with a gap in its right side.
    const c = { rings: [[10, 10, 50, 10, 50, 25, 46, 25, 46, 14, 14, 14, 14, 46, 46, 46, 46, 35, 50, 35, 50, 50, 10, 50]] };
    doc.setRegion(DISC, 1, c, { kind: 'draw' });
    const before = doc.regionAt(DISC, 1);
    const tool = new FillTool();
    // The slice is 0 HU; the default range is the disc's 50–150 HU.
    click(tool, context, 30, 30);
    expect(tool.status).toBe('fill-out-of-range');
    expect(doc.regionAt(DISC, 1)).toBe(before);
    expect(doc.undoLabel).toBe('Draw L4/L5 disc');
    click(tool, context, 2, 2);
    expect(tool.status).toBe('fill-out-of-range');
  });

  it('REQ-TOOL-FILL-4: an area closed by the label only at pixel level is flood-filled (4-connected)', () => {
    const { doc, context } = fixture();
    // Four bars; the right bar starts 0.4 px below the top bar: open as polygons, closed as pixels.
    const bars = [square(10, 10, 50, 14), square(10, 14, 14, 50), square(10, 46, 50, 50), square(46, 14.4, 50, 50)];
    const frame = bars.reduce<Region>((acc, bar) => unionRegions(acc, { rings: [bar] }), { rings: [] });
    expect(frame.rings.length).toBe(1); // one outline, no hole: the gap keeps it open
    doc.setRegion(DISC, 1, frame, { kind: 'draw' });
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(1600 - 32 * 32);
    const tool = new FillTool();
    click(tool, context, 30, 30);
    expect(tool.status).toBe('changed');
    const mask = pixels(doc.regionAt(DISC, 1), context);
    expect(count(mask)).toBe(1600);
    expect(doc.undoLabel).toBe('Fill L4/L5 disc');
    // Nothing outside the frame was taken.
    for (let r = 0; r < 64; r++) for (let c = 0; c < 64; c++) if (c < 10 || c >= 50 || r < 10 || r >= 50) expect(mask[r * 64 + c]).toBe(0);
  });
});

describe('edit', () => {
  const start = (): ReturnType<typeof fixture> => {
    const f = fixture();
    f.doc.setRegion(DISC, 1, { rings: [square(10, 10, 50, 50)] }, { kind: 'draw' });
    return f;
  };

  it('REQ-TOOL-EDIT-1: dragging a vertex moves exactly that vertex, as one undo step', () => {
    const { doc, context } = start();
    const before = doc.regionAt(DISC, 1);
    const tool = new EditTool();
    expect(tool.hitTest(53, 52, context)).toEqual({ kind: 'vertex', ring: 0, index: 4 });
    expect(drag(tool, context, [[50, 50], [51, 52], [53, 55], [55, 57]])).toBe(true);
    expect(vertices(doc.regionAt(DISC, 1))).toEqual(['10,10', '10,50', '50,10', '55,57'].sort());
    expect(doc.undoLabel).toBe('Move vertex L4/L5 disc');
    doc.undo();
    expect(doc.regionAt(DISC, 1)).toEqual(before);
  });

  it('REQ-TOOL-EDIT-2: a click on an edge inserts a vertex there; a tiny jitter does not move it', () => {
    const { doc, context } = start();
    const tool = new EditTool();
    drag(tool, context, [[30, 10.5], [30.5, 11]]);
    expect(vertices(doc.regionAt(DISC, 1))).toEqual(['10,10', '10,50', '30,10', '50,10', '50,50'].sort());
    expect(area(doc.regionAt(DISC, 1))).toBe(1600);
    expect(doc.undoLabel).toBe('Insert vertex L4/L5 disc');
    // Press on an edge and drag: the new vertex follows.
    drag(tool, context, [[10, 30], [5, 30], [2, 30]]);
    expect(vertices(doc.regionAt(DISC, 1))).toContain('2,30');
    expect(area(doc.regionAt(DISC, 1))).toBe(1600 + 8 * 40 / 2);
  });

  it('REQ-TOOL-EDIT-3: Alt- or Ctrl-click on a vertex deletes it', () => {
    const { doc, context } = start();
    const tool = new EditTool();
    click(tool, context, 50, 50, { altKey: true });
    expect(vertices(doc.regionAt(DISC, 1))).toEqual(['10,10', '10,50', '50,10'].sort());
    expect(area(doc.regionAt(DISC, 1))).toBe(800);
    expect(doc.undoLabel).toBe('Delete vertex L4/L5 disc');
    click(tool, context, 10, 10, { ctrlKey: true }); // a triangle's vertex: the ring goes
    expect(doc.slicesOf(DISC)).toEqual([]);
  });

  it('REQ-TOOL-EDIT-4: dragging inside moves the whole region, exactly', () => {
    const { doc, context } = start();
    doc.setRegion(DISC, 1, { rings: [square(10, 10, 50, 50), square(20, 20, 30, 30)] }, { kind: 'draw' });
    const before = doc.regionAt(DISC, 1);
    const tool = new EditTool();
    drag(tool, context, [[35, 35], [38, 33], [42, 30]]);
    const after = doc.regionAt(DISC, 1);
    expect(after.rings).toEqual(before.rings.map((ring) => ring.map((v, i) => v + (i & 1 ? -5 : 7))));
    expect(doc.undoLabel).toBe('Move L4/L5 disc');
    expect(tool.preview(context)!.rings).toBeUndefined();
  });

  it('REQ-TOOL-EDIT-5: push grows the outline from inside and pulls it in from outside', () => {
    const { doc, context } = start();
    const tool = new EditTool(); // 3 mm at 1 mm pixels: radius 3 px
    drag(tool, context, [[48, 30], [52, 30], [55, 30]], { shiftKey: true });
    const grown = area(doc.regionAt(DISC, 1));
    expect(grown).toBeGreaterThan(1600 + 6 * 5 - 1);
    expect(doc.undoLabel).toBe('Push L4/L5 disc');
    const push = new EditTool({ push: true });
    drag(push, context, [[30, 5], [30, 9], [30, 14]]);
    const pulled = area(doc.regionAt(DISC, 1));
    expect(pulled).toBeLessThan(grown - 6 * 4 + 1);
    expect(pixels(doc.regionAt(DISC, 1), context)[12 * 64 + 30]).toBe(0);
    // While pushing, the preview shows the pushed outline and the circle.
    push.down(pointer(60, 40, { time: 1 }), context);
    push.move(pointer(45, 40), context);
    const preview = push.preview(context)!;
    expect(preview.circle).toEqual({ x: 45, y: 40, rx: 3, ry: 3 });
    expect(area({ rings: preview.rings! })).toBeLessThan(pulled);
    expect(preview.subtract).toBe(true);
    push.cancel(context);
    expect(area(doc.regionAt(DISC, 1))).toBe(pulled);
  });

  it('REQ-TOOL-EDIT-6: hit tolerances are 6 screen pixels at any zoom', () => {
    const { context, with: at } = start();
    const tool = new EditTool();
    expect(tool.hitTest(54, 54, context)?.kind).toBe('vertex');
    expect(tool.hitTest(54, 54, at({ screenScale: 2 }))).toBeUndefined();
    expect(tool.hitTest(48.2, 48.2, at({ screenScale: 4 }))?.kind).toBe('inside');
    expect(tool.hitTest(48.2, 30, at({ screenScale: 4 }))?.kind).toBe('inside');
    expect(tool.hitTest(49, 30, at({ screenScale: 4 }))?.kind).toBe('edge');
    expect(tool.down(pointer(60, 60), context)).toBe(false); // nothing there: the view may use the press
  });
});
