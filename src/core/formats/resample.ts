/**
 * A regular, orthogonal grid for a stack whose slices a NIfTI affine cannot
 * place (uneven steps, gantry tilt), and the CT and labels resampled onto it,
 * so that the sform and the qform of the file are one and the same exact
 * transform (issue 16).
 *
 * The grid (`resampleGrid`): the in-plane pixel grid is kept (pixel spacing,
 * row and column directions, pixel positions); the slice axis is the image
 * plane's normal u × v, pointing the way the slices advance; the slice step is
 * the even step of a regular stack, else the smallest acquired step along the
 * normal that is at least half the median step (no acquired detail is thinned,
 * and one near-duplicate slice cannot multiply the slice count); the first
 * target slice lies in the first acquired plane and the last one at or beyond
 * the last acquired plane. In-plane, a tilt shifts each slice's pixel grid
 * along the plane: the grid grows by the shift (rows, for a tilt about the
 * left–right axis) so that it holds every acquired pixel, as dcm2niix's tilt
 * correction does; a regular stack keeps its columns and rows.
 *
 * Every target slice is a plane of the acquired orientation, so each lies
 * between two acquired planes at one distance from each: a target voxel is
 * linear between its perpendicular feet on those two planes, each read
 * bilinearly in-plane (a tilted slice is a translated pixel grid). A linear
 * field is reproduced exactly. Beyond an end of the stack a target slice
 * within half the end step takes the end slice, as that slice's own voxels
 * reach that far; farther out, and outside a slice's pixels, is padding.
 *
 * Labels are shape-based: each acquired slice's mask of a label becomes a
 * signed distance field (`annotation/distance.ts`), the two fields are
 * blended with the same weights and sampled the same way, and the voxel takes
 * the label whose blended distance is the most negative. A label present on
 * only one of the two planes reaches half-way to the other, as its acquired
 * voxels do, so every labelled slice reaches a target slice (the step is at
 * most the gap). `interpolate.ts` interpolates whole slices at slice indices
 * (and traces polygons); here the planes are sheared against the target, so
 * only its distance fields are shared.
 *
 * Work is slice by slice: a target slice needs its two acquired slices and,
 * for labels, the distance fields of those two, cached until the next pair.
 */
import type { Vec3 } from '../dicom/types.js';
import { DistanceWorkspace, signedDistanceField } from '../annotation/distance.js';
import { cross, dot, normalize, scale, sub } from '../math/vec3.js';
import { checkGeometry, type NiftiGeometry } from './nifti-space.js';

/** How the slice step of the grid was chosen. */
export type GridStepRule =
  /** The stack is regular: its own even step, target planes on the acquired ones. */
  | 'even'
  /** Uneven: the smallest acquired step that is at least half the median one. */
  | 'smallest-step';

export interface ResampleGrid {
  /** The acquired stack. */
  readonly source: NiftiGeometry;
  /** The regular grid: evenly spaced planes along the plane normal, same pixel grid. */
  readonly geometry: NiftiGeometry;
  readonly step: number;
  readonly rule: GridStepRule;
  /** Per target slice: the acquired slice below (-1: outside the stack, all padding) and above, and the weight of the one above. */
  readonly lower: Int32Array;
  readonly upper: Int32Array;
  readonly weight: Float64Array;
  /** Per acquired slice: the acquired pixel coordinates of target pixel (0, 0), column and row (target (i, j) ↦ (i + c, j + r)). */
  readonly shiftColumn: Float64Array;
  readonly shiftRow: Float64Array;
  /** Per acquired slice: its distance from target slice 0 along the normal, mm. */
  readonly along: Float64Array;
}

/** Fractions and distances below these are rounding: a regular stack maps onto itself voxel for voxel. */
const SNAP_PIXEL = 1e-6;
const SNAP_WEIGHT = 1e-6;

/** A stack's slice steps along its normal, and whether they are even (the rule of `niftiFindings`: 1 % of the step plus 1 µm). */
function stackSteps(g: NiftiGeometry, normal: Vec3): { along: Float64Array; even: boolean } {
  const first = g.planes[0]!.position;
  const n = g.slices;
  const along = new Float64Array(n);
  for (let k = 0; k < n; k++) along[k] = dot(sub(g.planes[k]!.position, first), normal);
  const mean = n > 1 ? along[n - 1]! / (n - 1) : 0;
  let worst = 0;
  for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(along[k]! - k * mean));
  return { along, even: worst <= 0.01 * Math.abs(mean) + 1e-3 };
}

