/**
 * Surface distances between the two sides of a `PairVolume`, in millimetres,
 * in 3-D with anisotropic spacing.
 *
 * Conventions (those of medpy's `hd` and `hd95`, `connectivity=1`):
 * - The surface of a side is its voxels minus their erosion by the
 *   6-neighbourhood (face neighbours, in-plane and across slices); voxels
 *   beyond the series count as background. This is
 *   `mask & ~scipy.ndimage.binary_erosion(mask, generate_binary_structure(3, 1))`.
 * - A→B distances: from the centre of every surface voxel of A to the nearest
 *   surface-voxel centre of B; B→A likewise. A voxel on both surfaces gives 0.
 * - Hausdorff = the largest of both sets; HD95 = the 95th percentile of the
 *   union of both sets with linear interpolation (`numpy.percentile`'s
 *   default, as medpy); mean surface distance = the mean of that union
 *   (each surface voxel weighs the same, so the larger surface weighs more;
 *   medpy's `assd` and some MONAI versions instead average the two directed means).
 *
 * Method: only the surfaces are ever measured. For one slice k of queries the
 * squared distance to the nearest feature is
 * `min over (r', c') of (r − r')²Δrow² + (c − c')²Δcol² + g_k(r', c')`, where
 * `g_k(r', c')` is the squared distance along the normal from slice k to the
 * nearest feature slice in column (r', c') — found by two pointers per column
 * that only move forward, so uneven slice positions are exact. That 2-D
 * minimum is Felzenszwalb & Huttenlocher's transform of a sampled function
 * (`lowerEnvelope` of `annotation/distance.ts`), run per slice only over a window around
 * that slice's queries (see `directedDistances`). Slices where every query
 * voxel is also a feature (the sides agree there) cost no transform at all.
 */
import { lowerEnvelope } from '../annotation/distance.js';
import { IN_A, IN_B, SURFACE_A, SURFACE_B, type PairVolume } from './pair-volume.js';

export interface SurfaceDistances {
  readonly hausdorffMm: number;
  readonly hd95Mm: number;
  readonly meanMm: number;
}

/** Above this a squared distance means "no feature" (as in `annotation/distance.ts`). */
const FAR = 1e20;

/**
 * Sets `SURFACE_A` / `SURFACE_B` on the voxels of each side that have a face
 * neighbour outside that side (the box holds every voxel of both sides, so
 * beyond the box is background). Returns how many surface voxels each side has.
 */
export function markSurfaces(volume: PairVolume): { a: number; b: number } {
  const { width, height, depth, bits } = volume;
  const area = width * height;
  // Locals, not the imported constants: a dev server's module transform turns those into getters.
  const sides = IN_A | IN_B;
  const inA = IN_A;
  const inB = IN_B;
  let a = 0;
  let b = 0;
  for (let k = 0, i = 0; k < depth; k++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++, i++) {
        const v = bits[i]! & sides;
        if (v === 0) continue;
        // The sides every face neighbour belongs to; a side missing from one is on its surface here.
        let all = v;
        all &= c > 0 ? bits[i - 1]! : 0;
        all &= c + 1 < width ? bits[i + 1]! : 0;
        all &= r > 0 ? bits[i - width]! : 0;
        all &= r + 1 < height ? bits[i + width]! : 0;
        all &= k > 0 ? bits[i - area]! : 0;
        all &= k + 1 < depth ? bits[i + area]! : 0;
        const surface = v & ~all;
        if (surface & inA) a++;
        if (surface & inB) b++;
        bits[i] = v | (surface << 2);
      }
    }
  }
  return { a, b };
}

/**
 * Hausdorff, HD95 and mean surface distance between the sides (see the
 * conventions above). Call `markSurfaces` first; both sides must have a
 * surface. `z` holds the position along the normal of each slice of the box
 * (mm); `spacing` is `[Δrow, Δcol]` in mm.
 */
