/**
 * Rules every annotation tool keeps (src/tools/*): locked labels are never
 * changed, cancel() leaves no half state and the next gesture works, the
 * document's paint mode decides overlaps, and the factory and shortcut map.
 */
import { describe, expect, it } from 'vitest';
import type { AnnotationTool } from '../../src/tools/annotation-tool.js';
import { TOOL_KEYS, TOOL_SHORTCUTS, createTool } from '../../src/tools/index.js';
import { toolDescriptions } from '../../src/text/tool-descriptions.js';
import { BODY, DISC, area, click, count, drag, fixture, key, later, pixels, pointer, rectanglePath, square } from './support/tool-fixture.js';

const IDS = ['freehand', 'polygon', 'livewire', 'edit', 'brush', 'eraser', 'threshold-brush', 'fill'] as const;

/** A complete gesture of each tool that changes a 64² slice holding the 10..50 square (threshold: HU 100 everywhere). */
function gesture(tool: AnnotationTool, context: Parameters<AnnotationTool['down']>[1]): void {
  switch (tool.id) {
    case 'polygon':
    case 'livewire':
      for (const [x, y] of [[5, 5], [58, 5], [58, 58]] as const) click(tool, context, x, y);
      key(tool, context, 'Enter');
      return;
    case 'fill':
      click(tool, context, 25, 25);
      return;
    case 'edit':
      drag(tool, context, [[50, 50], [55, 55], [58, 58]]);
      return;
    default:
      drag(tool, context, [[5, 5], [20, 8], [30, 30]]);
  }
}

function setup() {
  const values = new Int16Array(64 * 64).fill(100);
  const f = fixture({ values });
  // A square with a hole, so fill has something to do.
  f.doc.setRegion(DISC, 1, { rings: [square(10, 10, 50, 50), square(20, 20, 30, 30)] }, { kind: 'draw' });
  return f;
}

describe('all tools', () => {
  it('REQ-TOOL-COMMON-1: every tool changes the region with one undo step', () => {
    for (const id of IDS) {
      const { doc, context } = setup();
      const tool = createTool(id);
      expect(tool.id).toBe(id);
      const before = doc.regionAt(DISC, 1);
      gesture(tool, context);
      expect(tool.status, id).toBe('changed');
      expect(doc.regionAt(DISC, 1), id).not.toEqual(before);
      expect(doc.undo()).toBe(true);
      expect(doc.regionAt(DISC, 1), id).toEqual(before);
      expect(doc.undoLabel).toBe('Draw L4/L5 disc');
    }
  });

  it('REQ-TOOL-COMMON-2: a locked label is never changed and down() returns false', () => {
    for (const id of IDS) {
      const { doc, context } = setup();
      doc.updateLabel(DISC, { locked: true });
      const before = doc.regionAt(DISC, 1);
      const tool = createTool(id);
      expect(tool.down(later(25, 25), context), id).toBe(false);
      tool.up(pointer(25, 25), context);
      gesture(tool, context);
      expect(tool.status, id).toBe('locked');
      expect(tool.cursor(context), id).toBe('not-allowed');
      expect(doc.regionAt(DISC, 1)).toBe(before);
      expect(doc.undoLabel).toBe('Change label L4/L5 disc');
    }
  });

  it('REQ-TOOL-COMMON-3: cancel() mid-gesture changes nothing, shows nothing, and the next gesture works', () => {
    for (const id of IDS) {
      const { doc, context } = setup();
      const tool = createTool(id);
      const before = doc.regionAt(DISC, 1);
      const undo = doc.undoLabel;
      tool.down(later(50, 50), context);
      tool.move(pointer(55, 56), context);
      tool.move(pointer(58, 58), context);
      tool.cancel(context);
      tool.up(pointer(58, 58), context); // a release after the cancel is ignored
      expect(doc.regionAt(DISC, 1), id).toBe(before);
      expect(doc.undoLabel).toBe(undo);
      expect(tool.preview(context)?.path ?? tool.preview(context)?.fill ?? tool.preview(context)?.rings, id).toBeUndefined();
      gesture(tool, context);
      expect(tool.status, id).toBe('changed');
    }
  });

  it('REQ-TOOL-COMMON-4: a gesture begun on one slice is dropped when the slice changes under it', () => {
    const { doc, context, with: at } = setup();
    for (const id of ['freehand', 'brush', 'edit', 'polygon'] as const) {
      const tool = createTool(id);
      tool.down(later(50, 50), context);
      tool.move(pointer(55, 55), at({ slice: 2 }));
      tool.up(pointer(58, 58), at({ slice: 2 }));
      key(tool, at({ slice: 2 }), 'Enter');
      expect(doc.slicesOf(DISC), id).toEqual([1]);
    }
  });

  it('REQ-TOOL-COMMON-5: the document paint mode decides overlaps (over others, or background only)', () => {
    const { doc, context, with: at } = fixture();
    const body = at({ labelId: BODY });
    drag(createTool('freehand'), body, rectanglePath(30, 10, 50, 50));
    drag(createTool('freehand'), context, rectanglePath(10, 10, 40, 50));
    expect(count(pixels(doc.regionAt(BODY, 1), context))).toBe(10 * 40);
    expect(doc.undoLabel).toBe('Freehand L4/L5 disc');
    doc.undo();
    doc.paintMode = 'background-only';
    drag(createTool('brush', { size: 4 }), context, [[20, 30], [45, 30]]);
    expect(count(pixels(doc.regionAt(BODY, 1), context))).toBe(20 * 40);
    const disc = pixels(doc.regionAt(DISC, 1), context);
    for (let r = 0; r < 64; r++) for (let c = 30; c < 50; c++) expect(disc[r * 64 + c]).toBe(0);
    expect(area(doc.regionAt(DISC, 1))).toBeGreaterThan(30);
  });
});

describe('factory and shortcuts', () => {
  it('REQ-TOOL-INDEX-1: createTool makes every tool with its options; eraser is the erasing brush', () => {
    const brush = createTool('brush', { size: 8 });
    expect(brush.size.mm).toBe(8);
    expect(createTool('eraser').mode).toBe('erase');
    expect(createTool('threshold-brush', { range: 'bone' }).range).toEqual({ min: 200, max: 3000 });
    expect(createTool('edit', { push: true }).push).toBe(true);
    expect(createTool('freehand', { smoothing: 0 }).smoothing).toBe(0);
    expect(() => createTool('lasso' as never)).toThrow(RangeError);
  });

  it('REQ-TOOL-INDEX-2: shortcut keys are unique, cover every tool and avoid the annotator keys', () => {
    const taken = new Set(['w', 'p', 'z', 'f', 'a', 'i', '1', '2', '3', '4', '5', '+', '-', '=', '[', ']']);
    const keys = Object.keys(TOOL_SHORTCUTS);
    expect(new Set(Object.values(TOOL_SHORTCUTS))).toEqual(new Set([...IDS, 'grow', 'one-click', 'nearby']));
    for (const k of keys) expect(taken.has(k), k).toBe(false);
    expect(TOOL_KEYS).toEqual({ freehand: 'D', polygon: 'G', livewire: 'L', edit: 'E', brush: 'B', eraser: 'X', 'threshold-brush': 'T', fill: 'K', grow: 'J', 'one-click': 'U', nearby: 'H' });
    for (const locale of ['en', 'zh-CN'] as const) {
      const sheet = toolDescriptions(locale);
      expect(sheet.map((d) => d.id)).toEqual(Object.values(TOOL_SHORTCUTS));
      for (const d of sheet) expect(d.name && d.summary && d.gestures.length > 0).toBeTruthy();
    }
  });
});
