/**
 * Edits on sagittal and coronal planes (core/annotation/plane-edit.ts): a
 * shape drawn on a plane changes exactly the voxels it covers on every axial
 * slice it crosses, as one undo step, under the same lock and paint-mode
 * rules as an axial edit, and marks the slices only plane edits made.
 * Expected voxels are computed here from the shapes' own definitions.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import {
  PlaneDocument,
  labelPlaneMask,
  planeSize,
  type EditPlane,
} from '../../src/core/annotation/plane-edit.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS, differenceRegions, strokeToRegion, unionRegions } from '../../src/core/annotation/region-ops.js';
import type { Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { reformat } from '../../src/core/dicom/reformat.js';
import { voxelOnPlane, voxelToPlane } from '../../src/core/dicom/view-plane.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { BrushTool } from '../../src/tools/brush.js';
import type { ToolContext, ToolDocument } from '../../src/tools/annotation-tool.js';
import { expectSegmarkError } from './support/expect-error.js';
import { drag } from './support/tool-fixture.js';

const COLUMNS = 160;
const ROWS = 128;
const SLICES = 24;
const GRID = { columns: COLUMNS, rows: ROWS, slices: SLICES };
/** L4/L5 disc and L4 vertebral body in the lumbar template. */
const DISC = 4;
const BODY = 9;

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: {
      studyInstanceUID: '1.2',
      seriesInstanceUID: '1.2.3',
      sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.3.${k}`),
      rows: ROWS,
      columns: COLUMNS,
      slices: SLICES,
    },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    user: 'ana',
  });
}

/** A capsule: the points within `radius` of the segment a–b. */
interface Capsule {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  radius: number;
}

function capsuleDistance(s: Capsule, x: number, y: number): number {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  const t = Math.max(0, Math.min(1, ((x - s.ax) * dx + (y - s.ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(s.ax + t * dx - x, s.ay + t * dy - y);
}

/** The capsule as the brush makes it (a Clipper offset polygon). */
function capsuleRegion(s: Capsule): Region {
  return strokeToRegion([s.ax, s.ay, s.bx, s.by], s.radius);
}

/**
 * The capsule's pixels on a `w × h` image by the pixel-centre rule, computed
 * from its definition. No centre may lie within 0.02 px of its edge, where
 * the polygon and the true capsule could disagree.
 */
function capsuleMask(s: Capsule, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = capsuleDistance(s, x + 0.5, y + 0.5);
      expect(Math.abs(d - s.radius), `pixel (${x}, ${y}) is too close to the capsule's edge`).toBeGreaterThan(0.02);
      if (d < s.radius) out[y * w + x] = 1;
    }
  }
  return out;
}

/** Axial slice k's labelmap of a label (the derived raster every view and export uses). */
function labelmap(doc: AnnotationDocument, labelId: number, k: number): Uint8Array {
  return rasterizeToMask(doc.regionAt(labelId, k), COLUMNS, ROWS);
}

/** Voxel index (c, r) of an axial slice under plane pixel x, written here from the layout of reformat.ts. */
function voxelOf(plane: EditPlane, index: number, x: number): number {
  return plane === 'sagittal' ? x * COLUMNS + index : index * COLUMNS + x;
}

/** Every slice's labelmap of the label, keyed by slice. */
function allLabelmaps(doc: AnnotationDocument, labelId: number): Uint8Array[] {
  return Array.from({ length: SLICES }, (_, k) => labelmap(doc, labelId, k));
}

/**
 * The labelmaps expected after drawing `shape` (a plane mask) on the plane:
 * `before` with, on each slice, the plane's line replaced by the shape's row
 * (`mode` 'set' adds the shape's voxels, 'clear' removes them).
 */
function expectedAfter(before: Uint8Array[], plane: EditPlane, index: number, shape: Uint8Array, mode: 'set' | 'clear'): Uint8Array[] {
  const across = plane === 'sagittal' ? ROWS : COLUMNS;
  return before.map((mask, k) => {
    const out = mask.slice();
    const y = SLICES - 1 - k;
    for (let x = 0; x < across; x++) {
      if (shape[y * across + x]) out[voxelOf(plane, index, x)] = mode === 'set' ? 1 : 0;
    }
    return out;
  });
}

