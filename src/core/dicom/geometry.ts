/**
 * Pixel ↔ patient coordinates for one image plane (ARCHITECTURE "Coordinates").
 *
 * Pixel space is continuous: pixel (c, r) covers [c, c+1) × [r, r+1) and its
 * centre is (c + 0.5, r + 0.5). ImagePositionPatient P is the centre of the first
 * pixel, so world(x, y) = P + (x − 0.5)·Δcol·u + (y − 0.5)·Δrow·v.
 */
import { add, cross, dot, normalize, scale, sub } from '../math/vec3.js';
import type { Vec3 } from './types.js';

export interface PlaneGeometry {
  /** Centre of the first pixel, LPS mm. */
  position: Vec3;
  /** Unit direction of increasing column (along a row). */
  rowCosine: Vec3;
  /** Unit direction of increasing row (down a column). */
  columnCosine: Vec3;
  /** [Δrow, Δcol]: distance between row centres, between column centres (mm). */
  pixelSpacing: readonly [number, number];
}

export function planeNormal(plane: Pick<PlaneGeometry, 'rowCosine' | 'columnCosine'>): Vec3 {
  return normalize(cross(plane.rowCosine, plane.columnCosine));
}

/** Patient (LPS) coordinates of the continuous pixel-space point (x, y). */
export function pixelToWorld(plane: PlaneGeometry, x: number, y: number): Vec3 {
  const [dRow, dCol] = plane.pixelSpacing;
  return add(add(plane.position, scale(plane.rowCosine, (x - 0.5) * dCol)), scale(plane.columnCosine, (y - 0.5) * dRow));
}

/**
 * Continuous pixel coordinates of a patient point projected onto the plane, and
 * its signed distance from the plane along the normal (mm).
 */
export function worldToPixel(plane: PlaneGeometry, p: Vec3): { x: number; y: number; distance: number } {
  const d = sub(p, plane.position);
  const [dRow, dCol] = plane.pixelSpacing;
  return {
    x: dot(d, plane.rowCosine) / dCol + 0.5,
    y: dot(d, plane.columnCosine) / dRow + 0.5,
    distance: dot(d, planeNormal(plane)),
  };
}

/** Position of a plane along a normal: the sort key of slices. */
export function positionAlong(normal: Vec3, position: Vec3): number {
  return dot(normal, position);
}

/**
 * Orientation letters for a direction in LPS, most significant axis first,
 * e.g. [1, 0, 0] → 'L', [0, -1, 0] → 'A'. Axes with a component smaller than
 * `minComponent` are left out, so an oblique direction reads like 'LA'.
 */
export function orientationLetters(direction: Vec3, minComponent = 0.25): string {
  const letters: Array<[number, string]> = [
    [direction[0], direction[0] >= 0 ? 'L' : 'R'],
    [direction[1], direction[1] >= 0 ? 'P' : 'A'],
    [direction[2], direction[2] >= 0 ? 'S' : 'I'],
  ];
  return letters
    .filter(([c]) => Math.abs(c) >= minComponent)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .map(([, l]) => l)
    .join('');
}

export function negate(v: Vec3): Vec3 {
  return [-v[0], -v[1], -v[2]];
}
