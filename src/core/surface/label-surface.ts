/**
 * A label's surface in patient space, from its cropped mask: the surface net
 * (`surface-nets.ts`), smoothed, placed in LPS mm slice by slice
 * (`voxel-space.ts`), with vertex normals, its bounds and enclosed volume.
 * What the surface worker runs, and what the page runs when workers are
 * refused.
 */
import type { Vec3 } from '../dicom/types.js';
import { boundaryFaces, coarsenMask, inPlaneStep, TRIANGLE_BUDGET } from './coarsen.js';
import type { VoxelBox } from './label-mask.js';
import { relaxNet, surfaceNet, triangulateNet } from './surface-nets.js';
import { slicePositions, type VoxelSpace } from './voxel-space.js';

/** Smoothing passes: enough to round a 2.5 mm slice staircase, few enough for an edit's budget. */
export const SMOOTHING_ITERATIONS = 10;

/** One label to mesh. */
export interface MeshJob {
  labelId: number;
  /** 0/1 per voxel of `box`, column fastest, with background all round (`cropLabelMask`); transferred to the worker. */
  mask: Uint8Array;
  box: VoxelBox;
  /** [Δcol, Δrow] mm. */
  spacing: readonly [number, number];
  rowCosine: Vec3;
  columnCosine: Vec3;
  /** LPS mm of voxel (0, 0, k)'s centre for each slice k of the box, x, y, z each (`slicePositions`). */
  positions: Float64Array;
  smoothing: number;
  /** Triangles the surface may have before the label is meshed on a coarser grid (`coarsen.ts`); default TRIANGLE_BUDGET. */
  budget?: number;
}

/** [xmin, xmax, ymin, ymax, zmin, zmax], LPS mm (the order VTK uses). */
export type Bounds3 = [number, number, number, number, number, number];

/** A label's surface, ready to draw. */
export interface LabelSurface {
  labelId: number;
  /** x, y, z per vertex, LPS mm. */
  points: Float32Array;
  /** Unit outward normal per vertex. */
  normals: Float32Array;
  /**
   * The triangles as `3, a, b, c` each (counter-clockwise seen from
   * outside): the layout of VTK's cell arrays, so the page hands it to
   * vtk.js as it comes.
   */
  cells: Uint32Array;
  triangles: number;
  bounds: Bounds3;
  /** Enclosed volume, mm³. */
  volumeMm3: number;
  /** Voxels per mesh cell along rows and columns: 1, or more for a label too large for the triangle budget. */
  step: number;
}

/** The job for a label's mask cut from a volume laid out as `space`. */
export function meshJob(space: VoxelSpace, labelId: number, box: VoxelBox, mask: Uint8Array, smoothing = SMOOTHING_ITERATIONS): MeshJob {
  return {
    labelId,
    mask,
    box,
    spacing: [space.spacing[0], space.spacing[1]],
    rowCosine: space.rowCosine,
    columnCosine: space.columnCosine,
    positions: slicePositions(space, box.slice, box.slices),
    smoothing,
  };
}

export function meshLabel(job: MeshJob): LabelSurface {
  const { box } = job;
  const dims = [box.columns, box.rows, box.slices] as const;
  const step = inPlaneStep(boundaryFaces(job.mask, dims), job.budget ?? TRIANGLE_BUDGET);
  const coarse = coarsenMask(job.mask, dims, step);
  const net = surfaceNet(coarse.mask, coarse.dims);
  const positions = job.positions;
  const sliceGap = box.slices > 1 ? Math.hypot(positions[3]! - positions[0]!, positions[4]! - positions[1]!, positions[5]! - positions[2]!) : 1;
  relaxNet(net, job.smoothing);
  const triangles = triangulateNet(net, [step * job.spacing[0], step * job.spacing[1], sliceGap]);
  const points = place(net.positions, job, step);
  if (flipsOrientation(job)) {
    for (let t = 0; t < triangles.length; t += 3) {
      const b = triangles[t + 1]!;
      triangles[t + 1] = triangles[t + 2]!;
      triangles[t + 2] = b;
    }
  }
  const cells = new Uint32Array((triangles.length / 3) * 4);
  for (let t = 0, o = 0; t < triangles.length; t += 3, o += 4) {
    cells[o] = 3;
    cells[o + 1] = triangles[t]!;
    cells[o + 2] = triangles[t + 1]!;
    cells[o + 3] = triangles[t + 2]!;
  }
  return {
    labelId: job.labelId,
    points,
    normals: vertexNormals(points, triangles),
    cells,
    triangles: triangles.length / 3,
    bounds: boundsOf(points),
    volumeMm3: enclosedVolume(points, triangles),
    step,
  };
}

