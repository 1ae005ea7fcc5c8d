/**
 * One label of two documents as voxels, side by side: both sides are
 * rasterized with the project's pixel-centre rule (`rasterize.ts`) into one
 * byte volume that only spans the bounding box of both, so a small structure
 * in a 512² × 300 series costs its own size, not the series'.
 *
 * Each voxel holds bits: `IN_A`, `IN_B`, and (after `markSurfaces` in
 * `surface-distance.ts`) `SURFACE_A`, `SURFACE_B`.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { rasterizeRegion, regionPixelBounds, unionBoxes, type PixelBox } from '../annotation/rasterize.js';

export const IN_A = 1;
export const IN_B = 2;
export const SURFACE_A = 4;
export const SURFACE_B = 8;

export type SnapshotRegion = DocumentSnapshot['regions'][number];

export interface PairVolume {
  /** Columns c0 ≤ c < c1 and rows r0 ≤ r < r1 of the image. */
  readonly box: PixelBox;
  /** First slice of the box; it holds `depth` slices. */
  readonly k0: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  /** Bits per voxel at `(k − k0)·width·height + (r − r0)·width + (c − c0)`. */
  readonly bits: Uint8Array;
}

/** Voxel counts per slice of the box (index k − k0). */
export interface SliceCounts {
  readonly aOnly: Uint32Array;
  readonly bOnly: Uint32Array;
  readonly both: Uint32Array;
}

/**
 * Rasterizes both sides' regions of one label into a volume over the box of
 * both (null when neither side has a region). `scratch` is a zeroed
 * `columns × rows` slice, lent for the call and returned zeroed: rasterizing
 * into the full slice (rather than into the box) keeps every pixel decided
 * exactly as in the exported labelmap.
 */
export function pairVolume(
  regionsA: readonly SnapshotRegion[],
  regionsB: readonly SnapshotRegion[],
  columns: number,
  rows: number,
  scratch: Uint8Array,
): PairVolume | null {
  let box: PixelBox = { c0: 0, r0: 0, c1: 0, r1: 0 };
  let kMin = Infinity;
  let kMax = -Infinity;
  for (const region of [...regionsA, ...regionsB]) {
    box = unionBoxes(box, regionPixelBounds(region, columns, rows));
    kMin = Math.min(kMin, region.slice);
    kMax = Math.max(kMax, region.slice);
  }
  if (kMin > kMax) return null;
  const width = Math.max(0, box.c1 - box.c0);
  const height = Math.max(0, box.r1 - box.r0);
  const volume: PairVolume = { box, k0: kMin, width, height, depth: kMax - kMin + 1, bits: new Uint8Array(width * height * (kMax - kMin + 1)) };
  for (const region of regionsA) addRegion(volume, region, IN_A, columns, rows, scratch);
  for (const region of regionsB) addRegion(volume, region, IN_B, columns, rows, scratch);
  return volume;
}

/** ORs `bit` into the voxels of one region, going through the full-size scratch slice. */
function addRegion(volume: PairVolume, region: SnapshotRegion, bit: number, columns: number, rows: number, scratch: Uint8Array): void {
  const { box, width, height, bits } = volume;
  const own = regionPixelBounds(region, columns, rows);
  if (own.c1 <= own.c0 || own.r1 <= own.r0) return;
  rasterizeRegion(region, columns, rows, scratch, 1);
  const base = (region.slice - volume.k0) * width * height;
  // The rasterizer writes only inside the region's own pixel bounds: copy and clear just those.
  for (let r = own.r0; r < own.r1; r++) {
    let src = r * columns + own.c0;
    let dst = base + (r - box.r0) * width + (own.c0 - box.c0);
    for (let c = own.c0; c < own.c1; c++, src++, dst++) {
      if (scratch[src] !== 0) {
        bits[dst]! |= bit;
        scratch[src] = 0;
      }
    }
  }
}

/** Voxels only in A, only in B, and in both, per slice of the box. */
export function sliceCounts(volume: PairVolume): SliceCounts {
  const { width, height, depth, bits } = volume;
  const area = width * height;
  const aOnly = new Uint32Array(depth);
  const bOnly = new Uint32Array(depth);
  const both = new Uint32Array(depth);
  const [inA, inB] = [IN_A, IN_B];
  for (let k = 0; k < depth; k++) {
    // Histogram of the two side bits; 0 (neither) is not needed.
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    for (let i = k * area, end = i + area; i < end; i++) {
      const v = bits[i]! & (inA | inB);
      if (v === inA) n1++;
      else if (v === inB) n2++;
      else if (v !== 0) n3++;
    }
    aOnly[k] = n1;
    bOnly[k] = n2;
    both[k] = n3;
  }
  return { aOnly, bOnly, both };
}
