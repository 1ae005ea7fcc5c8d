/**
 * Contours drawn on sagittal and coronal views as interpolation keys
 * (interpolate-label.ts, interpolate-planes.ts), on an ellipsoid whose true
 * cross-sections the test computes itself: a sagittal contour fixes the
 * interpolated slices' extents along its column and brings them closer to
 * the truth; a sagittal and a coronal contour alone give a 3D shape.
 */
import { describe, expect, it } from 'vitest';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { fitToPlaneLines, ellipseOfPlaneLines } from '../../src/core/annotation/interpolate-planes.js';
import { interpolateLabel, isPendingInterpolation, isPlaneDrawn, keySlices } from '../../src/core/annotation/interpolate-label.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { PlaneDocument, labelPlaneMask, type EditPlane } from '../../src/core/annotation/plane-edit.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';

const COLUMNS = 96;
const ROWS = 88;
const SLICES = 40;
const GRID = { columns: COLUMNS, rows: ROWS, slices: SLICES };
const N = COLUMNS * ROWS;
const DISC = 4;
const GEOMETRY = { columns: COLUMNS, rows: ROWS, positions: Array.from({ length: SLICES }, (_, k) => k), pixelSpacing: [1, 1] as const };

/** An ellipsoid in voxel units (pixel centres at c + ½, r + ½; slice k at k), centre and semi-axes. */
const BODY = { cx: 47.3, cy: 44.6, cz: 19.4, ax: 24.5, ay: 15.8, az: 14.3 };
/** Column of the sagittal contour and row of the coronal one: through the middle. */
const SAG_COLUMN = 47;
const COR_ROW = 44;

function inside(c: number, r: number, k: number): boolean {
  const x = (c + 0.5 - BODY.cx) / BODY.ax;
  const y = (r + 0.5 - BODY.cy) / BODY.ay;
  const z = (k - BODY.cz) / BODY.az;
  return x * x + y * y + z * z <= 1;
}

function truthSlice(k: number): Uint8Array {
  const m = new Uint8Array(N);
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLUMNS; c++) if (inside(c, r, k)) m[r * COLUMNS + c] = 1;
  return m;
}

