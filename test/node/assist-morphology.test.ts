/**
 * Islands, margin, smoothing and median of a box mask
 * (src/core/assist/morphology.ts), and the 3-D EDT they use, against brute
 * force on small anisotropic boxes. scipy's EDT: assist-distance.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { euclideanDistanceTransform3d } from '../../src/core/annotation/distance.js';
import type { BoxSpacing, VoxelBox } from '../../src/core/assist/box.js';
import { islands, margin, median, smooth } from '../../src/core/assist/morphology.js';
import { box, random } from './support/assist-phantoms.js';

function randomMask(b: VoxelBox, density: number, seed: number, label = 3): Uint8Array {
  const rand = random(seed);
  return Uint8Array.from({ length: b.columns * b.rows * b.slices }, () => (rand() < density ? label : 0));
}

/** Squared mm distance from every voxel to the nearest voxel where `feature(i)`, by brute force. */
function bruteSquared(b: VoxelBox, s: BoxSpacing, feature: (i: number) => boolean): number[] {
  const coords = (i: number) => [i % b.columns, Math.floor(i / b.columns) % b.rows, Math.floor(i / (b.columns * b.rows))];
  const n = b.columns * b.rows * b.slices;
  const features = Array.from({ length: n }, (_, i) => i).filter(feature).map(coords);
  return Array.from({ length: n }, (_, i) => {
    const [c, r, k] = coords(i);
    let best = Infinity;
    for (const [fc, fr, fk] of features) best = Math.min(best, ((c! - fc!) * s[0]) ** 2 + ((r! - fr!) * s[1]) ** 2 + ((k! - fk!) * s[2]) ** 2);
    return best;
  });
}

const small = box(9, 8, 6);
const spacing: BoxSpacing = [0.7, 0.9, 2.5];

describe('3-D distance transform', () => {
  it('REQ-ASSIST-EDT-1: equals brute force on an anisotropic box, Infinity when there is no zero voxel', () => {
    const mask = randomMask(small, 0.9, 4);
    const got = euclideanDistanceTransform3d(mask, small.columns, small.rows, small.slices, spacing);
    const want = bruteSquared(small, spacing, (i) => mask[i] === 0).map(Math.sqrt);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 9));
    expect(euclideanDistanceTransform3d(new Uint8Array(8).fill(1), 2, 2, 2, [1, 1, 1])[0]).toBe(Infinity);
  });
});

