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

  it('performance: a 1,000-vertex outline on 512² (printed, not asserted)', () => {
    const ring: Ring = [];
    for (let i = 0; i < 1000; i++) {
      const a = (2 * Math.PI * i) / 1000;
      const r = 150 + 20 * Math.sin(9 * a);
      ring.push(256 + r * Math.cos(a), 256 + r * Math.sin(a));
    }
    const out = new Uint8Array(512 * 512);
    // Median of single runs after a warm-up: robust to JIT tiers and to other work on the machine.
    const median = (region: Region) => {
      for (let i = 0; i < 200; i++) rasterizeRegion(region, 512, 512, out, 1);
      const runs: number[] = [];
      for (let i = 0; i < 301; i++) {
        const t = performance.now();
        rasterizeRegion(region, 512, 512, out, 1);
        runs.push(performance.now() - t);
      }
      return runs.sort((a, b) => a - b)[150]!;
    };
    const ms = median({ rings: [ring] });
    const msHoled = median({ rings: [ring, [200, 200, 300, 200, 300, 300, 200, 300]] });
    console.log(`annotation-raster (median): 1,000-vertex outline on 512²: ${ms.toFixed(3)} ms; with a hole (XOR path): ${msHoled.toFixed(3)} ms`);
    expect(ms).toBeGreaterThan(0);
  });
});
