/**
 * Shape-based interpolation between key slices
 * (src/core/annotation/interpolate.ts): identity, sizes, motion, holes, empty
 * keys, non-uniform slice positions, the sample's ground-truth discs, and the
 * time for 20 slices of 512².
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { interpolateBetween, interpolateKeySlices, type InterpolateOptions } from '../../src/core/annotation/interpolate.js';
import type { Region } from '../../src/core/annotation/region.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { crossings, dice, discMask, regionArea, regionCentroid } from './support/annotation-geometry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('interpolation between two key slices', () => {
  it('REQ-INTERP-1: between two identical shapes returns that shape (Dice ≥ 0.99 after rasterizing)', () => {
    const mask = discMask(64, 48, 30.2, 22.7, 13);
    for (let r = 18; r < 40; r++) for (let c = 25; c < 55; c++) mask[r * 64 + c] = 1; // a disc with a box: concave corners
    const regions = interpolateBetween(new Map([[3, mask], [7, mask.slice()]]), 64, 48);
    expect([...regions.keys()]).toEqual([4, 5, 6]);
    for (const region of regions.values()) {
      expect(dice(rasterizeToMask(region, 64, 48), mask)).toBeGreaterThanOrEqual(0.99);
      expect(crossings(region)).toBe(0);
    }
  });

  it('REQ-INTERP-2: between a small and a large concentric circle gives the mean radius half way', () => {
    const regions = interpolateBetween(new Map([[0, discMask(100, 100, 50, 50, 10)], [4, discMask(100, 100, 50, 50, 30)]]), 100, 100);
    const area = regionArea(regions.get(2)!);
    expect(Math.abs(area / (Math.PI * 20 * 20) - 1)).toBeLessThan(0.02);
    // Radii grow linearly: 15 and 25 at a quarter and three quarters.
    expect(Math.sqrt(regionArea(regions.get(1)!) / Math.PI)).toBeCloseTo(15, 0);
    expect(Math.sqrt(regionArea(regions.get(3)!) / Math.PI)).toBeCloseTo(25, 0);
  });

  it('REQ-INTERP-3: moves the centroid linearly between offset circles, also when they do not overlap (and keeps their size)', () => {
    for (const [bx, by] of [
      [70, 62], // overlapping
      [150, 110], // far apart
    ] as [number, number][]) {
      const a = discMask(200, 160, 40.5, 50.5, 15);
      const b = discMask(200, 160, bx, by, 15);
      const regions = interpolateBetween(new Map([[0, a], [10, b]]), 200, 160);
      for (let k = 1; k < 10; k++) {
        const t = k / 10;
        const region = regions.get(k)!;
        expect(region.rings).toHaveLength(1);
        const [cx, cy] = regionCentroid(region);
        expect(cx).toBeCloseTo(40.5 + t * (bx - 40.5), 1);
        expect(cy).toBeCloseTo(50.5 + t * (by - 50.5), 1);
        expect(Math.abs(regionArea(region) / (Math.PI * 225) - 1)).toBeLessThan(0.02);
      }
    }
  });

  it('REQ-INTERP-4: with centroid alignment, moves overlapping shapes linearly too', () => {
    const a = discMask(120, 120, 50.5, 50.5, 20);
    const b = discMask(120, 120, 62, 58, 20);
    const regions = interpolateBetween(new Map([[0, a], [4, b]]), 120, 120, undefined, { align: 'centroid' });
    for (let k = 1; k < 4; k++) {
      const [cx, cy] = regionCentroid(regions.get(k)!);
      expect(cx).toBeCloseTo(50.5 + (k / 4) * 11.5, 1);
      expect(cy).toBeCloseTo(50.5 + (k / 4) * 7.5, 1);
    }
  });

  it('REQ-INTERP-5: without centroid alignment, far-apart shapes vanish half way (why "auto" aligns pairs that do not overlap)', () => {
    const a = discMask(200, 160, 40.5, 50.5, 15);
    const b = discMask(200, 160, 150, 110, 15);
    const regions = interpolateBetween(new Map([[0, a], [10, b]]), 200, 160, undefined, { align: 'none' });
    expect(regions.get(5)!.rings).toHaveLength(0);
  });

  it('REQ-INTERP-6: weights by slice position when slices are unevenly spaced', () => {
    const positions = [0, 1, 7, 8]; // slice 1 is an eighth of the way, slice 2 seven eighths
    const regions = interpolateBetween(new Map([[0, discMask(100, 100, 50, 50, 10)], [3, discMask(100, 100, 50, 50, 34)]]), 100, 100, positions);
    expect(Math.sqrt(regionArea(regions.get(1)!) / Math.PI)).toBeCloseTo(13, 0);
    expect(Math.sqrt(regionArea(regions.get(2)!) / Math.PI)).toBeCloseTo(31, 0);
    expect(() => interpolateBetween(new Map([[0, discMask(100, 100, 50, 50, 10)], [3, discMask(100, 100, 50, 50, 34)]]), 100, 100, [0, 5, 4, 8])).toThrow(
      RangeError,
    );
  });

  it('REQ-INTERP-7: keeps holes: between two rings with holes the in-between slices have a hole', () => {
    const ring = (cx: number, inner: number, outer: number) => {
      const o = discMask(90, 90, cx, 45, outer);
      const i = discMask(90, 90, cx, 45, inner);
      return o.map((v, n) => (v && !i[n] ? 1 : 0));
    };
    const regions = interpolateBetween(new Map([[0, ring(44, 8, 20)], [2, ring(47, 12, 26)]]), 90, 90);
    const middle = regions.get(1)!;
    expect(middle.rings).toHaveLength(2);
    const mask = rasterizeToMask(middle, 90, 90);
    expect(mask[45 * 90 + 45]).toBe(0); // the centre is in the hole
    expect(Math.abs(regionArea(middle) / (Math.PI * (23 * 23 - 10 * 10)) - 1)).toBeLessThan(0.03);
  });

  it('REQ-INTERP-8: does not interpolate from or to an empty key slice, and reports the pair', () => {
    const result = interpolateKeySlices(new Map([[2, discMask(40, 40, 20, 20, 8)], [6, new Uint8Array(1600)]]), 40, 40);
    expect(result.regions.size).toBe(0);
    expect(result.skipped).toEqual([{ from: 2, to: 6, reason: 'empty-key' }]);
    // An empty key in the middle splits the keys into runs interpolated on their own.
    const split = interpolateKeySlices(
      new Map([
        [0, discMask(40, 40, 20, 20, 8)],
        [3, new Uint8Array(1600)],
        [6, discMask(40, 40, 20, 20, 8)],
        [9, discMask(40, 40, 20, 20, 14)],
      ]),
      40,
      40,
    );
    expect([...split.regions.keys()]).toEqual([7, 8]);
    expect(split.skipped).toEqual([
      { from: 0, to: 3, reason: 'empty-key' },
      { from: 3, to: 6, reason: 'empty-key' },
    ]);
  });

  it('REQ-INTERP-9: interpolates each consecutive pair of several key slices; adjacent keys give nothing', () => {
    const keys = new Map([
      [0, discMask(80, 80, 40, 40, 10)],
      [3, discMask(80, 80, 40, 40, 16)],
      [4, discMask(80, 80, 40, 40, 17)],
      [8, discMask(80, 80, 40, 40, 25)],
    ]);
    const radius = (r: Map<number, Region>, k: number) => Math.sqrt(regionArea(r.get(k)!) / Math.PI);
    const linear = interpolateBetween(keys, 80, 80, undefined, { method: 'linear' });
    expect([...linear.keys()].sort((a, b) => a - b)).toEqual([1, 2, 5, 6, 7]);
    expect(radius(linear, 2)).toBeCloseTo(14, 0);
    expect(radius(linear, 6)).toBeCloseTo(21, 0);
    // Monotone cubic: concentric discs have fields |p − c| − R, so the radius is the PCHIP of the
    // key radii; the values are scipy.interpolate.PchipInterpolator([0, 3, 4, 8], [10, 16, 17, 25]).
    const cubic = interpolateBetween(keys, 80, 80);
    const scipy = { 1: 12.497, 2: 14.494, 5: 18.428, 6: 20.225, 7: 22.409 };
    for (const [k, r] of Object.entries(scipy)) expect(Math.abs(radius(cubic, Number(k)) - r)).toBeLessThan(0.12);
  });

  it('REQ-INTERP-10: does not overshoot: between two keys each pixel stays between their values (PCHIP), even at a local maximum', () => {
    // Radii 6, 20, 22, 9 at slices 0, 2, 5, 6 (scipy: 15.061, 21.091, 21.768 at 1, 3, 4).
    const radii = [6, 20, 22, 9];
    const keys = new Map([0, 2, 5, 6].map((k, i) => [k, discMask(70, 70, 35, 35, radii[i]!)]));
    const cubic = interpolateBetween(keys, 70, 70);
    const scipy: [number, number][] = [
      [1, 15.061],
      [3, 21.091],
      [4, 21.768],
    ];
    for (const [k, r] of scipy) {
      const got = Math.sqrt(regionArea(cubic.get(k)!) / Math.PI);
      expect(Math.abs(got - r)).toBeLessThan(0.15);
      expect(got).toBeLessThanOrEqual(22.1);
    }
  });

  it('REQ-INTERP-11: takes shapes cut by the image border to go on beyond it, and closes them along it', () => {
    const a = discMask(50, 50, 0, 25, 12);
    const b = discMask(50, 50, 0, 25, 20);
    const region = interpolateBetween(new Map([[0, a], [2, b]]), 50, 50).get(1)!;
    expect(region.rings).toHaveLength(1);
    const xs = region.rings[0]!.filter((_, k) => k % 2 === 0);
    expect(Math.min(...xs)).toBe(0);
    expect(Math.abs(regionArea(region) / ((Math.PI * 16 * 16) / 2) - 1)).toBeLessThan(0.03);
  });

  it('REQ-INTERP-12: interpolates 20 slices of 512² quickly (time printed)', () => {
    const size = 512;
    const a = discMask(size, size, 200, 260, 120);
    const b = discMask(size, size, 290, 250, 170);
    const hole = discMask(size, size, 300, 250, 40);
    for (let i = 0; i < b.length; i++) if (hole[i]) b[i] = 0;
    const keys = new Map([[0, a], [21, b]]);
    const cold = performance.now();
    interpolateBetween(keys, size, size); // the first call also pays for the JIT
    const first = performance.now() - cold;
    const times: number[] = [];
    let regions = new Map();
    for (let n = 0; n < 5; n++) {
      const start = performance.now();
      regions = interpolateBetween(keys, size, size);
      times.push(performance.now() - start);
    }
    times.sort((x, y) => x - y);
    console.log(
      `annotation-interpolate: 20 slices of 512² (shapes ~340² px, with a hole): median ${times[2]!.toFixed(1)} ms, ` +
        `best ${times[0]!.toFixed(1)} ms, first call ${first.toFixed(1)} ms`,
    );
    expect(regions.size).toBe(20);
  });
});

describe('interpolation on the sample ground-truth discs', () => {
  const meta = JSON.parse(readFileSync(join(root, 'sample-dicom/ground-truth/discs.json'), 'utf8')) as {
    dims: { columns: number; rows: number; slices: number };
    geometry: { pixelSpacing: [number, number] };
    slices: { k: number; imagePositionPatient: [number, number, number] }[];
  };
  const labelmap = gunzipSync(readFileSync(join(root, 'sample-dicom/ground-truth/discs.u8.gz')));
  const { columns, rows, slices } = meta.dims;
  const plane = columns * rows;
  const positions = meta.slices.map((s) => s.imagePositionPatient[2]); // normal (0, 0, 1)
  const maskOf = (k: number, label: number) => labelmap.subarray(k * plane, (k + 1) * plane).map((v) => (v === label ? 1 : 0));

  /**
   * Traces the first slice of each disc, every third one after it (from `offset`) and the
   * last, interpolates the rest, and scores them against the truth. `nearest` scores copying
   * the nearest key slice instead, the baseline any interpolation should beat.
   */
  function run(options: InterpolateOptions, offset = 0) {
    let both = 0;
    let sum = 0;
    let nearestBoth = 0;
    let nearestSum = 0;
    const perLabel: string[] = [];
    let worst = 1;
    for (let label = 1; label <= 5; label++) {
      const present: number[] = [];
      for (let k = 0; k < slices; k++) if (labelmap.subarray(k * plane, (k + 1) * plane).includes(label)) present.push(k);
      const first = present[0]!;
      const last = present[present.length - 1]!;
      const keys = new Map<number, Uint8Array>([[first, maskOf(first, label)]]);
      for (let k = first + offset; k <= last; k += 3) keys.set(k, maskOf(k, label));
      keys.set(last, maskOf(last, label));
      const keyList = [...keys.keys()].sort((x, y) => x - y);
      const regions = interpolateBetween(keys, columns, rows, positions, { ...options, spacing: meta.geometry.pixelSpacing });
      const scores: string[] = [];
      for (const [k, region] of [...regions].sort((x, y) => x[0] - y[0])) {
        const truth = maskOf(k, label);
        const got = rasterizeToMask(region, columns, rows);
        const nearestKey = keyList.reduce((best, key) => (Math.abs(key - k) < Math.abs(best - k) ? key : best));
        const nearest = keys.get(nearestKey)!;
        let b = 0;
        let s = 0;
        for (let i = 0; i < plane; i++) {
          if (got[i] && truth[i]) b++;
          s += got[i]! + truth[i]!;
          if (nearest[i] && truth[i]) nearestBoth++;
          nearestSum += nearest[i]! + truth[i]!;
        }
        both += b;
        sum += s;
        worst = Math.min(worst, (2 * b) / s);
        scores.push(`k${k} ${((2 * b) / s).toFixed(3)}`);
      }
      perLabel.push(`label ${label} keys [${keyList.join(',')}]: ${scores.join(', ')}`);
    }
    return { overall: (2 * both) / sum, worst, nearest: (2 * nearestBoth) / nearestSum, perLabel };
  }

  it('REQ-INTERP-13: reaches Dice ≥ 0.85 overall and beats copying the nearest key slice (every third slice traced)', () => {
    // The discs tilt against the axial plane (up to 25°), so a disc spans only 4–7 slices of 3 mm
    // and its first and last slices cut slivers off its endplates. Linear blending of two keys
    // grows a sliver too slowly (Dice ~0.5 next to it, 0.78 overall, no better than copying the
    // nearest key); the monotone cubic takes the swelling from the neighbouring keys.
    const best = run({});
    const linear = run({ method: 'linear', align: 'none' });
    const linearAligned = run({ method: 'linear', align: 'centroid' });
    const shifted = [1, 2].map((offset) => run({}, offset));
    console.log(
      `annotation-interpolate: ground-truth discs, Dice overall ${best.overall.toFixed(4)} (worst slice ${best.worst.toFixed(3)}); ` +
        `nearest key copied ${best.nearest.toFixed(4)}; linear ${linear.overall.toFixed(4)}, linear with centroid alignment ` +
        `${linearAligned.overall.toFixed(4)}; keys shifted by 1 / 2 slices: ${shifted.map((r) => r.overall.toFixed(4)).join(' / ')}` +
        `\n  ${best.perLabel.join('\n  ')}`,
    );
    expect(best.overall).toBeGreaterThanOrEqual(0.85);
    expect(best.overall).toBeGreaterThan(best.nearest + 0.03);
    for (const r of shifted) expect(r.overall).toBeGreaterThanOrEqual(0.85);
  });
});
