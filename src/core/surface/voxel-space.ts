/**
 * Voxel indices ↔ patient (LPS mm) for the 3D view, from each slice's own
 * position: voxel (c, r, k) has its centre at
 * `planes[k].position + c·Δcol·rowCosine + r·Δrow·columnCosine`, so a
 * gantry-tilted stack (slices shifted within their plane) and uneven slice
 * gaps are placed where the scanner put them. Between two slices, and half a
 * voxel beyond the first and the last (where a surface closes), positions are
 * interpolated or extrapolated linearly.
 */
import type { Vec3 } from '../dicom/types.js';
import type { Volume } from '../dicom/volume.js';

/** What placing voxels needs of a volume (no pixel data). */
export interface VoxelSpace {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  /** [Δcol, Δrow, Δslice] mm; Δslice only places a one-slice volume's neighbours. */
  readonly spacing: readonly [number, number, number];
  readonly rowCosine: Vec3;
  readonly columnCosine: Vec3;
  readonly normal: Vec3;
  /** LPS mm of voxel (0, 0, k)'s centre, per slice. */
  readonly positions: readonly Vec3[];
}

export function voxelSpaceOf(volume: Volume): VoxelSpace {
  return {
    columns: volume.columns,
    rows: volume.rows,
    slices: volume.slices,
    spacing: volume.spacing,
    rowCosine: volume.rowCosine,
    columnCosine: volume.columnCosine,
    normal: volume.normal,
    positions: volume.planes.map((p) => p.position),
  };
}

/** Position of voxel (0, 0, k) for any integer k: a slice's own, or extrapolated past either end. */
export function slicePosition(space: VoxelSpace, k: number): Vec3 {
  const { positions, slices } = space;
  if (k >= 0 && k < slices) return positions[k]!;
  const [from, step] = k < 0 ? [0, k] : [slices - 1, k - (slices - 1)];
  const d = sliceStep(space, k < 0 ? 0 : slices - 2);
  const p = positions[from]!;
  return [p[0] + step * d[0], p[1] + step * d[1], p[2] + step * d[2]];
}

/** From slice k to slice k + 1 (the normal times Δslice for a one-slice volume). */
export function sliceStep(space: VoxelSpace, k: number): Vec3 {
  const { positions, slices, normal, spacing } = space;
  if (slices < 2) return [normal[0] * spacing[2], normal[1] * spacing[2], normal[2] * spacing[2]];
  const i = Math.min(slices - 2, Math.max(0, k));
  const a = positions[i]!;
  const b = positions[i + 1]!;
  return [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
}

/** The positions of voxel (0, 0, k) for k = first … first + count − 1, as x, y, z triples. */
export function slicePositions(space: VoxelSpace, first: number, count: number): Float64Array {
  const out = new Float64Array(count * 3);
  for (let i = 0; i < count; i++) out.set(slicePosition(space, first + i), i * 3);
  return out;
}

/** LPS mm of the continuous voxel point (c, r, k); integer indices are voxel centres. */
export function voxelToPatient(space: VoxelSpace, c: number, r: number, k: number): Vec3 {
  const k0 = Math.floor(k);
  const f = k - k0;
  const a = slicePosition(space, k0);
  const b = f === 0 ? a : slicePosition(space, k0 + 1);
  const { rowCosine: u, columnCosine: v } = space;
  const x = c * space.spacing[0];
  const y = r * space.spacing[1];
  return [
    a[0] + f * (b[0] - a[0]) + x * u[0] + y * v[0],
    a[1] + f * (b[1] - a[1]) + x * u[1] + y * v[1],
    a[2] + f * (b[2] - a[2]) + x * u[2] + y * v[2],
  ];
}

/**
 * The continuous voxel point at a patient position: the inverse of
 * `voxelToPatient` (exact for positions that move linearly between
 * neighbouring slices, as every stack does between two of its slices).
 */
export function patientToVoxel(space: VoxelSpace, p: Vec3): { column: number; row: number; slice: number } {
  const { normal, rowCosine: u, columnCosine: v, spacing, positions, slices } = space;
  const along = (q: Vec3): number => q[0] * normal[0] + q[1] * normal[1] + q[2] * normal[2];
  const t = along(p);
  // The pair of slices (k, k + 1) around p along the normal, the end pair beyond either end.
  let k = 0;
  if (slices > 2) {
    const ascending = along(positions[slices - 1]!) >= along(positions[0]!);
    let lo = 0;
    let hi = slices - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const a = along(positions[mid]!);
      if (ascending ? a <= t : a >= t) lo = mid;
      else hi = mid - 1;
    }
    k = lo;
  }
  const a = slicePosition(space, k);
  const b = slicePosition(space, k + 1);
  const ta = along(a);
  const tb = along(b);
  const f = tb === ta ? 0 : (t - ta) / (tb - ta);
  const d: Vec3 = [p[0] - a[0] - f * (b[0] - a[0]), p[1] - a[1] - f * (b[1] - a[1]), p[2] - a[2] - f * (b[2] - a[2])];
  return {
    column: (d[0] * u[0] + d[1] * u[1] + d[2] * u[2]) / spacing[0],
    row: (d[0] * v[0] + d[1] * v[1] + d[2] * v[2]) / spacing[1],
    slice: k + f,
  };
}