/** The ellipsoid on a plane (across × slices, row y = slices − 1 − k), as reformat.ts lays it out. */
function truthPlane(plane: EditPlane, index: number): Uint8Array {
  const across = plane === 'sagittal' ? ROWS : COLUMNS;
  const m = new Uint8Array(across * SLICES);
  for (let k = 0; k < SLICES; k++) {
    for (let x = 0; x < across; x++) {
      const hit = plane === 'sagittal' ? inside(index, x, k) : inside(x, index, k);
      if (hit) m[(SLICES - 1 - k) * across + x] = 1;
    }
  }
  return m;
}

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.3.${k}`), rows: ROWS, columns: COLUMNS, slices: SLICES },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    user: 'ana',
  });
}

/** Draws the ellipsoid's contour on a plane, as a person tracing it exactly would. */
function drawOnPlane(doc: AnnotationDocument, plane: EditPlane, index: number): void {
  const pd = new PlaneDocument(doc, GRID, plane, index);
  pd.setRegion(DISC, index, maskToRegion(truthPlane(plane, index), pd.columns, pd.rows), { kind: 'draw', label: `Freehand on ${plane}` });
}

function mask(doc: AnnotationDocument, k: number): Uint8Array {
  return rasterizeToMask(doc.regionAt(DISC, k), COLUMNS, ROWS);
}

function dice(doc: AnnotationDocument, slices: readonly number[]): number {
  let both = 0;
  let sum = 0;
  for (const k of slices) {
    const got = mask(doc, k);
    const want = truthSlice(k);
    for (let i = 0; i < N; i++) {
      both += got[i]! & want[i]!;
      sum += got[i]! + want[i]!;
    }
  }
  return (2 * both) / sum;
}

/** Rows set on a column of a mask. */
function columnOf(m: Uint8Array, c: number): number[] {
  return Array.from({ length: ROWS }, (_, r) => m[r * COLUMNS + c]!);
}

const KEYS = [12, 27];
const BETWEEN = Array.from({ length: KEYS[1]! - KEYS[0]! - 1 }, (_, i) => KEYS[0]! + 1 + i);
const TRUTH_SLICES = Array.from({ length: SLICES }, (_, k) => k).filter((k) => truthSlice(k).some((v) => v));

describe('interpolation with a sagittal contour between two axial keys', () => {
  function withKeys(): AnnotationDocument {
    const doc = newDocument();
    for (const k of KEYS) doc.setRegion(DISC, k, maskToRegion(truthSlice(k), COLUMNS, ROWS), { kind: 'draw' });
    return doc;
  }

  it("fits the interpolated slices to the contour's extent on its column, and they are closer to the truth", () => {
    const plain = withKeys();
    const withSagittal = withKeys();
    drawOnPlane(withSagittal, 'sagittal', SAG_COLUMN);
    // The contour crossed every slice of the ellipsoid; the axial keys stay keys, the others are plane-drawn.
    expect(withSagittal.slicesOf(DISC)).toEqual(TRUTH_SLICES);
    expect(keySlices(withSagittal, DISC)).toEqual(KEYS);
    for (const k of BETWEEN) expect(isPlaneDrawn(withSagittal, DISC, k)).toBe(true);

    const a = interpolateLabel(plain, DISC, GEOMETRY);
    const b = interpolateLabel(withSagittal, DISC, GEOMETRY);
    expect(a.filled).toEqual(BETWEEN);
    expect(b.filled).toEqual(BETWEEN);
    expect(b.fromPlanes).toEqual(BETWEEN);
    const truthColumn = truthPlane('sagittal', SAG_COLUMN);
    for (const k of BETWEEN) {
      const want = Array.from({ length: ROWS }, (_, r) => truthColumn[(SLICES - 1 - k) * ROWS + r]!);
      expect(columnOf(mask(withSagittal, k), SAG_COLUMN), `column ${SAG_COLUMN} of slice ${k}`).toEqual(want);
      expect(isPendingInterpolation(withSagittal, DISC, k)).toBe(true);
    }
    const without = dice(plain, BETWEEN);
    const withIt = dice(withSagittal, BETWEEN);
    console.log(`ellipsoid between axial keys ${KEYS.join(', ')}: Dice ${without.toFixed(4)} from the keys, ${withIt.toFixed(4)} with a sagittal contour`);
    expect(withIt).toBeGreaterThan(without + 0.02);
  });

  it('keeps the drawn voxels, is one undo step, and gives the same shapes when run again', () => {
    const doc = withKeys();
    drawOnPlane(doc, 'sagittal', SAG_COLUMN);
    const drawnPlane = labelPlaneMask(doc, GRID, 'sagittal', SAG_COLUMN, DISC);
    const before = doc.snapshot();
    const first = interpolateLabel(doc, DISC, GEOMETRY);
    expect(doc.undoLabel).toBe('Interpolate L4/L5 disc');
    expect([...labelPlaneMask(doc, GRID, 'sagittal', SAG_COLUMN, DISC)]).toEqual([...drawnPlane]);
    for (const k of first.fromPlanes) {
      expect(doc.flagsAt(DISC, k)).toEqual({ origin: 'interpolated', verified: false });
      expect(doc.metaAt(DISC, k)?.provenance).toEqual({ by: 'ana', drawnOn: [{ plane: 'sagittal', index: SAG_COLUMN }] });
    }
    const after = doc.snapshot();
    // Again: the pending slices are not keys, their drawn lines still shape them.
    const second = interpolateLabel(doc, DISC, GEOMETRY);
    expect(second.keys).toEqual(KEYS);
    expect(second.fromPlanes).toEqual(first.fromPlanes);
    expect(doc.snapshot().regions).toEqual(after.regions);
    doc.undo();
    expect(doc.snapshot()).toEqual(before);
  });

  it('an axial edit makes a plane-drawn slice an axial key', () => {
    const doc = withKeys();
    drawOnPlane(doc, 'sagittal', SAG_COLUMN);
    doc.setRegion(DISC, 20, maskToRegion(truthSlice(20), COLUMNS, ROWS), { kind: 'draw' });
    expect(keySlices(doc, DISC)).toEqual([12, 20, 27]);
    const result = interpolateLabel(doc, DISC, GEOMETRY);
    expect(result.filled).not.toContain(20);
  });
});

describe('interpolation from a sagittal and a coronal contour alone', () => {
  it('fills every slice both contours cross with the ellipse of their extents: a 3D shape', () => {
    const doc = newDocument();
    drawOnPlane(doc, 'sagittal', SAG_COLUMN);
    drawOnPlane(doc, 'coronal', COR_ROW);
    expect(keySlices(doc, DISC)).toEqual([]);
    const result = interpolateLabel(doc, DISC, GEOMETRY);
    expect(result.keys).toEqual([]);
    expect(result.filled).toEqual(TRUTH_SLICES);
    expect(result.fromPlanes).toEqual(TRUTH_SLICES);
    const d = dice(doc, TRUTH_SLICES);
    const middle = dice(doc, [19, 20]);
    console.log(`ellipsoid from one sagittal and one coronal contour: Dice ${d.toFixed(4)} over ${TRUTH_SLICES.length} slices, ${middle.toFixed(4)} in the middle`);
    expect(d).toBeGreaterThanOrEqual(0.85);
    expect(middle).toBeGreaterThanOrEqual(0.95);
    // Both contours are still exactly as drawn.
    expect([...labelPlaneMask(doc, GRID, 'sagittal', SAG_COLUMN, DISC)]).toEqual([...truthPlane('sagittal', SAG_COLUMN)]);
    expect([...labelPlaneMask(doc, GRID, 'coronal', COR_ROW, DISC)]).toEqual([...truthPlane('coronal', COR_ROW)]);
  });

  it('a slice crossed by one view only, with fewer than two axial keys, is left as drawn', () => {
    const doc = newDocument();
    drawOnPlane(doc, 'sagittal', SAG_COLUMN);
    const before = doc.snapshot();
    const result = interpolateLabel(doc, DISC, GEOMETRY);
    expect(result.filled).toEqual([]);
    expect(doc.snapshot()).toEqual(before);
    expect(doc.canUndo).toBe(true);
    expect(doc.undoLabel).toBe('Freehand on sagittal');
  });
});

describe('fitting a shape to drawn lines (interpolate-planes.ts)', () => {
  const W = 20;
  const H = 16;
  const rect = (c0: number, r0: number, c1: number, r1: number) => {
    const m = new Uint8Array(W * H);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) m[r * W + c] = 1;
    return m;
  };

  it('stretches along rows onto the drawn interval of a sagittal line, the same for every column', () => {
    // A 6 × 4 block on rows 5..8; drawn on column 9: rows 2..9 (twice the height, moved up).
    const shape = rect(6, 5, 11, 8);
    const slice = new Uint8Array(W * H);
    for (let r = 2; r <= 9; r++) slice[r * W + 9] = 1;
    const out = fitToPlaneLines(shape, slice, [{ plane: 'sagittal', index: 9 }], W, H);
    // Rows [5, 9) map onto [2, 10): the block becomes columns 6..11 × rows 2..9.
    expect([...out]).toEqual([...rect(6, 2, 11, 9)]);
  });

  it('stretches along columns for a coronal line, and the drawn line is exact even with a gap', () => {
    const shape = rect(6, 5, 11, 8);
    const slice = new Uint8Array(W * H);
    for (const c of [3, 4, 5, 6, 7, 10, 11, 12, 13, 14]) slice[6 * W + c] = 1;
    const out = fitToPlaneLines(shape, slice, [{ plane: 'coronal', index: 6 }], W, H);
    const want = rect(3, 5, 14, 8);
    for (const c of [8, 9]) want[6 * W + c] = 0;
    expect([...out]).toEqual([...want]);
  });

  it('the ellipse passes through the four ends of the drawn extents', () => {
    const W2 = 40;
    const H2 = 30;
    // Sagittal line on column 12: rows 6..21; coronal line on row 15: columns 3..30 (lines off-centre).
    const slice = new Uint8Array(W2 * H2);
    for (let r = 6; r <= 21; r++) slice[r * W2 + 12] = 1;
    for (let c = 3; c <= 30; c++) slice[15 * W2 + c] = 1;
    const out = ellipseOfPlaneLines(slice, [{ plane: 'sagittal', index: 12 }, { plane: 'coronal', index: 15 }], W2, H2)!;
    const rowsOn12 = Array.from({ length: H2 }, (_, r) => r).filter((r) => out[r * W2 + 12]);
    const colsOn15 = Array.from({ length: W2 }, (_, c) => c).filter((c) => out[15 * W2 + c]);
    expect([rowsOn12[0], rowsOn12[rowsOn12.length - 1]]).toEqual([6, 21]);
    expect([colsOn15[0], colsOn15[colsOn15.length - 1]]).toEqual([3, 30]);
    // Symmetric about the intervals' midpoints (17 and 14): column 12 and column 21 hold the same rows.
    const rowsOn21 = Array.from({ length: H2 }, (_, r) => r).filter((r) => out[r * W2 + 21]);
    expect(rowsOn21).toEqual(rowsOn12);
    // Independent check of one point: (c, r) = (8, 9) satisfies p·dx² + q·dy² ≤ 1 for the ellipse through the ends.
    const A = 14, B = 8, u = 12.5 - 17, v = 15.5 - 14;
    const det = A * A * B * B - u * u * v * v;
    const p = (B * B - v * v) / det, q = (A * A - u * u) / det;
    for (const [c, r] of [[8, 9], [5, 10], [25, 20], [17, 7]] as const) {
      expect(out[r * W2 + c], `(${c}, ${r})`).toBe(p * (c + 0.5 - 17) ** 2 + q * (r + 0.5 - 14) ** 2 <= 1 ? 1 : 0);
    }
    expect(ellipseOfPlaneLines(slice, [{ plane: 'sagittal', index: 12 }], W2, H2)).toBeUndefined();
  });
});
