/**
 * A coarser grid for large labels. A surface net has two triangles per
 * boundary face of the voxels, so a label 200 pixels across at 0.7 mm gets
 * some 175,000 triangles, mostly on its flat top and bottom. Drawing that
 * many translucent triangles took a software-rendered page (the bench's,
 * and a GPU-less browser) hundreds of ms a frame, and giving them to vtk.js
 * tens of ms of the page's time per label. A label whose surface would
 * exceed a budget is therefore meshed from blocks of `step × step` voxels
 * in-plane (slices are kept: they are the coarse axis already). Labels of a
 * usual size (a disc or a vertebral body) stay at full resolution.
 */

/** Triangles a label's surface may have before it is meshed on a coarser grid. */
export const TRIANGLE_BUDGET = 30_000;

/**
 * The budget where WebGL runs on the CPU: there every vertex is shaded in
 * software, about 10 ms per frame for 22,000 triangles with SwiftShader.
 */
export const SOFTWARE_TRIANGLE_BUDGET = 10_000;

/** How many voxel faces separate set from unset voxels, facing x, y and z. */
export function boundaryFaces(mask: Uint8Array, dims: readonly [number, number, number]): [number, number, number] {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  let fx = 0;
  let fy = 0;
  let fz = 0;
  for (let l = 0; l < nz; l++) {
    for (let j = 0; j < ny; j++) {
      const row = l * plane + j * nx;
      for (let i = 0; i < nx; i++) {
        const v = mask[row + i]!;
        if (i + 1 < nx && v !== mask[row + i + 1]) fx++;
        if (j + 1 < ny && v !== mask[row + i + nx]) fy++;
        if (l + 1 < nz && v !== mask[row + i + plane]) fz++;
      }
    }
  }
  return [fx, fy, fz];
}

/**
 * The smallest in-plane step whose surface stays within `budget` triangles:
 * faces across the plane shrink with the step squared, those along it with
 * the step.
 */
export function inPlaneStep(faces: readonly [number, number, number], budget = TRIANGLE_BUDGET): number {
  const [fx, fy, fz] = faces;
  let step = 1;
  while (2 * ((fx + fy) / step + fz / (step * step)) > budget && step < 64) step++;
  return step;
}

/**
 * The mask in blocks of `step × step` voxels in-plane: a block is set when at
 * least half its voxels are. The one-voxel margin of background stays one
 * (coarse) voxel wide. Coarse index i covers the fine voxels from
 * 1 + (i − 1)·step, so its centre lies at fine index `i·step − (step − 1)/2`.
 */
export function coarsenMask(mask: Uint8Array, dims: readonly [number, number, number], step: number): { mask: Uint8Array; dims: [number, number, number] } {
  const [nx, ny, nz] = dims;
  if (step === 1) return { mask, dims: [nx, ny, nz] };
  const cx = Math.ceil((nx - 2) / step) + 2;
  const cy = Math.ceil((ny - 2) / step) + 2;
  const out = new Uint8Array(cx * cy * nz);
  const half = (step * step) / 2;
  for (let l = 1; l < nz - 1; l++) {
    for (let j = 1; j < cy - 1; j++) {
      const y0 = 1 + (j - 1) * step;
      const y1 = Math.min(ny - 1, y0 + step);
      for (let i = 1; i < cx - 1; i++) {
        const x0 = 1 + (i - 1) * step;
        const x1 = Math.min(nx - 1, x0 + step);
        let count = 0;
        for (let y = y0; y < y1; y++) {
          const row = (l * ny + y) * nx;
          for (let x = x0; x < x1; x++) count += mask[row + x]!;
        }
        if (count >= half) out[(l * cy + j) * cx + i] = 1;
      }
    }
  }
  return { mask: out, dims: [cx, cy, nz] };
}
