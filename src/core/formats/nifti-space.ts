/**
 * Where NIfTI voxels lie: the sform and qform of an exported stack, built from
 * the DICOM geometry (ARCHITECTURE "Coordinates"), and the findings an export
 * checklist shows when the stack is not a plain rotated box.
 *
 * Voxel (i, j, k) is column i, row j of slice k in our sorted order; its centre
 * sits at integer indices, so (0, 0, 0) is the first plane's position. NIfTI
 * world space is RAS: LPS with x and y negated.
 */
import type { Vec3 } from '../dicom/types.js';
import { angleDeg, cross, dot, norm, normalize, scale, sub } from '../math/vec3.js';

/** What the export needs of a stack; a `Volume` fits as it is. */
export interface NiftiGeometry {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  /** [Δcol, Δrow, Δslice] mm; Δslice is used only for a single slice. */
  readonly spacing: readonly [number, number, number];
  /** Unit direction of increasing column, LPS. */
  readonly rowCosine: Vec3;
  /** Unit direction of increasing row, LPS. */
  readonly columnCosine: Vec3;
  /** One per slice in sorted order: the centre of its first pixel, LPS mm. */
  readonly planes: readonly { readonly position: Vec3 }[];
}

export type Matrix34Row = readonly [number, number, number, number];
/** A 3×4 affine, row-major: world = M · [i, j, k, 1]. */
export type Matrix34 = readonly [Matrix34Row, Matrix34Row, Matrix34Row];

/** NIfTI's quaternion form: a rotation, voxel sizes and an offset, nothing more. */
export interface NiftiQform {
  /** (b, c, d) of the rotation quaternion; a = √(1 − b² − c² − d²) ≥ 0. */
  readonly quaternion: Vec3;
  /** RAS mm of voxel (0, 0, 0). */
  readonly offset: Vec3;
  /** −1 when the k axis runs against i × j (pixdim[0]). */
  readonly qfac: 1 | -1;
  /** pixdim[1..3]: voxel size along i, j, k in mm. */
  readonly pixdim: Vec3;
}

export interface NiftiSpace {
  readonly sform: Matrix34;
  /** As stored: the quaternion rounded to float32. */
  readonly qform: NiftiQform;
  /** The same before rounding, to measure what the rounding costs. */
  readonly qformExact: NiftiQform;
}

function toRas(v: Vec3): Vec3 {
  return [-v[0], -v[1], v[2]];
}

function sliceNormal(g: NiftiGeometry): Vec3 {
  return normalize(cross(g.rowCosine, g.columnCosine));
}

/**
 * The step from one slice to the next, LPS mm: the first-to-last span divided
 * evenly, so a sheared (gantry-tilt) stack keeps its shear; the normal times
 * Δslice when there is one slice.
 */
function sliceStep(g: NiftiGeometry): Vec3 {
  checkGeometry(g);
  const n = g.slices;
  if (n === 1) return scale(sliceNormal(g), g.spacing[2]);
  const step = scale(sub(g.planes[n - 1]!.position, g.planes[0]!.position), 1 / (n - 1));
  if (norm(step) === 0) throw new RangeError('the first and last slices are at the same position');
  return step;
}

/**
 * The sform (exact, shear included) and the qform (the closest rotation and
 * zooms: columns and rows as in the sform, slices stacked along the plane
 * normal at the mean distance between planes — a sheared stack is placed
 * unsheared, see `niftiFindings`).
 */