function slicesWith(masks: Uint8Array[]): number[] {
  return masks.flatMap((m, k) => (m.some((v) => v) ? [k] : []));
}

function expectSameMasks(got: Uint8Array[], want: Uint8Array[]): void {
  got.forEach((mask, k) => {
    let differ = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== want[k]![i]) differ++;
    expect(differ, `voxels that differ on slice ${k}`).toBe(0);
  });
}

function disc(cx: number, cy: number, radius: number): Region {
  return strokeToRegion([cx, cy], radius);
}

/** A brush stroke on the plane: about 12 slices high, 40 px long, leaning. */
const SAGITTAL_STROKE: Capsule = { ax: 40.3, ay: 7.6, bx: 79.6, by: 13.81, radius: 3.64 };
const CORONAL_STROKE: Capsule = { ax: 60.21, ay: 6.91, bx: 110.7, by: 14.13, radius: 3.89 };

describe('the plane mapping', () => {
  it('matches the reformat: plane pixel (x, y) shows the voxel voxelOnPlane names, and voxelToPlane inverts it', () => {
    const g = { columns: 7, rows: 5, slices: 4 };
    const sliceData = Array.from({ length: g.slices }, (_, k) => {
      const s = new Int16Array(g.columns * g.rows);
      for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.columns; c++) s[r * g.columns + c] = k * 100 + r * 10 + c;
      return s;
    });
    const volume = { ...g, sliceData, spacing: [1, 1, 1], normal: [0, 0, 1], rowCosine: [1, 0, 0], columnCosine: [0, 1, 0] } as unknown as Volume;
    for (const plane of ['sagittal', 'coronal'] as const) {
      const size = planeSize(g, plane);
      expect(size).toEqual({ columns: plane === 'sagittal' ? g.rows : g.columns, rows: g.slices });
      const index = plane === 'sagittal' ? 3 : 2;
      const image = reformat(volume, plane, index);
      expect([image.columns, image.rows]).toEqual([size.columns, size.rows]);
      for (let y = 0; y < size.rows; y++) {
        for (let x = 0; x < size.columns; x++) {
          const v = voxelOnPlane(g, plane, index, x, y);
          expect(image.pixels[y * size.columns + x]).toBe(v.slice * 100 + v.row * 10 + v.column);
          expect(voxelToPlane(g, plane, v)).toEqual({ index, x, y });
        }
      }
    }
  });

  it("labelPlaneMask reads each slice's labelmap along the plane", () => {
    const doc = newDocument();
    doc.setRegion(DISC, 3, disc(100.3, 60.7, 9.2), { kind: 'draw' });
    doc.setRegion(DISC, 20, { rings: [[95, 50, 130.5, 52.25, 120, 70.75]] }, { kind: 'draw' });
    for (const [plane, index] of [['sagittal', 100], ['coronal', 58]] as const) {
      const { columns: across } = planeSize(GRID, plane);
      const want = new Uint8Array(across * SLICES);
      for (let k = 0; k < SLICES; k++) {
        const map = labelmap(doc, DISC, k);
        for (let x = 0; x < across; x++) want[(SLICES - 1 - k) * across + x] = map[voxelOf(plane, index, x)]!;
      }
      expect(want.some((v) => v)).toBe(true);
      const out = new Uint8Array(across * SLICES).fill(7);
      expect(labelPlaneMask(doc, GRID, plane, index, DISC, out)).toBe(out);
      expect([...out]).toEqual([...want]);
    }
  });
});

