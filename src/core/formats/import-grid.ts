/**
 * Where a NIfTI file's voxels fall on the open series: the voxel-to-voxel map
 * between the file's affine and ours (`niftiSpace`), accepted only when it is
 * a signed permutation of axes with whole-voxel offsets that covers the series
 * exactly — the same voxels stored in another axis order or direction, as
 * dcm2niix, nibabel or TotalSegmentator write them. Anything else is an
 * `import-geometry` error naming the first thing that differs.
 *
 * Every check is a distance in mm between where the file and the series put
 * the same voxel centre, so one tolerance serves them all.
 */
import type { Vec3 } from '../dicom/types.js';
import { orientationLetters } from '../dicom/geometry.js';
import { angleDeg, norm, normalize, sub } from '../math/vec3.js';
import { fmt, fmtVec, geometryError } from './import-common.js';
import { niftiSpace, type Matrix34, type NiftiGeometry } from './nifti-space.js';

/** Our voxel (c, r, k) is the file's element `base + c·step[0] + r·step[1] + k·step[2]` (i fastest). */
export interface VoxelMap {
  readonly base: number;
  readonly step: readonly [number, number, number];
}

type Mat3 = readonly [Vec3, Vec3, Vec3];

/**
 * The map from our voxels to the file's, for a file of `dims` (i, j, k) whose
 * affine (RAS) is `affine`. Throws `import-geometry` when the grids differ.
 */
export function matchGrid(dims: readonly [number, number, number], affine: Matrix34, g: NiftiGeometry, toleranceMm: number, file?: string): VoxelMap {
  const ours = niftiSpace(g).sform;
  const size: Vec3 = [g.columns, g.rows, g.slices];
  const theirAxes = columns(affine);
  const ourAxes = columns(ours);
  // The file's voxel steps in our voxel units: column q is where the file's axis q points in our grid.
  const inverse = invert(linear(ours));
  const steps = theirAxes.map((axis) => apply(inverse, axis)) as unknown as Mat3;

  // Our axis a for each file axis q, and whether it runs the same way.
  const axisOf = [0, 1, 2].map((q) => largest(steps[q]!));
  const signOf = [0, 1, 2].map((q) => Math.sign(steps[q]![axisOf[q]!]!) as 1 | -1);
  const letters = (axes: readonly Vec3[]) => axes.map((d) => orientationLetters(lps(normalize(d))) || '?').join('/');
  if (new Set(axisOf).size !== 3) {
    throw geometryError('orientation', letters(theirAxes), letters(ourAxes), 'the file\'s axes do not line up with the series\' columns, rows and slices', file);
  }
  const qOf = [0, 1, 2].map((a) => axisOf.indexOf(a));
  const matched = (a: number): Vec3 => {
    const q = qOf[a]!;
    return signOf[q] === 1 ? theirAxes[q]! : neg(theirAxes[q]!);
  };

  // Orientation: each matched axis, turned by its angle, moves the far voxel by angle · extent.
  let worst = { a: 0, deg: 0, mm: 0 };
  for (let a = 0; a < 3; a++) {
    const deg = angleDeg(matched(a), ourAxes[a]!);
    const mm = (deg * Math.PI) / 180 * norm(ourAxes[a]!) * (size[a]! - 1);
    if (mm > worst.mm) worst = { a, deg, mm };
  }
  if (worst.mm > toleranceMm) {
    const theirs = `${letters([0, 1, 2].map(matched))}, ${fmt(worst.deg)}° off`;
    throw geometryError('orientation', theirs, letters(ourAxes), `axis ${'crk'[worst.a]} turns ${fmt(worst.deg)}°, moving its far voxel ${fmt(worst.mm)} mm`, file);
  }

  const theirSpacing = [0, 1, 2].map((a) => norm(matched(a)));
  const ourSpacing = [0, 1, 2].map((a) => norm(ourAxes[a]!));
  const spacingOff = [0, 1, 2].map((a) => Math.abs(theirSpacing[a]! - ourSpacing[a]!) * (size[a]! - 1));
  if (spacingOff.some((mm) => mm > toleranceMm)) {
    const a = spacingOff.indexOf(Math.max(...spacingOff));
    const text = (s: number[]) => `${s.map(fmt).join(' × ')} mm`;
    throw geometryError('spacing', text(theirSpacing), text(ourSpacing), `along ${'crk'[a]} the last voxel moves ${fmt(spacingOff[a]!)} mm`, file);
  }

  const theirSize = [0, 1, 2].map((a) => dims[qOf[a]!]!);
  if (theirSize.some((n, a) => n !== size[a])) {
    throw geometryError('size', theirSize.join(' × '), size.join(' × '), 'columns × rows × slices, in the series\' axis order', file);
  }

  // The file's index of our voxel (c, r, k) along its axis q: c, r or k itself, or counted from the far end.
  const theirIndex = (ours: Vec3): Vec3 => {
    const idx: number[] = [];
    for (let q = 0; q < 3; q++) {
      const a = axisOf[q]!;
      idx[q] = signOf[q] === 1 ? ours[a]! : size[a]! - 1 - ours[a]!;
    }
    return idx as unknown as Vec3;
  };
  let far = { distance: 0, corner: [0, 0, 0] as Vec3 };
  for (const c of [0, size[0] - 1]) {
    for (const r of [0, size[1] - 1]) {
      for (const k of [0, size[2] - 1]) {
        const corner: Vec3 = [c, r, k];
        const distance = norm(sub(place(affine, theirIndex(corner)), place(ours, corner)));
        if (distance > far.distance) far = { distance, corner };
      }
    }
  }
  if (far.distance > toleranceMm) {
    const origin = lps(place(affine, theirIndex([0, 0, 0])));
    const detail = `the file puts voxel (${far.corner.join(', ')}) ${fmt(far.distance)} mm from the series' (the first voxel ${fmt(norm(sub(origin, g.planes[0]!.position)))} mm)`;
    throw geometryError('position', fmtVec(origin), fmtVec(g.planes[0]!.position), detail, file);
  }

  const stride = [1, dims[0], dims[0] * dims[1]];
  const start = theirIndex([0, 0, 0]);
  return {
    base: start[0] * stride[0]! + start[1] * stride[1]! + start[2] * stride[2]!,
    step: [0, 1, 2].map((a) => signOf[qOf[a]!]! * stride[qOf[a]!]!) as unknown as [number, number, number],
  };
}

