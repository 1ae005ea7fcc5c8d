/**
 * Synthetic boxes for the assisted-tool tests: balls of given HU on a
 * background, with partial-volume edges (each voxel the mean of 3×3×3 samples),
 * a truth mask by the voxel-centre rule, a deterministic noise, Dice.
 */
import type { BoxSpacing, VoxelBox } from '../../../src/core/assist/box.js';

export interface Ball {
  /** Centre in mm from the box's first voxel centre, [x, y, z]. */
  centre: readonly [number, number, number];
  radiusMm: number;
  hu: number;
}

export function box(columns: number, rows: number, slices: number): VoxelBox {
  return { c0: 0, r0: 0, k0: 0, columns, rows, slices };
}

/** Later balls paint over earlier ones; `noise` is the amplitude of a uniform noise in HU. */
export function phantom(b: VoxelBox, spacing: BoxSpacing, balls: readonly Ball[], backgroundHu: number, noise = 0, seed = 1): Int16Array {
  const out = new Int16Array(b.columns * b.rows * b.slices);
  const rand = random(seed);
  const sub = [-1 / 3, 0, 1 / 3];
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) {
        let sum = 0;
        for (const dz of sub) for (const dy of sub) for (const dx of sub) sum += valueAt(balls, backgroundHu, (c + dx) * spacing[0], (r + dy) * spacing[1], (k + dz) * spacing[2]);
        out[i] = Math.round(sum / 27 + (rand() - 0.5) * 2 * noise);
      }
    }
  }
  return out;
}

function valueAt(balls: readonly Ball[], backgroundHu: number, x: number, y: number, z: number): number {
  let v = backgroundHu;
  for (const ball of balls) if (inside(ball, x, y, z)) v = ball.hu;
  return v;
}

function inside(ball: Ball, x: number, y: number, z: number): boolean {
  const [cx, cy, cz] = ball.centre;
  return (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 <= ball.radiusMm ** 2;
}

/** Voxels whose centre is in ball `index` and in no later ball: the truth of that ball. */
export function truth(b: VoxelBox, spacing: BoxSpacing, balls: readonly Ball[], index: number): Uint8Array {
  const out = new Uint8Array(b.columns * b.rows * b.slices);
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) {
        const [x, y, z] = [c * spacing[0], r * spacing[1], k * spacing[2]];
        if (inside(balls[index]!, x, y, z) && !balls.slice(index + 1).some((o) => inside(o, x, y, z))) out[i] = 1;
      }
    }
  }
  return out;
}

/** Box voxel nearest to a point in mm. */
export function voxelAt(spacing: BoxSpacing, [x, y, z]: readonly [number, number, number]): [number, number, number] {
  return [Math.round(x / spacing[0]), Math.round(y / spacing[1]), Math.round(z / spacing[2])];
}

/** Dice of `label` in `got` against the nonzero voxels of `truthMask`. */
export function diceOf(got: Uint8Array, label: number, truthMask: Uint8Array): number {
  let both = 0;
  let a = 0;
  let t = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i] === label;
    const w = truthMask[i] !== 0;
    if (g) a++;
    if (w) t++;
    if (g && w) both++;
  }
  return a + t === 0 ? 1 : (2 * both) / (a + t);
}

/** Mulberry32. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
