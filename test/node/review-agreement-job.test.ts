/**
 * The agreement job the page runs in a worker (src/core/review/agreement-job.ts):
 * split per label, it gives the same result as comparing the whole documents,
 * reports progress per label and stops between labels; and a mask file's
 * content becomes the other side without touching the open document
 * (import-side.ts).
 */
import { describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import { DEFAULT_CODE } from '../../src/core/annotation/labels.js';
import type { ImportedMasks } from '../../src/core/formats/import-common.js';
import { compareDocuments, type ReviewGeometry } from '../../src/core/review/agreement.js';
import { agreementParts, runAgreementJob } from '../../src/core/review/agreement-job.js';
import { snapshotFromImport } from '../../src/core/review/import-side.js';

type SnapshotLabel = DocumentSnapshot['labels'][number];

const G: ReviewGeometry = { columns: 32, rows: 24, slices: 6, pixelSpacing: [0.5, 0.75], slicePositions: [0, 2, 4, 6, 8, 10] };

function label(id: number, name: string, locked = false): SnapshotLabel {
  return { id, name, color: [230, 159, 0], code: DEFAULT_CODE, opacity: 0.5, visible: true, locked, display: 'filled' };
}

function square(labelId: number, slice: number, c0: number, r0: number, c1: number, r1: number): DocumentSnapshot['regions'][number] {
  return { labelId, slice, rings: [[c0, r0, c1, r0, c1, r1, c0, r1]], origin: 'drawn', verified: false };
}

function snapshot(labels: SnapshotLabel[], regions: DocumentSnapshot['regions']): DocumentSnapshot {
  return {
    version: 1,
    series: {
      studyInstanceUID: '1.2.3',
      seriesInstanceUID: '1.2.3.4',
      sopInstanceUIDs: Array.from({ length: G.slices }, (_, k) => `1.2.3.4.${k + 1}`),
      rows: G.rows,
      columns: G.columns,
      slices: G.slices,
    },
    labels,
    regions,
    settings: { paintMode: 'over-others' },
  };
}

// Label 1 on both sides, 2 only in A, 3 in both definitions but empty in B, 4 only in B.
const A = snapshot([label(1, 'disc'), label(2, 'body'), label(3, 'canal')], [
  square(1, 1, 2, 2, 10, 10),
  square(1, 2, 2, 2, 10, 10),
  square(2, 3, 12, 4, 20, 12),
  square(3, 4, 0, 0, 4, 4),
]);
const B = snapshot([label(4, 'extra'), label(3, 'canal'), label(1, 'disc')], [
  square(1, 1, 4, 2, 12, 10),
  square(1, 3, 2, 2, 10, 10),
  square(4, 5, 20, 10, 30, 20),
]);

describe('agreement job', () => {
  it('REQ-AGREE-JOB-1: one part per label pair, in A\'s order then B\'s own; each part holds only its label', () => {
    const parts = agreementParts({ a: A, b: B, geometry: G });
    expect(parts.map((p) => [p.a.labels.map((l) => l.id), p.b.labels.map((l) => l.id)])).toEqual([
      [[1], [1]],
      [[2], []],
      [[3], [3]],
      [[], [4]],
    ]);
    expect(parts[0]!.a.regions.map((r) => r.slice)).toEqual([1, 2]);
    expect(parts[0]!.b.regions.map((r) => r.slice)).toEqual([1, 3]);
    expect(parts[3]!.b.regions.map((r) => r.labelId)).toEqual([4]);
  });

  it('REQ-AGREE-JOB-2: label by label gives what comparing the whole documents gives, with progress after each label', async () => {
    const progress: [number, number][] = [];
    const result = await runAgreementJob({ a: A, b: B, geometry: G }, (done, total) => progress.push([done, total]), () => Promise.resolve());
    expect(result).toEqual(compareDocuments(A, B, G));
    expect(progress).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    // By hand for label 1: slice 1 overlaps 6 × 8 of 8 × 8 on each side; slice 2 only A, slice 3 only B.
    const disc = result.labels[0]!;
    expect(disc.voxels).toEqual({ a: 128, b: 128, both: 48 });
    expect(disc.dice).toBeCloseTo((2 * 48) / 256, 12);
  });

  it('REQ-AGREE-JOB-3: stops between labels when the pause throws (a cancelled signal)', async () => {
    let steps = 0;
    const stop = new Error('stopped');
    const run = runAgreementJob({ a: A, b: B, geometry: G }, () => undefined, async () => {
      if (++steps === 3) throw stop;
    });
    await expect(run).rejects.toBe(stop);
    expect(steps).toBe(3);
  });
});

describe('a mask file as the other side', () => {
  it('REQ-AGREE-JOB-4: labels match the open document\'s by name (a locked one too), others are added; the open snapshot is untouched', () => {
    const reference = snapshot([label(1, 'disc'), label(2, 'Body', true)], [square(1, 0, 0, 0, 4, 4)]);
    const before = JSON.stringify(reference);
    const mask = (cells: [number, number][]) => {
      const m = new Uint8Array(G.columns * G.rows);
      for (const [c, r] of cells) m[r * G.columns + c] = 1;
      return m;
    };
    const imported: ImportedMasks = {
      source: 'nifti',
      labels: [{ value: 7, name: 'body' }, { value: 9, name: 'tumour' }],
      masks: new Map([
        [7, new Map([[2, mask([[5, 5], [6, 5], [5, 6], [6, 6]])]])],
        [9, new Map([[4, mask([[1, 1]])]])],
      ]),
      warnings: [],
    };
    const side = snapshotFromImport(reference, imported, 'model.nii.gz');
    expect(JSON.stringify(reference)).toBe(before);
    // 'body' is label 2 (names match without case); 'tumour' is new, after the open document's ids; label 1 is not in the file.
    expect(side.labels.map((l) => [l.id, l.name])).toEqual([[2, 'Body'], [3, 'tumour']]);
    expect(side.regions.map((r) => [r.labelId, r.slice, r.origin, r.verified])).toEqual([[2, 2, 'imported', false], [3, 4, 'imported', false]]);
    const agreement = compareDocuments(reference, side, G);
    expect(agreement.labels.map((l) => [l.ids.a, l.ids.b, l.voxels.a, l.voxels.b])).toEqual([[1, null, 16, 0], [2, 2, 0, 4], [null, 3, 0, 1]]);
  });
});
