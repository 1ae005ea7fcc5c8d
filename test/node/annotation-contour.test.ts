/**
 * Marching squares along pixel edges (ARCHITECTURE "One source of truth"):
 * mask → region → rasterize → mask is the identity for any mask.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Region, Ring } from '../../src/core/annotation/region.js';
import { mulberry32 } from '../../scripts/sample/random.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface MaskCase {
  kind: string;
  columns: number;
  rows: number;
  mask: Uint8Array;
}

function makeMasks(): MaskCase[] {
  const rnd = mulberry32(4242);
  const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const cases: MaskCase[] = [];
  const add = (kind: string, columns: number, rows: number, f: (c: number, r: number) => boolean) => {
    const mask = new Uint8Array(columns * rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) mask[r * columns + c] = f(c, r) ? 1 : 0;
    cases.push({ kind, columns, rows, mask });
  };
  for (const density of [0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95]) {
    for (let i = 0; i < 30; i++) add(`noise ${density}`, int(1, 40), int(1, 40), () => rnd() < density);
  }
  for (let i = 0; i < 80; i++) {
    const w = int(5, 48);
    const h = int(5, 48);
    const blobs = Array.from({ length: int(1, 6) }, () => [rnd() * w, rnd() * h, 1 + rnd() * 8, rnd() < 0.3] as const);
    // Discs, some of them cut out again: blobs with holes and islands in holes.
    add('blobs', w, h, (c, r) => blobs.reduce((inside, [x, y, rad, hole]) => ((c - x) ** 2 + (r - y) ** 2 < rad * rad ? !hole : inside), false));
  }
  for (let i = 0; i < 40; i++) {
    const s = int(1, 3);
    add(`checkerboard ${s}`, int(1, 30), int(1, 30), (c, r) => (Math.floor(c / s) + Math.floor(r / s) + i) % 2 === 0);
  }
  for (let i = 0; i < 60; i++) {
    const w = int(1, 20);
    const h = int(1, 20);
    const corner = i % 5;
    const pc = corner === 0 ? 0 : corner === 1 ? w - 1 : int(0, w - 1);
    const pr = corner === 2 ? 0 : corner === 3 ? h - 1 : int(0, h - 1);
    add('single pixel', w, h, (c, r) => c === pc && r === pr);
  }
  for (let i = 0; i < 50; i++) {
    // A filled block with one-pixel (and diagonal) holes, touching the border half of the time.
    const w = int(4, 30);
    const h = int(4, 30);
    const holes = new Set(Array.from({ length: int(1, 8) }, () => `${int(1, w - 2)},${int(1, h - 2)}`));
    const m = i % 2 === 0 ? 0 : 1;
    add('holes', w, h, (c, r) => c >= m && r >= m && c < w - m && r < h - m && !holes.has(`${c},${r}`));
  }
  for (let i = 0; i < 40; i++) {
    const w = int(1, 25);
    const h = int(1, 25);
    const t = int(1, 3);
    add('border pixels', w, h, (c, r) => (i % 4 === 0 ? true : c < t || r < t || c >= w - t || r >= h - t) && (i % 3 !== 0 || rnd() < 0.7));
  }
  for (let i = 0; i < 20; i++) {
    // Diagonal staircases and X shapes: every saddle configuration.
    const n = int(2, 20);
    add('diagonals', n, n, (c, r) => c === r || c + r === n - 1 || (i % 2 === 0 && (c + r) % 4 === 0));
  }
  add('empty', 7, 5, () => false);
  add('full', 7, 5, () => true);
  add('zero size', 0, 0, () => true);
  return cases;
}

function signedArea(ring: Ring): number {
  let a = 0;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return a / 2;
}

function hasCollinear(ring: Ring): boolean {
  const n = ring.length >> 1;
  for (let i = 0; i < n; i++) {
    const p = (i + n - 1) % n;
    const q = (i + 1) % n;
    const cross = (ring[2 * i]! - ring[2 * p]!) * (ring[2 * q + 1]! - ring[2 * i + 1]!) - (ring[2 * i + 1]! - ring[2 * p + 1]!) * (ring[2 * q]! - ring[2 * i]!);
    if (cross === 0) return true;
  }
  return false;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v ? 1 : 0;
  return n;
}

describe('maskToRegion', () => {
  it('REQ-CONTOUR-1: mask → region → rasterize is the identity on ≥ 500 random masks (4- and 8-connected)', () => {
    const cases = makeMasks();
    expect(cases.length).toBeGreaterThanOrEqual(500);
    let rings = 0;
    for (const { kind, columns, rows, mask } of cases) {
      for (const connectivity of [4, 8] as const) {
        const region = maskToRegion(mask, columns, rows, 1, { connectivity });
        const back = rasterizeToMask(region, columns, rows);
        const label = `${kind} ${columns}×${rows} (${connectivity}-connected)`;
        expect(Buffer.from(back).equals(Buffer.from(mask)), label).toBe(true);
        // Foreground on the right of every edge: the signed areas add up to the pixel count.
        expect(region.rings.reduce((s, r) => s + signedArea(r), 0), label).toBe(count(mask));
        for (const ring of region.rings) {
          expect(ring.every(Number.isInteger), label).toBe(true);
          expect(hasCollinear(ring), label).toBe(false);
        }
        rings += region.rings.length;
      }
    }
    console.log(`annotation-contour: ${cases.length} masks × 2 connectivities round-tripped exactly (${rings} rings)`);
  });

  it('REQ-CONTOUR-2: rings are corners only; holes are negative rings; diagonal pixels follow the connectivity', () => {
    const rect = new Uint8Array(6 * 5);
    for (let r = 1; r < 4; r++) for (let c = 1; c < 5; c++) rect[r * 6 + c] = 1;
    expect(maskToRegion(rect, 6, 5).rings).toEqual([[1, 1, 5, 1, 5, 4, 1, 4]]);

    const holed = new Uint8Array(3 * 3).fill(1);
    holed[4] = 0;
    const h = maskToRegion(holed, 3, 3);
    expect(h.rings.map(signedArea)).toEqual([9, -1]);

    const diagonal = Uint8Array.from([1, 0, 0, 1]);
    expect(maskToRegion(diagonal, 2, 2).rings.length).toBe(2);
    expect(maskToRegion(diagonal, 2, 2, 1, { connectivity: 8 }).rings.length).toBe(1);
    const anti = Uint8Array.from([0, 1, 1, 0]);
    expect(maskToRegion(anti, 2, 2).rings.length).toBe(2);
    expect(maskToRegion(anti, 2, 2, 1, { connectivity: 8 }).rings.length).toBe(1);
  });

  it('REQ-CONTOUR-3: selects a label value or a predicate; validates sizes', () => {
    const labels = Uint8Array.from([0, 1, 2, 2, 1, 0, 3, 3, 3]);
    const two = rasterizeToMask(maskToRegion(labels, 3, 3, 2), 3, 3);
    expect([...two]).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0]);
    const any = rasterizeToMask(maskToRegion(labels, 3, 3, (v) => v !== 0), 3, 3);
    expect([...any]).toEqual([0, 1, 1, 1, 1, 0, 1, 1, 1]);
    const wide = Float32Array.from([0.5, -1, 2, 0.25]);
    expect([...rasterizeToMask(maskToRegion(wide, 2, 2, (v) => v > 0.3), 2, 2)]).toEqual([1, 0, 1, 0]);
    expect(() => maskToRegion(new Uint8Array(3), 2, 2)).toThrow(RangeError);
  });

  it('REQ-CONTOUR-4: every slice and label of the sample ground-truth discs round-trips exactly', () => {
    const meta = JSON.parse(readFileSync(resolve(root, 'sample-dicom/ground-truth/discs.json'), 'utf8')) as {
      dims: { columns: number; rows: number; slices: number };
      labels: { id: number }[];
      voxelCounts: Record<string, number>;
    };
    const { columns, rows, slices } = meta.dims;
    const volume = gunzipSync(readFileSync(resolve(root, 'sample-dicom/ground-truth/discs.u8.gz')));
    expect(volume.length).toBe(columns * rows * slices);
    const ids = meta.labels.map((l) => l.id).filter((id) => id !== 0);
    const counted = new Map<number, number>();
    let regions = 0;
    for (let k = 0; k < slices; k++) {
      const slice = volume.subarray(k * rows * columns, (k + 1) * rows * columns);
      for (const id of ids) {
        const region: Region = maskToRegion(slice, columns, rows, id);
        const back = rasterizeToMask(region, columns, rows);
        let n = 0;
        for (let p = 0; p < back.length; p++) {
          if ((slice[p] === id ? 1 : 0) !== back[p]) throw new Error(`slice ${k} label ${id}: pixel ${p} differs`);
          n += back[p]!;
        }
        counted.set(id, (counted.get(id) ?? 0) + n);
        if (region.rings.length) regions++;
      }
    }
    for (const id of ids) expect(counted.get(id), `label ${id}`).toBe(meta.voxelCounts[String(id)]);
    console.log(`annotation-contour: ${regions} non-empty (slice, disc) regions of the sample round-tripped exactly`);
  });

  it('performance: tracing a 512² mask (printed, not asserted)', () => {
    const mask = new Uint8Array(512 * 512);
    for (let r = 0; r < 512; r++) {
      for (let c = 0; c < 512; c++) {
        const d = Math.hypot(c - 256, r - 256);
        mask[r * 512 + c] = d < 150 + 12 * Math.sin(c / 9) && d > 40 ? 1 : 0;
      }
    }
    for (let i = 0; i < 10; i++) maskToRegion(mask, 512, 512);
    const t = performance.now();
    for (let i = 0; i < 50; i++) maskToRegion(mask, 512, 512);
    console.log(`annotation-contour: tracing a 512² mask (blob with a hole): ${((performance.now() - t) / 50).toFixed(3)} ms`);
  });
});
