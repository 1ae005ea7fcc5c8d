/**
 * The regular grid of an irregular stack (issue 16), on small synthetic
 * stacks: the grid rule, linear CT data reproduced exactly (to int16
 * rounding), regular stacks mapped onto themselves voxel for voxel, and
 * labels resampled shape-based without losing a labelled slice.
 */
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src/core/dicom/types.js';
import { LabelResampler, resampleCtSlice, resampleGrid, type ResampleGrid } from '../../src/core/formats/resample.js';
import { gridMisplacements, niftiSpace, qformMatrix, type NiftiGeometry } from '../../src/core/formats/nifti-space.js';

const COLS = 24;
const ROWS = 20;

function stack(u: Vec3, v: Vec3, positions: Vec3[], spacing: [number, number, number]): NiftiGeometry {
  return { columns: COLS, rows: ROWS, slices: positions.length, spacing, rowCosine: u, columnCosine: v, planes: positions.map((position) => ({ position })) };
}

const deg = Math.PI / 180;
const TILT = 18.5 * deg;
/** As scanners write a tilt: the image plane tilted about x, the table stepping along z. */
const tilted = (sign: number) => stack([1, 0, 0], [0, Math.cos(sign * TILT), -Math.sin(sign * TILT)], [0, 1, 2, 3, 4, 5].map((k) => [-12, -9, 40 + 3 * k] as Vec3), [1, 1.5, 3]);
const uneven = stack([1, 0, 0], [0, 1, 0], [0, 4, 8, 15, 22].map((z) => [3, -2, z] as Vec3), [0.5, 0.5, 4]);
const regular = stack([1, 0, 0], [0, 1, 0], [0, 1, 2, 3].map((k) => [3, -2, 10 + 2.5 * k] as Vec3), [0.8, 0.8, 2.5]);

/** World (LPS) position of voxel (i, j, k) of a geometry: its plane's position plus the in-plane steps. */
function world(g: NiftiGeometry, i: number, j: number, k: number): Vec3 {
  const p = g.planes[k]!.position;
  return [0, 1, 2].map((a) => p[a]! + i * g.spacing[0] * g.rowCosine[a]! + j * g.spacing[1] * g.columnCosine[a]!) as unknown as Vec3;
}

/** Continuous acquired indices (column, row, slice) of a world point, for a stack whose planes step evenly (tilted, regular). */
function acquiredIndex(g: NiftiGeometry, x: Vec3): Vec3 {
  const step = [0, 1, 2].map((a) => g.planes[1]!.position[a]! - g.planes[0]!.position[a]!);
  const m = [0, 1, 2].map((a) => [g.spacing[0] * g.rowCosine[a]!, g.spacing[1] * g.columnCosine[a]!, step[a]!]);
  const d = [0, 1, 2].map((a) => x[a]! - g.planes[0]!.position[a]!);
  return solve3(m, d);
}

