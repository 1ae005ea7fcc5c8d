/**
 * Distance transforms (src/core/annotation/distance.ts) and sub-pixel
 * iso-contours (src/core/annotation/isocontour.ts): exact against brute force
 * (scipy in annotation-distance.tools.test.ts), signed fields whose zero level lies on pixel edges, and contours
 * that are closed, simple, oriented and reproduce the thresholded field.
 */
import { describe, expect, it } from 'vitest';
import { euclideanDistanceTransform, signedDistanceField, squaredDistanceTransform, DistanceWorkspace } from '../../src/core/annotation/distance.js';
import { isocontour } from '../../src/core/annotation/isocontour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { crossings, discMask, random, randomMask, regionArea, ringArea } from './support/annotation-geometry.js';

/** Brute force: squared distance from each pixel to the nearest pixel where `feature(i)`; Infinity if none. */
function bruteSquared(columns: number, rows: number, feature: (i: number) => boolean, spacing: [number, number] = [1, 1]): Float64Array {
  const out = new Float64Array(columns * rows).fill(Infinity);
  for (let i = 0; i < out.length; i++) {
    const r = Math.floor(i / columns);
    const c = i % columns;
    for (let j = 0; j < out.length; j++) {
      if (!feature(j)) continue;
      const d = ((Math.floor(j / columns) - r) * spacing[0]) ** 2 + ((j % columns) - c) ** 2 * spacing[1] ** 2;
      if (d < out[i]!) out[i] = d;
    }
  }
  return out;
}

describe('euclidean distance transform', () => {
  const cases: [number, number, number][] = [
    [1, 1, 0.5],
    [1, 17, 0.3],
    [13, 1, 0.7],
    [9, 7, 0.9],
    [16, 16, 0.95],
    [23, 19, 0.6],
    [31, 29, 0.99],
    [40, 12, 0.2],
  ];

  it.each(cases)('REQ-DIST-1: equals brute force exactly on random %i×%i masks (density %f)', (columns, rows, density) => {
    for (let seed = 1; seed <= 5; seed++) {
      const mask = randomMask(columns, rows, density, seed * 7919 + columns);
      const got = squaredDistanceTransform(mask, columns, rows);
      const want = bruteSquared(columns, rows, (j) => mask[j] === 0);
      for (let i = 0; i < got.length; i++) {
        if (want[i] === Infinity) expect(got[i]).toBeGreaterThanOrEqual(1e20);
        else expect(got[i]).toBe(mask[i] ? want[i] : 0);
      }
    }
  });

  it('REQ-DIST-2: supports anisotropic spacing [between rows, between columns]', () => {
    const ws = new DistanceWorkspace();
    for (const spacing of [
      [0.78125, 3],
      [2.5, 0.5],
      [1, 1.7],
    ] as [number, number][]) {
      const mask = randomMask(27, 21, 0.93, 42);
      const got = euclideanDistanceTransform(mask, 27, 21, { spacing, workspace: ws });
      const want = bruteSquared(27, 21, (j) => mask[j] === 0, spacing);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(Math.sqrt(want[i]!), 9);
    }
  });

  it('REQ-DIST-3: gives Infinity when there is no zero pixel, and 0 on an all-zero mask', () => {
    expect([...euclideanDistanceTransform(new Uint8Array(6).fill(1), 3, 2)]).toEqual(new Array(6).fill(Infinity));
    expect([...euclideanDistanceTransform(new Uint8Array(6), 3, 2)]).toEqual(new Array(6).fill(0));
  });

});

describe('signed distance field', () => {
  it('REQ-SDF-1: is −(distance to outside − ½) inside and +(distance to inside − ½) outside, beyond the edges outside', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const columns = 19;
      const rows = 15;
      const mask = randomMask(columns, rows, 0.3 + 0.1 * seed, seed);
      const sdf = signedDistanceField(mask, columns, rows);
      // Brute force on the array padded by one outside pixel all around.
      const pc = columns + 2;
      const padded = new Uint8Array(pc * (rows + 2));
      for (let r = 0; r < rows; r++) padded.set(mask.subarray(r * columns, (r + 1) * columns), (r + 1) * pc + 1);
      const toOutside = bruteSquared(pc, rows + 2, (j) => padded[j] === 0);
      const toInside = bruteSquared(pc, rows + 2, (j) => padded[j] !== 0);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          const p = (r + 1) * pc + c + 1;
          const want = mask[r * columns + c] ? 0.5 - Math.sqrt(toOutside[p]!) : toInside[p] === Infinity ? Infinity : Math.sqrt(toInside[p]!) - 0.5;
          expect(sdf[r * columns + c]).toBeCloseTo(want, 5);
        }
      }
    }
  });

  it('REQ-SDF-2: puts the zero crossing on the pixel edge between 4-neighbours, also with anisotropic spacing', () => {
    // A band over columns 2..4 of rows 2..12: at row 7 the nearest boundary is across the columns.
    const columns = 7;
    const mask = new Uint8Array(columns * 15);
    for (let r = 2; r <= 12; r++) for (let c = 2; c <= 4; c++) mask[r * columns + c] = 1;
    for (const spacing of [
      [1, 1],
      [0.5, 2],
      [3, 0.8],
    ] as [number, number][]) {
      const sdf = signedDistanceField(mask, columns, 15, { spacing });
      const at = (c: number) => sdf[7 * columns + c]!;
      // Columns 1 (outside) and 2 (inside), 4 and 5: opposite signs, equal magnitudes, so the crossing is on the edge.
      expect(at(1) + at(2)).toBeCloseTo(0, 6);
      expect(at(4) + at(5)).toBeCloseTo(0, 6);
      expect(at(2)).toBeLessThan(0);
      expect(at(1)).toBeGreaterThan(0);
    }
  });

  it('REQ-SDF-3: is +Infinity everywhere for an empty mask', () => {
    expect([...signedDistanceField(new Uint8Array(4), 2, 2)]).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });
});