export function surfaceDistances(
  volume: PairVolume,
  surfaceCounts: { a: number; b: number },
  z: Float64Array,
  spacing: readonly [number, number],
): SurfaceDistances {
  const all = new Float64Array(surfaceCounts.a + surfaceCounts.b);
  const ws = new Workspace(volume.width, volume.height);
  let n = directedDistances(volume, SURFACE_A, SURFACE_B, z, spacing, all, 0, ws);
  n = directedDistances(volume, SURFACE_B, SURFACE_A, z, spacing, all, n, ws);
  if (n !== all.length) throw new Error(`surface distances: ${n} values for ${all.length} surface voxels`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += all[i]!;
  all.sort();
  return { hausdorffMm: all[n - 1]!, hd95Mm: percentile(all, 95), meanMm: sum / n };
}

/** The p-th percentile of ascending values, linearly interpolated between closest ranks (numpy's default). */
function percentile(sorted: Float64Array, p: number): number {
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Buffers for one volume's transforms, owned once per comparison of a label. */
class Workspace {
  /** Per column of the box: the last feature slice ≤ the current slice (−1: none) and the first ≥ it (depth: none; −1: not looked for yet). */
  readonly below: Int32Array;
  readonly above: Int32Array;
  /** Squared distances on one slice of the box. */
  readonly grid: Float64Array;
  /** Box-relative pixel indices of one slice's query voxels, ascending; how many; their box (ends exclusive). */
  readonly queries: Int32Array;
  nQueries = 0;
  qc0 = 0;
  qc1 = 0;
  qr0 = 0;
  qr1 = 0;
  /** Squared distance found for each query. */
  readonly found: Float64Array;
  /** One line: samples, result, envelope vertices and boundaries. */
  readonly f: Float64Array;
  readonly d: Float64Array;
  readonly v: Int32Array;
  readonly bounds: Float64Array;

  constructor(width: number, height: number) {
    const area = width * height;
    const line = Math.max(width, height);
    this.below = new Int32Array(area);
    this.above = new Int32Array(area);
    this.grid = new Float64Array(area);
    this.queries = new Int32Array(area);
    this.found = new Float64Array(area);
    this.f = new Float64Array(line);
    this.d = new Float64Array(line);
    this.v = new Int32Array(line);
    this.bounds = new Float64Array(line + 1);
  }
}

/** A rectangle of one slice of the box: columns c0 ≤ c < c1, rows r0 ≤ r < r1. */
interface Domain {
  c0: number;
  c1: number;
  r0: number;
  r1: number;
}

/**
 * Writes into `out` from `at` the distance from every voxel with `queryBit`
 * to the nearest voxel with `featureBit`; returns the index after the last.
 *
 * Each slice is transformed only around its queries: over their box widened
 * by a reach R (mm), features farther than R in-plane are left out, which is
 * exact when every query finds a feature within R. The first try uses the
 * previous slice's largest distance (neighbouring slices are alike); when a
 * query finds nothing that close, the distances found are upper bounds, and
 * a second try widened by the largest of them is exact. Each loop is its own
 * function, for the reason given in `annotation/distance.ts`.
 */
function directedDistances(
  volume: PairVolume,
  queryBit: number,
  featureBit: number,
  z: Float64Array,
  spacing: readonly [number, number],
  out: Float64Array,
  at: number,
  ws: Workspace,
): number {
  ws.below.fill(-1);
  ws.above.fill(-1);
  let reach = 0;
  for (let k = 0; k < volume.depth; k++) {
    at = sliceQueries(volume, queryBit, featureBit, k, out, at, ws);
    if (ws.nQueries === 0) continue;
    let domain = around(volume, reach, spacing, ws);
    let largest = transformSlice(volume, featureBit, k, z, spacing, domain, ws);
    const whole = domain.c0 === 0 && domain.r0 === 0 && domain.c1 === volume.width && domain.r1 === volume.height;
    if (!whole && !(largest <= reach * reach)) {
      domain = around(volume, largest >= FAR ? Infinity : Math.sqrt(largest), spacing, ws);
      largest = transformSlice(volume, featureBit, k, z, spacing, domain, ws);
    }
    reach = Math.sqrt(largest);
    const found = ws.found;
    for (let q = 0; q < ws.nQueries; q++) out[at++] = Math.sqrt(found[q]!);
  }
  return at;
}

/** The box of the slice's queries widened by `reach` mm (and a column and row more, against rounding), clipped to the volume. */
function around(volume: PairVolume, reach: number, [dRow, dCol]: readonly [number, number], ws: Workspace): Domain {
  const ec = Math.floor(Math.min(reach / dCol, volume.width)) + 1;
  const er = Math.floor(Math.min(reach / dRow, volume.height)) + 1;
  return {
    c0: Math.max(0, ws.qc0 - ec),
    c1: Math.min(volume.width, ws.qc1 + ec),
    r0: Math.max(0, ws.qr0 - er),
    r1: Math.min(volume.height, ws.qr1 + er),
  };
}

/** Squared distances of the slice's queries to the features in `domain`'s columns, into `ws.found`; returns the largest. */
function transformSlice(
  volume: PairVolume,
  featureBit: number,
  k: number,
  z: Float64Array,
  [dRow, dCol]: readonly [number, number],
  domain: Domain,
  ws: Workspace,
): number {
  const { width } = volume;
  normalDistances(volume, featureBit, k, z, domain, ws);
  for (let c = domain.c0; c < domain.c1; c++) transformLine(ws.grid, domain.r0 * width + c, width, domain.r1 - domain.r0, dRow * dRow, ws);
  return rowDistances(width, dCol * dCol, domain, ws);
}

/** Lists the query voxels of slice k in `ws.queries`, with their box (a query that is also a feature gets 0 in `out` right away). */
function sliceQueries(volume: PairVolume, queryBit: number, featureBit: number, k: number, out: Float64Array, at: number, ws: Workspace): number {
  const { bits, width } = volume;
  const area = width * volume.height;
  const queries = ws.queries;
  let n = 0;
  let c0 = width;
  let c1 = 0;
  for (let p = 0, i = k * area; p < area; p++, i++) {
    const v = bits[i]!;
    if ((v & queryBit) === 0) continue;
    if (v & featureBit) {
      out[at++] = 0;
      continue;
    }
    queries[n++] = p;
    const c = p % width;
    if (c < c0) c0 = c;
    if (c >= c1) c1 = c + 1;
  }
  ws.nQueries = n;
  ws.qc0 = c0;
  ws.qc1 = c1;
  // Queries come in index order, so the first and last give the rows.
  ws.qr0 = n > 0 ? Math.floor(queries[0]! / width) : 0;
  ws.qr1 = n > 0 ? Math.floor(queries[n - 1]! / width) + 1 : 0;
  return at;
}

/** Finishes the transform along the rows that hold queries and reads their squared distances; returns the largest. */
function rowDistances(width: number, w2: number, domain: Domain, ws: Workspace): number {
  const { queries, grid, found, nQueries } = ws;
  let largest = 0;
  for (let q = 0; q < nQueries; ) {
    const row = Math.floor(queries[q]! / width);
    transformLine(grid, row * width + domain.c0, 1, domain.c1 - domain.c0, w2, ws);
    for (const end = (row + 1) * width; q < nQueries && queries[q]! < end; q++) {
      const d2 = grid[queries[q]!]!;
      found[q] = d2;
      if (d2 > largest) largest = d2;
    }
  }
  return largest;
}

/**
 * grid[p] = squared distance along the normal from slice k to the nearest
 * feature slice in column p (FAR if none), for the pixels of `domain`.
 * Columns left out now catch up when next asked: each pointer only moves
 * forward, so every column is scanned once over the whole sweep.
 */
function normalDistances(volume: PairVolume, featureBit: number, k: number, z: Float64Array, domain: Domain, ws: Workspace): void {
  const { width, depth, bits } = volume;
  const area = width * volume.height;
  const { below, above, grid } = ws;
  const zk = z[k]!;
  for (let r = domain.r0; r < domain.r1; r++) {
    for (let p = r * width + domain.c0, end = r * width + domain.c1; p < end; p++) {
      let next = above[p]!;
      if (next < k) {
        // Passed (or never looked for): the last feature before k becomes `below`, then find the next one.
        let last = next;
        let s = next + 1;
        for (; s < k; s++) if (bits[s * area + p]! & featureBit) last = s;
        while (s < depth && (bits[s * area + p]! & featureBit) === 0) s++;
        below[p] = last;
        above[p] = next = s;
      }
      if (next === k) below[p] = k;
      const lo = below[p]!;
      let best = FAR;
      if (lo >= 0) best = (zk - z[lo]!) ** 2;
      if (next < depth) best = Math.min(best, (z[next]! - zk) ** 2);
      grid[p] = best;
    }
  }
}

/**
 * In place along one line of `grid` (`n` samples from `start`, `stride`
 * apart, spaced √w2 mm): d[q] = min over p of (q − p)²·w2 + f[p]. A line
 * without any feature stays as it is (all FAR).
 */
function transformLine(grid: Float64Array, start: number, stride: number, n: number, w2: number, ws: Workspace): void {
  const { f, d } = ws;
  let min = FAR;
  for (let q = 0, i = start; q < n; q++, i += stride) {
    const v = grid[i]!;
    f[q] = v;
    if (v < min) min = v;
  }
  if (min >= FAR) return;
  lowerEnvelope(f, d, n, w2, ws.v, ws.bounds);
  for (let q = 0, i = start; q < n; q++, i += stride) grid[i] = d[q]!;
}
