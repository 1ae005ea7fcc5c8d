/**
 * The simple-ring fast path of normalizeRegion (issue 17): a ring that is a
 * simple polygon on Clipper's grid is normalised without Clipper, to exactly
 * what Clipper gives; any ring that is not simple is left to Clipper.
 * Clipper's own answer (a union with the empty region, which never takes the
 * fast path) is the reference throughout.
 */
import { describe, expect, it } from 'vitest';
import { normalizeRegion, unionRegions } from '../../src/core/annotation/region-ops.js';
import { simpleRingNormal } from '../../src/core/annotation/simple-ring.js';
import type { Region, Ring } from '../../src/core/annotation/region.js';
import { mulberry32 } from '../../scripts/sample/random.js';

const SCALE = 4096;
const clipper = (ring: Ring): Region => unionRegions({ rings: [ring] }, { rings: [] });

/** The ring as a cyclic sequence starting at its smallest point, for comparing two rings' vertices and order. */
function canonical(ring: readonly number[]): string {
  const n = ring.length >> 1;
  let best = 0;
  for (let i = 1; i < n; i++) {
    const [x, y, bx, by] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * best]!, ring[2 * best + 1]!];
    if (x < bx || (x === bx && y < by)) best = i;
  }
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const i = (best + k) % n;
    out.push(`${ring[2 * i]},${ring[2 * i + 1]}`);
  }
  return out.join(' ');
}

function shoelace(ring: readonly number[]): number {
  let a = 0;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return a / 2;
}

/** A star clicked from its centre: `n` vertices alternating between two radii over `span` radians (as the polygon bench clicks it). */
function star(n: number, inner: number, outer: number, span = (350 / 360) * 2 * Math.PI): Ring {
  const ring: Ring = [256.5, 256.5];
  for (let i = 1; i < n; i++) {
    const a = (span * (i - 1)) / (n - 2);
    const r = i % 2 ? outer : inner;
    ring.push(256.5 + r * Math.cos(a), 256.5 + r * Math.sin(a));
  }
  return ring;
}

/** A random star-shaped ring: angles increasing, radii random (simple by construction). */
function randomStar(random: () => number, n: number, reverse: boolean): Ring {
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = ((reverse ? -1 : 1) * 2 * Math.PI * (i + 0.8 * random())) / n;
    const r = 20 + 200 * random();
    ring.push(256 + r * Math.cos(a), 256 + r * Math.sin(a));
  }
  return ring;
}

describe('simpleRingNormal: simple rings give Clipper’s result without Clipper', () => {
  it('a 3,000-vertex star clicked from its centre: the same ring as Clipper’s', () => {
    const ring = star(3_000, 60, 230);
    const fast = simpleRingNormal(ring, SCALE);
    expect(fast).toBeDefined();
    const reference = clipper(ring);
    expect(reference.rings).toHaveLength(1);
    expect(canonical(fast!)).toBe(canonical(reference.rings[0]!));
    // normalizeRegion takes the fast path for it and gives the same.
    expect(normalizeRegion({ rings: [ring] })).toEqual({ rings: [fast] });
  });

  it('a 10,000-vertex star, clockwise or not: normalizeRegion gives one outer ring with the star’s analytic area', () => {
    const ring = star(10_000, 60, 230);
    // ½·r₁·r₂·sin(Δθ) per spike; coordinates are rounded to 1/4096 px.
    const analytic = 0.5 * 60 * 230 * Math.sin(((350 / 360) * 2 * Math.PI) / 9998) * 9998;
    const reversed: Ring = [];
    for (let i = ring.length - 2; i >= 0; i -= 2) reversed.push(ring[i]!, ring[i + 1]!);
    for (const r of [ring, reversed]) {
      const { rings } = normalizeRegion({ rings: [r] });
      expect(rings).toHaveLength(1);
      expect(rings[0]!.length).toBe(20_000);
      expect(Math.abs(shoelace(rings[0]!) - analytic)).toBeLessThan(0.05);
    }
  });

  it('random star-shaped rings, either way round, with collinear runs: the same as Clipper’s', () => {
    const random = mulberry32(17);
    for (let k = 0; k < 40; k++) {
      const ring = randomStar(random, 50 + Math.floor(random() * 400), k % 2 === 1);
      // A straight run of extra points along one edge: collinear vertices Clipper drops.
      const [x0, y0, x1, y1] = ring.slice(0, 4) as [number, number, number, number];
      const [gx0, gy0, gx1, gy1] = [x0, y0, x1, y1].map((v) => Math.round(v * 4) / 4) as [number, number, number, number];
      ring.splice(0, 4, gx0, gy0, (3 * gx0 + gx1) / 4, (3 * gy0 + gy1) / 4, (gx0 + gx1) / 2, (gy0 + gy1) / 2, gx1, gy1);
      const fast = simpleRingNormal(ring, SCALE);
      expect(fast, `ring ${k}`).toBeDefined();
      const reference = clipper(ring);
      expect(reference.rings).toHaveLength(1);
      expect(canonical(fast!), `ring ${k}`).toBe(canonical(reference.rings[0]!));
      expect(shoelace(fast!)).toBeGreaterThan(0);
    }
  });
});

describe('simpleRingNormal: anything not simple is left to Clipper', () => {
  const cases: Record<string, Ring> = {
    'a bow tie (two edges cross)': [0, 0, 10, 10, 10, 0, 0, 10],
    'a pinch (the ring passes one point twice)': [0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5],
    'a vertex on another edge': [0, 0, 10, 0, 10, 10, 5, 0, 0, 10],
    'a spike (the outline turns straight back)': [0, 0, 10, 0, 10, 10, 10, 20, 10, 10, 0, 10],
    'two edges overlapping along a line': [0, 0, 10, 0, 10, 5, 4, 5, 4, 0.5, 6, 0.5, 6, 5, 2, 5, 2, 0],
    'a flat ring (no area)': [0, 0, 5, 0, 10, 0],
  };
  for (const [what, ring] of Object.entries(cases)) {
    it(what, () => {
      expect(simpleRingNormal(ring, SCALE)).toBeUndefined();
    });
  }

  it('whenever it answers on small random rings full of touching and collinear edges, Clipper gives that very ring', () => {
    const random = mulberry32(3);
    let answered = 0;
    for (let k = 0; k < 4000; k++) {
      const n = 4 + Math.floor(random() * 8);
      const ring: Ring = [];
      for (let i = 0; i < n; i++) ring.push(Math.floor(random() * 6), Math.floor(random() * 6));
      const fast = simpleRingNormal(ring, SCALE);
      if (!fast) continue;
      answered++;
      const reference = clipper(ring);
      expect(reference.rings, JSON.stringify(ring)).toHaveLength(1);
      expect(canonical(fast), JSON.stringify(ring)).toBe(canonical(reference.rings[0]!));
    }
    // Enough of them are simple for this to say something.
    expect(answered).toBeGreaterThan(200);
  });
});
