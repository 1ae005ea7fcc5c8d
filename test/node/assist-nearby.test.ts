/**
 * Segment nearby slices (src/core/assist/nearby-slices.ts): on synthetic
 * boxes it follows a shape of known HU through noise and stops where the
 * object ends (by HU, by edge, at a drawn slice, at its limit); on the
 * committed sample it carries the ground-truth outline of each disc's
 * fullest slice to its neighbours, reported as Dice against the truth; and
 * the assist runner serves it through the real worker protocol.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { AssistRunner } from '../../src/core/assist/assist-runner.js';
import { ASSIST_HANDLERS, type AssistCalls } from '../../src/core/assist/assist-worker.js';
import { boxAround, cutBox, type BoxSpacing, type Voxel, type VoxelBox } from '../../src/core/assist/box.js';
import { propagateToNearbySlices, type NearbyResult } from '../../src/core/assist/nearby-slices.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { box, diceOf, random } from './support/assist-phantoms.js';
import { servingWorker } from './support/fake-worker.js';
import { sampleVolume } from './support/sample-volume.js';

const spacing: BoxSpacing = [0.8, 0.8, 2];

/** A shape as a test of a point in mm from the box's first voxel centre. */
type Shape = (x: number, y: number, z: number) => boolean;

/**
 * HU of a box where each shape paints its HU over the background (later over
 * earlier), with partial volume (3×3×3 samples per voxel) and uniform noise.
 */
function volumeOf(b: VoxelBox, shapes: readonly { inside: Shape; hu: number }[], backgroundHu: number, noise: number, seed: number): Int16Array {
  const out = new Int16Array(b.columns * b.rows * b.slices);
  const rand = random(seed);
  const sub = [-1 / 3, 0, 1 / 3];
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) {
        let sum = 0;
        for (const dz of sub) {
          for (const dy of sub) {
            for (const dx of sub) {
              const [x, y, z] = [(c + dx) * spacing[0], (r + dy) * spacing[1], (k + dz) * spacing[2]];
              let v = backgroundHu;
              for (const s of shapes) if (s.inside(x, y, z)) v = s.hu;
              sum += v;
            }
          }
        }
        out[i] = Math.round(sum / 27 + (rand() - 0.5) * 2 * noise);
      }
    }
  }
  return out;
}

/** Voxels whose centre is inside the shape. */
function truthOf(b: VoxelBox, inside: Shape): Uint8Array {
  const out = new Uint8Array(b.columns * b.rows * b.slices);
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) out[i] = inside(c * spacing[0], r * spacing[1], k * spacing[2]) ? 1 : 0;
    }
  }
  return out;
}

function sliceOf(mask: Uint8Array, b: VoxelBox, k: number): Uint8Array {
  const n = b.columns * b.rows;
  return mask.slice(k * n, (k + 1) * n);
}