/** The regular grid for `g` and how each target slice is read from the acquired ones. */
export function resampleGrid(g: NiftiGeometry): ResampleGrid {
  checkGeometry(g);
  const n = g.slices;
  const u = g.rowCosine;
  const v = g.columnCosine;
  const uv = normalize(cross(u, v));
  const first = g.planes[0]!.position;
  const last = g.planes[n - 1]!.position;
  // The normal the slices advance along (a stack may run against u × v).
  const normal = n > 1 && dot(sub(last, first), uv) < 0 ? scale(uv, -1) : uv;
  const { along, even } = stackSteps(g, normal);
  for (let k = 1; k < n; k++) {
    if (!(along[k]! > along[k - 1]!)) throw new RangeError(`slices ${k - 1} and ${k} are not in ascending order along the normal`);
  }
  const [dCol, dRow] = g.spacing;
  // In-plane position of each slice's first pixel, in pixels of the first slice's grid (u and v need not be exactly orthogonal).
  const uu = dot(u, u);
  const vv = dot(v, v);
  const uvDot = dot(u, v);
  const det = uu * vv - uvDot * uvDot;
  const col = new Float64Array(n);
  const row = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const inPlane = sub(sub(g.planes[k]!.position, first), scale(normal, along[k]!));
    const a = dot(inPlane, u);
    const b = dot(inPlane, v);
    col[k] = (vv * a - uvDot * b) / det / dCol;
    row[k] = (uu * b - uvDot * a) / det / dRow;
  }
  // The target grid from the lowest slice offset to the highest, so that it holds every acquired pixel.
  const c0 = Math.min(...col);
  const r0 = Math.min(...row);
  const shiftColumn = col.map((c) => snap(c0 - c, SNAP_PIXEL));
  const shiftRow = row.map((r) => snap(r0 - r, SNAP_PIXEL));
  const columns = g.columns + Math.ceil(snap(Math.max(...col) - c0, SNAP_PIXEL));
  const rows = g.rows + Math.ceil(snap(Math.max(...row) - r0, SNAP_PIXEL));

  let step: number;
  let rule: GridStepRule;
  if (n === 1) [step, rule] = [g.spacing[2], 'even'];
  else if (even) [step, rule] = [along[n - 1]! / (n - 1), 'even'];
  else [step, rule] = [smallestStep(along), 'smallest-step'];
  const slices = n === 1 ? 1 : even ? n : Math.ceil(along[n - 1]! / step - 1e-6) + 1;

  const origin: Vec3 = [0, 1, 2].map((a) => first[a]! + c0 * dCol * u[a]! + r0 * dRow * v[a]!) as unknown as Vec3;
  const planes = Array.from({ length: slices }, (_, k) => ({ position: [0, 1, 2].map((a) => origin[a]! + k * step * normal[a]!) as unknown as Vec3 }));
  const geometry: NiftiGeometry = { columns, rows, slices, spacing: [dCol, dRow, step], rowCosine: u, columnCosine: v, planes };
  checkGeometry(geometry);

  const lower = new Int32Array(slices);
  const upper = new Int32Array(slices);
  const weight = new Float64Array(slices);
  let k = 0;
  for (let t = 0; t < slices; t++) {
    const at = n === 1 ? 0 : even ? along[t]! : t * step;
    while (k < n - 2 && along[k + 1]! <= at) k++;
    if (n === 1 || at <= along[0]!) {
      [lower[t], upper[t], weight[t]] = [0, 0, 0];
      continue;
    }
    const top = along[n - 1]!;
    if (at >= top) {
      // Beyond the last plane: its voxels reach half its step.
      const reach = (top - along[n - 2]!) / 2;
      [lower[t], upper[t], weight[t]] = at - top <= reach + 1e-6 ? [n - 1, n - 1, 0] : [-1, -1, 0];
      continue;
    }
    const w = snap((at - along[k]!) / (along[k + 1]! - along[k]!), SNAP_WEIGHT);
    if (w >= 1 - SNAP_WEIGHT) [lower[t], upper[t], weight[t]] = [k + 1, k + 1, 0];
    else [lower[t], upper[t], weight[t]] = [k, w === 0 ? k : k + 1, w];
  }
  const alongTarget = along.map((s) => s);
  return { source: g, geometry, step, rule, lower, upper, weight, shiftColumn, shiftRow, along: alongTarget };
}

/** The smallest step between neighbouring planes that is at least half the median step. */
function smallestStep(along: Float64Array): number {
  const steps = Array.from({ length: along.length - 1 }, (_, k) => along[k + 1]! - along[k]!).sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)]!;
  return steps.find((s) => s >= median / 2)!;
}

function snap(x: number, tolerance: number): number {
  const whole = Math.round(x);
  return Math.abs(x - whole) < tolerance ? whole : x;
}

/**
 * Where target pixels fall on one acquired slice: for target column i the
 * acquired columns `c0 + i`, `c0 + i + 1` with weight `fc` of the second, and
 * likewise rows. Indices are clamped to the image; a sample more than half a
 * pixel beyond the image is outside.
 */