function solve3(m: number[][], d: number[]): Vec3 {
  const det = (a: number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const D = det(m);
  return [0, 1, 2].map((c) => det(m.map((row, r) => row.map((x, cc) => (cc === c ? d[r]! : x)))) / D) as unknown as Vec3;
}

/** CT slices of a field given in acquired indices. */
function slicesOf(g: NiftiGeometry, f: (c: number, r: number, k: number) => number): Int16Array[] {
  return Array.from({ length: g.slices }, (_, k) => Int16Array.from({ length: COLS * ROWS }, (_, p) => f(p % COLS, Math.floor(p / COLS), k)));
}

function allCt(grid: ResampleGrid, ct: Int16Array[], padding = -1024): Int16Array[] {
  return Array.from({ length: grid.geometry.slices }, (_, t) => resampleCtSlice(grid, t, (k) => ct[k]!, padding));
}

describe('the regular grid', () => {
  it('a regular stack is its own grid: same planes, the CT voxel for voxel, the labels exactly', () => {
    const grid = resampleGrid(regular);
    expect(grid.rule).toBe('even');
    expect(grid.geometry.slices).toBe(4);
    for (let k = 0; k < 4; k++) {
      for (let a = 0; a < 3; a++) expect(grid.geometry.planes[k]!.position[a]).toBeCloseTo(regular.planes[k]!.position[a]!, 9);
    }
    const ct = slicesOf(regular, (c, r, k) => (c * 7 + r * 13 + k * 101) % 2000 - 1000);
    expect(allCt(grid, ct)).toEqual(ct);
    const labels = ct.map((s) => Uint8Array.from(s, (x) => (x > 500 ? 2 : x > 0 ? 1 : 0)));
    const resampler = new LabelResampler(grid, (k) => labels[k]);
    for (let t = 0; t < 4; t++) expect(resampler.slice(t) ?? new Uint8Array(COLS * ROWS)).toEqual(labels[t]);
    expect(gridMisplacements(regular)).toEqual([]);
  });

  it('uneven steps 4, 4, 7, 7 mm: a 4 mm grid from the first plane past the last, and the misplacement named', () => {
    const grid = resampleGrid(uneven);
    expect(grid.rule).toBe('smallest-step');
    expect(grid.step).toBeCloseTo(4, 12);
    // 0, 4 … 24 mm: the last target plane is 2 mm past the last acquired one, within half its 7 mm step.
    expect(grid.geometry.slices).toBe(7);
    expect(Array.from(grid.lower)).toEqual([0, 1, 2, 2, 3, 3, 4]);
    // 12, 16 and 20 mm lie between acquired planes (8–15, 15–22, 15–22).
    expect(Array.from(grid.upper)).toEqual([0, 1, 2, 3, 4, 4, 4]);
    expect(Array.from(grid.weight)).toEqual([0, 0, 0, 4 / 7, 1 / 7, 5 / 7, 0].map((w) => expect.closeTo(w, 12)));
    const [m] = gridMisplacements(uneven);
    expect(m).toMatchObject({ code: 'non-uniform-spacing', halfVoxelMm: 2.75 });
    expect(m!.errorMm).toBeCloseTo(3, 9); // slice 2 is at 8 mm, the even 5.5 mm step puts it at 11
  });

  it('uneven steps: a linear field is reproduced exactly', () => {
    const grid = resampleGrid(uneven);
    // 3 HU per column, 5 per row, 10 per mm along z: integers on both grids.
    const ct = uneven.planes.map((p) => Int16Array.from({ length: COLS * ROWS }, (_, q) => 3 * (q % COLS) + 5 * Math.floor(q / COLS) + 10 * p.position[2]));
    const out = allCt(grid, ct);
    for (let t = 0; t < 6; t++) {
      for (let q = 0; q < COLS * ROWS; q++) expect(out[t]![q]).toBe(3 * (q % COLS) + 5 * Math.floor(q / COLS) + 10 * 4 * t);
    }
    // Past the last plane (24 mm, 2 mm beyond it): the last slice.
    expect(out[6]).toEqual(ct[4]);
  });

  for (const sign of [1, -1]) {
    it(`a ${sign * 18.5}° tilt: orthogonal planes along the normal, sform = qform, and a linear field reproduced to int16 rounding`, () => {
      const g = tilted(sign);
      const grid = resampleGrid(g);
      expect(grid.rule).toBe('even');
      const step = 3 * Math.cos(TILT);
      expect(grid.step).toBeCloseTo(step, 9);
      expect(grid.geometry.slices).toBe(6);
      const space = niftiSpace(grid.geometry);
      const q = qformMatrix(space.qform);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(Math.abs(space.sform[r]![c]! - q[r]![c]!)).toBeLessThan(1e-5);
      expect(gridMisplacements(g).map((m) => m.code)).toEqual(['gantry-tilt']);
      // Acquired slices are shifted along v by 3 sin 18.5° mm each, 0.634 rows: the grid holds them all, 20 + ⌈5 × 0.634⌉ rows.
      const shifts = Array.from(grid.shiftRow);
      for (let k = 1; k < 6; k++) expect(shifts[k]! - shifts[k - 1]!).toBeCloseTo((sign * 3 * Math.sin(TILT)) / 1.5, 9);
      expect(Math.max(...shifts)).toBe(0);
      expect([grid.geometry.columns, grid.geometry.rows]).toEqual([COLS, ROWS + 4]);
      const f = (c: number, r: number, k: number) => 2 * c + 3 * r + 50 * k - 300;
      const out = allCt(grid, slicesOf(g, f));
      let checked = 0;
      for (let t = 0; t < grid.geometry.slices; t++) {
        for (let j = 0; j < ROWS; j++) {
          for (let i = 0; i < COLS; i++) {
            const [c, r, k] = acquiredIndex(g, world(grid.geometry, i, j, t));
            // Interior: both feet inside their slices' pixel centres.
            const reach = Math.abs(shifts[1]! - shifts[0]!);
            if (!(r >= reach && r <= ROWS - 1 - reach && c >= 0 && c <= COLS - 1 && k >= 0 && k <= 5)) continue;
            expect(Math.abs(out[t]![j * COLS + i]! - f(c, r, k)), `voxel ${i} ${j} ${t}`).toBeLessThanOrEqual(0.5 + 1e-9);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(1500);
      // Every acquired pixel is on the grid: the far rows of the end slices too (padding only where no slice reaches).
      expect(out[0]!.some((x) => x === -1024)).toBe(true);
      expect(out[5]!.some((x) => x === -1024)).toBe(true);
    });
  }
});

describe('labels on the regular grid', () => {
  /** A disc of radius `radius` pixels about (cx, cy). */
  const disc = (cx: number, cy: number, radius: number, id = 1) =>
    Uint8Array.from({ length: COLS * ROWS }, (_, p) => (Math.hypot((p % COLS) - cx, Math.floor(p / COLS) - cy) <= radius ? id : 0));
  const count = (s: Uint8Array | undefined, id = 1) => (s ? s.reduce((n, x) => n + (x === id ? 1 : 0), 0) : 0);

  it('uneven steps: shapes on the acquired planes kept, the one between a blend, and a label on one plane reaches half-way', () => {
    const grid = resampleGrid(uneven);
    // Label 1 on acquired slices 2 (8 mm) and 3 (15 mm), radius 3 and 6; label 2 only on slice 0.
    const labels = [disc(5, 5, 2, 2), undefined, disc(12, 10, 3), disc(12, 10, 6), undefined];
    const r = new LabelResampler(grid, (k) => labels[k]);
    const out = Array.from({ length: grid.geometry.slices }, (_, t) => r.slice(t));
    expect(out[0]).toEqual(labels[0]);
    // 4 mm: 4/4 of the way to slice 1, which has no label 2: gone (it reached 2 mm).
    expect(out[1]).toBeUndefined();
    expect(out[2]).toEqual(labels[2]);
    // 12 mm: 4/7 of the way from radius 3 to 6: about radius 4.7.
    const mid = count(out[3]);
    expect(mid).toBeGreaterThan(count(labels[2]));
    expect(mid).toBeLessThan(count(labels[3]));
    expect(mid).toBeCloseTo(Math.PI * 4.7 ** 2, -1);
    // 16 mm: 1/7 of the way from slice 3 to the empty slice 4: slice 3's shape.
    expect(out[4]).toEqual(labels[3]);
    // 20 mm: 5/7 of the way from slice 3 to the empty slice 4, past half-way: no label.
    expect(out[5]).toBeUndefined();
  });

  it('a label on one plane only is kept by the nearest target plane', () => {
    const grid = resampleGrid(stack([1, 0, 0], [0, 1, 0], [0, 3, 7, 10].map((z) => [0, 0, z] as Vec3), [1, 1, 3]));
    // Step 3: planes 0, 3, 6, 9 (and 12? no: 10 is within 3 of 9); the label on the 7 mm plane only.
    const labels = [undefined, undefined, disc(10, 10, 4), undefined];
    const r = new LabelResampler(grid, (k) => labels[k]);
    const out = Array.from({ length: grid.geometry.slices }, (_, t) => r.slice(t));
    expect(out.map((s) => count(s) > 0)).toEqual(grid.geometry.planes.map((p) => Math.abs(p.position[2] - 7) < 2));
    expect(out.some((s) => count(s) === count(labels[2]))).toBe(true);
  });

  it('a tilt: the label volume is kept within a few per cent', () => {
    const g = tilted(1);
    const grid = resampleGrid(g);
    // A ball of radius 6 mm about a world point, drawn on each acquired slice at its pixel centres.
    const centre: Vec3 = [0, -2, 47.5];
    const labels = Array.from({ length: g.slices }, (_, k) =>
      Uint8Array.from({ length: COLS * ROWS }, (_, p) => {
        const x = world(g, p % COLS, Math.floor(p / COLS), k);
        return Math.hypot(x[0] - centre[0], x[1] - centre[1], x[2] - centre[2]) <= 6 ? 1 : 0;
      }),
    );
    const r = new LabelResampler(grid, (k) => labels[k]);
    const voxel = 1 * 1.5;
    const acquired = labels.reduce((n, s) => n + count(s), 0) * voxel * 3 * Math.cos(TILT);
    const resampled = Array.from({ length: grid.geometry.slices }, (_, t) => count(r.slice(t))).reduce((a, b) => a + b, 0) * voxel * grid.step;
    expect(Math.abs(resampled / acquired - 1)).toBeLessThan(0.05);
    expect(Math.abs(resampled / ((4 / 3) * Math.PI * 6 ** 3) - 1)).toBeLessThan(0.12);
  });
});
