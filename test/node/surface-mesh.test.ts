/**
 * The 3D view's meshing, without a browser: a label's voxels cut from a real
 * labelmap (document regions rasterized by LabelmapSlices), its surface net,
 * smoothed and placed in patient space. Checked against the labelmap it came
 * from: a closed, outward surface; bounds within one voxel of the voxels'
 * own; enclosed volume within 3 % of voxel count × voxel volume (exactly it
 * before smoothing); and placed by each slice's position, so a gantry tilt
 * or an oblique series lands where the scanner put it.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import type { Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import { TRIANGLE_BUDGET } from '../../src/core/surface/coarsen.js';
import { cropLabelMask, labelBox, MASK_MARGIN } from '../../src/core/surface/label-mask.js';
import { meshJob, meshLabel, type Bounds3, type LabelSurface } from '../../src/core/surface/label-surface.js';
import { surfaceNet } from '../../src/core/surface/surface-nets.js';
import { patientToVoxel, voxelToPatient, type VoxelSpace } from '../../src/core/surface/voxel-space.js';
import { OPS } from './support/tool-fixture.js';

const SPHERE = 4;
const BOX = 9;

interface Scene {
  doc: AnnotationDocument;
  labelmap: LabelmapSlices;
  space: VoxelSpace;
}

/** A document and labelmap over a `columns × rows × slices` grid placed as `space` says. */
function scene(space: VoxelSpace): Scene {
  const { columns, rows, slices } = space;
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
  const labelmap = new LabelmapSlices(doc, columns, rows, slices);
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  return { doc, labelmap, space };
}

/** An axial stack: 0.7 × 0.7 mm pixels, 2.5 mm slices; `tilt` shifts each slice along the columns' direction (gantry tilt). */
function axialSpace(options: { columns?: number; rows?: number; slices?: number; tiltDeg?: number; rowCosine?: Vec3; columnCosine?: Vec3 } = {}): VoxelSpace {
  const columns = options.columns ?? 96;
  const rows = options.rows ?? 80;
  const slices = options.slices ?? 24;
  const u = options.rowCosine ?? [1, 0, 0];
  const v = options.columnCosine ?? [0, 1, 0];
  const n: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const shift = Math.tan(((options.tiltDeg ?? 0) * Math.PI) / 180) * 2.5;
  const origin: Vec3 = [-30, 12, -100];
  const positions = Array.from({ length: slices }, (_, k): Vec3 => [
    origin[0] + k * (2.5 * n[0] + shift * v[0]),
    origin[1] + k * (2.5 * n[1] + shift * v[1]),
    origin[2] + k * (2.5 * n[2] + shift * v[2]),
  ]);
  return { columns, rows, slices, spacing: [0.7, 0.7, 2.5], rowCosine: u, columnCosine: v, normal: n, positions };
}

function circle(cx: number, cy: number, radius: number, vertices = 256): Region {
  const ring: number[] = [];
  for (let i = 0; i < vertices; i++) {
    const a = (2 * Math.PI * i) / vertices;
    ring.push(cx + radius * Math.cos(a), cy + radius * Math.sin(a));
  }
  return { rings: [ring] };
}

const rect = (x: number, y: number, w: number, h: number): Region => ({ rings: [[x, y, x + w, y, x + w, y + h, x, y + h]] });

/** A ball of `radiusMm` around pixel (cx, cy) of slice kc, one circle per slice (2.5 mm apart, 0.7 mm pixels). */
function drawSphere(s: Scene, cx: number, cy: number, kc: number, radiusMm: number): void {
  for (let k = 0; k < s.space.slices; k++) {
    const z = (k - kc) * 2.5;
    if (Math.abs(z) >= radiusMm) continue;
    s.doc.setRegion(SPHERE, k, circle(cx, cy, Math.sqrt(radiusMm ** 2 - z ** 2) / 0.7), { kind: 'draw' });
  }
}

function surfaceOf(s: Scene, labelId: number, smoothing?: number): { surface: LabelSurface; voxels: number } {
  const box = labelBox(s.doc, labelId, s.space.columns, s.space.rows);
  if (!box) throw new Error(`label ${labelId} has no voxels`);
  const { mask, voxels } = cropLabelMask(labelId, box, (k) => s.labelmap.slice(k), s.space.columns, s.space.rows, s.space.slices);
  return { surface: meshLabel(meshJob(s.space, labelId, box, mask, smoothing)), voxels };
}

/** Set voxels of a label, counted on the labelmap itself. */
function voxelsOf(s: Scene, labelId: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let k = 0; k < s.space.slices; k++) {
    const map = s.labelmap.slice(k);
    for (let i = 0; i < map.length; i++) if (map[i] === labelId) out.push([i % s.space.columns, Math.floor(i / s.space.columns), k]);
  }
  return out;
}

