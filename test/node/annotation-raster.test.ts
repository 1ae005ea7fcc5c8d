/**
 * Rasterisation rule (ARCHITECTURE "Coordinates"): a pixel belongs to a
 * region when its centre is inside by the even–odd rule — pixel for pixel the
 * rule of skimage.draw.polygon, checked against scikit-image itself in
 * annotation-raster.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  rasterizeRegion,
  rasterizeRegionInBox,
  rasterizeToMask,
  regionPixelBounds,
  unionBoxes,
} from '../../src/core/annotation/rasterize.js';
import type { Region, Ring } from '../../src/core/annotation/region.js';
import { mulberry32 } from '../../scripts/sample/random.js';

describe('rasterizeRegion', () => {
  const square: Region = { rings: [[2, 2, 6, 2, 6, 5, 2, 5]] };

  it('REQ-RASTER-2: writes value only on the region, leaves other pixels untouched', () => {
    const out = new Uint8Array(8 * 8).fill(9);
    rasterizeRegion(square, 8, 8, out, 3);
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) expect(out[r * 8 + c]).toBe(c >= 2 && c < 6 && r >= 2 && r < 5 ? 3 : 9);
    }
  });

  it('REQ-RASTER-3: the box variant writes exactly the full result inside the box and nothing outside', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 50; t++) {
      const ring: Ring = [];
      for (let k = 0; k < 12; k++) ring.push(rnd() * 40 - 4, rnd() * 30 - 4);
      const region = { rings: [ring, [10, 10, 20, 10, 20, 20, 10, 20]] };
      const full = rasterizeToMask(region, 32, 24);
      const box = { c0: Math.floor(rnd() * 20) - 2, r0: Math.floor(rnd() * 15) - 2, c1: 10 + Math.floor(rnd() * 30), r1: 8 + Math.floor(rnd() * 20) };
      const out = new Uint8Array(32 * 24);
      rasterizeRegionInBox(region, 32, 24, out, 1, box);
      for (let r = 0; r < 24; r++) {
        for (let c = 0; c < 32; c++) {
          const inBox = c >= box.c0 && c < box.c1 && r >= box.r0 && r < box.r1;
          expect(out[r * 32 + c]).toBe(inBox ? full[r * 32 + c] : 0);
        }
      }
      const bounds = regionPixelBounds(region, 32, 24);
      for (let p = 0; p < full.length; p++) {
        if (!full[p]) continue;
        const c = p % 32;
        const r = Math.floor(p / 32);
        expect(c >= bounds.c0 && c < bounds.c1 && r >= bounds.r0 && r < bounds.r1).toBe(true);
      }
    }
    expect(unionBoxes({ c0: 0, r0: 0, c1: 0, r1: 0 }, { c0: 1, r0: 2, c1: 3, r1: 4 })).toEqual({ c0: 1, r0: 2, c1: 3, r1: 4 });
    expect(unionBoxes({ c0: 5, r0: 0, c1: 9, r1: 3 }, { c0: 1, r0: 2, c1: 3, r1: 4 })).toEqual({ c0: 1, r0: 0, c1: 9, r1: 4 });
  });

  it('REQ-RASTER-4: empty, degenerate and far-away input writes nothing and does not hang', () => {
    const out = new Uint8Array(16);
    rasterizeRegion({ rings: [] }, 4, 4, out, 1);
    rasterizeRegion({ rings: [[1, 1, 3, 3]] }, 4, 4, out, 1);
    rasterizeRegion({ rings: [[1e300, 1e300, 2e300, 1e300, 1e300, 2e300]] }, 4, 4, out, 1);
    rasterizeRegion({ rings: [[NaN, 1, 3, NaN, 2, 2]] }, 4, 4, out, 1);
    expect([...out].every((v) => v === 0)).toBe(true);
    expect(() => rasterizeRegion(square, 8, 8, new Uint8Array(10), 1)).toThrow(RangeError);
    // A huge triangle covering the whole image ends (no endless rounding loop) and fills it.
    rasterizeRegion({ rings: [[-1e300, -1e300, 1e300, -1e300, 0, 1e300]] }, 4, 4, out, 1);
    expect(out[5]).toBe(1);
  });

  it('REQ-RASTER-5: spiky outlines with thousands of vertices, many starting on one row and many on pixel centres, match a pixel-by-pixel reference', () => {
    // Crossings sorted by the quicksort path (over 24 edges start on a row), vertices on
    // centres, crossing spikes (the sorted fallback): every case against the rule itself.
    const random = mulberry32(17);
    const size = 96;
    const cases: Ring[] = [];
    for (const [spikes, onCentre, twist] of [[1500, false, 0], [800, true, 0], [600, false, 0.9], [300, true, 0.5]] as const) {
      const ring: Ring = [];
      const n = 2 * spikes;
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * i) / n + (i % 2 ? twist * (2 * Math.PI) / n * 3 : 0);
        const r = i % 2 ? 44 : 6 + 10 * random();
        let x = 48 + r * Math.cos(a);
        let y = 48 + r * Math.sin(a);
        if (onCentre && i % 3 === 0) {
          x = Math.floor(x) + 0.5;
          y = Math.floor(y) + 0.5;
        }
        ring.push(x, y);
      }
      cases.push(ring);
    }
    for (const ring of cases) {
      const out = rasterizeToMask({ rings: [ring] }, size, size);
      const want = referenceMask(ring, size, size);
      const wrong = out.reduce((n, v, i) => n + (v !== want[i] ? 1 : 0), 0);
      expect(wrong).toBe(0);
      expect(out.reduce((n, v) => n + v, 0)).toBeGreaterThan(100);
    }
  });
});

/**
 * The rule written the slow way, pixel by pixel and edge by edge: a centre on
 * an edge or inside by the crossing count (even–odd). The cases keep clear of
 * centres lying exactly on an edge's interior, where either way of computing
 * the crossing may round: only their vertices sit on centres.
 */
function referenceMask(ring: Ring, columns: number, rows: number): Uint8Array {
  const out = new Uint8Array(columns * rows);
  const n = ring.length >> 1;
  for (let r = 0; r < rows; r++) {
    const y = r + 0.5;
    for (let c = 0; c < columns; c++) {
      const x = c + 0.5;
      let inside = false;
      let onEdge = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const xi = ring[2 * i]!, yi = ring[2 * i + 1]!, xj = ring[2 * j]!, yj = ring[2 * j + 1]!;
        const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
        if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) onEdge = true;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      out[r * columns + c] = inside || onEdge ? 1 : 0;
    }
  }
  return out;
}
