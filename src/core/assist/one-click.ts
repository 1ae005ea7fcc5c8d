/**
 * One-click region: from a clicked voxel, the 6-connected region of voxels
 * whose HU lie in [min, max] and whose centres lie within `radiusMm` of the
 * click (anisotropic: distances in mm), with a guard against leaks through
 * thin bridges.
 *
 * The guard is a morphological opening by the in-plane cross (the voxel and
 * its four neighbours on its slice) restricted to the component of the click:
 *   1. R = the connected region above (6-connected, across slices too);
 *   2. core = voxels of R whose four in-plane neighbours are all in R
 *      (erosion; nothing is known beyond the box, so it counts as in R and the
 *      box's sides do not erode the region);
 *   3. K = the 6-connected component of the core holding the click, or, when
 *      the click is not in the core, holding the core voxel nearest to it
 *      along R (first met breadth-first from the click);
 *   4. result = R ∩ (K dilated by the in-plane cross).
 * Rule: a connection survives only where it holds a voxel whose in-plane
 * cross lies in R, on both slices when it crosses slices: a bar must be at
 * least 3 voxels wide across the slice plane (a 3×3 bar joins, a 1-voxel line
 * or a 2×2 bar does not), and two slices join only where they share at least
 * a cross of 5 voxels, never through a single voxel. The cross is in-plane
 * because CT slices are thick: a structure 2–3 slices high (an intervertebral
 * disc at 3 mm) has hardly any voxel whose neighbours above and below are
 * both in it, and a 3-D cross would erode it away. A region with no core at
 * all is returned unguarded. The opening also trims single pixels sticking
 * out of the outline on a slice, as any opening does.
 *
 * With `edge`, the result then gains its partial-volume edge: the touching
 * voxels the structure fills more than half (`partial-volume-edge.ts`).
 *
 * Linear in the box: the two floods are scanline fills (runs along x, Smith's
 * "Tint fill" generalised to 3-D), erosion and dilation one pass each over the
 * box's rows. Tests: assist-one-click.test.ts (bridges, the radius and range,
 * a 512×512×40 region timed).
 */
import { boxIndex, boxSize, type BoxSpacing, type Voxel, type VoxelBox } from './box.js';
import { addPartialVolumeEdge, type EdgeRange } from './partial-volume-edge.js';
import { Stack } from './stack.js';

export interface OneClickOptions {
  /** The clicked voxel, box coordinates. */
  seed: Voxel;
  min: number;
  max: number;
  radiusMm: number;
  /** Label id written in the result; default 1. */
  label?: number;
  /** Adds the region's partial-volume edge (`partial-volume-edge.ts`) after the guard. */
  edge?: EdgeRange;
}

export interface OneClickResult {
  /** Box mask: `label` on the region, 0 elsewhere. */
  mask: Uint8Array;
  voxels: number;
}

/** Bits of the per-voxel state. */
const CANDIDATE = 8;
const REGION = 1;
const CORE = 2;
const KEPT = 4;
const SEEN = 16;
const OUTPUT = 32;

/** The guarded region around the click; empty when the clicked voxel is out of range. */
export function oneClickRegion(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, options: OneClickOptions): OneClickResult {
  const n = boxSize(box);
  if (values.length !== n) throw new RangeError(`box of ${n} voxels, got ${values.length} values`);
  const start = boxIndex(box, options.seed);
  const label = options.label ?? 1;
  const state = markCandidates(values, box, spacing, options);
  if (state[start] !== CANDIDATE) return { mask: new Uint8Array(n), voxels: 0 };
  const stack = new Stack();
  scanlineFill(state, CANDIDATE | REGION, CANDIDATE, REGION, start, box, stack);
  markCore(state, box);
  const from = nearestCore(state, start, box);
  let result: OneClickResult;
  if (from < 0) {
    result = toMask(state, REGION, label);
  } else {
    scanlineFill(state, CORE | KEPT, CORE, KEPT, from, box, stack);
    result = dilateWithin(state, box, label);
  }
  if (options.edge) result.voxels += addPartialVolumeEdge(values, box, spacing, result.mask, options.edge);
  return result;
}

/** CANDIDATE on every voxel in [min, max] within the radius of the click, one pass over the box. */
function markCandidates(values: Int16Array, box: VoxelBox, [sc, sr, sk]: BoxSpacing, o: OneClickOptions): Uint8Array {
  const { columns, rows, slices } = box;
  const [c0, r0, k0] = o.seed;
  const radius2 = o.radiusMm * o.radiusMm;
  const dc2 = Float64Array.from({ length: columns }, (_, c) => ((c - c0) * sc) ** 2);
  const state = new Uint8Array(values.length);
  const { min, max } = o;
  for (let k = 0, i = 0; k < slices; k++) {
    const k2 = ((k - k0) * sk) ** 2;
    for (let r = 0; r < rows; r++, i += columns) {
      const left = radius2 - k2 - ((r - r0) * sr) ** 2;
      if (left < 0) continue;
      for (let c = 0; c < columns; c++) {
        const v = values[i + c]!;
        if (v >= min && v <= max && dc2[c]! <= left) state[i + c] = CANDIDATE;
      }
    }
  }
  return state;
}