function taken(result: NearbyResult): number[] {
  return result.slices.map((s) => s.slice);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// A cylinder of disc-like HU in muscle-like tissue: radius 10 mm, its axis drifting 0.5 mm per slice, slices 5 to 16.
const b = box(64, 56, 22);
const cylinder: Shape = (x, y, z) => z > 9 && z < 33 && (x - 22 - z / 4) ** 2 + (y - 22) ** 2 <= 100;

describe('segment nearby slices on synthetic boxes', () => {
  it('REQ-ASSIST-NEARBY-1: follows a drifting cylinder in noise slice by slice and stops at both ends (Dice ≥ 0.95)', () => {
    const values = volumeOf(b, [{ inside: cylinder, hu: 95 }], 45, 12, 5);
    const truth = truthOf(b, cylinder);
    const result = propagateToNearbySlices(values, b, spacing, sliceOf(truth, b, 10), { start: 10 });
    const dice = diceOf(result.mask, 1, truth);
    console.log(`assist-nearby: cylinder Dice ${dice.toFixed(4)}, slices ${taken(result).join(',')}, stopped ${result.stopped.below}/${result.stopped.above}`);
    expect(taken(result)).toEqual(range(5, 16));
    expect(dice).toBeGreaterThanOrEqual(0.95);
    for (const s of result.slices) expect(diceOf(sliceOf(result.mask, b, s.slice), 1, sliceOf(truth, b, s.slice))).toBeGreaterThan(0.93);
    expect(result.stopped.below).not.toBe('limit');
    expect(result.stopped.above).not.toBe('limit');
  });

  it('REQ-ASSIST-NEARBY-2: an ellipsoid narrowing towards its poles is followed while it shrinks and never past its ends', () => {
    const ellipsoid: Shape = (x, y, z) => ((x - 26) / 16) ** 2 + ((y - 22) / 12) ** 2 + ((z - 22) / 16) ** 2 <= 1;
    const values = volumeOf(b, [{ inside: ellipsoid, hu: 100 }], 40, 10, 9);
    const truth = truthOf(b, ellipsoid);
    const result = propagateToNearbySlices(values, b, spacing, sliceOf(truth, b, 11), { start: 11 });
    const dice = diceOf(result.mask, 1, truth);
    console.log(`assist-nearby: ellipsoid Dice ${dice.toFixed(4)}, slices ${taken(result).join(',')}, stopped ${result.stopped.below}/${result.stopped.above}`);
    expect(dice).toBeGreaterThanOrEqual(0.9);
    // The truth holds slices 4..18; the smallest caps may be left, nothing beyond is taken.
    expect(Math.min(...taken(result))).toBeGreaterThanOrEqual(4);
    expect(Math.max(...taken(result))).toBeLessThanOrEqual(18);
    expect(taken(result).length).toBeGreaterThanOrEqual(11);
  });

  it('REQ-ASSIST-NEARBY-3: where the cylinder runs into a slab of its own HU, the edge is gone and it stops', () => {
    const slab: Shape = (_x, _y, z) => z > 33;
    const values = volumeOf(b, [{ inside: cylinder, hu: 95 }, { inside: slab, hu: 95 }], 45, 12, 6);
    const truth = truthOf(b, cylinder);
    const result = propagateToNearbySlices(values, b, spacing, sliceOf(truth, b, 10), { start: 10 });
    console.log(`assist-nearby: into a slab, slices ${taken(result).join(',')}, stopped ${result.stopped.below}/${result.stopped.above}`);
    expect(result.stopped.above).toBe('edge');
    expect(Math.max(...taken(result))).toBeLessThanOrEqual(16);
    expect(Math.max(...taken(result))).toBeGreaterThanOrEqual(15);
  });

  it('REQ-ASSIST-NEARBY-4: stops before a slice a person drew and at its limit; an empty start gives nothing', () => {
    const values = volumeOf(b, [{ inside: cylinder, hu: 95 }], 45, 12, 5);
    const start = sliceOf(truthOf(b, cylinder), b, 10);
    const drawn = new Uint8Array(b.slices);
    drawn[12] = 1;
    const result = propagateToNearbySlices(values, b, spacing, start, { start: 10, drawn, maxSlices: 2, label: 7 });
    expect(taken(result)).toEqual([8, 9, 10, 11]);
    expect(result.stopped).toEqual({ below: 'limit', above: 'drawn' });
    expect(result.mask.some((v) => v !== 0 && v !== 7)).toBe(false);
    expect(result.parameters.maxSlices).toBe(2);
    // The start slice is the start outline, as given.
    expect(Array.from(sliceOf(result.mask, b, 10)).map((v) => (v ? 1 : 0))).toEqual(Array.from(start));

    const none = propagateToNearbySlices(values, b, spacing, new Uint8Array(start.length), { start: 10 });
    expect(none.slices).toEqual([]);
    expect(none.mask.every((v) => v === 0)).toBe(true);
    expect(() => propagateToNearbySlices(values, b, spacing, start, { start: 22 })).toThrow(RangeError);
  });
});

describe('segment nearby slices on the sample discs', () => {
  let volume: Volume;
  let truth: Uint8Array;

  beforeAll(async () => {
    volume = await sampleVolume();
    truth = gunzipSync(readFileSync('sample-dicom/ground-truth/discs.u8.gz'));
  });

  it('REQ-ASSIST-NEARBY-5: from the truth outline on each disc\'s fullest slice, Dice against the disc ≥ 0.8 each, ≥ 0.85 on average', () => {
    const { columns: W, rows: H, slices } = volume;
    const n = W * H;
    const figures: string[] = [];
    let sum = 0;
    for (let disc = 1; disc <= 5; disc++) {
      // k = 0 is the most inferior slice in the truth, as in the volume's sorted order.
      let fullest = 0;
      let most = -1;
      let total = 0;
      for (let k = 0; k < slices; k++) {
        let count = 0;
        for (let i = k * n; i < (k + 1) * n; i++) if (truth[i] === disc) count++;
        total += count;
        if (count > most) [fullest, most] = [k, count];
      }
      const points: Voxel[] = [];
      for (let i = 0; i < n; i++) if (truth[fullest * n + i] === disc) points.push([i % W, Math.floor(i / W), fullest]);
      const b = boxAround(points, 30, volume);
      const start = new Uint8Array(b.columns * b.rows);
      for (let r = 0; r < b.rows; r++) {
        for (let c = 0; c < b.columns; c++) start[r * b.columns + c] = truth[fullest * n + (b.r0 + r) * W + b.c0 + c] === disc ? 1 : 0;
      }
      const result = propagateToNearbySlices(cutBox(volume, b), b, volume.spacing, start, { start: fullest - b.k0 });
      let both = 0;
      let got = 0;
      for (let k = 0; k < b.slices; k++) {
        for (let r = 0; r < b.rows; r++) {
          for (let c = 0; c < b.columns; c++) {
            if (!result.mask[(k * b.rows + r) * b.columns + c]) continue;
            got++;
            if (truth[(b.k0 + k) * n + (b.r0 + r) * W + b.c0 + c] === disc) both++;
          }
        }
      }
      const dice = (2 * both) / (got + total);
      sum += dice;
      figures.push(`disc ${disc}: Dice ${dice.toFixed(3)} on slices ${taken(result).map((s) => s + b.k0).join(',')} from ${fullest}`);
      expect(dice, `disc ${disc}`).toBeGreaterThanOrEqual(0.8);
      expect(result.slices.length, `disc ${disc}`).toBeGreaterThanOrEqual(3);
    }
    console.log(`assist-nearby: sample discs, mean Dice ${(sum / 5).toFixed(3)}\n  ${figures.join('\n  ')}`);
    expect(sum / 5).toBeGreaterThanOrEqual(0.85);
  });
});

describe('segment nearby slices in the assist runner', () => {
  it('REQ-ASSIST-NEARBY-6: the worker gives what the function gives, arrays handed over', async () => {
    const values = volumeOf(b, [{ inside: cylinder, hu: 95 }], 45, 12, 5);
    const start = sliceOf(truthOf(b, cylinder), b, 10);
    const direct = propagateToNearbySlices(values, b, spacing, start, { start: 10 });
    const runner = new AssistRunner({ createWorker: () => servingWorker<AssistCalls>(ASSIST_HANDLERS, 'internal') });
    const sent = values.slice();
    const got = await runner.nearby(sent, b, spacing, start.slice(), { start: 10 });
    expect(sent.length).toBe(0);
    expect(Array.from(got.mask)).toEqual(Array.from(direct.mask));
    expect(got.slices).toEqual(direct.slices);
    expect(got.stopped).toEqual(direct.stopped);
    runner.dispose();
  });
});