describe('iso-contour (marching squares, sub-pixel)', () => {
  it('REQ-ISO-1: of the signed distance field of a disc has the area of the disc within 1%', () => {
    for (const radius of [6, 10.5, 20, 47.3]) {
      const size = Math.ceil(2 * radius + 10);
      const mask = discMask(size, size, size / 2 + 0.3, size / 2 - 0.2, radius);
      const region = isocontour(signedDistanceField(mask, size, size), size, size);
      expect(region.rings).toHaveLength(1);
      const area = regionArea(region);
      expect(Math.abs(area - Math.PI * radius * radius) / (Math.PI * radius * radius)).toBeLessThan(0.01);
      expect(crossings(region)).toBe(0);
    }
  });

  it('REQ-ISO-2: of an analytic distance field |p − c| − R has the area of the disc within 0.1%', () => {
    const size = 64;
    const field = new Float32Array(size * size);
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) field[r * size + c] = Math.hypot(c + 0.5 - 31.7, r + 0.5 - 32.2) - 25;
    const region = isocontour(field, size, size);
    expect(Math.abs(regionArea(region) / (Math.PI * 625) - 1)).toBeLessThan(0.001);
  });

  it('REQ-ISO-3: of the signed distance field of a square has its area up to the four cut corners (⅛ px² each)', () => {
    const mask = new Uint8Array(40 * 30);
    for (let r = 5; r < 25; r++) for (let c = 7; c < 27; c++) mask[r * 40 + c] = 1;
    const region = isocontour(signedDistanceField(mask, 40, 30), 40, 30);
    expect(region.rings).toHaveLength(1);
    expect(regionArea(region)).toBeCloseTo(400 - 0.5, 6);
    // Straight runs are merged: 4 sides + 4 corner cuts.
    expect(region.rings[0]!.length / 2).toBe(8);
  });

  it('REQ-ISO-4: closes rings along the edges of the field (half a pixel beyond the border samples)', () => {
    const mask = new Uint8Array(10 * 8).fill(1);
    const region = isocontour(signedDistanceField(mask, 10, 8), 10, 8, { originX: 3, originY: 4 });
    expect(region.rings).toHaveLength(1);
    // The sides run on the field's edges; the corners are cut like any convex corner of a mask (⅛ px² each).
    expect(regionArea(region)).toBeCloseTo(80 - 0.5, 6);
    const xs = region.rings[0]!.filter((_, k) => k % 2 === 0);
    const ys = region.rings[0]!.filter((_, k) => k % 2 === 1);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([3, 13, 4, 12]);
  });

  it('REQ-ISO-5: gives simple, consistently oriented rings that reproduce the thresholded field exactly (random masks, holes, saddles)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const columns = 37;
      const rows = 29;
      const mask = randomMask(columns, rows, 0.35 + 0.04 * seed, seed * 31);
      const region = isocontour(signedDistanceField(mask, columns, rows), columns, rows, { minArea: 0 });
      expect(crossings(region)).toBe(0);
      expect(Array.from(rasterizeToMask(region, columns, rows))).toEqual(Array.from(mask));
      // Oriented: every ring's sign says whether it bounds inside (outer, +) or a hole (−): the total is the enclosed area.
      const unsigned = region.rings.reduce((s, r) => s + Math.abs(ringArea(r)), 0);
      expect(regionArea(region)).toBeGreaterThan(0);
      expect(regionArea(region)).toBeLessThanOrEqual(unsigned);
    }
  });

  it('REQ-ISO-6: resolves saddles of a smooth field consistently and keeps rings closed and simple', () => {
    const columns = 48;
    const rows = 40;
    const field = new Float32Array(columns * rows);
    for (let seed = 1; seed <= 6; seed++) {
      const rand = random(seed);
      const waves = Array.from({ length: 5 }, () => [rand() * 0.8, rand() * 0.8, rand() * 6, rand() - 0.5]);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          field[r * columns + c] = waves.reduce((s, [fx, fy, ph, a]) => s + a! * Math.sin(fx! * c + fy! * r + ph!), 0);
        }
      }
      const region = isocontour(field, columns, rows, { minArea: 0 });
      expect(crossings(region)).toBe(0);
      const inside = Uint8Array.from(field, (v) => (v < 0 ? 1 : 0));
      expect(Array.from(rasterizeToMask(region, columns, rows))).toEqual(Array.from(inside));
    }
  });

  it('REQ-ISO-7: orients outer rings positively and holes negatively; drops rings below minArea', () => {
    const size = 30;
    const outer = discMask(size, size, 15, 15, 12);
    const hole = discMask(size, size, 15, 15, 5);
    const annulus = outer.map((v, i) => (v && !hole[i] ? 1 : 0));
    const region = isocontour(signedDistanceField(annulus, size, size), size, size);
    expect(region.rings).toHaveLength(2);
    const areas = region.rings.map(ringArea).sort((a, b) => a - b);
    expect(areas[0]).toBeLessThan(0);
    expect(areas[1]).toBeGreaterThan(0);
    const speck = new Uint8Array(size * size);
    speck[5 * size + 5] = 1;
    expect(isocontour(signedDistanceField(speck, size, size), size, size, { minArea: 0.6 }).rings).toHaveLength(0);
    expect(isocontour(signedDistanceField(speck, size, size), size, size).rings).toHaveLength(1);
  });
});