/** RAS ↔ LPS (the same flip both ways). */
function lps(v: Vec3): Vec3 {
  return [-v[0], -v[1], v[2]];
}

function neg(v: Vec3): Vec3 {
  return [-v[0], -v[1], -v[2]];
}

/** The affine's three voxel-step vectors (its first three columns). */
function columns(m: Matrix34): Mat3 {
  return [0, 1, 2].map((q) => [m[0][q]!, m[1][q]!, m[2][q]!]) as unknown as Mat3;
}

/** The affine's 3×3 part, as rows. */
function linear(m: Matrix34): Mat3 {
  return [
    [m[0][0], m[0][1], m[0][2]],
    [m[1][0], m[1][1], m[1][2]],
    [m[2][0], m[2][1], m[2][2]],
  ];
}

function apply(m: Mat3, v: Vec3): Vec3 {
  return [m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2], m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2], m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]];
}

/** World position of voxel index `v` under the affine. */
function place(m: Matrix34, v: Vec3): Vec3 {
  return [0, 1, 2].map((r) => m[r]![0] * v[0] + m[r]![1] * v[1] + m[r]![2] * v[2] + m[r]![3]) as unknown as Vec3;
}

/** Inverse of a 3×3 matrix by cofactors; our sform is never singular (`checkGeometry` guarantees non-zero steps). */
function invert(m: Mat3): Mat3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const s = 1 / det;
  return [
    [(e * i - f * h) * s, (c * h - b * i) * s, (b * f - c * e) * s],
    [(f * g - d * i) * s, (a * i - c * g) * s, (c * d - a * f) * s],
    [(d * h - e * g) * s, (b * g - a * h) * s, (a * e - b * d) * s],
  ];
}

/** Index of the component largest in magnitude. */
function largest(v: Vec3): number {
  const m = v.map(Math.abs);
  return m[0]! >= m[1]! && m[0]! >= m[2]! ? 0 : m[1]! >= m[2]! ? 1 : 2;
}