describe('margin', () => {
  for (const mm of [0.7, 2, 2.5, 3.1, -0.9, -2.5, -3]) {
    it(`REQ-ASSIST-MARGIN-1: ${mm} mm equals brute force on an anisotropic box`, () => {
      const mask = randomMask(small, mm > 0 ? 0.08 : 0.85, 11);
      const got = margin(mask, small, spacing, mm);
      const d2 = bruteSquared(small, spacing, (i) => (mm > 0 ? mask[i] !== 0 : mask[i] === 0));
      const limit = mm * mm * (1 + 1e-12);
      const want = d2.map((d, i) => (mm > 0 ? d <= limit : mask[i] !== 0 && d > limit) ? 3 : 0);
      expect(Array.from(got)).toEqual(want);
    });
  }

  it('REQ-ASSIST-MARGIN-2: a voxel grown by 3 mm on 1 × 1 × 2.5 mm voxels is a ball of that radius', () => {
    const b = box(11, 11, 5);
    const mask = new Uint8Array(11 * 11 * 5);
    mask[(2 * 11 + 5) * 11 + 5] = 1;
    const grown = margin(mask, b, [1, 1, 2.5], 3);
    const at = (c: number, r: number, k: number) => grown[(k * 11 + r) * 11 + c];
    expect([at(8, 5, 2), at(9, 5, 2), at(5, 5, 3), at(5, 5, 4), at(7, 7, 2), at(8, 7, 2)]).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('REQ-ASSIST-MARGIN-3: 3 mm on a 160×160×40 box of 0.7 × 0.7 × 2.5 mm voxels (its time is the bench\'s)', () => {
    const b = box(160, 160, 40);
    const sp: BoxSpacing = [0.7, 0.7, 2.5];
    const mask = new Uint8Array(160 * 160 * 40);
    for (let k = 10; k < 30; k++) for (let r = 40; r < 120; r++) for (let c = 40; c < 120; c++) mask[(k * 160 + r) * 160 + c] = 1;
    const grown = margin(mask, b, sp, 3);
    // 3 mm is 4 voxels across (2.8 mm) and 1 slice (2.5 mm) up and down: an 88 × 88 × 22 block with rounded edges.
    expect(grown[(9 * 160 + 80) * 160 + 80]).toBe(1);
    expect(grown[(8 * 160 + 80) * 160 + 80]).toBe(0);
    expect(grown[(20 * 160 + 80) * 160 + 36]).toBe(1);
    expect(grown[(20 * 160 + 80) * 160 + 35]).toBe(0);
  });
});

describe('islands', () => {
  // Three blocks: 4×4×2 (32 voxels), 2×2×2 (8), one voxel; a diagonal contact only does not join.
  const b = box(12, 6, 3);
  const mask = new Uint8Array(12 * 6 * 3);
  const set = (c: number, r: number, k: number) => (mask[(k * 6 + r) * 12 + c] = 2);
  for (let k = 0; k < 2; k++) for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) set(c, r, k);
  for (let k = 0; k < 2; k++) for (let r = 0; r < 2; r++) for (let c = 6; c < 8; c++) set(c, r, k);
  set(4, 4, 2);
  const count = (m: Uint8Array) => m.filter((v) => v !== 0).length;
  const s: BoxSpacing = [1, 1, 2];

  it('REQ-ASSIST-ISLANDS-1: keep the largest, 6-connected (a diagonal neighbour is another island)', () => {
    const kept = islands(mask, b, s, { mode: 'keep-largest' });
    expect(count(kept)).toBe(32);
    expect(kept[(0 * 6 + 0) * 12 + 0]).toBe(2);
  });

  it('REQ-ASSIST-ISLANDS-2: remove islands smaller than N mm³ (voxel volume from the spacing)', () => {
    expect(count(islands(mask, b, s, { mode: 'remove-smaller', minMm3: 16 }))).toBe(40);
    expect(count(islands(mask, b, s, { mode: 'remove-smaller', minMm3: 17 }))).toBe(32);
  });

  it('REQ-ASSIST-ISLANDS-3: keep the island clicked; a click outside the mask changes nothing', () => {
    expect(count(islands(mask, b, s, { mode: 'keep-clicked', voxel: [7, 1, 1] }))).toBe(8);
    expect(islands(mask, b, s, { mode: 'keep-clicked', voxel: [10, 5, 0] })).toEqual(mask);
  });
});

describe('smoothing', () => {
  const b = box(20, 20, 10);
  const s: BoxSpacing = [1, 1, 1];
  const cube = new Uint8Array(20 * 20 * 10);
  for (let k = 2; k < 8; k++) for (let r = 5; r < 15; r++) for (let c = 5; c < 15; c++) cube[(k * 20 + r) * 20 + c] = 4;

  it('REQ-ASSIST-SMOOTH-1: closing fills a one-voxel hole and a groove across a face, keeps the rest', () => {
    const dented = Uint8Array.from(cube);
    dented[(5 * 20 + 10) * 20 + 10] = 0;
    for (let k = 3; k < 7; k++) dented[(k * 20 + 5) * 20 + 9] = 0;
    expect(smooth(dented, b, s, { kind: 'closing', radiusMm: 1.5 })).toEqual(cube);
  });

  it('REQ-ASSIST-SMOOTH-2: opening removes a one-voxel spike and a speck; of the cube it only rounds the edges', () => {
    const spiky = Uint8Array.from(cube);
    spiky[(5 * 20 + 10) * 20 + 15] = 4;
    spiky[(5 * 20 + 2) * 20 + 2] = 4;
    // 1.5 mm: the 18-neighbourhood. (A 1 mm ball, the 6-neighbour cross, would keep a spike on a flat face:
    // the cross centred on the face voxel below it lies inside.)
    const opened = smooth(spiky, b, s, { kind: 'opening', radiusMm: 1.5 });
    const cubeOpened = smooth(cube, b, s, { kind: 'opening', radiusMm: 1.5 });
    expect(opened).toEqual(cubeOpened);
    expect([opened[(5 * 20 + 10) * 20 + 15], opened[(5 * 20 + 2) * 20 + 2]]).toEqual([0, 0]);
    expect(cubeOpened[(5 * 20 + 10) * 20 + 5]).toBe(4);
  });

  it('REQ-ASSIST-SMOOTH-3: median 3×3×3 removes a speck and fills a hole', () => {
    const noisy = Uint8Array.from(cube);
    noisy[(5 * 20 + 10) * 20 + 10] = 0;
    noisy[(5 * 20 + 2) * 20 + 2] = 4;
    const out = median(noisy, b);
    expect(out[(5 * 20 + 10) * 20 + 10]).toBe(4);
    expect(out[(5 * 20 + 2) * 20 + 2]).toBe(0);
    // The cube's edges lose their corners (3 of 27 … fewer than 14 neighbours), its faces stay.
    expect(out[(5 * 20 + 10) * 20 + 5]).toBe(4);
  });
});
