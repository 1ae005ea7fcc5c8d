/**
 * Fill within the threshold range (src/tools/fill.ts) and the one range the
 * threshold brush and Fill share (a function read at each press).
 */
import { describe, expect, it } from 'vitest';
import { FillTool, floodRange } from '../../src/tools/fill.js';
import { ThresholdBrushTool, type ThresholdRange } from '../../src/tools/threshold-brush.js';
import { toolStatusMessage } from '../../src/text/tools.js';
import { DISC, area, click, count, drag, fixture, pixels, square } from './support/tool-fixture.js';

const SIZE = 64;

/** A slice of 0 HU with a 100 HU blob (a 12×8 block at (10, 20)) and a 1000 HU block beside it (touching it). */
function slice(): Int16Array {
  const values = new Int16Array(SIZE * SIZE);
  for (let r = 20; r < 28; r++) for (let c = 10; c < 22; c++) values[r * SIZE + c] = 100;
  for (let r = 20; r < 28; r++) for (let c = 22; c < 30; c++) values[r * SIZE + c] = 1000;
  // A second 100 HU blob, not connected to the first.
  for (let r = 40; r < 44; r++) for (let c = 40; c < 44; c++) values[r * SIZE + c] = 100;
  return values;
}

describe('fill within the threshold range', () => {
  it('REQ-TOOL-FILL-RANGE-1: a click on a blob within range fills just the blob (4-connected), exactly, in one undo step', () => {
    const { doc, context } = fixture({ size: SIZE, values: slice() });
    const tool = new FillTool({ range: { min: 50, max: 150 } });
    expect(click(tool, context, 15.5, 23.5)).toBe(true);
    expect(tool.status).toBe('changed');
    const mask = pixels(doc.regionAt(DISC, 1), context);
    expect(count(mask)).toBe(12 * 8);
    expect(area(doc.regionAt(DISC, 1))).toBe(96);
    expect(mask[23 * SIZE + 25]).toBe(0); // the bright block beside it
    expect(mask[41 * SIZE + 41]).toBe(0); // the other blob
    expect(doc.undoLabel).toBe('Fill range L4/L5 disc');
    doc.undo();
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(0);
  });

  it('REQ-TOOL-FILL-RANGE-2: a ring with a hole still fills the hole, whatever the range', () => {
    const { doc, context } = fixture({ size: SIZE, values: slice() });
    doc.setRegion(DISC, 1, { rings: [square(30, 30, 60, 60), square(35, 35, 55, 55)] }, { kind: 'draw' });
    const tool = new FillTool({ range: 'bone' });
    click(tool, context, 50, 50);
    expect(tool.status).toBe('changed');
    expect(area(doc.regionAt(DISC, 1))).toBe(900);
    expect(doc.undoLabel).toBe('Fill hole L4/L5 disc');
  });

  it('REQ-TOOL-FILL-RANGE-3: an open area out of range fills nothing, with a status in both languages', () => {
    const { doc, context } = fixture({ size: SIZE, values: slice() });
    const tool = new FillTool({ range: { min: 50, max: 150 } });
    click(tool, context, 2, 2);
    expect(tool.status).toBe('fill-out-of-range');
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(0);
    expect(toolStatusMessage('en', 'fill-out-of-range')).toMatch(/outside the threshold range/);
    expect(toolStatusMessage('zh-CN', 'fill-out-of-range')).toMatch(/阈值范围/);
  });

  it('REQ-TOOL-FILL-RANGE-4: the filled blob joins the label it touches; a locked label is refused', () => {
    const { doc, context } = fixture({ size: SIZE, values: slice() });
    doc.setRegion(DISC, 1, { rings: [square(4, 20, 10, 28)] }, { kind: 'draw' });
    const tool = new FillTool({ range: { min: 50, max: 150 } });
    click(tool, context, 15.5, 23.5);
    expect(area(doc.regionAt(DISC, 1))).toBe(48 + 96);
    expect(doc.regionAt(DISC, 1).rings.length).toBe(1);
    doc.updateLabel(DISC, { locked: true });
    click(tool, context, 41.5, 41.5);
    expect(tool.status).toBe('locked');
  });

  it('REQ-TOOL-FILL-RANGE-5: floodRange is 4-connected and stays within the image', () => {
    const values = new Int16Array(9);
    // 1 0 0 / 0 1 0 / 0 0 1: diagonal neighbours only.
    values[0] = values[4] = values[8] = 1;
    const flood = floodRange(values, 3, 3, 4, { min: 1, max: 1 })!;
    expect([...flood]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(floodRange(values, 3, 3, 1, { min: 1, max: 1 })).toBeUndefined();
    expect(count(floodRange(new Int16Array(12), 4, 3, 0, { min: 0, max: 0 })!)).toBe(12);
  });
});

describe('one threshold range for the threshold brush and Fill', () => {
  it('REQ-TOOL-THRESH-RANGE-1: a range given as a function is read at each press: a change applies to the next stroke and click', () => {
    const { doc, context } = fixture({ size: SIZE, values: slice() });
    let range: ThresholdRange = { min: 50, max: 150 };
    const source = () => range;
    const brush = new ThresholdBrushTool({ size: 60, range: source });
    const fill = new FillTool({ range: source });
    expect(brush.range).toEqual(range);
    range = { min: 900, max: 1100 };
    expect(fill.range).toEqual(range);
    drag(brush, context, [[20, 24], [30, 24]]);
    // Only the 1000 HU block is painted.
    const mask = pixels(doc.regionAt(DISC, 1), context);
    expect(count(mask)).toBe(8 * 8);
    expect(mask[23 * SIZE + 25]).toBe(1);
    doc.undo();
    range = { min: 50, max: 150 };
    click(fill, context, 41.5, 41.5);
    expect(count(pixels(doc.regionAt(DISC, 1), context))).toBe(16);
  });

  it('REQ-TOOL-THRESH-RANGE-2: a bad range is refused', () => {
    const brush = new ThresholdBrushTool();
    expect(() => (brush.range = { min: 10, max: 5 })).toThrow(RangeError);
    const fill = new FillTool({ range: () => ({ min: Number.NaN, max: 5 }) });
    expect(() => fill.range).toThrow(RangeError);
  });
});
