/**
 * One-click region (src/core/assist/one-click.ts): the bridge guard, the
 * radius, the range, and the time on a 512×512×40 region.
 */
import { describe, expect, it } from 'vitest';
import { boxAround, cutBox, type BoxSpacing, type VoxelBox } from '../../src/core/assist/box.js';
import { oneClickRegion } from '../../src/core/assist/one-click.js';
import { box, diceOf } from './support/assist-phantoms.js';

const b = box(48, 32, 32);
const spacing: BoxSpacing = [1, 1, 1];
const A = [12, 16, 16] as const;
const B = [35, 16, 16] as const;
const R = 8;

/** Two balls (voxel-centre rule, 100 HU on −100) joined along x by a bar `thickness` voxels square (0: none). */
function twoBalls(thickness: number): { values: Int16Array; truthA: Uint8Array; truthB: Uint8Array } {
  const n = b.columns * b.rows * b.slices;
  const values = new Int16Array(n).fill(-100);
  const truthA = new Uint8Array(n);
  const truthB = new Uint8Array(n);
  const lo = 16 - Math.floor(thickness / 2);
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) {
        const inA = (c - A[0]) ** 2 + (r - A[1]) ** 2 + (k - A[2]) ** 2 <= R * R;
        const inB = (c - B[0]) ** 2 + (r - B[1]) ** 2 + (k - B[2]) ** 2 <= R * R;
        const inBar = c > A[0] && c < B[0] && r >= lo && r < lo + thickness && k >= lo && k < lo + thickness;
        if (inA || inB || inBar) values[i] = 100;
        truthA[i] = inA ? 1 : 0;
        truthB[i] = inB ? 1 : 0;
      }
    }
  }
  return { values, truthA, truthB };
}

function click(values: Int16Array, radiusMm = 60, bx: VoxelBox = b) {
  return oneClickRegion(values, bx, spacing, { seed: A, min: 50, max: 200, radiusMm });
}

