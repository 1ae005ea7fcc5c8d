/**
 * The polygon, fill and threshold brush tools on a sagittal plane, unchanged:
 * the view hands them a PlaneDocument, and what they make lands on every
 * axial slice the plane's edit crosses (the brush is tested in
 * plane-edit.test.ts, freehand with the real mouse in the browser).
 */
import { describe, expect, it } from 'vitest';
import { PlaneDocument, planeSize } from '../../src/core/annotation/plane-edit.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { voxelOnPlane } from '../../src/core/dicom/view-plane.js';
import type { ToolContext } from '../../src/tools/annotation-tool.js';
import { FillTool } from '../../src/tools/fill.js';
import { PolygonTool } from '../../src/tools/polygon.js';
import { ThresholdBrushTool } from '../../src/tools/threshold-brush.js';
import { DISC, fixture, pointer } from './support/tool-fixture.js';

const COLUMNS = 40;
const ROWS = 36;
const SLICES = 20;
const INDEX = 17;

function planeContext(values?: Int16Array) {
  const f = fixture({ size: COLUMNS, rows: ROWS, slices: SLICES });
  const grid = { columns: COLUMNS, rows: ROWS, slices: SLICES };
  const { columns, rows } = planeSize(grid, 'sagittal');
  const context: ToolContext = {
    ...f.context,
    document: new PlaneDocument(f.doc, grid, 'sagittal', INDEX),
    slice: INDEX,
    columns,
    rows,
    pixelSpacing: [2, 1],
    values: values ?? new Int16Array(columns * rows),
    screenScale: 4,
  };
  /** The label's voxels, as plane pixels set, read from the axial slices. */
  const onPlane = (): Set<string> => {
    const set = new Set<string>();
    for (let k = 0; k < SLICES; k++) {
      const mask = rasterizeToMask(f.doc.regionAt(DISC, k), COLUMNS, ROWS);
      mask.forEach((v, i) => {
        if (!v) return;
        const c = i % COLUMNS;
        const r = Math.floor(i / COLUMNS);
        if (c !== INDEX) throw new Error(`slice ${k}: voxel (${c}, ${r}) off the plane`);
        set.add(`${r},${SLICES - 1 - k}`);
      });
    }
    return set;
  };
  return { f, context, onPlane };
}

describe('tools on a sagittal plane', () => {
  it('polygon: the closed outline fills its pixels on the plane, slice by slice', () => {
    const { f, context, onPlane } = planeContext();
    const tool = new PolygonTool();
    const corners: [number, number][] = [[4.2, 3.1], [30.6, 4.4], [18.3, 15.7]];
    for (const [x, y] of corners) {
      tool.down(pointer(x, y, { time: (x + y) * 1000 }), context);
      tool.up(pointer(x, y, { time: (x + y) * 1000 }), context);
    }
    expect(tool.key({ key: 'Enter', shiftKey: false, altKey: false, ctrlKey: false }, context)).toBe(true);
    expect(tool.status).toBe('changed');
    // The test's own pixel-centre rasterisation of the triangle.
    const want = new Set<string>();
    for (let y = 0; y < SLICES; y++) {
      for (let x = 0; x < ROWS; x++) {
        const [px, py] = [x + 0.5, y + 0.5];
        let inside = false;
        for (let i = 0, j = 2; i < 3; j = i++) {
          const [xi, yi] = corners[i]!;
          const [xj, yj] = corners[j]!;
          if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
        }
        if (inside) want.add(`${x},${y}`);
      }
    }
    expect(onPlane()).toEqual(want);
    expect(f.doc.slicesOf(DISC).length).toBeGreaterThanOrEqual(10);
    expect(f.doc.undo()).toBe(true);
    expect(f.doc.slicesOf(DISC)).toEqual([]);
  });

  it('fill: a hole the label encloses on the plane is filled through the slices it spans', () => {
    const { f, context, onPlane } = planeContext();
    // A square ring on the plane, drawn as one plane edit: outer 6..26 × 4..16, hole 10..22 × 8..12.
    context.document.setRegion(DISC, INDEX, { rings: [[6, 4, 26, 4, 26, 16, 6, 16], [10, 8, 22, 8, 22, 12, 10, 12]] }, { kind: 'draw', label: 'ring' });
    const ring = onPlane();
    expect(ring.has('15,9')).toBe(false);
    const tool = new FillTool();
    tool.down(pointer(15.5, 9.5), context);
    tool.up(pointer(15.5, 9.5), context);
    expect(tool.status).toBe('changed');
    const filled = onPlane();
    for (let y = 4; y < 16; y++) for (let x = 6; x < 26; x++) expect(filled.has(`${x},${y}`), `${x},${y}`).toBe(true);
    expect(filled.size).toBe(20 * 12);
    expect(f.doc.undo()).toBe(true);
    expect(onPlane()).toEqual(ring);
  });

  it('threshold brush: paints only the plane pixels within the range', () => {
    // Plane values: a bright band (100 HU) across rows 6..9 of the plane, 0 elsewhere.
    const values = new Int16Array(ROWS * SLICES);
    for (let y = 6; y < 10; y++) values.fill(100, y * ROWS, (y + 1) * ROWS);
    const { context, onPlane } = planeContext(values);
    const tool = new ThresholdBrushTool({ size: 12, range: { min: 50, max: 150 } });
    tool.down(pointer(8.5, 7.5), context);
    for (let x = 9; x <= 28; x++) tool.move(pointer(x + 0.5, 7.5), context);
    tool.up(pointer(28.5, 7.5), context);
    expect(tool.status).toBe('changed');
    const painted = onPlane();
    expect(painted.size).toBeGreaterThan(40);
    for (const key of painted) {
      const [x, y] = key.split(',').map(Number) as [number, number];
      expect(values[y * ROWS + x], key).toBe(100);
      // And each painted plane pixel is the voxel of its slice on the plane's column.
      expect(voxelOnPlane({ slices: SLICES }, 'sagittal', INDEX, x, y).column).toBe(INDEX);
    }
  });
});
