/**
 * A contour as anchors for the nearby-slices step (nearby-slices.ts): the
 * outer ring of a slice mask, points spaced evenly along it, their outward
 * normals, and a median filter around the ring. Pure geometry on flat
 * [x0, y0, x1, y1, …] arrays.
 */
import { maskToRegion } from '../annotation/contour.js';
import type { Ring } from '../annotation/region.js';

/** Fewest anchors a contour is followed with. */
const MIN_ANCHORS = 8;

/** The ring of the largest outer boundary of a slice mask (pixel-edge corners), or undefined when empty. */
export function outerRing(mask: Uint8Array, columns: number, rows: number): Ring | undefined {
  const region = maskToRegion(mask, columns, rows, (v) => v !== 0);
  let best: Ring | undefined;
  let bestArea = 0;
  for (const ring of region.rings) {
    const a = signedArea(ring);
    // Outer rings have positive area (contour.ts); holes are negative.
    if (a > bestArea) [best, bestArea] = [ring, a];
  }
  return best;
}

function signedArea(ring: Ring): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += ring[i]! * ring[j + 1]! - ring[j]! * ring[i + 1]!;
  }
  return s / 2;
}

/** Points every `spacing` along the closed ring (at least MIN_ANCHORS), flat [x0, y0, …]. */
export function resample(ring: Ring, spacing: number): Float64Array {
  const n = ring.length / 2;
  let length = 0;
  for (let i = 0; i < n; i++) length += Math.hypot(ring[((i + 1) % n) * 2]! - ring[i * 2]!, ring[((i + 1) % n) * 2 + 1]! - ring[i * 2 + 1]!);
  const m = Math.max(MIN_ANCHORS, Math.round(length / spacing));
  const out = new Float64Array(2 * m);
  const step = length / m;
  let edge = 0;
  let along = 0;
  let edgeLength = Math.hypot(ring[2 % ring.length]! - ring[0]!, ring[3 % ring.length]! - ring[1]!);
  for (let a = 0; a < m; a++) {
    const want = a * step;
    while (along + edgeLength < want && edge < n - 1) {
      along += edgeLength;
      edge++;
      const j = (edge + 1) % n;
      edgeLength = Math.hypot(ring[j * 2]! - ring[edge * 2]!, ring[j * 2 + 1]! - ring[edge * 2 + 1]!);
    }
    const j = (edge + 1) % n;
    const f = edgeLength > 0 ? (want - along) / edgeLength : 0;
    out[2 * a] = ring[edge * 2]! + f * (ring[j * 2]! - ring[edge * 2]!);
    out[2 * a + 1] = ring[edge * 2 + 1]! + f * (ring[j * 2 + 1]! - ring[edge * 2 + 1]!);
  }
  return out;
}

/**
 * Unit outward normals of a closed ring of points, from the chord between
 * each point's neighbours. The rings of `maskToRegion` run clockwise on
 * screen (y down) with the inside on the right, so outward is the chord
 * turned left: (dy, −dx).
 */
export function ringNormals(points: Float64Array): Float64Array {
  const m = points.length / 2;
  const out = new Float64Array(points.length);
  for (let a = 0; a < m; a++) {
    const b = (a + m - 1) % m;
    const c = (a + 1) % m;
    const dx = points[2 * c]! - points[2 * b]!;
    const dy = points[2 * c + 1]! - points[2 * b + 1]!;
    const len = Math.hypot(dx, dy) || 1;
    out[2 * a] = dy / len;
    out[2 * a + 1] = -dx / len;
  }
  return out;
}

/** Median of each value and its two neighbours on each side, around a closed ring. */
export function median5(v: Float64Array): Float64Array {
  const m = v.length;
  if (m < 5) return Float64Array.from(v);
  const out = new Float64Array(m);
  const w = new Float64Array(5);
  for (let a = 0; a < m; a++) {
    for (let d = -2; d <= 2; d++) w[d + 2] = v[(a + d + m) % m]!;
    w.sort();
    out[a] = w[2]!;
  }
  return out;
}