export function niftiSpace(g: NiftiGeometry): NiftiSpace {
  const [dCol, dRow] = g.spacing;
  const u = toRas(g.rowCosine);
  const v = toRas(g.columnCosine);
  const d = toRas(sliceStep(g));
  const p = toRas(g.planes[0]!.position);
  const sform: Matrix34 = [
    [u[0] * dCol, v[0] * dRow, d[0], p[0]],
    [u[1] * dCol, v[1] * dRow, d[1], p[1]],
    [u[2] * dCol, v[2] * dRow, d[2], p[2]],
  ];
  // DICOM cosines carry ~6 digits: make the frame exactly orthonormal before taking its quaternion.
  const e1 = normalize(u);
  const e2 = normalize(sub(v, scale(e1, dot(v, e1))));
  const e3 = cross(e1, e2);
  const along = dot(d, e3);
  const q = quaternionOf(e1, e2, e3);
  const qformExact: NiftiQform = {
    quaternion: [q[1], q[2], q[3]],
    offset: p,
    qfac: along < 0 ? -1 : 1,
    pixdim: [dCol, dRow, Math.abs(along)],
  };
  return { sform, qform: { ...qformExact, quaternion: float32Quaternion(q) }, qformExact };
}

/**
 * The unit quaternion (a, b, c, d), a ≥ 0, of the proper rotation whose
 * columns are e1, e2, e3 (NIfTI-1's convention). The branch on the largest
 * component keeps the division well away from zero.
 */
function quaternionOf(e1: Vec3, e2: Vec3, e3: Vec3): readonly [number, number, number, number] {
  const [r11, r21, r31] = e1;
  const [r12, r22, r32] = e2;
  const [r13, r23, r33] = e3;
  const trace = r11 + r22 + r33;
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  if (trace > 0) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (r32 - r23) / (4 * a);
    c = (r13 - r31) / (4 * a);
    d = (r21 - r12) / (4 * a);
  } else if (r11 >= r22 && r11 >= r33) {
    b = 0.5 * Math.sqrt(1 + r11 - r22 - r33);
    a = (r32 - r23) / (4 * b);
    c = (r12 + r21) / (4 * b);
    d = (r13 + r31) / (4 * b);
  } else if (r22 >= r33) {
    c = 0.5 * Math.sqrt(1 - r11 + r22 - r33);
    a = (r13 - r31) / (4 * c);
    b = (r12 + r21) / (4 * c);
    d = (r23 + r32) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(1 - r11 - r22 + r33);
    a = (r21 - r12) / (4 * d);
    b = (r13 + r31) / (4 * d);
    c = (r23 + r32) / (4 * d);
  }
  // q and −q are the same rotation; NIfTI stores the one with a ≥ 0.
  return a < 0 ? [-a, -b, -c, -d] : [a, b, c, d];
}

/**
 * (b, c, d) as float32 values that give back `a` best. Readers recompute
 * a = √(1 − b² − c² − d²), so near a half turn — every axial or slightly
 * oblique scan, since LPS → RAS is a half turn about z — plain rounding of
 * b, c, d leaves 1 − b² − c² − d² at ~1e-8 instead of 0, and a ≈ 1e-4 tilts
 * the qform by ~0.1 mm across 512 voxels. Each component is tried at its
 * rounding and the float32 values on either side, and the best triple kept.
 */
function float32Quaternion([a, b, c, d]: readonly [number, number, number, number]): Vec3 {
  let best: Vec3 = [Math.fround(b), Math.fround(c), Math.fround(d)];
  let bestError = Infinity;
  for (const fb of float32Around(b)) {
    for (const fc of float32Around(c)) {
      for (const fd of float32Around(d)) {
        const error = Math.abs(Math.sqrt(Math.max(0, 1 - fb * fb - fc * fc - fd * fd)) - a);
        if (error < bestError) [best, bestError] = [[fb, fc, fd], error];
      }
    }
  }
  return best;
}

/** x rounded to float32, and the float32 values just below and above that (by bit pattern). */
function float32Around(x: number): number[] {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  if ((bits[0]! & 0x7fffffff) === 0) return [0];
  const pattern = bits[0]!;
  const rounded = f[0]!;
  bits[0] = pattern + 1;
  const away = f[0]!;
  bits[0] = pattern - 1;
  return [rounded, away, f[0]!];
}

