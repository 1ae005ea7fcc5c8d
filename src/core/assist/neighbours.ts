/**
 * 6-connected flood fill on a box, shared by the assisted tools: typed-array
 * queue, no per-voxel allocation. Linear in the voxels it reaches.
 */
import type { VoxelBox } from './box.js';

/**
 * Floods from `start` over voxels where `inside[i] !== 0` and `mark[i] === 0`,
 * setting `mark[i] = id`; returns the number of voxels marked. `queue` is
 * scratch of at least the box's size.
 */
export function flood(inside: ArrayLike<number>, mark: Int32Array, id: number, start: number, box: VoxelBox, queue: Int32Array): number {
  if (inside[start] === 0 || mark[start] !== 0) return 0;
  const { columns, rows, slices } = box;
  const area = columns * rows;
  let head = 0;
  let tail = 0;
  mark[start] = id;
  queue[tail++] = start;
  while (head < tail) {
    const i = queue[head++]!;
    const c = i % columns;
    const r = ((i - c) / columns) % rows;
    const k = (i - c - r * columns) / area;
    if (c > 0 && inside[i - 1] !== 0 && mark[i - 1] === 0) (mark[i - 1] = id), (queue[tail++] = i - 1);
    if (c < columns - 1 && inside[i + 1] !== 0 && mark[i + 1] === 0) (mark[i + 1] = id), (queue[tail++] = i + 1);
    if (r > 0 && inside[i - columns] !== 0 && mark[i - columns] === 0) (mark[i - columns] = id), (queue[tail++] = i - columns);
    if (r < rows - 1 && inside[i + columns] !== 0 && mark[i + columns] === 0) (mark[i + columns] = id), (queue[tail++] = i + columns);
    if (k > 0 && inside[i - area] !== 0 && mark[i - area] === 0) (mark[i - area] = id), (queue[tail++] = i - area);
    if (k < slices - 1 && inside[i + area] !== 0 && mark[i + area] === 0) (mark[i + area] = id), (queue[tail++] = i + area);
  }
  return tail;
}

/** Component id (1, 2, …) of every nonzero voxel, 6-connected, and each component's size (`sizes[id]`). */
export function components(mask: ArrayLike<number>, box: VoxelBox): { ids: Int32Array; sizes: number[] } {
  const n = box.columns * box.rows * box.slices;
  const ids = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizes = [0];
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0 && ids[i] === 0) sizes.push(flood(mask, ids, sizes.length, i, box, queue));
  }
  return { ids, sizes };
}
