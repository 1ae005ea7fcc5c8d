/**
 * Physical measurements: areas and perimeters with anisotropic pixel spacing
 * (x scales by Δcol, y by Δrow), mask areas and label volumes.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import {
  countPixels,
  labelVoxelCounts,
  maskAreaMm2,
  regionAreaMm2,
  regionAreaPx,
  regionPerimeterMm,
  volumeMl,
  voxelVolumeMm3,
} from '../../src/core/annotation/metrics.js';
import type { Region } from '../../src/core/annotation/region.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('region metrics', () => {
  it('REQ-METRICS-1: a 10 × 20 px rectangle at spacing [0.5, 0.8] mm is 8 × 10 mm', () => {
    // 10 px along x (columns, Δcol = 0.8 mm), 20 px along y (rows, Δrow = 0.5 mm).
    const rect: Region = { rings: [[3, 4, 13, 4, 13, 24, 3, 24]] };
    expect(regionAreaMm2(rect, [0.5, 0.8])).toBeCloseTo(10 * 0.8 * (20 * 0.5), 10);
    expect(regionPerimeterMm(rect, [0.5, 0.8])).toBeCloseTo(2 * (8 + 10), 10);
    // Orientation does not matter.
    const reversed: Region = { rings: [[3, 24, 13, 24, 13, 4, 3, 4]] };
    expect(regionAreaMm2(reversed, [0.5, 0.8])).toBeCloseTo(80, 10);
  });

  it('REQ-METRICS-2: a right triangle measured edge by edge in millimetres', () => {
    // Legs 4 px along x and 3 px along y; spacing [Δrow 2, Δcol 1] → legs 4 mm and 6 mm.
    const tri: Region = { rings: [[1, 1, 5, 1, 1, 4]] };
    expect(regionAreaPx(tri)).toBeCloseTo(6, 10);
    expect(regionAreaMm2(tri, [2, 1])).toBeCloseTo(12, 10);
    expect(regionPerimeterMm(tri, [2, 1])).toBeCloseTo(4 + 6 + Math.hypot(4, 6), 10);
    expect(regionPerimeterMm(tri, [1, 2])).toBeCloseTo(8 + 3 + Math.hypot(8, 3), 10);
  });

  it('REQ-METRICS-3: holes subtract area and add perimeter, whatever the ring orientation', () => {
    const outer = [0, 0, 10, 0, 10, 10, 0, 10];
    const holeSame = [3, 3, 7, 3, 7, 7, 3, 7]; // same orientation as the outer ring: even–odd still makes it a hole
    const holeReverse = [3, 3, 3, 7, 7, 7, 7, 3];
    for (const hole of [holeSame, holeReverse]) {
      const r: Region = { rings: [outer, hole] };
      expect(regionAreaMm2(r, [0.5, 0.5])).toBeCloseTo((100 - 16) * 0.25, 10);
      expect(regionPerimeterMm(r, [0.5, 0.5])).toBeCloseTo((40 + 16) * 0.5, 10);
    }
    // A self-crossing bow tie covers its two triangles.
    const bowTie: Region = { rings: [[0, 0, 4, 4, 4, 0, 0, 4]] };
    expect(regionAreaMm2(bowTie, [1, 1])).toBeCloseTo(8, 10);
    expect(regionPerimeterMm(bowTie, [1, 1])).toBeCloseTo(8 + 8 * Math.SQRT2, 10); // two sides of 4 and both full diagonals
    expect(regionAreaMm2({ rings: [] }, [1, 1])).toBe(0);
    expect(() => regionAreaMm2(bowTie, [0, 1])).toThrow(RangeError);
  });

  it('REQ-METRICS-4: a traced mask has the area of its pixels', () => {
    const mask = new Uint8Array(20 * 10);
    for (let i = 0; i < mask.length; i++) mask[i] = (i * 7919) % 3 === 0 ? 2 : 0;
    const n = countPixels(mask, 2);
    expect(maskAreaMm2(mask, [0.7, 0.4], 2)).toBeCloseTo(n * 0.7 * 0.4, 10);
    expect(regionAreaMm2(maskToRegion(mask, 20, 10, 2), [0.7, 0.4])).toBeCloseTo(n * 0.7 * 0.4, 10);
    expect(countPixels(mask, (v) => v !== 0)).toBe(n);
  });
});

describe('volume', () => {
  it('REQ-METRICS-5: volume = voxel count × voxel volume, in mL', () => {
    expect(voxelVolumeMm3([0.5, 0.8], 2.5)).toBeCloseTo(1, 12);
    expect(volumeMl([1000, 0, 500], 2)).toBe(3);
    expect(volumeMl([], 2)).toBe(0);
    expect(() => voxelVolumeMm3([1, 1], 0)).toThrow(RangeError);
  });

  it('REQ-METRICS-6: per-slice counts of the sample discs match the ground truth; their volumes follow', () => {
    const meta = JSON.parse(readFileSync(resolve(root, 'sample-dicom/ground-truth/discs.json'), 'utf8')) as {
      dims: { columns: number; rows: number; slices: number };
      voxelCounts: Record<string, number>;
      geometry: { pixelSpacing: [number, number]; spacingBetweenSlices: number };
    };
    const { columns, rows, slices } = meta.dims;
    const labelmap = gunzipSync(readFileSync(resolve(root, 'sample-dicom/ground-truth/discs.u8.gz')));
    const voxel = voxelVolumeMm3(meta.geometry.pixelSpacing, meta.geometry.spacingBetweenSlices);
    for (const [id, total] of Object.entries(meta.voxelCounts)) {
      const perSlice = labelVoxelCounts(labelmap, columns, rows, slices, Number(id));
      expect(perSlice.reduce((s, v) => s + v, 0)).toBe(total);
      expect(volumeMl(perSlice, voxel)).toBeCloseTo((total * 0.78125 * 0.78125 * 3) / 1000, 10);
      // Summing per-slice region areas × slice spacing gives the same volume.
      let areaSum = 0;
      for (let k = 0; k < slices; k++) {
        if (perSlice[k] === 0) continue;
        const slice = labelmap.subarray(k * rows * columns, (k + 1) * rows * columns);
        areaSum += regionAreaMm2(maskToRegion(slice, columns, rows, Number(id)), meta.geometry.pixelSpacing);
      }
      expect((areaSum * meta.geometry.spacingBetweenSlices) / 1000).toBeCloseTo(volumeMl(perSlice, voxel), 9);
    }
  });
});