/** The qform as a matrix, as NIfTI-1 readers compute it ("method 2"). */
export function qformMatrix(q: NiftiQform): Matrix34 {
  const [b, c, d] = q.quaternion;
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const [sx, sy, sz0] = q.pixdim;
  const sz = sz0 * q.qfac;
  const [ox, oy, oz] = q.offset;
  return [
    [(a * a + b * b - c * c - d * d) * sx, 2 * (b * c - a * d) * sy, 2 * (b * d + a * c) * sz, ox],
    [2 * (b * c + a * d) * sx, (a * a + c * c - b * b - d * d) * sy, 2 * (c * d - a * b) * sz, oy],
    [2 * (b * d - a * c) * sx, 2 * (c * d + a * b) * sy, (a * a + d * d - c * c - b * b) * sz, oz],
  ];
}

export type NiftiFindingCode = 'non-uniform-spacing' | 'gantry-tilt' | 'single-slice' | 'qform-precision';

/** What the export does about a finding. */
export type NiftiHandling =
  /** Slices are written at an even step from the first to the last position. */
  | 'even-step-first-to-last'
  /** The sform carries the shear exactly; the qform places slices unsheared. */
  | 'shear-in-sform-only'
  /** The slice step is the series' slice spacing, which one slice cannot confirm. */
  | 'series-spacing-assumed'
  /** The sform is exact; the qform's rotation is the nearest a float32 quaternion holds. */
  | 'qform-nearest-float32'
  /** Written on a regular, orthogonal grid (`resample.ts`): sform and qform are the same exact transform. */
  | 'resampled-regular-grid';

export interface NiftiFinding {
  readonly code: NiftiFindingCode;
  readonly handling: NiftiHandling;
  /** Numbers for the checklist; names per code are listed on `niftiFindings`. */
  readonly params: Readonly<Record<string, number>>;
  /** English, for logs and hosts; a UI formats its own text from code and params. */
  readonly detail: string;
}

export interface NiftiFindingOptions {
  /**
   * A slice farther than this fraction of the mean slice step (plus 1 µm) from
   * where the file puts it makes the spacing non-uniform. Default 0.01, the
   * loader's rule for its `uneven-spacing` warning.
   */
  spacingTolerance?: number;
  /** Tilt below this many degrees is rounding. Default 0.05, as the loader's `gantry-tilt`. */
  tiltToleranceDeg?: number;
  /** qform rounding errors up to this many mm are not worth saying. Default 0.01. */
  qformToleranceMm?: number;
}

/**
 * What a NIfTI export of this stack cannot say exactly, and what it does instead.
 *
 * - `non-uniform-spacing` — params `meanStep`, `minStep`, `maxStep` (distance
 *   between neighbouring planes along the normal, mm), `maxErrorMm` (largest
 *   distance of a slice from its position in the file) and `worstSlice`.
 * - `gantry-tilt` — params `tiltDeg` (angle between the slice step and the
 *   normal) and `qformShiftMm` (how far the qform puts the last slice from
 *   its true place; the sform is exact).
 * - `single-slice` — param `sliceStep` (mm).
 * - `qform-precision` — param `maxErrorMm`: how far the stored qform puts a
 *   corner voxel from where its exact rotation would. NIfTI-1 keeps only b, c,
 *   d of the quaternion, as float32, and readers recompute a = √(1 − b² − c² − d²);
 *   near a half turn (a slightly rotated axial scan: LPS → RAS is a half turn
 *   about z) a cannot be smaller than ~3.5e-4 unless it is 0, so in-plane
 *   rotations within ~0.02° of such an orientation are rounded, ~0.1 mm at the
 *   edge of a 512-pixel image.
 */
