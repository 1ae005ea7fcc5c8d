/**
 * Helpers shared by the mask import tests (import-mask.test.ts and its
 * .tools.test.ts): opening a DICOM folder, painting an import back into a
 * labelmap, deterministic labelmaps, an oblique synthetic stack, and checks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SameThreadDecoder } from '../../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../../src/core/dicom/loader.js';
import type { Vec3 } from '../../../src/core/dicom/types.js';
import { allocateVolume, type Volume } from '../../../src/core/dicom/volume.js';
import type { ImportedMasks, ImportTarget } from '../../../src/core/formats/import-mask.js';

/** A DICOM folder as the annotator opens it; decoded only when the test needs the CT values. */
export async function openSeries(dir: string, options: { decode?: boolean; filter?: (name: string) => boolean } = {}): Promise<Volume> {
  const { decode = false, filter = (n: string) => n.endsWith('.dcm') } = options;
  const sources = readdirSync(dir)
    .filter(filter)
    .sort()
    .map((name) => ({ name, blob: new Blob([readFileSync(join(dir, name))]) }));
  const read = await readInstances(sources);
  const [series, ...others] = assembleSeries(read.instances);
  expect(others).toEqual([]);
  return decode ? (await loadVolume(series!, new SameThreadDecoder())).volume : allocateVolume(series!);
}

export function bytesOf(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** The import painted back into a labelmap, checking on the way that masks are non-empty and do not overlap. */
export function paint(result: ImportedMasks, g: { rows: number; columns: number; slices: number }): Uint8Array {
  const n = g.rows * g.columns;
  const out = new Uint8Array(n * g.slices);
  const problems: string[] = [];
  for (const [value, slices] of result.masks) {
    for (const [k, mask] of slices) {
      if (mask.length !== n) problems.push(`value ${value}, slice ${k}: ${mask.length} pixels`);
      let count = 0;
      let overlaps = 0;
      for (let p = 0; p < n; p++) {
        if (!mask[p]) continue;
        if (out[k * n + p]) overlaps++;
        out[k * n + p] = value;
        count++;
      }
      if (count === 0) problems.push(`value ${value}, slice ${k}: empty mask`);
      if (overlaps > 0) problems.push(`value ${value}, slice ${k}: ${overlaps} pixels overlap`);
    }
  }
  expect(problems).toEqual([]);
  return out;
}

export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v;
  return n;
}

export { expectSegmarkError } from './expect-error.js';

/** A deterministic labelmap: boxes of the given values on most slices, and isolated voxels to catch any off-by-one. */
export function randomLabelmap(g: { rows: number; columns: number; slices: number }, values: readonly number[], seed: number): Uint8Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (n: number) => Math.floor(random() * n);
  const n = g.rows * g.columns;
  const out = new Uint8Array(n * g.slices);
  for (let k = 0; k < g.slices; k++) {
    if (k % 7 === 3) continue; // some empty slices
    for (let b = 0; b < 4; b++) {
      const value = values[pick(values.length)]!;
      const [c0, r0] = [pick(g.columns), pick(g.rows)];
      const [c1, r1] = [Math.min(g.columns, c0 + 1 + pick(g.columns / 3)), Math.min(g.rows, r0 + 1 + pick(g.rows / 3))];
      for (let r = r0; r < r1; r++) out.fill(value, k * n + r * g.columns + c0, k * n + r * g.columns + c1);
    }
    for (let s = 0; s < 50; s++) out[k * n + pick(n)] = values[pick(values.length)]!;
  }
  return out;
}

export function slicesOf(labelmap: Uint8Array, g: { rows: number; columns: number; slices: number }): Uint8Array[] {
  const n = g.rows * g.columns;
  return Array.from({ length: g.slices }, (_, k) => labelmap.subarray(k * n, (k + 1) * n));
}

const deg = (d: number) => (d * Math.PI) / 180;

/** An oblique synthetic stack (no DICOM): 12 × 9 × 5 voxels, turned 30° about z and 20° about x, plus `turnDeg`, columns `spacingScale` wider. */
export function obliqueStack(turnDeg = 0, spacingScale = 1): ImportTarget {
  const [a, b] = [deg(30 + turnDeg), deg(20)];
  const u: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const v0: Vec3 = [-Math.sin(a), Math.cos(a), 0];
  const v: Vec3 = [v0[0], v0[1] * Math.cos(b), Math.sin(b)];
  const n: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const origin: Vec3 = [12.5, -40.25, 7];
  return {
    columns: 12,
    rows: 9,
    slices: 5,
    spacing: [0.8 * spacingScale, 0.7, 2.5],
    rowCosine: u,
    columnCosine: v,
    planes: Array.from({ length: 5 }, (_, k) => ({ position: [0, 1, 2].map((i) => origin[i]! + 2.5 * k * n[i]!) as unknown as Vec3 })),
    seriesInstanceUID: '2.25.1',
    sopInstanceUIDs: ['2.25.2', '2.25.3', '2.25.4', '2.25.5', '2.25.6'],
  };
}
