/**
 * Grow from seeds (src/core/assist/grow-from-seeds.ts) on synthetic boxes:
 * accuracy against the truth of the phantom, and speed on the box.
 * The comparison with skimage is in assist-grow.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BoxSpacing } from '../../src/core/assist/box.js';
import { BACKGROUND_SEED, growFromSeeds, seedBoxFaces, watershed } from '../../src/core/assist/grow-from-seeds.js';
import { box, diceOf, phantom, truth, voxelAt, type Ball } from './support/assist-phantoms.js';

const spacing: BoxSpacing = [0.8, 0.8, 1.5];
const b = box(80, 60, 32);
const balls: Ball[] = [
  { centre: [20, 24, 24], radiusMm: 12, hu: 200 },
  { centre: [42, 24, 24], radiusMm: 11, hu: 70 },
];

/** A short stroke of `length` voxels along x in one slice, centred on a point in mm. */
function stroke(seeds: Uint8Array, at: readonly [number, number, number], length: number, label: number): void {
  const [c, r, k] = voxelAt(spacing, at);
  for (let d = -(length >> 1); d <= length >> 1; d++) seeds[(k * b.rows + r) * b.columns + c + d] = label;
}

describe('grow from seeds', () => {
  it('REQ-ASSIST-GROW-1: two touching balls of different HU, a seed stroke in each and one for background: Dice ≥ 0.97 each', () => {
    const values = phantom(b, spacing, balls, -50, 15, 7);
    const seeds = new Uint8Array(values.length);
    stroke(seeds, [20, 24, 24], 5, 1);
    stroke(seeds, [43, 26, 22], 5, 2);
    stroke(seeds, [8, 50, 6], 5, BACKGROUND_SEED);
    const { labels, counts } = growFromSeeds(values, b, spacing, seeds);
    const d1 = diceOf(labels, 1, truth(b, spacing, balls, 0));
    const d2 = diceOf(labels, 2, truth(b, spacing, balls, 1));
    console.log(`assist-grow: Dice ${d1.toFixed(4)}, ${d2.toFixed(4)}`);
    expect(d1).toBeGreaterThanOrEqual(0.97);
    expect(d2).toBeGreaterThanOrEqual(0.97);
    expect(counts[1]).toBe(labels.filter((v) => v === 1).length);
    expect(counts[2]).toBe(labels.filter((v) => v === 2).length);
    expect(counts[0]! + counts[1]! + counts[2]!).toBe(labels.length);
    expect(labels.includes(BACKGROUND_SEED)).toBe(false);
  });

  it('REQ-ASSIST-GROW-2: floods the lowest level first, ties first in first out, labels given on entering the queue', () => {
    const line = { c0: 0, r0: 0, k0: 0, columns: 9, rows: 1, slices: 1 };
    // The ridge (index 6) is labelled by the neighbour taken first: 7 entered the queue before 5.
    const ridge = Uint16Array.from([0, 1, 1, 1, 1, 1, 9, 1, 0]);
    const ends = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(Array.from(watershed(ridge, line, ends))).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2]);
    // Behind a pass at level 3, the basin at level 0 is flooded at its own level, before anything at 8;
    // then the plateau at 8 goes first in first out: 7 (queued at the start) before 5.
    const basin = Uint16Array.from([0, 3, 0, 0, 0, 8, 8, 8, 0]);
    expect(Array.from(watershed(basin, line, ends))).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2]);
  });

  it('REQ-ASSIST-GROW-5: the box faces inside the volume are seeded as background, faces on its edge are not, strokes are kept', () => {
    const volume = { columns: 10, rows: 10, slices: 6 };
    const seeded = (b: { c0: number; r0: number; k0: number }) => {
      const inBox = { ...b, columns: 4, rows: 3, slices: 3 };
      const seeds = new Uint8Array(4 * 3 * 3);
      seeds[0] = 1;
      seedBoxFaces(seeds, inBox, volume);
      return seeds;
    };
    // Inside the volume: every voxel of this 4×3×3 box but the middle two of the middle slice is on a face.
    const inside = seeded({ c0: 3, r0: 3, k0: 2 });
    expect(inside[0]).toBe(1);
    expect(Array.from(inside.subarray(12, 24))).toEqual([255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255]);
    expect(inside.filter((v) => v === BACKGROUND_SEED).length).toBe(36 - 3);
    // Against the first column, the first row and the last slice: those faces stay unseeded.
    const corner = seeded({ c0: 0, r0: 0, k0: 3 });
    const at = (c: number, r: number, k: number) => corner[(k * 3 + r) * 4 + c];
    expect(at(0, 1, 1)).toBe(0);
    expect(at(1, 0, 1)).toBe(0);
    expect(at(1, 1, 2)).toBe(0);
    expect(at(3, 1, 1)).toBe(BACKGROUND_SEED);
    expect(at(1, 2, 1)).toBe(BACKGROUND_SEED);
    expect(at(1, 1, 0)).toBe(BACKGROUND_SEED);
    expect(corner[0]).toBe(1);
  });
});