export function niftiFindings(g: NiftiGeometry, options: NiftiFindingOptions = {}): NiftiFinding[] {
  const { qformToleranceMm = 0.01 } = options;
  const findings: NiftiFinding[] = g.slices === 1 ? [singleSliceFinding(g)] : stackFindings(g, options);
  const space = niftiSpace(g);
  const maxErrorMm = largestCornerDistance(g, qformMatrix(space.qform), qformMatrix(space.qformExact));
  if (maxErrorMm > qformToleranceMm) {
    findings.push({
      code: 'qform-precision',
      handling: 'qform-nearest-float32',
      params: { maxErrorMm },
      detail:
        `NIfTI-1 stores the qform rotation as a float32 quaternion, which cannot hold this orientation exactly: ` +
        `the qform is up to ${fmt(maxErrorMm)} mm off at a corner of the volume; the sform is exact`,
    });
  }
  return findings;
}

function singleSliceFinding(g: NiftiGeometry): NiftiFinding {
  return {
    code: 'single-slice',
    handling: 'series-spacing-assumed',
    params: { sliceStep: g.spacing[2] },
    detail: `one slice: the slice step is taken from the series spacing (${fmt(g.spacing[2])} mm)`,
  };
}

/** Spacing and tilt findings of a stack of two or more slices. */
function stackFindings(g: NiftiGeometry, options: NiftiFindingOptions): NiftiFinding[] {
  const { spacingTolerance = 0.01, tiltToleranceDeg = 0.05 } = options;
  const step = sliceStep(g);
  // The normal pointing the way the slices advance: a stack listed against u × v is not tilted.
  const uv = sliceNormal(g);
  const normal = dot(step, uv) < 0 ? scale(uv, -1) : uv;
  const n = g.slices;
  const findings: NiftiFinding[] = [];
  const first = g.planes[0]!.position;
  const meanStep = dot(step, normal);
  let maxErrorMm = 0;
  let worstSlice = 0;
  let minStep = Infinity;
  let maxStep = -Infinity;
  for (let k = 0; k < n; k++) {
    const p = g.planes[k]!.position;
    const error = norm(sub(sub(p, first), scale(step, k)));
    if (error > maxErrorMm) [maxErrorMm, worstSlice] = [error, k];
    if (k > 0) {
      const gap = dot(sub(p, g.planes[k - 1]!.position), normal);
      minStep = Math.min(minStep, gap);
      maxStep = Math.max(maxStep, gap);
    }
  }
  if (maxErrorMm > spacingTolerance * meanStep + 1e-3) {
    findings.push({
      code: 'non-uniform-spacing',
      handling: 'even-step-first-to-last',
      params: { meanStep, minStep, maxStep, maxErrorMm, worstSlice },
      detail:
        `slice steps vary from ${fmt(minStep)} to ${fmt(maxStep)} mm; the file assumes an even ${fmt(meanStep)} mm ` +
        `step from the first to the last slice, which puts slice ${worstSlice} ${fmt(maxErrorMm)} mm from its true position`,
    });
  }
  const tiltDeg = angleDeg(step, normal);
  if (tiltDeg > tiltToleranceDeg) {
    const qformShiftMm = norm(sub(step, scale(normal, dot(step, normal)))) * (n - 1);
    findings.push({
      code: 'gantry-tilt',
      handling: 'shear-in-sform-only',
      params: { tiltDeg, qformShiftMm },
      detail:
        `slices are sheared by ${fmt(tiltDeg)}° (gantry tilt): the sform places every voxel exactly, but the qform ` +
        `holds only a rotation and voxel sizes, so it stacks the slices unsheared (the last one ${fmt(qformShiftMm)} mm ` +
        'off); tools that read the qform, or cannot hold a shear, show the volume unsheared',
    });
  }
  return findings;
}

/** A way the acquired grid's NIfTI puts voxels more than half a voxel from their place. */
export interface GridMisplacement {
  readonly code: 'non-uniform-spacing' | 'gantry-tilt';
  /** How far: the slice farthest from its even-step place, or the qform's shift of the last slice (mm). */
  readonly errorMm: number;
  /** Half the voxel along that error: half the mean slice step, or half the smaller pixel spacing (a tilt shifts slices in-plane). */
  readonly halfVoxelMm: number;
}

