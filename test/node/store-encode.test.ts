/**
 * Storage encoding of regions (issue 4, "compact encoding"): exact round trips
 * for the regions our editing code produces, a smaller footprint than Float64,
 * an exact fallback for anything else, and corrupt bytes rejected with
 * `storage-corrupt`.
 */
import { describe, expect, it } from 'vitest';
import { decodeRegion, encodeRegion } from '../../src/store/encode.js';
import {
  differenceRegions,
  normalizeRegion,
  offsetRegion,
  strokeToRegion,
  unionRegions,
  xorRegions,
} from '../../src/core/annotation/region-ops.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import type { Region } from '../../src/core/annotation/region.js';
import { SegmarkError } from '../../src/core/errors.js';
import { mulberry32 as rng } from '../../scripts/sample/random.js';

function randomPolygon(rand: () => number, n: number, size: number): Region {
  const ring: number[] = [];
  for (let i = 0; i < n; i++) ring.push(rand() * size, rand() * size);
  return { rings: [ring] };
}

function randomEdited(seed: number): Region {
  const rand = rng(seed);
  let region = normalizeRegion(randomPolygon(rand, 12, 300));
  const stroke: number[] = [];
  for (let i = 0; i < 8; i++) stroke.push(rand() * 300, rand() * 300);
  region = unionRegions(region, strokeToRegion(stroke, 1 + rand() * 10));
  region = differenceRegions(region, normalizeRegion(randomPolygon(rand, 7, 300)));
  region = xorRegions(region, offsetRegion(normalizeRegion(randomPolygon(rand, 5, 300)), rand() * 3));
  return region;
}

function roundTrip(region: Region): Region {
  return decodeRegion(encodeRegion(region));
}

function corruptCode(buffer: ArrayBuffer): string | undefined {
  try {
    decodeRegion(buffer);
    return undefined;
  } catch (error) {
    return error instanceof SegmarkError ? error.code : `untyped: ${String(error)}`;
  }
}

describe('region storage encoding', () => {
  it('round-trips regions from region-ops (brush, polygon booleans, offsets) exactly, in 4 bytes per coordinate', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const region = randomEdited(seed);
      expect(region.rings.length).toBeGreaterThan(0);
      const bytes = encodeRegion(region);
      const values = region.rings.reduce((n, r) => n + r.length, 0);
      expect(bytes.byteLength, `seed ${seed} quantized`).toBe(8 + 4 * region.rings.length + 4 * values);
      expect(decodeRegion(bytes), `seed ${seed}`).toEqual(region);
    }
  });

  it('round-trips maskToRegion output (holes, 4- and 8-connectivity) exactly', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = rng(1000 + seed);
      const [w, h] = [40, 30];
      const mask = new Uint8Array(w * h);
      for (let i = 0; i < mask.length; i++) mask[i] = rand() < 0.45 ? 1 : 0;
      for (const connectivity of [4, 8] as const) {
        const region = maskToRegion(mask, w, h, 1, { connectivity });
        expect(region.rings.length).toBeGreaterThan(1);
        expect(roundTrip(region)).toEqual(region);
      }
    }
  });

  it('stores coordinates off the 1/4096 grid, −0 and huge values exactly, as Float64', () => {
    const odd: Region = { rings: [[0.1, 0.2, 1 / 3, 5, -0, 7], [1e7, -1e7, 2 ** 40, 3, 0.5, 0.25]] };
    const bytes = encodeRegion(odd);
    expect(bytes.byteLength).toBe(8 + 4 * 2 + 8 * 12);
    const back = roundTrip(odd);
    expect(back).toEqual(odd);
    expect(Object.is(back.rings[0]![4], -0)).toBe(true);
  });

  it('round-trips the empty region and empty rings', () => {
    expect(roundTrip({ rings: [] })).toEqual({ rings: [] });
    expect(roundTrip({ rings: [[], [1, 2, 3, 4, 5, 6]] })).toEqual({ rings: [[], [1, 2, 3, 4, 5, 6]] });
  });

  it('rejects corrupt buffers with storage-corrupt', () => {
    const good = encodeRegion(randomEdited(7));
    const mutate = (f: (v: DataView) => void, length = good.byteLength): ArrayBuffer => {
      const copy = good.slice(0, length);
      f(new DataView(copy));
      return copy;
    };
    expect(corruptCode(new ArrayBuffer(0))).toBe('storage-corrupt');
    expect(corruptCode(new ArrayBuffer(5))).toBe('storage-corrupt');
    expect(corruptCode(mutate((v) => v.setUint8(0, 0x58)))).toBe('storage-corrupt'); // magic
    expect(corruptCode(mutate((v) => v.setUint8(3, 9)))).toBe('storage-corrupt'); // format
    expect(corruptCode(mutate((v) => v.setUint32(4, 0xffffffff, true)))).toBe('storage-corrupt'); // ring count
    expect(corruptCode(mutate((v) => v.setUint32(8, v.getUint32(8, true) + 1, true)))).toBe('storage-corrupt'); // odd ring
    expect(corruptCode(mutate((v) => v.setUint32(8, v.getUint32(8, true) + 2, true)))).toBe('storage-corrupt'); // length mismatch
    expect(corruptCode(mutate(() => {}, good.byteLength - 4))).toBe('storage-corrupt'); // truncated
    expect(corruptCode('not bytes' as unknown as ArrayBuffer)).toBe('storage-corrupt');
    const nan = encodeRegion({ rings: [[0.1, 0, 1, 0, 1, 1]] });
    new DataView(nan).setFloat64(12, Number.NaN, true);
    expect(corruptCode(nan)).toBe('storage-corrupt');
  });
});
