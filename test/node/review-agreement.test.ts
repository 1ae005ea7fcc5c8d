/**
 * Review agreement (src/core/review/): overlap, volumes and surface distances
 * on hand-computed cases, the overlay and adjudication. The comparison with
 * scipy on random blobs and the CSV read back by Python's csv module are in
 * review-agreement.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { adjudicate, choiceKey, type ChoiceKey, type Side } from '../../src/core/review/adjudicate.js';
import {
  agreementOverlay,
  compareDocuments,
  OVERLAY_A_ONLY,
  OVERLAY_B_ONLY,
  OVERLAY_BOTH,
  OVERLAY_NEITHER,
  type LabelAgreement,
  type ReviewGeometry,
} from '../../src/core/review/agreement.js';
import { HAND, label, prism, rect, region, snapshot, type SnapshotRegion } from './support/review-documents.js';

function compareOne(regionsA: SnapshotRegion[], regionsB: SnapshotRegion[], g: ReviewGeometry = HAND): LabelAgreement {
  const a = snapshot([label(1, 'disc')], regionsA, g);
  const b = snapshot([label(1, 'disc')], regionsB, g);
  const result = compareDocuments(a, b, g);
  expect(result.labels).toHaveLength(1);
  return result.labels[0]!;
}

describe('agreement on hand-computed cases', () => {
  it('REQ-REVIEW-1: identical regions give Dice 1, Jaccard 1, distances 0, equal volumes from the slice positions', () => {
    const shape = prism(1, [1, 2, 3], rect(2, 2, 6, 6));
    const got = compareOne(shape, structuredClone(shape));
    expect(got.status).toBe('both');
    expect(got.voxels).toEqual({ a: 48, b: 48, both: 48 });
    expect(got.dice).toBe(1);
    expect(got.jaccard).toBe(1);
    expect(got.hausdorffMm).toBe(0);
    expect(got.hd95Mm).toBe(0);
    expect(got.meanSurfaceDistanceMm).toBe(0);
    // Slice thicknesses from halfway to each neighbour: 3, 3.5, 3.5 mm; 16 pixels of 0.4 mm² each.
    expect(got.volumeAMl).toBeCloseTo((16 * 0.4 * (3 + 3.5 + 3.5)) / 1000, 12);
    expect(got.volumeBMl).toBe(got.volumeAMl);
    expect(got.volumeDifferenceMl).toBe(0);
    expect(got.volumeDifferencePercent).toBe(0);
    expect(got.slices).toEqual([]);
  });

  it('REQ-REVIEW-2: disjoint squares give Dice 0 and the Hausdorff distance computed by hand with anisotropic spacing', () => {
    // A: columns 0..3 on slice 0; B: columns 10..13 on slice 2 (6 mm further along the normal), same rows.
    const got = compareOne([region(1, 0, [rect(0, 0, 4, 4)])], [region(1, 2, [rect(10, 0, 14, 4)])]);
    expect(got.dice).toBe(0);
    expect(got.jaccard).toBe(0);
    // Every voxel is on its surface (one slice thick). The nearest B voxel of A's column c is
    // column 10 on the same row: √(((10 − c)·0.5)² + 6²) for c = 0..3, and symmetrically.
    const d = [61, 56.25, 52, 48.25].map(Math.sqrt);
    expect(got.hausdorffMm).toBeCloseTo(Math.sqrt(61), 12);
    // 32 distances, 8 of each; rank 0.95·31 = 29.45 falls among the largest eight.
    expect(got.hd95Mm).toBeCloseTo(Math.sqrt(61), 12);
    expect(got.meanSurfaceDistanceMm).toBeCloseTo((d[0]! + d[1]! + d[2]! + d[3]!) / 4, 12);
    expect(got.slices).toEqual([
      { slice: 0, aOnly: 16, bOnly: 0 },
      { slice: 2, aOnly: 0, bOnly: 16 },
    ]);
  });

  it('REQ-REVIEW-3: a cube against itself shifted one pixel in x gives Dice 0.8 and Hausdorff = Δcol', () => {
    // 5 × 5 pixels on slices 1..5; B is one column to the right.
    const slices = [1, 2, 3, 4, 5];
    const got = compareOne(prism(1, slices, rect(2, 2, 7, 7)), prism(1, slices, rect(3, 2, 8, 7)));
    expect(got.voxels).toEqual({ a: 125, b: 125, both: 100 });
    expect(got.dice).toBe(0.8);
    expect(got.jaccard).toBeCloseTo(2 / 3, 15);
    expect(got.hausdorffMm).toBe(0.5);
    // Each surface has 98 voxels; 34 of each are 0.5 mm from the other surface (A's two
    // x-faces, except where they lie on B's row faces or caps), the other 64 on it.
    expect(got.hd95Mm).toBe(0.5);
    expect(got.meanSurfaceDistanceMm).toBeCloseTo((68 * 0.5) / 196, 15);
    expect(got.slices).toEqual(slices.map((slice) => ({ slice, aOnly: 5, bOnly: 5 })));
  });

  it('REQ-REVIEW-4: one side empty gives Dice 0, no surface distances, and says which side', () => {
    const shape = prism(1, [2, 3], rect(4, 4, 8, 6));
    const bEmpty = compareOne(shape, []);
    expect(bEmpty.status).toBe('b-empty');
    expect([bEmpty.dice, bEmpty.jaccard]).toEqual([0, 0]);
    expect([bEmpty.hausdorffMm, bEmpty.hd95Mm, bEmpty.meanSurfaceDistanceMm]).toEqual([null, null, null]);
    expect(bEmpty.volumeBMl).toBe(0);
    expect(bEmpty.volumeDifferenceMl).toBe(-bEmpty.volumeAMl);
    expect(bEmpty.volumeDifferencePercent).toBe(-100);
    expect(bEmpty.slices).toEqual([
      { slice: 2, aOnly: 8, bOnly: 0 },
      { slice: 3, aOnly: 8, bOnly: 0 },
    ]);

    const aEmpty = compareOne([], shape);
    expect(aEmpty.status).toBe('a-empty');
    expect(aEmpty.dice).toBe(0);
    expect(aEmpty.hausdorffMm).toBeNull();
    expect(aEmpty.volumeDifferencePercent).toBeNull();
  });

  it('REQ-REVIEW-5: both empty gives Dice 1 and Jaccard 1 (agreement on absence), no surface distances', () => {
    // A region whose rings cover no pixel centre counts as empty too.
    const got = compareOne([], [region(1, 1, [[3, 3, 3.2, 3, 3.2, 3.2]])]);
    expect(got.status).toBe('both-empty');
    expect([got.dice, got.jaccard]).toEqual([1, 1]);
    expect([got.hausdorffMm, got.hd95Mm, got.meanSurfaceDistanceMm]).toEqual([null, null, null]);
    expect([got.volumeAMl, got.volumeBMl, got.volumeDifferenceMl]).toEqual([0, 0, 0]);
    expect(got.volumeDifferencePercent).toBeNull();
    expect(got.slices).toEqual([]);
  });

  it('REQ-REVIEW-6: labels pair by id or through a mapping; each side’s extra labels are listed; ambiguity is refused', () => {
    const g = HAND;
    const a = snapshot([label(1, 'L4/L5'), label(2, 'L5/S1')], [...prism(1, [1], rect(2, 2, 6, 6)), ...prism(2, [3], rect(2, 2, 6, 6))], g);
    const b = snapshot([label(2, 'other'), label(7, 'disc'), label(9, 'extra')], [...prism(7, [1], rect(2, 2, 6, 6)), ...prism(9, [4], rect(0, 0, 2, 2))], g);
    const byId = compareDocuments(a, b, g).labels;
    expect(byId.map((l) => [l.ids, l.name, l.status])).toEqual([
      [{ a: 1, b: null }, 'L4/L5', 'b-empty'],
      [{ a: 2, b: 2 }, 'L5/S1', 'b-empty'],
      [{ a: null, b: 7 }, 'disc', 'a-empty'],
      [{ a: null, b: 9 }, 'extra', 'a-empty'],
    ]);
    const mapped = compareDocuments(a, b, g, { labelMapping: new Map([[1, 7]]) }).labels;
    expect(mapped.map((l) => [l.ids, l.status, l.dice])).toEqual([
      [{ a: 1, b: 7 }, 'both', 1],
      [{ a: 2, b: 2 }, 'b-empty', 0],
      [{ a: null, b: 9 }, 'a-empty', 0],
    ]);
    expect(() => compareDocuments(a, b, g, { labelMapping: new Map([[1, 2]]) })).toThrow(/labels 1 and 2 of A both match label 2 of B/);
  });

  it('REQ-REVIEW-7: refuses documents of another size, uneven geometry input and regions outside the series', () => {
    const shape = prism(1, [1], rect(2, 2, 6, 6));
    const a = snapshot([label(1, 'disc')], shape, HAND);
    expect(() => compareDocuments(a, snapshot([label(1, 'disc')], shape, { ...HAND, rows: 17 }), HAND)).toThrow(RangeError);
    expect(() => compareDocuments(a, a, { ...HAND, slicePositions: [0, 2.5, 2.5, 9.5, 13, 16.5] })).toThrow(/strictly ascending/);
    expect(() => compareDocuments(a, a, { ...HAND, slicePositions: [0, 1] })).toThrow(/2 slice positions for 6 slices/);
    const outside = snapshot([label(1, 'disc')], prism(1, [6], rect(2, 2, 6, 6)), HAND);
    expect(() => compareDocuments(a, outside, HAND)).toThrow(/slice 6, outside/);
  });
});

describe('overlay', () => {
  it('REQ-REVIEW-8: marks both, A only and B only per pixel, consistent with the per-slice counts', () => {
    const slices = [1, 2];
    const a = snapshot([label(1, 'disc')], prism(1, slices, rect(2, 2, 7, 7)), HAND);
    const b = snapshot([label(1, 'disc')], prism(1, slices, rect(3, 2, 8, 7)), HAND);
    const overlay = agreementOverlay(a, b, 1, 2);
    expect(overlay).toHaveLength(HAND.columns * HAND.rows);
    for (let r = 0; r < HAND.rows; r++) {
      for (let c = 0; c < HAND.columns; c++) {
        const inRows = r >= 2 && r < 7;
        const want = !inRows || c < 2 || c > 7 ? OVERLAY_NEITHER : c === 2 ? OVERLAY_A_ONLY : c === 7 ? OVERLAY_B_ONLY : OVERLAY_BOTH;
        expect(overlay[r * HAND.columns + c], `pixel (${c}, ${r})`).toBe(want);
      }
    }
    expect(agreementOverlay(a, b, { a: 1, b: 1 }, 0).every((v) => v === OVERLAY_NEITHER)).toBe(true);
    const counts = compareDocuments(a, b, HAND).labels[0]!.slices.find((s) => s.slice === 2)!;
    expect(counts).toEqual({ slice: 2, aOnly: overlay.filter((v) => v === OVERLAY_A_ONLY).length, bOnly: overlay.filter((v) => v === OVERLAY_B_ONLY).length });
  });
});

describe('adjudication', () => {
  const g = HAND;
  const a = snapshot(
    [label(1, 'L4/L5 (A)', [1, 2, 3]), label(2, 'L5/S1')],
    [
      region(1, 1, [rect(2, 2, 6, 6)], true),
      region(1, 2, [rect(2, 2, 6, 6), rect(3, 3, 4, 4)]),
      region(1, 4, [rect(1, 1, 3, 3)], false, 'interpolated'),
      region(2, 3, [[1.25, 1.5, 9.75, 2, 5.5, 8.125]]),
    ],
    g,
  );
  const b = snapshot(
    [label(1, 'L4/L5 (B)', [4, 5, 6]), label(3, 'sacrum')],
    [
      region(1, 1, [rect(3, 2, 7, 6)], false, 'imported'),
      // With its provenance and the reviewer's decision, which adjudication must carry over.
      {
        ...region(1, 2, [rect(0, 0, 5, 5)], true, 'imported'),
        provenance: { by: 'dr.b', file: 'model.dcm', algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC' },
        review: { state: 'verified', by: 'dr.b', at: 1_700_000_000_000 },
      },
      region(1, 3, [rect(8, 8, 12, 12)], false, 'imported'),
      region(3, 5, [rect(10, 10, 14, 13)], true),
    ],
    g,
  );
  const pick = (entries: [number, number, Side][]): Map<ChoiceKey, Side> => new Map(entries.map(([l, k, side]) => [choiceKey(l, k), side]));
  const key = (r: SnapshotRegion): string => choiceKey(r.labelId, r.slice);

  it('REQ-REVIEW-10: takes the chosen side’s exact region and flags per (label, slice), the rest from the base', () => {
    const snapshotA = structuredClone(a);
    const snapshotB = structuredClone(b);
    // Base A; B's region on (1, 2); B has nothing on (1, 4), so choosing B removes it; B's (3, 5).
    const merged = adjudicate(a, b, pick([[1, 2, 'b'], [1, 4, 'b'], [3, 5, 'b'], [2, 3, 'a']]), 'a');
    const byKey = new Map(merged.regions.map((r) => [key(r), r]));
    expect([...byKey.keys()]).toEqual(['1:1', '1:2', '2:3', '3:5']);
    expect(byKey.get('1:1')).toEqual(a.regions[0]);
    expect(byKey.get('1:2')).toEqual(b.regions[1]);
    expect(byKey.get('2:3')).toEqual(a.regions[3]);
    expect(byKey.get('3:5')).toEqual(b.regions[3]);
    // Labels: the union, the base's definitions winning, its order first.
    expect(merged.labels.map((l) => [l.id, l.name, l.color])).toEqual([
      [1, 'L4/L5 (A)', [1, 2, 3]],
      [2, 'L5/S1', [230, 159, 0]],
      [3, 'sacrum', [230, 159, 0]],
    ]);
    expect(merged.series).toEqual(a.series);
    // A valid document, which agrees with the chosen side exactly where chosen.
    expect(() => AnnotationDocument.fromSnapshot(merged, REGION_OPS)).not.toThrow();
    const vsB = compareDocuments(merged, b, g).labels.find((l) => l.ids.a === 1)!;
    expect(vsB.slices.map((s) => s.slice).sort()).toEqual([1, 3]);
    // Nothing is shared with the inputs.
    merged.regions[0]!.rings[0]![0] = 99;
    merged.labels[0]!.color[0] = 99;
    expect(a).toEqual(snapshotA);
    expect(b).toEqual(snapshotB);
  });

  it('REQ-REVIEW-11: with base B and no choices the result is B (plus A’s extra labels); bad keys are refused', () => {
    const merged = adjudicate(a, b, new Map(), 'b');
    expect(merged.regions).toEqual(b.regions);
    expect(merged.labels.map((l) => [l.id, l.name])).toEqual([
      [1, 'L4/L5 (B)'],
      [3, 'sacrum'],
      [2, 'L5/S1'],
    ]);
    const oneFromA = adjudicate(a, b, pick([[2, 3, 'a']]), 'b');
    expect(oneFromA.regions.map(key)).toEqual(['1:1', '1:2', '1:3', '3:5', '2:3']);
    expect(() => adjudicate(a, b, new Map<ChoiceKey, Side>([['1-2' as ChoiceKey, 'a']]), 'a')).toThrow(/labelId:slice/);
    expect(() => adjudicate(a, b, new Map<ChoiceKey, Side>([[choiceKey(1, 2), 'c' as Side]]), 'a')).toThrow(/not 'a' or 'b'/);
  });
});
