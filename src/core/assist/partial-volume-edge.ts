/**
 * The partial-volume edge of a region: the voxels just outside it that the
 * structure fills more than half.
 *
 * A voxel on a structure's surface averages the structure with its
 * neighbour, so its HU lie between the two tissues' and outside the
 * structure's own range. On thick CT slices this is most of a thin
 * structure: an intervertebral disc (≈ 90 HU) under a cortical endplate
 * (≈ 1050 HU) shows its last slice at 330–570 HU. The half-way value between
 * the structure and each neighbouring tissue is where the voxel is half
 * filled (the classic half-maximum edge), and a reference outline drawn
 * through voxel centres takes a voxel exactly when it is more than half
 * filled. So `edge` is the range of those half-way values, e.g. for a disc
 * [0, 570]: half-way to fat (≈ −90) and to cortical bone (≈ 1050).
 *
 * Rule, for each voxel outside the region that touches it (one of its six
 * face neighbours is in the region):
 *   - HU within [edge.min + band, edge.max − band]: more than half filled,
 *     it joins;
 *   - HU within `band` of edge.min or edge.max: about half filled, the noise
 *     decides nothing, so the surface decides: on its slice, it joins when the
 *     nearest voxel that is in (the region or a joined voxel) is no farther
 *     than the nearest voxel that is out (exact Euclidean distances in mm,
 *     `core/annotation/distance.ts`). This splits a ring of half-filled
 *     voxels along its middle, where a curved surface crosses the voxel
 *     centres;
 *   - otherwise it stays out.
 * Only one layer is added: a second layer would be the neighbour tissue's own
 * partial voxels (bone next to a thin cortex reads 440 HU), so the edge never
 * floods.
 *
 * Tests: assist-edge.test.ts (a ball and a slab rendered with partial volume:
 * the edge brings Dice against the voxel-centre truth above the range alone).
 */
import { DistanceWorkspace, squaredDistanceTransform } from '../annotation/distance.js';
import { boxSize, type BoxSpacing, type VoxelBox } from './box.js';

export interface EdgeRange {
  /** Half-way between the structure's HU and the darker tissue around it. */
  min: number;
  /** Half-way between the structure's HU and the brighter tissue around it. */
  max: number;
}

/** HU either side of an edge value within which a voxel counts as half filled (≈ 2.5 σ of CT noise). */
export const EDGE_BAND_HU = 25;

const IN = 1;
const AMBIGUOUS = 2;

/**
 * Adds the partial-volume edge to `mask` (a box mask, nonzero = the region)
 * in place, with the region's label id; returns the number of voxels added.
 */
export function addPartialVolumeEdge(values: ArrayLike<number>, box: VoxelBox, spacing: BoxSpacing, mask: Uint8Array, edge: EdgeRange, band = EDGE_BAND_HU): number {
  const n = boxSize(box);
  if (values.length !== n || mask.length !== n) throw new RangeError(`box of ${n} voxels, got ${values.length} values and a mask of ${mask.length}`);
  const label = mask.find((v) => v !== 0);
  if (label === undefined) return 0;
  const state = classify(values, box, mask, edge, band);
  let added = 0;
  for (let i = 0; i < n; i++) {
    if (state[i] === IN) {
      mask[i] = label;
      added++;
    }
  }
  return added + settleAmbiguous(box, spacing, mask, state, label);
}

/** IN or AMBIGUOUS on each voxel outside the mask that touches it, by its HU. */
function classify(values: ArrayLike<number>, { columns, rows, slices }: VoxelBox, mask: Uint8Array, edge: EdgeRange, band: number): Uint8Array {
  const area = columns * rows;
  const state = new Uint8Array(mask.length);
  for (let k = 0, i = 0; k < slices; k++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++, i++) {
        if (mask[i] !== 0) continue;
        const v = values[i]!;
        if (v < edge.min - band || v > edge.max + band) continue;
        const touches =
          (c > 0 && mask[i - 1] !== 0) ||
          (c < columns - 1 && mask[i + 1] !== 0) ||
          (r > 0 && mask[i - columns] !== 0) ||
          (r < rows - 1 && mask[i + columns] !== 0) ||
          (k > 0 && mask[i - area] !== 0) ||
          (k < slices - 1 && mask[i + area] !== 0);
        if (!touches) continue;
        state[i] = v >= edge.min + band && v <= edge.max - band ? IN : AMBIGUOUS;
      }
    }
  }
  return state;
}

/** The half-filled voxels, slice by slice: in when the nearest "in" is no farther than the nearest "out". */
function settleAmbiguous({ columns, rows, slices }: VoxelBox, [sc, sr]: BoxSpacing, mask: Uint8Array, state: Uint8Array, label: number): number {
  const area = columns * rows;
  const notIn = new Uint8Array(area);
  const notOut = new Uint8Array(area);
  const workspace = new DistanceWorkspace();
  const options = { spacing: [sr, sc] as const, workspace };
  let added = 0;
  for (let k = 0; k < slices; k++) {
    const from = k * area;
    if (!state.subarray(from, from + area).includes(AMBIGUOUS)) continue;
    let anyOut = false;
    for (let j = 0; j < area; j++) {
      const inside = mask[from + j] !== 0;
      const ambiguous = state[from + j] === AMBIGUOUS;
      notIn[j] = inside ? 0 : 1;
      notOut[j] = inside || ambiguous ? 1 : 0;
      if (!inside && !ambiguous) anyOut = true;
    }
    // Squared distance to the nearest "in" voxel, then to the nearest "out" voxel (none: every ambiguous voxel joins).
    const toIn = squaredDistanceTransform(notIn, columns, rows, options);
    const toOut = anyOut ? squaredDistanceTransform(notOut, columns, rows, options) : undefined;
    for (let j = 0; j < area; j++) {
      if (state[from + j] !== AMBIGUOUS) continue;
      if (toOut && toIn[j]! > toOut[j]!) continue;
      mask[from + j] = label;
      added++;
    }
  }
  return added;
}