/**
 * 6-connected fill from `start` over voxels whose `state & test === want`,
 * setting bit `take`, by runs along x: take the run through a popped voxel,
 * then push the first voxel of every enterable run on the four neighbouring
 * lines (r ± 1, k ± 1) beside it. `take` must be one of the `test` bits.
 */
function scanlineFill(state: Uint8Array, test: number, want: number, take: number, start: number, box: VoxelBox, stack: Stack): void {
  const { columns, rows, slices } = box;
  const area = columns * rows;
  stack.clear();
  stack.push(start);
  while (stack.size > 0) {
    const i = stack.pop();
    if ((state[i]! & test) !== want) continue;
    const rowStart = i - (i % columns);
    let lo = i;
    while (lo > rowStart && (state[lo - 1]! & test) === want) lo--;
    let hi = i;
    while (hi < rowStart + columns - 1 && (state[hi + 1]! & test) === want) hi++;
    for (let j = lo; j <= hi; j++) state[j]! |= take;
    const k = (i / area) | 0;
    const r = ((i - k * area) / columns) | 0;
    if (r > 0) pushRuns(state, test, want, stack, lo - columns, hi - columns);
    if (r < rows - 1) pushRuns(state, test, want, stack, lo + columns, hi + columns);
    if (k > 0) pushRuns(state, test, want, stack, lo - area, hi - area);
    if (k < slices - 1) pushRuns(state, test, want, stack, lo + area, hi + area);
  }
}

function pushRuns(state: Uint8Array, test: number, want: number, stack: Stack, lo: number, hi: number): void {
  let inRun = false;
  for (let j = lo; j <= hi; j++) {
    const ok = (state[j]! & test) === want;
    if (ok && !inRun) stack.push(j);
    inRun = ok;
  }
}

/** Step 2: the erosion by the in-plane cross, one pass over the box. */
function markCore(state: Uint8Array, { columns, rows, slices }: VoxelBox): void {
  for (let k = 0, i = 0; k < slices; k++) {
    for (let r = 0; r < rows; r++) {
      const back = r > 0 ? columns : 0;
      const fore = r < rows - 1 ? columns : 0;
      for (let c = 0; c < columns; c++, i++) {
        if ((state[i]! & REGION) === 0) continue;
        const left = c > 0 ? 1 : 0;
        const right = c < columns - 1 ? 1 : 0;
        // A neighbour beyond the box is the voxel itself (in R): `x & REGION` of its state.
        if (state[i - left]! & state[i + right]! & state[i - back]! & state[i + fore]! & REGION) state[i]! |= CORE;
      }
    }
  }
}

/** Step 3's start: the click if it is core, else the first core voxel met breadth-first along R; −1 if none. */
function nearestCore(state: Uint8Array, start: number, { columns, rows, slices }: VoxelBox): number {
  if (state[start]! & CORE) return start;
  const area = columns * rows;
  const queue = new Stack();
  queue.push(start);
  state[start]! |= SEEN;
  for (let head = 0; head < queue.size; head++) {
    const i = queue.at(head);
    if (state[i]! & CORE) return i;
    const c = i % columns;
    const k = (i / area) | 0;
    const r = ((i - k * area) / columns) | 0;
    if (c > 0) visitOnce(state, queue, i - 1);
    if (c < columns - 1) visitOnce(state, queue, i + 1);
    if (r > 0) visitOnce(state, queue, i - columns);
    if (r < rows - 1) visitOnce(state, queue, i + columns);
    if (k > 0) visitOnce(state, queue, i - area);
    if (k < slices - 1) visitOnce(state, queue, i + area);
  }
  return -1;
}

/** Queues voxel j of R once (bit SEEN). */
function visitOnce(state: Uint8Array, queue: Stack, j: number): void {
  if ((state[j]! & (SEEN | REGION)) !== REGION) return;
  state[j]! |= SEEN;
  queue.push(j);
}

/** Step 4: R ∩ (K dilated by the in-plane cross), marked OUTPUT in one pass, then the state becomes the mask. */
function dilateWithin(state: Uint8Array, { columns, rows, slices }: VoxelBox, label: number): OneClickResult {
  for (let k = 0, i = 0; k < slices; k++) {
    for (let r = 0; r < rows; r++) {
      const back = r > 0 ? columns : 0;
      const fore = r < rows - 1 ? columns : 0;
      for (let c = 0; c < columns; c++, i++) {
        if ((state[i]! & REGION) === 0) continue;
        const left = c > 0 ? 1 : 0;
        const right = c < columns - 1 ? 1 : 0;
        if ((state[i]! | state[i - left]! | state[i + right]! | state[i - back]! | state[i + fore]!) & KEPT) state[i]! |= OUTPUT;
      }
    }
  }
  return toMask(state, OUTPUT, label);
}

/**
 * The state array turned into the result in place (`label` where `bit` is
 * set): the box-sized array is allocated once per call, since first writes to
 * fresh memory cost more than the passes themselves.
 */
function toMask(state: Uint8Array, bit: number, label: number): OneClickResult {
  let voxels = 0;
  for (let i = 0; i < state.length; i++) {
    if (state[i]! & bit) {
      state[i] = label;
      voxels++;
    } else {
      state[i] = 0;
    }
  }
  return { mask: state, voxels };
}
