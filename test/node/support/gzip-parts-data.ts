/**
 * Inputs shared by the gzip-from-parts tests (export-gzip-parts.test.ts and
 * its .tools.test.ts): an axial stack geometry, labelmap-like runs, SHA-256.
 */
import { createHash } from 'node:crypto';
import type { NiftiGeometry } from '../../../src/core/formats/nifti-space.js';
import { random } from './annotation-geometry.js';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A 64×48×12 axial stack. */
export const geometry: NiftiGeometry = {
  columns: 64,
  rows: 48,
  slices: 12,
  spacing: [0.8, 0.8, 2],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  planes: Array.from({ length: 12 }, (_, k) => ({ position: [-25, -19, 10 + 2 * k] as [number, number, number] })),
};

/** Runs of random values and lengths, zero runs long and short: what a labelmap row holds, and its edge cases. */
export function runs(seed: number, length: number): Uint8Array {
  const next = random(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; ) {
    const value = next() < 0.5 ? 0 : Math.floor(next() * 256);
    const n = 1 + Math.floor(next() * (next() < 0.1 ? 5000 : 12));
    out.fill(value, i, i + n);
    i += n;
  }
  return out;
}