/** LPS bounds of the voxels themselves: every corner of every set voxel. */
function voxelBounds(space: VoxelSpace, voxels: readonly [number, number, number][]): Bounds3 {
  const b: Bounds3 = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (const [c, r, k] of voxels) {
    for (const corner of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const p = voxelToPatient(space, c + (corner & 1 ? 0.5 : -0.5), r + (corner & 2 ? 0.5 : -0.5), k + (corner & 4 ? 0.5 : -0.5));
      for (let axis = 0; axis < 3; axis++) {
        b[2 * axis] = Math.min(b[2 * axis]!, p[axis]!);
        b[2 * axis + 1] = Math.max(b[2 * axis + 1]!, p[axis]!);
      }
    }
  }
  return b;
}

/** How far one voxel reaches along each LPS axis. */
function voxelReach(space: VoxelSpace): Vec3 {
  const a = voxelToPatient(space, 0, 0, 0);
  const dc = voxelToPatient(space, 1, 0, 0);
  const dr = voxelToPatient(space, 0, 1, 0);
  const dk = voxelToPatient(space, 0, 0, 1);
  const reach = (axis: number): number => Math.abs(dc[axis]! - a[axis]!) + Math.abs(dr[axis]! - a[axis]!) + Math.abs(dk[axis]! - a[axis]!);
  return [reach(0), reach(1), reach(2)];
}

/** Volume between neighbouring voxel centres (a sheared stack keeps the gap along the normal). */
function voxelVolume(space: VoxelSpace): number {
  const a = voxelToPatient(space, 0, 0, 0);
  const b = voxelToPatient(space, 0, 0, 1);
  const gap = Math.abs((b[0] - a[0]) * space.normal[0] + (b[1] - a[1]) * space.normal[1] + (b[2] - a[2]) * space.normal[2]);
  return space.spacing[0] * space.spacing[1] * gap;
}

function expectWithinOneVoxel(surface: LabelSurface, space: VoxelSpace, voxels: readonly [number, number, number][]): void {
  const expected = voxelBounds(space, voxels);
  const reach = voxelReach(space);
  for (let i = 0; i < 6; i++) {
    expect(Math.abs(surface.bounds[i]! - expected[i]!), `bound ${i}: ${surface.bounds[i]} vs ${expected[i]}`).toBeLessThanOrEqual(reach[i >> 1]! + 1e-3);
  }
}

/** Every edge a→b of a triangle is matched by b→a of another: closed, and wound one way throughout. */
function unmatchedEdges(surface: LabelSurface): number {
  const edges = new Map<string, number>();
  const { cells } = surface;
  for (let o = 0; o < cells.length; o += 4) {
    const t = [cells[o + 1]!, cells[o + 2]!, cells[o + 3]!];
    for (let e = 0; e < 3; e++) {
      const a = t[e]!;
      const b = t[(e + 1) % 3]!;
      edges.set(`${a},${b}`, (edges.get(`${a},${b}`) ?? 0) + 1);
    }
  }
  let unmatched = 0;
  for (const [key, n] of edges) {
    const [a, b] = key.split(',');
    if ((edges.get(`${b},${a}`) ?? 0) !== n) unmatched++;
  }
  return unmatched;
}

