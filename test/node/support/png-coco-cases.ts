/**
 * Inputs shared by the PNG mask and COCO export tests (export-png-coco.test.ts
 * and its .tools.test.ts): random simple polygons and labelmaps, the regions
 * that trace a labelmap, the zip input, and error and array checks.
 */
import { expect } from 'vitest';
import { maskToRegion } from '../../../src/core/annotation/contour.js';
import { labelsFromTemplate } from '../../../src/core/annotation/labels.js';
import { rasterizeRegion } from '../../../src/core/annotation/rasterize.js';
import type { Ring } from '../../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import { SegmarkError } from '../../../src/core/errors.js';
import type { PngMaskInput } from '../../../src/core/formats/png-masks.js';
import { crossings, random } from './annotation-geometry.js';

export const LABELS = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);

/** Index of the first difference of two equal-length arrays, or -1 (vitest's toEqual is slow on megabytes). */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Expects `fn` to throw a SegmarkError with `code`; returns it. */
export function expectCode(fn: () => unknown, code: string): SegmarkError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SegmarkError);
    expect((e as SegmarkError).code).toBe(code);
    return e as SegmarkError;
  }
  throw new Error(`expected a SegmarkError ${code}`);
}

/** A simple (star-shaped) polygon with dyadic coordinates; some vertices on pixel centres. */
function starRing(rand: () => number, cx: number, cy: number, rMin: number, rMax: number): Ring {
  const n = 3 + Math.floor(rand() * 22);
  const angles = Array.from({ length: n }, () => rand() * 2 * Math.PI).sort((a, b) => a - b);
  const grid = rand() < 0.3 ? 2 : 16;
  const ring: Ring = [];
  for (const a of angles) {
    const radius = rMin + rand() * (rMax - rMin);
    ring.push(Math.round((cx + radius * Math.cos(a)) * grid) / grid, Math.round((cy + radius * Math.sin(a)) * grid) / grid);
  }
  return ring;
}

export function simpleStar(rand: () => number, cx: number, cy: number, rMin: number, rMax: number): Ring {
  for (;;) {
    const ring = starRing(rand, cx, cy, rMin, rMax);
    if (crossings({ rings: [ring] }) === 0) return ring;
  }
}

/** Each label on each slice of a labelmap as an exact region (maskToRegion), like the document holds them. */
export function regionsOfLabelmap(labelmap: Uint8Array, columns: number, rows: number, slices: number, ids: readonly number[]) {
  const n = columns * rows;
  const regions: { labelId: number; slice: number; rings: number[][] }[] = [];
  for (let k = 0; k < slices; k++) {
    const slice = labelmap.subarray(k * n, (k + 1) * n);
    for (const id of ids) {
      if (!slice.includes(id)) continue;
      regions.push({ labelId: id, slice: k, rings: maskToRegion(slice, columns, rows, id).rings });
    }
  }
  return regions;
}

/**
 * A small random labelmap: on each slice a few labels traced as random simple
 * polygons, painted in turn (later ones cut earlier ones, so holes occur).
 */
export function randomLabelmap(seed: number, columns: number, rows: number, slices: number, ids: readonly number[]): Uint8Array {
  const rand = random(seed);
  const n = columns * rows;
  const labelmap = new Uint8Array(n * slices);
  for (let k = 0; k < slices; k++) {
    if (k % 4 === 3) continue; // some empty slices
    const out = labelmap.subarray(k * n, (k + 1) * n);
    const count = 1 + Math.floor(rand() * 3);
    for (let j = 0; j < count; j++) {
      const id = ids[Math.floor(rand() * ids.length)]!;
      const ring = simpleStar(rand, rand() * columns, rand() * rows, 2, Math.min(columns, rows) / 2.5);
      rasterizeRegion({ rings: [ring] }, columns, rows, out, id);
    }
  }
  return labelmap;
}

export function zipInput(labelmap: Uint8Array, columns: number, rows: number, slices: number, labels = LABELS.slice(0, 5)): PngMaskInput {
  const n = columns * rows;
  return {
    columns,
    rows,
    slices,
    sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.826.0.1.3680043.8.498.${1000 + k}`),
    positions: Array.from({ length: slices }, (_, k) => [-10.5, 20.25, -30 + 2.5 * k] as const),
    labels,
    labelmap: (k) => labelmap.subarray(k * n, (k + 1) * n),
  };
}