describe('one-click region', () => {
  it('REQ-ASSIST-ONECLICK-1: two balls joined by a one-voxel line: only the clicked ball', () => {
    const { values, truthA, truthB } = twoBalls(1);
    const { mask, voxels } = click(values);
    const dA = diceOf(mask, 1, truthA);
    console.log(`assist-one-click: line bridge, Dice with the clicked ball ${dA.toFixed(4)}`);
    expect(dA).toBeGreaterThanOrEqual(0.97);
    expect(diceOf(mask, 1, truthB)).toBe(0);
    expect(voxels).toBe(mask.filter((v) => v !== 0).length);
    // A click on the ball's surface (not in the eroded core) starts from the nearest core voxel.
    const onSurface = oneClickRegion(values, b, spacing, { seed: [A[0] - R, A[1], A[2]], min: 50, max: 200, radiusMm: 60 });
    expect(onSurface.mask).toEqual(mask);
  });

  it('REQ-ASSIST-ONECLICK-2: a 2×2 bar is still a bridge; a 3×3 bar joins both balls', () => {
    expect(diceOf(click(twoBalls(2).values).mask, 1, twoBalls(2).truthB)).toBe(0);
    const { values, truthA, truthB } = twoBalls(3);
    const { mask } = click(values);
    const both = truthA.map((v, i) => v | truthB[i]!);
    expect(diceOf(mask, 1, both)).toBeGreaterThanOrEqual(0.97);
  });

  it('REQ-ASSIST-ONECLICK-6: a slab two slices thick comes back whole; two slabs touching through one voxel stay apart', () => {
    // Two round slabs (radius 9), each two slices thick (a thin disc on thick slices), on slices 2–3 and 5–6,
    // joined across slice 4 by a single voxel (the slices' guard must cut it) or by a 3×3 patch (it joins).
    const bx = box(24, 24, 9);
    const n = bx.columns * bx.rows * bx.slices;
    const slabs = (patch: number) => {
      const values = new Int16Array(n).fill(-100);
      const lower = new Uint8Array(n);
      for (let k = 0, i = 0; k < bx.slices; k++) {
        for (let r = 0; r < bx.rows; r++) {
          for (let c = 0; c < bx.columns; c++, i++) {
            const inSlab = (c - 12) ** 2 + (r - 12) ** 2 <= 81 && k !== 4 && k >= 2 && k <= 6;
            const inPatch = k === 4 && Math.abs(c - 12) < patch / 2 + 0.5 && Math.abs(r - 12) < patch / 2 + 0.5;
            if (inSlab || inPatch) values[i] = 100;
            lower[i] = inSlab && k < 4 ? 1 : 0;
          }
        }
      }
      return { values, lower };
    };
    const one = slabs(1);
    const cut = oneClickRegion(one.values, bx, [1, 1, 3], { seed: [12, 12, 2], min: 50, max: 200, radiusMm: 100 });
    expect(diceOf(cut.mask, 1, one.lower)).toBe(1);
    const three = slabs(3);
    const joined = oneClickRegion(three.values, bx, [1, 1, 3], { seed: [12, 12, 2], min: 50, max: 200, radiusMm: 100 });
    // Both slabs and the patch, less the patch's four corners (the opening trims them).
    expect(joined.voxels).toBe(2 * one.lower.filter((v) => v === 1).length + 5);
  });

  it('REQ-ASSIST-ONECLICK-3: limited by the radius in mm (anisotropic) and by the HU range', () => {
    const { values } = twoBalls(0);
    const sp: BoxSpacing = [1, 1, 3];
    const { mask } = oneClickRegion(values, b, sp, { seed: A, min: 50, max: 200, radiusMm: 5, label: 7 });
    let far = 0;
    mask.forEach((v, i) => {
      const [c, r, k] = [i % 48, Math.floor(i / 48) % 32, Math.floor(i / (48 * 32))];
      if (v !== 0 && ((c - A[0]) ** 2 + (r - A[1]) ** 2 + ((k - A[2]) * 3) ** 2 > 25 || v !== 7)) far++;
    });
    expect(far).toBe(0);
    expect(mask[(16 * 32 + 16) * 48 + 16]).toBe(7);
    expect(oneClickRegion(values, b, sp, { seed: A, min: 150, max: 200, radiusMm: 5 }).voxels).toBe(0);
  });

  it('REQ-ASSIST-ONECLICK-4: a 512×512×40 region, every voxel in range, comes back whole', () => {
    const big = box(512, 512, 40);
    const values = new Int16Array(512 * 512 * 40).fill(100);
    const { voxels } = oneClickRegion(values, big, [0.7, 0.7, 2.5], { seed: [256, 256, 20] as const, min: 50, max: 200, radiusMm: 1000 });
    expect(voxels).toBe(512 * 512 * 40);
  });

  it('REQ-ASSIST-ONECLICK-5: a click of radius 50 mm in a 512×512×40 series, box cut included, stays within the radius', () => {
    const sp = [0.7, 0.7, 2.5] as const;
    const volume = { columns: 512, rows: 512, slices: 40, spacing: sp, sliceData: Array.from({ length: 40 }, () => new Int16Array(512 * 512).fill(100)) };
    const b = boxAround([[256, 256, 20]], 50, volume);
    const { voxels } = oneClickRegion(cutBox(volume, b), b, sp, { seed: [256 - b.c0, 256 - b.r0, 20 - b.k0], min: 50, max: 200, radiusMm: 50 });
    // The ball of 50 mm cut by the 40 slices (±50 mm along z covers them all): between a cylinder's worth and none outside.
    const ballVoxels = (4 / 3) * Math.PI * 50 ** 3 / (0.7 * 0.7 * 2.5);
    expect(voxels).toBeGreaterThan(400_000);
    expect(voxels).toBeLessThan(ballVoxels);
  });
});
