/**
 * Small geometry helpers for the annotation tests of distance, isocontour,
 * interpolate and livewire: ring areas and centroids of oriented rings, Dice,
 * a self-intersection check, a PRNG and disc masks.
 */
import type { Region, Ring } from '../../../src/core/annotation/region.js';

export function ringArea(ring: Ring): number {
  let sum = 0;
  for (let k = 0; k < ring.length; k += 2) {
    const j = (k + 2) % ring.length;
    sum += ring[k]! * ring[j + 1]! - ring[j]! * ring[k + 1]!;
  }
  return sum / 2;
}

/** Area of a region whose rings are oriented (outer positive, holes negative). */
export function regionArea(region: Region): number {
  return region.rings.reduce((s, r) => s + ringArea(r), 0);
}

/** Area centroid of a region of oriented rings. */
export function regionCentroid(region: Region): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const ring of region.rings) {
    for (let k = 0; k < ring.length; k += 2) {
      const j = (k + 2) % ring.length;
      const cross = ring[k]! * ring[j + 1]! - ring[j]! * ring[k + 1]!;
      a += cross;
      cx += (ring[k]! + ring[j]!) * cross;
      cy += (ring[k + 1]! + ring[j + 1]!) * cross;
    }
  }
  return [cx / (3 * a), cy / (3 * a)];
}

export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let both = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x) sa++;
    if (y) sb++;
    if (x && y) both++;
  }
  return sa + sb === 0 ? 1 : (2 * both) / (sa + sb);
}

/** Whether two closed segments p1p2 and p3p4 intersect (touching included). */
function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  const o1 = o(ax, ay, bx, by, cx, cy);
  const o2 = o(ax, ay, bx, by, dx, dy);
  const o3 = o(cx, cy, dx, dy, ax, ay);
  const o4 = o(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  const on = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) =>
    Math.min(px, qx) <= rx && rx <= Math.max(px, qx) && Math.min(py, qy) <= ry && ry <= Math.max(py, qy);
  return (o1 === 0 && on(ax, ay, bx, by, cx, cy)) || (o2 === 0 && on(ax, ay, bx, by, dx, dy)) || (o3 === 0 && on(cx, cy, dx, dy, ax, ay)) || (o4 === 0 && on(cx, cy, dx, dy, bx, by));
}

/**
 * The number of pairs of non-adjacent edges that touch or cross, over all rings
 * of the region (within a ring and between rings); 0 for a clean region.
 */
export function crossings(region: Region): number {
  const edges: number[][] = [];
  region.rings.forEach((ring, ri) => {
    const n = ring.length / 2;
    for (let k = 0; k < n; k++) edges.push([ri, k, n, ring[2 * k]!, ring[2 * k + 1]!, ring[(2 * k + 2) % ring.length]!, ring[(2 * k + 3) % ring.length]!]);
  });
  // Sweep over x to keep this near-linear on rings of a few thousand edges.
  edges.sort((e, f) => Math.min(e[3]!, e[5]!) - Math.min(f[3]!, f[5]!));
  let count = 0;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    const maxX = Math.max(e[3]!, e[5]!);
    for (let j = i + 1; j < edges.length && Math.min(edges[j]![3]!, edges[j]![5]!) <= maxX; j++) {
      const f = edges[j]!;
      if (e[0] === f[0]) {
        const n = e[2]!;
        const d = Math.abs(e[1]! - f[1]!);
        if (d === 1 || d === n - 1) continue; // neighbours share a vertex
      }
      if (segmentsIntersect(e[3]!, e[4]!, e[5]!, e[6]!, f[3]!, f[4]!, f[5]!, f[6]!)) count++;
    }
  }
  return count;
}

/** A small deterministic PRNG (LCG), 0 ≤ value < 1. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** A random 0/1 mask, about `density` of it 1. */
export function randomMask(columns: number, rows: number, density: number, seed: number): Uint8Array {
  const rand = random(seed);
  const mask = new Uint8Array(columns * rows);
  for (let i = 0; i < mask.length; i++) mask[i] = rand() < density ? 1 : 0;
  return mask;
}

/** Mask of a disc of radius `radius` centred at (cx, cy), pixel-centre rule. */
export function discMask(columns: number, rows: number, cx: number, cy: number, radius: number): Uint8Array {
  const mask = new Uint8Array(columns * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if ((c + 0.5 - cx) ** 2 + (r + 0.5 - cy) ** 2 < radius * radius) mask[r * columns + c] = 1;
    }
  }
  return mask;
}