describe('surface of a label: shape and size agree with its labelmap', () => {
  it('a sphere of 12 mm on 0.7 × 0.7 × 2.5 mm voxels: closed, bounds within a voxel, volume within 3 %', () => {
    const s = scene(axialSpace());
    drawSphere(s, 48.3, 40.6, 11.2, 12);
    const voxels = voxelsOf(s, SPHERE);
    const { surface, voxels: counted } = surfaceOf(s, SPHERE);
    expect(counted).toBe(voxels.length);
    expect(voxels.length).toBeGreaterThan(1500);
    expect(surface.triangles).toBeGreaterThan(1000);
    expect(unmatchedEdges(surface)).toBe(0);
    expectWithinOneVoxel(surface, s.space, voxels);
    const expected = voxels.length * voxelVolume(s.space);
    expect(Math.abs(surface.volumeMm3 - expected) / expected).toBeLessThan(0.03);
    // And the ball itself (4/3 π r³), which the pixel-centre voxels approximate.
    expect(Math.abs(surface.volumeMm3 - (4 / 3) * Math.PI * 12 ** 3) / ((4 / 3) * Math.PI * 12 ** 3)).toBeLessThan(0.06);
  });

  it('before smoothing, the surface encloses exactly the voxels: count × voxel volume', () => {
    const s = scene(axialSpace());
    drawSphere(s, 40, 35, 10, 9);
    const voxels = voxelsOf(s, SPHERE);
    const { surface } = surfaceOf(s, SPHERE, 0);
    expect(unmatchedEdges(surface)).toBe(0);
    expect(surface.volumeMm3).toBeCloseTo(voxels.length * voxelVolume(s.space), 1);
    const corners = voxelBounds(s.space, voxels);
    surface.bounds.forEach((b, i) => expect(b).toBeCloseTo(corners[i]!, 3));
  });

  it('a box of 20 × 16 × 6 voxels: bounds within a voxel, volume within 3 %, normals outward', () => {
    const s = scene(axialSpace());
    for (let k = 5; k < 11; k++) s.doc.setRegion(BOX, k, rect(30, 20, 20, 16), { kind: 'draw' });
    const voxels = voxelsOf(s, BOX);
    expect(voxels.length).toBe(20 * 16 * 6);
    const { surface } = surfaceOf(s, BOX);
    expect(unmatchedEdges(surface)).toBe(0);
    expectWithinOneVoxel(surface, s.space, voxels);
    const expected = voxels.length * voxelVolume(s.space);
    expect(Math.abs(surface.volumeMm3 - expected) / expected).toBeLessThan(0.03);
    // The centre of the top face looks up (+z, superior) and its bottom face down.
    const centre = voxelToPatient(s.space, 39.5, 27.5, 7.5);
    const top = nearestPoint(surface, [centre[0], centre[1], surface.bounds[5]]);
    const bottom = nearestPoint(surface, [centre[0], centre[1], surface.bounds[4]]);
    expect(surface.normals[3 * top + 2]).toBeGreaterThan(0.9);
    expect(surface.normals[3 * bottom + 2]).toBeLessThan(-0.9);
  });

  it('two separate pieces of one label make one surface enclosing both', () => {
    const s = scene(axialSpace());
    for (let k = 2; k < 5; k++) s.doc.setRegion(BOX, k, rect(5, 5, 10, 10), { kind: 'draw' });
    for (let k = 15; k < 18; k++) s.doc.setRegion(BOX, k, rect(60, 50, 12, 8), { kind: 'draw' });
    const voxels = voxelsOf(s, BOX);
    const { surface } = surfaceOf(s, BOX, 0);
    expect(unmatchedEdges(surface)).toBe(0);
    expect(surface.volumeMm3).toBeCloseTo(voxels.length * voxelVolume(s.space), 1);
  });
});

describe('large labels are meshed on a coarser grid, within the triangle budget', () => {
  it('a disc 280 pixels across: in blocks of voxels, still closed, its size kept within a block and 3 %', () => {
    const s = scene(axialSpace({ columns: 320, rows: 320, slices: 8 }));
    for (let k = 2; k < 6; k++) s.doc.setRegion(SPHERE, k, circle(160.3, 158.7, 140 - 6 * k), { kind: 'draw' });
    const voxels = voxelsOf(s, SPHERE);
    const { surface } = surfaceOf(s, SPHERE);
    expect(surface.step).toBeGreaterThan(1);
    expect(surface.triangles).toBeLessThanOrEqual(TRIANGLE_BUDGET);
    expect(unmatchedEdges(surface)).toBe(0);
    const expected = voxelBounds(s.space, voxels);
    surface.bounds.forEach((b, i) => expect(Math.abs(b - expected[i]!), `bound ${i}`).toBeLessThanOrEqual(surface.step * (i < 4 ? 0.7 : 2.5)));
    const volume = voxels.length * voxelVolume(s.space);
    expect(Math.abs(surface.volumeMm3 - volume) / volume).toBeLessThan(0.03);
    // At full resolution the same disc has several times the triangles.
    const box = labelBox(s.doc, SPHERE, 320, 320)!;
    const { mask } = cropLabelMask(SPHERE, box, (k) => s.labelmap.slice(k), 320, 320, 8);
    const full = meshLabel({ ...meshJob(s.space, SPHERE, box, mask), budget: Infinity });
    expect(full.step).toBe(1);
    expect(full.triangles).toBeGreaterThan(2.5 * surface.triangles);
  });
});

