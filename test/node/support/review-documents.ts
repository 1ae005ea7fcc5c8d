/**
 * Small annotation documents for the review agreement tests
 * (review-agreement.test.ts and review-agreement.tools.test.ts): labels,
 * rectangles and prisms on a hand-sized geometry.
 */
import type { DocumentSnapshot } from '../../../src/core/annotation/document-data.js';
import { DEFAULT_CODE } from '../../../src/core/annotation/labels.js';
import type { ReviewGeometry } from '../../../src/core/review/agreement.js';

export type SnapshotRegion = DocumentSnapshot['regions'][number];
export type SnapshotLabel = DocumentSnapshot['labels'][number];

export function label(id: number, name: string, color: [number, number, number] = [230, 159, 0]): SnapshotLabel {
  return { id, name, color, code: DEFAULT_CODE, opacity: 0.5, visible: true, locked: false, display: 'filled' };
}

export function snapshot(labels: SnapshotLabel[], regions: SnapshotRegion[], g: Pick<ReviewGeometry, 'columns' | 'rows' | 'slices'>): DocumentSnapshot {
  return {
    version: 1,
    series: {
      studyInstanceUID: '1.2.3',
      seriesInstanceUID: '1.2.3.4',
      sopInstanceUIDs: Array.from({ length: g.slices }, (_, k) => `1.2.3.4.${k + 1}`),
      rows: g.rows,
      columns: g.columns,
      slices: g.slices,
    },
    labels,
    regions,
    settings: { paintMode: 'over-others' },
  };
}

/** The pixel-edge rectangle of columns c0..c1 − 1 and rows r0..r1 − 1. */
export function rect(c0: number, r0: number, c1: number, r1: number): number[] {
  return [c0, r0, c1, r0, c1, r1, c0, r1];
}

export function region(labelId: number, slice: number, rings: number[][], verified = false, origin: SnapshotRegion['origin'] = 'drawn'): SnapshotRegion {
  return { labelId, slice, rings, origin, verified };
}

/** The same rectangle on each of `slices`. */
export function prism(labelId: number, slices: number[], ring: number[]): SnapshotRegion[] {
  return slices.map((k) => region(labelId, k, [ring]));
}

// Anisotropic pixels and uneven slices: Δrow 0.8 mm, Δcol 0.5 mm.
export const HAND: ReviewGeometry = { columns: 20, rows: 16, slices: 6, pixelSpacing: [0.8, 0.5], slicePositions: [0, 2.5, 6, 9.5, 13, 16.5] };
