/**
 * Where a ray first meets a triangle surface: the point of a surface under
 * the pointer in the 3D view. Exact against the triangles drawn (what the
 * user sees is what is picked); a box test skips surfaces the ray misses.
 */
import type { Vec3 } from '../dicom/types.js';
import type { Bounds3 } from './label-surface.js';

/** Distance along the unit ray `direction` from `origin` to the nearest triangle in `cells` (`3, a, b, c` each), or undefined. */
export function rayHit(points: Float32Array, cells: Uint32Array, origin: Vec3, direction: Vec3): number | undefined {
  const [ox, oy, oz] = origin;
  const [dx, dy, dz] = direction;
  let nearest = Infinity;
  for (let o = 0; o < cells.length; o += 4) {
    const a = 3 * cells[o + 1]!;
    const b = 3 * cells[o + 2]!;
    const c = 3 * cells[o + 3]!;
    // Möller–Trumbore, from either side.
    const e1x = points[b]! - points[a]!, e1y = points[b + 1]! - points[a + 1]!, e1z = points[b + 2]! - points[a + 2]!;
    const e2x = points[c]! - points[a]!, e2y = points[c + 1]! - points[a + 1]!, e2z = points[c + 2]! - points[a + 2]!;
    const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
    const det = e1x * px + e1y * py + e1z * pz;
    if (det > -1e-12 && det < 1e-12) continue;
    const inv = 1 / det;
    const tx = ox - points[a]!, ty = oy - points[a + 1]!, tz = oz - points[a + 2]!;
    const u = (tx * px + ty * py + tz * pz) * inv;
    if (u < 0 || u > 1) continue;
    const qx = ty * e1z - tz * e1y, qy = tz * e1x - tx * e1z, qz = tx * e1y - ty * e1x;
    const v = (dx * qx + dy * qy + dz * qz) * inv;
    if (v < 0 || u + v > 1) continue;
    const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
    if (t > 0 && t < nearest) nearest = t;
  }
  return nearest === Infinity ? undefined : nearest;
}

/** Whether the ray passes through the box (slab test), from `origin` onwards. */
export function rayMeetsBox(bounds: Bounds3, origin: Vec3, direction: Vec3): boolean {
  let near = 0;
  let far = Infinity;
  for (let axis = 0; axis < 3; axis++) {
    const o = origin[axis]!;
    const d = direction[axis]!;
    const lo = bounds[2 * axis]!;
    const hi = bounds[2 * axis + 1]!;
    if (Math.abs(d) < 1e-12) {
      if (o < lo || o > hi) return false;
      continue;
    }
    let t0 = (lo - o) / d;
    let t1 = (hi - o) / d;
    if (t0 > t1) [t0, t1] = [t1, t0];
    near = Math.max(near, t0);
    far = Math.min(far, t1);
    if (near > far) return false;
  }
  return true;
}