describe('surface placement follows each slice position', () => {
  it('a 20° gantry tilt: the box leans with the slices; bounds within a voxel, volume kept', () => {
    const tilted = axialSpace({ tiltDeg: 20 });
    const s = scene(tilted);
    for (let k = 4; k < 14; k++) s.doc.setRegion(BOX, k, rect(30, 20, 20, 16), { kind: 'draw' });
    const voxels = voxelsOf(s, BOX);
    const { surface } = surfaceOf(s, BOX);
    expectWithinOneVoxel(surface, tilted, voxels);
    // The tilt moves the top of the box 10 slices × 2.5 mm × tan 20° ≈ 9.1 mm further along +y than its bottom.
    const untilted = scene(axialSpace());
    for (let k = 4; k < 14; k++) untilted.doc.setRegion(BOX, k, rect(30, 20, 20, 16), { kind: 'draw' });
    const straight = surfaceOf(untilted, BOX).surface;
    const lean = 9 * 2.5 * Math.tan((20 * Math.PI) / 180);
    expect(surface.bounds[3] - surface.bounds[2] - (straight.bounds[3] - straight.bounds[2])).toBeCloseTo(lean, 0);
    // Shearing keeps volume: the same voxel count × 0.7 × 0.7 × 2.5 mm.
    const expected = voxels.length * voxelVolume(tilted);
    expect(Math.abs(surface.volumeMm3 - expected) / expected).toBeLessThan(0.03);
    expect(surfaceOf(s, BOX, 0).surface.volumeMm3).toBeCloseTo(expected, 1);
    // Every point of the surface maps back into the box's voxels, give or take one voxel.
    for (let i = 0; i < surface.points.length; i += 3 * 7) {
      const p = patientToVoxel(tilted, [surface.points[i]!, surface.points[i + 1]!, surface.points[i + 2]!]);
      expect(p.column).toBeGreaterThanOrEqual(29 - 1e-3);
      expect(p.column).toBeLessThanOrEqual(50 + 1e-3);
      expect(p.row).toBeGreaterThanOrEqual(19 - 1e-3);
      expect(p.row).toBeLessThanOrEqual(36 + 1e-3);
      expect(p.slice).toBeGreaterThanOrEqual(3 - 1e-3);
      expect(p.slice).toBeLessThanOrEqual(14 + 1e-3);
    }
  });

  it('an oblique series (rows turned 30° about the feet-head axis): bounds within a voxel of the voxels', () => {
    const a = (30 * Math.PI) / 180;
    const space = axialSpace({ rowCosine: [Math.cos(a), Math.sin(a), 0], columnCosine: [-Math.sin(a), Math.cos(a), 0] });
    const s = scene(space);
    drawSphere(s, 50, 38, 12, 10);
    const voxels = voxelsOf(s, SPHERE);
    const { surface } = surfaceOf(s, SPHERE);
    expectWithinOneVoxel(surface, space, voxels);
    const expected = voxels.length * voxelVolume(space);
    expect(Math.abs(surface.volumeMm3 - expected) / expected).toBeLessThan(0.03);
  });

  it('voxel ↔ patient round-trips on a tilted stack, also between and beyond the slices', () => {
    const space = axialSpace({ tiltDeg: 15, slices: 5 });
    for (const [c, r, k] of [[0, 0, 0], [10.25, 3.5, 2.75], [95, 79, 4], [4, 5, -0.5], [4, 5, 4.5]] as const) {
      const v = patientToVoxel(space, voxelToPatient(space, c, r, k));
      expect(v.column).toBeCloseTo(c, 6);
      expect(v.row).toBeCloseTo(r, 6);
      expect(v.slice).toBeCloseTo(k, 6);
    }
  });
});

describe('the label mask and net inputs', () => {
  it('the box has a one-voxel margin, also past the edge of the series', () => {
    const s = scene(axialSpace({ slices: 6 }));
    for (let k = 0; k < 3; k++) s.doc.setRegion(BOX, k, rect(0, 0, 8, 6), { kind: 'draw' });
    const box = labelBox(s.doc, BOX, 96, 80)!;
    // Columns 0–7, rows 0–5, slices 0–2, and at least the margin round them (in-plane the region's
    // pixel box may be a pixel wider, as the labelmap's redraw box is).
    expect(box.column).toBeLessThanOrEqual(-MASK_MARGIN);
    expect(box.row).toBeLessThanOrEqual(-MASK_MARGIN);
    expect(box.column + box.columns).toBeGreaterThanOrEqual(8 + MASK_MARGIN);
    expect(box.row + box.rows).toBeGreaterThanOrEqual(6 + MASK_MARGIN);
    expect([box.slice, box.slices]).toEqual([-MASK_MARGIN, 3 + 2 * MASK_MARGIN]);
    const { mask, voxels } = cropLabelMask(BOX, box, (k) => s.labelmap.slice(k), 96, 80, 6);
    expect(voxels).toBe(8 * 6 * 3);
    expect(mask[0]).toBe(0);
    expect(mask[(1 * box.rows - box.row) * box.columns - box.column]).toBe(1); // voxel (0, 0, 0)
    expect(labelBox(s.doc, SPHERE, 96, 80)).toBeUndefined();
  });

  it('a mask without a background margin is refused, not meshed open', () => {
    const mask = new Uint8Array(27).fill(1);
    expect(() => surfaceNet(mask, [3, 3, 3])).toThrow(RangeError);
  });
});

function nearestPoint(surface: LabelSurface, p: Vec3): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < surface.points.length; i += 3) {
    const d = (surface.points[i]! - p[0]) ** 2 + (surface.points[i + 1]! - p[1]) ** 2 + (surface.points[i + 2]! - p[2]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i / 3;
    }
  }
  return best;
}