/**
 * Where a NIfTI of the acquired grid misplaces voxels by more than half a
 * voxel (uneven steps placed evenly; a tilt's shear, which the qform cannot
 * hold): what the checklist blocks and what makes the dataset package
 * resample by default. Empty for a regular stack.
 */
export function gridMisplacements(g: NiftiGeometry, findings: readonly NiftiFinding[] = niftiFindings(g)): GridMisplacement[] {
  const out: GridMisplacement[] = [];
  for (const f of findings) {
    if (f.code === 'non-uniform-spacing') {
      const m = { code: f.code, errorMm: f.params['maxErrorMm']!, halfVoxelMm: f.params['meanStep']! / 2 };
      if (m.errorMm > m.halfVoxelMm) out.push(m);
    } else if (f.code === 'gantry-tilt') {
      const m = { code: f.code, errorMm: f.params['qformShiftMm']!, halfVoxelMm: Math.min(g.spacing[0], g.spacing[1]) / 2 };
      if (m.errorMm > m.halfVoxelMm) out.push(m);
    }
  }
  return out;
}

/**
 * The findings of a stack exported on its regular grid (`resample.ts`): the
 * spacing and tilt findings say it was resampled, with the acquired numbers.
 */
export function resampledFindings(g: NiftiGeometry): NiftiFinding[] {
  return niftiFindings(g).map((f) =>
    f.code === 'non-uniform-spacing' || f.code === 'gantry-tilt'
      ? {
          ...f,
          handling: 'resampled-regular-grid',
          detail:
            `${f.code === 'gantry-tilt' ? `slices sheared by ${fmt(f.params['tiltDeg']!)}° (gantry tilt)` : `slice steps vary from ${fmt(f.params['minStep']!)} to ${fmt(f.params['maxStep']!)} mm`}: ` +
            'written on a regular grid along the plane normal (CT linear between the acquired planes, labels shape-based), ' +
            'so sform and qform are the same exact transform',
        }
      : f,
  );
}

/** Largest distance between where two affines put the eight corner voxels. */
function largestCornerDistance(g: NiftiGeometry, a: Matrix34, b: Matrix34): number {
  let largest = 0;
  for (const i of [0, g.columns - 1]) {
    for (const j of [0, g.rows - 1]) {
      for (const k of [0, g.slices - 1]) {
        const d = [0, 1, 2].map((r) => {
          const [ra, rb] = [a[r]!, b[r]!];
          return (ra[0] - rb[0]) * i + (ra[1] - rb[1]) * j + (ra[2] - rb[2]) * k + (ra[3] - rb[3]);
        });
        largest = Math.max(largest, Math.hypot(d[0]!, d[1]!, d[2]!));
      }
    }
  }
  return largest;
}

function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** Throws a RangeError when the geometry cannot describe a stack (a caller's bug, not a user's file). */
export function checkGeometry(g: NiftiGeometry): void {
  for (const [name, value] of [['columns', g.columns], ['rows', g.rows], ['slices', g.slices]] as const) {
    // NIfTI-1 stores dimensions as int16.
    if (!Number.isInteger(value) || value < 1 || value > 32767) throw new RangeError(`${name} must be an integer in 1..32767, not ${value}`);
  }
  if (g.planes.length !== g.slices) throw new RangeError(`${g.planes.length} plane positions for ${g.slices} slices`);
  if (!(g.spacing[0] > 0 && g.spacing[1] > 0)) throw new RangeError(`pixel spacing must be positive, not ${g.spacing[0]} × ${g.spacing[1]}`);
  if (g.slices === 1 && !(g.spacing[2] > 0)) throw new RangeError(`one slice needs a positive slice spacing, not ${g.spacing[2]}`);
}