describe('drawing on a sagittal or coronal plane', () => {
  for (const [plane, index, stroke] of [['sagittal', 100, SAGITTAL_STROKE], ['coronal', 40, CORONAL_STROKE]] as const) {
    it(`a ${plane} capsule sets exactly its voxels on each axial slice it crosses, in one undo step`, () => {
      const doc = newDocument();
      const pd = new PlaneDocument(doc, GRID, plane, index);
      const { columns: across, rows: height } = planeSize(GRID, plane);
      expect([pd.columns, pd.rows]).toEqual([across, height]);
      const shape = capsuleMask(stroke, across, height);
      const before = doc.snapshot();
      const want = expectedAfter(allLabelmaps(doc, DISC), plane, index, shape, 'set');
      const crossed = slicesWith(want);
      expect(crossed.length).toBeGreaterThanOrEqual(10);

      pd.setRegion(DISC, index, capsuleRegion(stroke), { kind: 'draw', label: 'Brush L4/L5 disc' });
      expectSameMasks(allLabelmaps(doc, DISC), want);
      expect(doc.slicesOf(DISC)).toEqual(crossed);
      expect([...labelPlaneMask(doc, GRID, plane, index, DISC)]).toEqual([...shape]);
      expect(rasterizeToMask(pd.regionAt(DISC, index), across, height)).toEqual(shape);
      for (const k of crossed) {
        expect(doc.flagsAt(DISC, k)).toEqual({ origin: 'drawn', verified: false });
        expect(doc.metaAt(DISC, k)?.provenance).toEqual({ by: 'ana', drawnOn: [{ plane, index }] });
      }

      expect(doc.undoLabel).toBe('Brush L4/L5 disc');
      const after = doc.snapshot();
      expect(doc.undo()).toBe(true);
      expect(doc.snapshot()).toEqual(before);
      expect(doc.canUndo).toBe(false);
      expect(doc.redo()).toBe(true);
      expect(doc.snapshot()).toEqual(after);
    });
  }

  it('keeps the rest of an axial region exactly where the plane edit overwrites part of it', () => {
    const doc = newDocument();
    // Float outlines (Clipper polygons), on slices the stroke crosses and on one it does not.
    for (const k of [12, 13, 14, 15]) doc.setRegion(DISC, k, disc(103.37, 51.8 + k, 7.3), { kind: 'draw' });
    doc.setRegion(DISC, 2, disc(100.5, 60.5, 6), { kind: 'draw' });
    const untouched = doc.regionAt(DISC, 2);
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    const shape = capsuleMask(SAGITTAL_STROKE, ROWS, SLICES);
    const want = expectedAfter(allLabelmaps(doc, DISC), 'sagittal', 100, shape, 'set');
    // What a brush does: the plane's region so far united with the stroke.
    pd.setRegion(DISC, 100, unionRegions(pd.regionAt(DISC, 100), capsuleRegion(SAGITTAL_STROKE)), { kind: 'draw' });
    expectSameMasks(allLabelmaps(doc, DISC), want);
    expect(doc.regionAt(DISC, 2)).toBe(untouched);
    // Over axial work the slice stays an axial key: no plane marker.
    for (const k of [12, 13, 14, 15]) expect(doc.metaAt(DISC, k)?.provenance).toEqual({ by: 'ana' });
    expect(doc.metaAt(DISC, 10)?.provenance?.drawnOn).toEqual([{ plane: 'sagittal', index: 100 }]);
  });

  it('erases on the plane: only the covered voxels of the column go', () => {
    const doc = newDocument();
    for (let k = 4; k < 20; k++) doc.setRegion(DISC, k, disc(98.7, 58.3, 12.6), { kind: 'draw' });
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    const shape = capsuleMask(SAGITTAL_STROKE, ROWS, SLICES);
    const before = allLabelmaps(doc, DISC);
    const want = expectedAfter(before, 'sagittal', 100, shape, 'clear');
    expect(want.some((m, k) => m.some((v, i) => v !== before[k]![i]))).toBe(true);
    pd.setRegion(DISC, 100, differenceRegions(pd.regionAt(DISC, 100), capsuleRegion(SAGITTAL_STROKE)), { kind: 'erase' });
    expectSameMasks(allLabelmaps(doc, DISC), want);
    expect(doc.undoLabel).toBe('Erase L4/L5 disc');
  });

  it('erasing every voxel of a plane-drawn slice removes its region', () => {
    const doc = newDocument();
    const pd = new PlaneDocument(doc, GRID, 'coronal', 40);
    pd.setRegion(DISC, 40, capsuleRegion(CORONAL_STROKE), { kind: 'draw' });
    expect(doc.slicesOf(DISC).length).toBeGreaterThan(0);
    pd.setRegion(DISC, 40, { rings: [] }, { kind: 'erase' });
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(doc.undo()).toBe(true);
    expect(doc.slicesOf(DISC).length).toBeGreaterThan(0);
  });

  it('records nothing when the plane already shows the region', () => {
    const doc = newDocument();
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    pd.setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw', label: 'first' });
    const snapshot = doc.snapshot();
    const changes: unknown[] = [];
    doc.subscribe((c) => changes.push(c));
    pd.setRegion(DISC, 100, pd.regionAt(DISC, 100), { kind: 'draw', label: 'again' });
    // A polygon covering the same pixel centres is the same edit.
    pd.setRegion(DISC, 100, capsuleRegion({ ...SAGITTAL_STROKE, radius: SAGITTAL_STROKE.radius + 0.005 }), { kind: 'draw', label: 'again' });
    expect(changes).toEqual([]);
    expect(doc.undoLabel).toBe('first');
    expect(doc.snapshot()).toEqual(snapshot);
  });

  it('shows axial edits, undo and redo made after it was read', () => {
    const doc = newDocument();
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    const read = () => rasterizeToMask(pd.regionAt(DISC, 100), ROWS, SLICES);
    const planeOf = () => {
      const out = new Uint8Array(ROWS * SLICES);
      for (let k = 0; k < SLICES; k++) {
        const map = labelmap(doc, DISC, k);
        for (let r = 0; r < ROWS; r++) out[(SLICES - 1 - k) * ROWS + r] = map[r * COLUMNS + 100]!;
      }
      return out;
    };
    expect(read().some((v) => v)).toBe(false);
    pd.setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' });
    expect(read()).toEqual(planeOf());
    doc.setRegion(DISC, 3, disc(100.5, 30.5, 4), { kind: 'draw' });
    expect(read()[(SLICES - 1 - 3) * ROWS + 30]).toBe(1);
    expect(read()).toEqual(planeOf());
    doc.undo();
    expect(read()[(SLICES - 1 - 3) * ROWS + 30]).toBe(0);
    doc.undo();
    expect(read().some((v) => v)).toBe(false);
    doc.redo();
    expect(read()).toEqual(planeOf());
    expect(Object.isFrozen(pd.regionAt(DISC, 100))).toBe(true);
  });

  it('is asked only about its own plane', () => {
    const doc = newDocument();
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    expect(() => pd.regionAt(DISC, 99)).toThrow(RangeError);
    expect(() => pd.setRegion(DISC, 101, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' })).toThrow(RangeError);
    expect(() => new PlaneDocument(doc, GRID, 'coronal', ROWS)).toThrow(RangeError);
    expect(() => new PlaneDocument(doc, { ...GRID, slices: 3 }, 'coronal', 0)).toThrow(RangeError);
    expect(doc.canUndo).toBe(false);
  });
});

describe('plane edits follow the rules of axial edits', () => {
  /** L4 body on slices 8..15, a disc centred on column 100, so the sagittal stroke crosses it. */
  function withBody(doc: AnnotationDocument): void {
    for (let k = 8; k < 16; k++) doc.setRegion(BODY, k, disc(100.5, 60.25, 6.6), { kind: 'draw' });
  }

  it('a locked label is not changed', () => {
    const doc = newDocument();
    doc.setRegion(DISC, 10, disc(100.5, 55.5, 5), { kind: 'draw' });
    doc.updateLabel(DISC, { locked: true });
    const snapshot = doc.snapshot();
    const undoLabel = doc.undoLabel;
    const pd = new PlaneDocument(doc, GRID, 'sagittal', 100);
    expectSegmarkError(() => pd.setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' }), 'label-locked');
    expect(doc.snapshot()).toEqual(snapshot);
    expect(doc.undoLabel).toBe(undoLabel);
    expect(doc.redo()).toBe(false);
  });

  it('a locked other label keeps its voxels; the stroke gets the rest', () => {
    const doc = newDocument();
    withBody(doc);
    doc.updateLabel(BODY, { locked: true });
    const body = allLabelmaps(doc, BODY);
    const shape = capsuleMask(SAGITTAL_STROKE, ROWS, SLICES);
    const want = expectedAfter(allLabelmaps(doc, DISC), 'sagittal', 100, shape, 'set').map((m, k) => m.map((v, i) => (body[k]![i] ? 0 : v)));
    new PlaneDocument(doc, GRID, 'sagittal', 100).setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' });
    expectSameMasks(allLabelmaps(doc, BODY), body);
    expectSameMasks(allLabelmaps(doc, DISC), want);
    expect(want.some((m, k) => m.some((v, i) => !v && shape.length > 0 && body[k]![i]))).toBe(true);
  });

  it("in background-only mode other labels' voxels are not taken", () => {
    const doc = newDocument();
    withBody(doc);
    doc.paintMode = 'background-only';
    const body = allLabelmaps(doc, BODY);
    const shape = capsuleMask(SAGITTAL_STROKE, ROWS, SLICES);
    const full = expectedAfter(allLabelmaps(doc, DISC), 'sagittal', 100, shape, 'set');
    const want = full.map((m, k) => m.map((v, i) => (body[k]![i] ? 0 : v)));
    expect(want.some((m, k) => m.some((v, i) => v !== full[k]![i]))).toBe(true);
    new PlaneDocument(doc, GRID, 'sagittal', 100).setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' });
    expectSameMasks(allLabelmaps(doc, BODY), body);
    expectSameMasks(allLabelmaps(doc, DISC), want);
  });

  it('in over-others mode the other label loses the voxels, in the same undo step', () => {
    const doc = newDocument();
    withBody(doc);
    const before = doc.snapshot();
    const shape = capsuleMask(SAGITTAL_STROKE, ROWS, SLICES);
    const body = expectedAfter(allLabelmaps(doc, BODY), 'sagittal', 100, shape, 'clear');
    const want = expectedAfter(allLabelmaps(doc, DISC), 'sagittal', 100, shape, 'set');
    new PlaneDocument(doc, GRID, 'sagittal', 100).setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' });
    expectSameMasks(allLabelmaps(doc, DISC), want);
    expectSameMasks(allLabelmaps(doc, BODY), body);
    // The body's cut slices keep their own provenance (no plane marker: they were axial work).
    expect(doc.metaAt(BODY, 10)?.provenance).toEqual({ by: 'ana' });
    doc.undo();
    expect(doc.snapshot()).toEqual(before);
  });
});

describe('where plane edits are marked', () => {
  it('marks slices only plane edits made, adds lines of later plane edits, and drops the mark on an axial edit', () => {
    const doc = newDocument();
    new PlaneDocument(doc, GRID, 'sagittal', 100).setRegion(DISC, 100, capsuleRegion(SAGITTAL_STROKE), { kind: 'draw' });
    const coronal = new PlaneDocument(doc, GRID, 'coronal', 40);
    // A coronal stroke through (column 100, row 40) on the slices the sagittal one crossed.
    const cross: Capsule = { ax: 90.3, ay: 9.4, bx: 110.6, by: 9.4, radius: 3.3 };
    coronal.setRegion(DISC, 40, capsuleRegion(cross), { kind: 'draw' });
    const both = doc.slicesOf(DISC).filter((k) => doc.metaAt(DISC, k)?.provenance?.drawnOn?.length === 2);
    expect(both.length).toBeGreaterThan(3);
    for (const k of both) {
      expect(doc.metaAt(DISC, k)?.provenance?.drawnOn).toEqual([{ plane: 'sagittal', index: 100 }, { plane: 'coronal', index: 40 }]);
    }
    // An edit on the axial slice itself: the slice is now axial work.
    const k = both[0]!;
    doc.setRegion(DISC, k, disc(100, 40, 4), { kind: 'draw' });
    expect(doc.metaAt(DISC, k)?.provenance).toEqual({ by: 'ana' });
    // A plane edit over it does not mark it again.
    new PlaneDocument(doc, GRID, 'sagittal', 100).setRegion(DISC, 100, { rings: [] }, { kind: 'erase' });
    expect(doc.metaAt(DISC, k)?.provenance).toEqual({ by: 'ana' });
  });

  it('keeps the mark through a snapshot; a bad mark is refused and old snapshots without it load', () => {
    const doc = newDocument();
    new PlaneDocument(doc, GRID, 'coronal', 40).setRegion(DISC, 40, capsuleRegion(CORONAL_STROKE), { kind: 'draw' });
    const snapshot = doc.snapshot();
    const copy = AnnotationDocument.fromSnapshot(structuredClone(snapshot), REGION_OPS);
    expect(copy.snapshot()).toEqual(snapshot);
    const k = doc.slicesOf(DISC)[0]!;
    expect(copy.metaAt(DISC, k)?.provenance?.drawnOn).toEqual([{ plane: 'coronal', index: 40 }]);

    const bad = structuredClone(snapshot);
    (bad.regions[0]!.provenance as { drawnOn: unknown }).drawnOn = [{ plane: 'axial', index: 3 }];
    expectSegmarkError(() => AnnotationDocument.fromSnapshot(bad, REGION_OPS), 'bad-snapshot');
    const old = structuredClone(snapshot);
    for (const r of old.regions) delete r.provenance;
    expect(AnnotationDocument.fromSnapshot(old, REGION_OPS).metaAt(DISC, k)).toEqual({});
  });
});

describe('the annotation tools on a plane', () => {
  function planeContext(doc: AnnotationDocument, plane: EditPlane, index: number): ToolContext {
    const document: ToolDocument = new PlaneDocument(doc, GRID, plane, index);
    const { columns, rows } = planeSize(GRID, plane);
    return {
      document,
      labelId: DISC,
      slice: index,
      columns,
      rows,
      pixelSpacing: [2.5, 0.8],
      values: new Int16Array(columns * rows),
      window: { center: 40, width: 400 },
      screenScale: 4,
    };
  }

  it('a brush stroke on a sagittal view paints the voxels of its footprint on every slice it crosses', () => {
    const doc = newDocument();
    const context = planeContext(doc, 'sagittal', 100);
    const brush = new BrushTool('paint', { size: 5 });
    const path: [number, number][] = Array.from({ length: 30 }, (_, i) => [30.2 + i * 1.5, 4.3 + i * 0.4]);
    brush.down({ x: path[0]![0], y: path[0]![1], pressure: 0.5, pointerType: 'mouse', shiftKey: false, altKey: false, ctrlKey: false, time: 1 }, context);
    for (const [x, y] of path.slice(1)) brush.move({ x, y, pressure: 0.5, pointerType: 'mouse', shiftKey: false, altKey: false, ctrlKey: false, time: 2 }, context);
    const footprint = rasterizeToMask(brush.preview(context)!.fill!, ROWS, SLICES);
    const last = path[path.length - 1]!;
    brush.up({ x: last[0], y: last[1], pressure: 0.5, pointerType: 'mouse', shiftKey: false, altKey: false, ctrlKey: false, time: 3 }, context);
    expect(brush.status).toBe('changed');
    const want = expectedAfter(allLabelmaps(newDocument(), DISC), 'sagittal', 100, footprint, 'set');
    expect(slicesWith(want).length).toBeGreaterThanOrEqual(10);
    expectSameMasks(allLabelmaps(doc, DISC), want);
    expect(doc.undoLabel).toBe('Brush L4/L5 disc');

    // The same stroke again covers no new voxel: nothing is recorded, and the tool says so.
    const snapshot = doc.snapshot();
    drag(brush, context, path);
    expect(doc.snapshot()).toEqual(snapshot);
    expect(brush.status).toBe('unchanged');
    doc.undo();
    expect(doc.slicesOf(DISC)).toEqual([]);
  });

  it('a locked label is refused by the tool before anything happens', () => {
    const doc = newDocument();
    doc.updateLabel(DISC, { locked: true });
    const context = planeContext(doc, 'coronal', 40);
    const brush = new BrushTool('paint');
    expect(drag(brush, context, [[50, 10], [60, 12]])).toBe(false);
    expect(brush.status).toBe('locked');
  });
});