/**
 * Net positions to LPS mm, each between the two slices around it. In-plane
 * net coordinates count cells of `step` voxels: x cells lie at box column
 * `x·step − (step − 1)/2` (`coarsenMask`).
 */
function place(net: Float32Array, job: MeshJob, step: number): Float32Array {
  const { box, positions: sp, rowCosine: u, columnCosine: v } = job;
  const [dc, dr] = job.spacing;
  const out = new Float32Array(net.length);
  const last = Math.max(0, box.slices - 2);
  const shift = (step - 1) / 2;
  for (let i = 0; i < net.length; i += 3) {
    const x = (box.column + net[i]! * step - shift) * dc;
    const y = (box.row + net[i + 1]! * step - shift) * dr;
    const z = net[i + 2]!;
    const k = Math.min(last, Math.floor(z));
    const f = z - k;
    const a = 3 * k;
    const b = box.slices > 1 ? a + 3 : a;
    for (let axis = 0; axis < 3; axis++) {
      const base = sp[a + axis]! + f * (sp[b + axis]! - sp[a + axis]!);
      out[i + axis] = base + x * u[axis]! + y * v[axis]!;
    }
  }
  return out;
}

/** True when columns, rows and slices make a left-handed frame: outward normals then need the other winding. */
function flipsOrientation(job: MeshJob): boolean {
  const { rowCosine: u, columnCosine: v, positions: p } = job;
  if (job.box.slices < 2) return false;
  const step = [p[3]! - p[0]!, p[4]! - p[1]!, p[5]! - p[2]!] as const;
  const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]] as const;
  return n[0] * step[0] + n[1] * step[1] + n[2] * step[2] < 0;
}

/** Area-weighted mean of the normals of the triangles around each vertex, made unit length. */
export function vertexNormals(points: Float32Array, triangles: Uint32Array): Float32Array {
  const sum = new Float64Array(points.length);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = 3 * triangles[t]!;
    const b = 3 * triangles[t + 1]!;
    const c = 3 * triangles[t + 2]!;
    const e1x = points[b]! - points[a]!, e1y = points[b + 1]! - points[a + 1]!, e1z = points[b + 2]! - points[a + 2]!;
    const e2x = points[c]! - points[a]!, e2y = points[c + 1]! - points[a + 1]!, e2z = points[c + 2]! - points[a + 2]!;
    // The cross product's length is twice the area: larger triangles weigh more.
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    addTo(sum, a, nx, ny, nz);
    addTo(sum, b, nx, ny, nz);
    addTo(sum, c, nx, ny, nz);
  }
  const out = new Float32Array(points.length);
  for (let i = 0; i < sum.length; i += 3) {
    const length = Math.hypot(sum[i]!, sum[i + 1]!, sum[i + 2]!) || 1;
    out[i] = sum[i]! / length;
    out[i + 1] = sum[i + 1]! / length;
    out[i + 2] = sum[i + 2]! / length;
  }
  return out;
}

function addTo(sum: Float64Array, o: number, x: number, y: number, z: number): void {
  sum[o]! += x;
  sum[o + 1]! += y;
  sum[o + 2]! += z;
}

export function boundsOf(points: Float32Array): Bounds3 {
  const b: Bounds3 = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let axis = 0; axis < 3; axis++) {
      const value = points[i + axis]!;
      if (value < b[2 * axis]!) b[2 * axis] = value;
      if (value > b[2 * axis + 1]!) b[2 * axis + 1] = value;
    }
  }
  return b;
}

/**
 * The volume a closed, outward-wound triangle surface encloses: the sum of
 * the signed volumes of the tetrahedra from a reference point to each
 * triangle (the divergence theorem). Measured from the first vertex, so
 * coordinates far from the origin lose no precision.
 */
export function enclosedVolume(points: Float32Array, triangles: Uint32Array): number {
  if (points.length === 0) return 0;
  const [ox, oy, oz] = [points[0]!, points[1]!, points[2]!];
  let six = 0;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = 3 * triangles[t]!;
    const b = 3 * triangles[t + 1]!;
    const c = 3 * triangles[t + 2]!;
    const ax = points[a]! - ox, ay = points[a + 1]! - oy, az = points[a + 2]! - oz;
    const bx = points[b]! - ox, by = points[b + 1]! - oy, bz = points[b + 2]! - oz;
    const cx = points[c]! - ox, cy = points[c + 1]! - oy, cz = points[c + 2]! - oz;
    six += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
  }
  return six / 6;
}