interface Footing {
  readonly c0: number;
  readonly fc: number;
  readonly r0: number;
  readonly fr: number;
}

function footing(grid: ResampleGrid, k: number): Footing {
  const c = grid.shiftColumn[k]!;
  const r = grid.shiftRow[k]!;
  const c0 = Math.floor(c);
  const r0 = Math.floor(r);
  return { c0, fc: c - c0, r0, fr: r - r0 };
}

/**
 * Bilinear samples of one acquired slice (`columns` × `rows`) along target
 * row j, into `out` (one value per target column); `outside` where the
 * sample falls more than half a pixel beyond the slice.
 */
function sampleRow(src: ArrayLike<number>, columns: number, rows: number, f: Footing, j: number, outside: number, out: Float64Array): void {
  const r = j + f.r0 + f.fr;
  if (r < -0.5 || r > rows - 0.5) {
    out.fill(outside);
    return;
  }
  const rA = Math.max(0, Math.min(rows - 1, j + f.r0));
  const rB = Math.max(0, Math.min(rows - 1, j + f.r0 + 1));
  const a = rA * columns;
  const b = rB * columns;
  const fr = f.fr;
  const fc = f.fc;
  for (let i = 0; i < out.length; i++) {
    const c = i + f.c0 + fc;
    if (c < -0.5 || c > columns - 0.5) {
      out[i] = outside;
      continue;
    }
    const cA = i + f.c0 < 0 ? 0 : i + f.c0 > columns - 1 ? columns - 1 : i + f.c0;
    const cB = i + f.c0 + 1 < 0 ? 0 : i + f.c0 + 1 > columns - 1 ? columns - 1 : i + f.c0 + 1;
    const top = fc === 0 ? src[a + cA]! : src[a + cA]! * (1 - fc) + src[a + cB]! * fc;
    const bottom = fr === 0 ? top : fc === 0 ? src[b + cA]! : src[b + cA]! * (1 - fc) + src[b + cB]! * fc;
    out[i] = fr === 0 ? top : top * (1 - fr) + bottom * fr;
  }
}

/**
 * Target slice t of the CT: linear between its two acquired planes, each read
 * bilinearly; `padding` outside the acquired data. Rounded to int16.
 */
export function resampleCtSlice(grid: ResampleGrid, t: number, ct: (k: number) => Int16Array, padding: number, out?: Int16Array): Int16Array {
  const { columns, rows } = grid.geometry;
  const { columns: sc, rows: sr } = grid.source;
  const result = out ?? new Int16Array(columns * rows);
  const lo = grid.lower[t]!;
  if (lo < 0) return result.fill(padding);
  const hi = grid.upper[t]!;
  const w = grid.weight[t]!;
  const fLo = footing(grid, lo);
  const src = ct(lo);
  // A target plane on an acquired one, on its pixel grid: the slice itself.
  if (w === 0 && fLo.fc === 0 && fLo.fr === 0 && fLo.c0 === 0 && fLo.r0 === 0 && columns === sc && rows === sr) {
    result.set(src.subarray(0, columns * rows));
    return result;
  }
  const a = new Float64Array(columns);
  const b = new Float64Array(columns);
  const fHi = footing(grid, hi);
  const srcHi = w === 0 ? src : ct(hi);
  for (let j = 0; j < rows; j++) {
    sampleRow(src, sc, sr, fLo, j, padding, a);
    if (w !== 0) sampleRow(srcHi, sc, sr, fHi, j, padding, b);
    const base = j * columns;
    for (let i = 0; i < columns; i++) {
      const value = Math.round(w === 0 ? a[i]! : a[i]! * (1 - w) + b[i]! * w);
      result[base + i] = value < -32768 ? -32768 : value > 32767 ? 32767 : value;
    }
  }
  return result;
}

/** A label on one acquired slice: its mask's signed distance field (mm) and bounding box. */
interface LabelField {
  readonly field: Float32Array;
  readonly c0: number;
  readonly r0: number;
  readonly c1: number;
  readonly r1: number;
}

/**
 * Labels on the regular grid, shape-based between the acquired planes. Ask
 * for target slices in ascending order (any order works; ascending computes
 * each acquired slice's fields once).
 */
export class LabelResampler {
  private readonly cache = new Map<number, Map<number, LabelField>>();
  private readonly workspace = new DistanceWorkspace();
  private readonly mask: Uint8Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly best: Float32Array;

  /** `labels(k)`: acquired slice k's label ids (`rows·cols`), or undefined when it has none. */
  constructor(
    private readonly grid: ResampleGrid,
    private readonly labels: (k: number) => Uint8Array | undefined,
  ) {
    const { columns, rows } = grid.geometry;
    this.mask = new Uint8Array(grid.source.columns * grid.source.rows);
    this.a = new Float64Array(columns);
    this.b = new Float64Array(columns);
    this.best = new Float32Array(columns * rows);
  }

