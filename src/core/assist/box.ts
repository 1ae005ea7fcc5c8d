/**
 * The box of voxels an assisted tool works in: columns `c0 ≤ c < c0 + columns`,
 * rows `r0 ≤ r < r0 + rows` and axial slices `k0 ≤ k < k0 + slices` of the
 * series. A mask on the box indexes voxel (c, r, k) at
 * `((k − k0)·rows + (r − r0))·columns + (c − c0)`.
 */
export interface VoxelBox {
  readonly c0: number;
  readonly r0: number;
  readonly k0: number;
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
}