  /** Target slice t's label ids, or undefined when it has none. */
  slice(t: number): Uint8Array | undefined {
    const g = this.grid;
    const { columns, rows } = g.geometry;
    const { columns: sc, rows: sr } = g.source;
    const lo = g.lower[t]!;
    if (lo < 0) return undefined;
    const hi = g.upper[t]!;
    const w = g.weight[t]!;
    for (const k of this.cache.keys()) if (k < lo) this.cache.delete(k);
    const fieldsLo = this.fields(lo);
    const fieldsHi = w === 0 ? new Map<number, LabelField>() : this.fields(hi);
    if (fieldsLo.size === 0 && fieldsHi.size === 0) return undefined;
    const fLo = footing(g, lo);
    const fHi = footing(g, hi);
    let out: Uint8Array | undefined;
    const best = this.best;
    best.fill(0);
    for (const id of new Set([...fieldsLo.keys(), ...fieldsHi.keys()])) {
      const A = fieldsLo.get(id);
      const B = fieldsHi.get(id);
      // On one plane only: the label reaches half-way to the other.
      const useA = A && (B || w <= 0.5);
      const useB = B && (A || w >= 0.5);
      if (!useA && !useB) continue;
      const [wa, wb] = useA && useB ? [1 - w, w] : useA ? [1, 0] : [0, 1];
      // Only rows and columns within the label's boxes (mapped onto the target, one pixel more) can be inside.
      const box = unionBox(useA ? mapBox(A!, fLo) : undefined, useB ? mapBox(B!, fHi) : undefined, columns, rows);
      for (let j = box.r0; j <= box.r1; j++) {
        if (useA) sampleRow(A!.field, sc, sr, fLo, j, Infinity, this.a);
        if (useB) sampleRow(B!.field, sc, sr, fHi, j, Infinity, this.b);
        const base = j * columns;
        for (let i = box.c0; i <= box.c1; i++) {
          const d = wb === 0 ? this.a[i]! : wa === 0 ? this.b[i]! : this.a[i]! * wa + this.b[i]! * wb;
          if (d < best[base + i]!) {
            best[base + i] = d;
            out ??= new Uint8Array(columns * rows);
            out[base + i] = id;
          }
        }
      }
    }
    return out;
  }

  /** The label fields of acquired slice k, computed on first use. */
  private fields(k: number): Map<number, LabelField> {
    let fields = this.cache.get(k);
    if (fields) return fields;
    fields = new Map();
    this.cache.set(k, fields);
    const ids = this.labels(k);
    if (!ids) return fields;
    const { columns, rows, spacing } = this.grid.source;
    const boxes = new Map<number, [number, number, number, number]>();
    for (let r = 0, p = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++, p++) {
        const id = ids[p]!;
        if (id === 0) continue;
        const box = boxes.get(id);
        if (!box) boxes.set(id, [c, r, c, r]);
        else {
          if (c < box[0]) box[0] = c;
          if (c > box[2]) box[2] = c;
          box[3] = r;
        }
      }
    }
    for (const [id, [c0, r0, c1, r1]] of boxes) {
      const mask = this.mask;
      for (let p = 0; p < mask.length; p++) mask[p] = ids[p] === id ? 1 : 0;
      const field = signedDistanceField(mask, columns, rows, { spacing: [spacing[1], spacing[0]], workspace: this.workspace });
      fields.set(id, { field, c0, r0, c1, r1 });
    }
    return fields;
  }
}

interface Box {
  c0: number;
  r0: number;
  c1: number;
  r1: number;
}

/** An acquired slice's label box in target pixels, one pixel wider on each side for the bilinear reach. */
function mapBox(f: LabelField, foot: Footing): Box {
  const dc = foot.c0 + foot.fc;
  const dr = foot.r0 + foot.fr;
  return { c0: Math.floor(f.c0 - dc) - 1, r0: Math.floor(f.r0 - dr) - 1, c1: Math.ceil(f.c1 - dc) + 1, r1: Math.ceil(f.r1 - dr) + 1 };
}

function unionBox(a: Box | undefined, b: Box | undefined, columns: number, rows: number): Box {
  const boxes = [a, b].filter((x): x is Box => x !== undefined);
  return {
    c0: Math.max(0, Math.min(...boxes.map((x) => x.c0))),
    r0: Math.max(0, Math.min(...boxes.map((x) => x.r0))),
    c1: Math.min(columns - 1, Math.max(...boxes.map((x) => x.c1))),
    r1: Math.min(rows - 1, Math.max(...boxes.map((x) => x.r1))),
  };
}
