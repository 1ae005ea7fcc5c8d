/**
 * Provenance and verification per (label, slice) (issue 7, "Provenance and
 * verification"): who drew, imported or interpolated a region and who edited
 * it since; verified / unverified / rejected with reason, reviewer and time;
 * both carried through undo/redo, snapshots, restore and the store's record
 * encoding (old records without them still load); accepting a slice and
 * finding the next unverified slice or label.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument, type DocumentSnapshot, type SeriesIdentity } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { acceptSlice, labelProgress, nextUnverifiedLabel, nextUnverifiedSlice } from '../../src/core/annotation/verification.js';
import { SegmarkError } from '../../src/core/errors.js';
import { labelProvenance, segmentAlgorithm } from '../../src/core/formats/region-provenance.js';
import { decodeMeta, encodeMeta } from '../../src/store/encode.js';
import { square, testSeries } from './support/test-series.js';

const SERIES: SeriesIdentity = testSeries(10, 32);


/** A document with the lumbar template's labels (ids 1…11) and a clock that ticks by 1000 ms per reading. */
function newDocument(user = ''): AnnotationDocument {
  let t = 0;
  return new AnnotationDocument({ series: SERIES, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE), user, clock: () => (t += 1000) });
}

describe('provenance of a region', () => {
  it('REQ-7.1: names who drew it, the file and algorithm an import came from, and who ran an interpolation', () => {
    const doc = newDocument('Dr Li');
    doc.setRegion(1, 0, square(2, 2, 6), { kind: 'draw' });
    expect(doc.flagsAt(1, 0)).toEqual({ origin: 'drawn', verified: false });
    expect(doc.metaAt(1, 0)).toEqual({ provenance: { by: 'Dr Li' } });

    doc.user = 'Dr Wang';
    const model = { file: 'spine_seg.dcm', algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC' as const };
    doc.setRegion(1, 1, square(2, 2, 6), { kind: 'import', provenance: model });
    expect(doc.flagsAt(1, 1)).toEqual({ origin: 'imported', verified: false });
    expect(doc.metaAt(1, 1)).toEqual({ provenance: { by: 'Dr Wang', ...model } });

    doc.setRegion(1, 2, square(2, 2, 6), { kind: 'interpolate' });
    expect(doc.metaAt(1, 2)).toEqual({ provenance: { by: 'Dr Wang' } });

    // Nobody named (no `user`): no provenance is invented.
    doc.user = '';
    doc.setRegion(2, 5, square(2, 2, 4), { kind: 'draw' });
    expect(doc.metaAt(2, 5)).toEqual({});
  });

  it('REQ-7.1: a person editing machine work makes it drawn, keeps what it was and where it came from, and lists the editors', () => {
    const doc = newDocument('Importer');
    doc.setRegion(1, 3, square(2, 2, 6), { kind: 'import', provenance: { file: 'model.nii.gz', algorithm: 'nnU-Net 3d' } });
    doc.setRegion(1, 4, square(2, 2, 6), { kind: 'interpolate' });
    doc.user = 'Reviewer A';
    doc.setRegion(1, 3, square(2, 2, 8), { kind: 'edit' });
    doc.setRegion(1, 4, square(1, 1, 6), { kind: 'draw' });
    doc.user = 'Reviewer B';
    doc.setRegion(1, 3, square(2, 2, 9), { kind: 'erase' });
    doc.user = 'Reviewer A';
    doc.setRegion(1, 3, square(2, 2, 7), { kind: 'edit' });

    expect(doc.flagsAt(1, 3)?.origin).toBe('drawn');
    expect(doc.metaAt(1, 3)?.provenance).toEqual({
      by: 'Importer',
      file: 'model.nii.gz',
      algorithm: 'nnU-Net 3d',
      editedFrom: 'imported',
      editedBy: ['Reviewer A', 'Reviewer B'],
    });
    expect(doc.metaAt(1, 4)?.provenance).toEqual({ by: 'Importer', editedFrom: 'interpolated', editedBy: ['Reviewer A'] });
  });

  it('REQ-7.1: a label cut by another label\'s stroke records the person as its editor and keeps its origin', () => {
    const doc = newDocument('Importer');
    doc.setRegion(1, 0, square(0, 0, 10), { kind: 'import', provenance: { algorithm: 'Model' } });
    doc.user = 'Dr Li';
    doc.setRegion(2, 0, square(5, 0, 10), { kind: 'draw' });
    expect(doc.flagsAt(1, 0)).toEqual({ origin: 'imported', verified: false });
    expect(doc.metaAt(1, 0)?.provenance).toEqual({ by: 'Importer', algorithm: 'Model', editedBy: ['Dr Li'] });
  });
});

describe('verification per (label, slice)', () => {
  it('REQ-7.2: verify and reject record reviewer, time and reason; each is one undo step that redo replays', () => {
    const doc = newDocument('Importer');
    doc.setRegion(1, 0, square(2, 2, 6), { kind: 'import' });
    const changes: string[] = [];
    doc.subscribe((c) => changes.push(`${c.labelId}:${c.slice}:${c.kind}`));
    doc.user = 'Dr Chen';
    expect(doc.reviewStateAt(1, 0)).toBe('unverified');

    doc.setReview(1, 0, { state: 'verified' });
    // The clock ticks 1000 per reading: the import read nothing, so this is the first reading.
    expect(doc.metaAt(1, 0)?.review).toEqual({ state: 'verified', by: 'Dr Chen', at: 1000 });
    expect(doc.flagsAt(1, 0)?.verified).toBe(true);

    doc.setReview(1, 0, { state: 'rejected', reason: 'boundary-wrong', note: '  misses the posterior rim ' });
    expect(doc.reviewStateAt(1, 0)).toBe('rejected');
    expect(doc.flagsAt(1, 0)?.verified).toBe(false);
    expect(doc.metaAt(1, 0)?.review).toEqual({ state: 'rejected', by: 'Dr Chen', at: 2000, reason: 'boundary-wrong', note: 'misses the posterior rim' });
    expect(doc.undoLabel).toBe('Reject L1/L2 disc');

    // Rejecting again with the same reason and note is no new step.
    doc.setReview(1, 0, { state: 'rejected', reason: 'boundary-wrong', note: 'misses the posterior rim' });
    expect(changes).toEqual(['1:0:verify', '1:0:verify']);

    doc.undo();
    expect(doc.reviewStateAt(1, 0)).toBe('verified');
    expect(doc.metaAt(1, 0)?.review).toEqual({ state: 'verified', by: 'Dr Chen', at: 1000 });
    doc.undo();
    expect(doc.reviewStateAt(1, 0)).toBe('unverified');
    expect(doc.metaAt(1, 0)?.review).toBeUndefined();
    doc.redo();
    doc.redo();
    expect(doc.metaAt(1, 0)?.review?.reason).toBe('boundary-wrong');

    doc.setReview(1, 0, { state: 'unverified' });
    expect(doc.metaAt(1, 0)).toEqual({ provenance: { by: 'Importer' } });
  });

  it('REQ-7.2: editing a verified or rejected region makes it unverified again, decision cleared', () => {
    const doc = newDocument('Dr Chen');
    doc.setRegion(1, 0, square(2, 2, 6), { kind: 'import' });
    doc.setRegion(1, 1, square(2, 2, 6), { kind: 'import' });
    doc.setReview(1, 0, { state: 'verified' });
    doc.setReview(1, 1, { state: 'rejected', reason: 'missed-structure' });
    doc.setRegion(1, 0, square(2, 2, 7), { kind: 'edit' });
    doc.setRegion(1, 1, square(2, 2, 9), { kind: 'draw' });
    expect([doc.reviewStateAt(1, 0), doc.reviewStateAt(1, 1)]).toEqual(['unverified', 'unverified']);
    expect(doc.metaAt(1, 0)?.review).toBeUndefined();
    expect(doc.metaAt(1, 1)?.review).toBeUndefined();
  });

  it('REQ-7.3: accepting a slice verifies its unverified regions (not rejected or locked ones) in one undo step', () => {
    const doc = newDocument('Dr Chen');
    for (const id of [1, 2, 3]) doc.setRegion(id, 4, square(4 * id, 0, 3), { kind: 'import' });
    doc.setRegion(4, 4, square(20, 20, 3), { kind: 'import' });
    doc.setReview(2, 4, { state: 'rejected', reason: 'wrong-label' });
    doc.updateLabel(3, { locked: true });
    expect(acceptSlice(doc, 4, [1, 2, 3, 4])).toBe(2);
    expect([1, 2, 3, 4].map((id) => doc.reviewStateAt(id, 4))).toEqual(['verified', 'rejected', 'unverified', 'verified']);
    expect(acceptSlice(doc, 4, [1, 2, 3, 4])).toBe(0);
    doc.undo();
    expect([1, 2, 4].map((id) => doc.reviewStateAt(id, 4))).toEqual(['unverified', 'rejected', 'unverified']);
  });

  it('REQ-7.3: the next unverified slice wraps around; the next label with one follows panel order', () => {
    const doc = newDocument('Dr Chen');
    for (const k of [1, 3, 6, 8]) doc.setRegion(1, k, square(2, 2, 5), { kind: 'import' });
    doc.setRegion(3, 2, square(2, 2, 5), { kind: 'interpolate' });
    doc.setReview(1, 6, { state: 'verified' });
    doc.setReview(1, 8, { state: 'rejected', reason: 'other' });
    expect(nextUnverifiedSlice(doc, 1, 1)).toBe(3);
    expect(nextUnverifiedSlice(doc, 1, 3)).toBe(1);
    expect(nextUnverifiedSlice(doc, 1, 9)).toBe(1);
    expect(nextUnverifiedSlice(doc, 1, 1, -1)).toBe(3);
    expect(nextUnverifiedSlice(doc, 2, 0)).toBeUndefined();
    expect(nextUnverifiedLabel(doc, 1)).toEqual({ labelId: 3, slice: 2 });
    expect(nextUnverifiedLabel(doc, 3)).toEqual({ labelId: 1, slice: 1 });
    expect(nextUnverifiedLabel(doc, 1, (id) => id !== 3)).toEqual({ labelId: 1, slice: 1 });
    expect(labelProgress(doc, 1)).toEqual({ regions: 4, verified: 1, rejected: 1 });
  });
});

describe('provenance and review survive snapshots, restore and the store', () => {
  function reviewed(): AnnotationDocument {
    const doc = newDocument('Importer');
    doc.setRegion(1, 0, square(2, 2, 6), { kind: 'import', provenance: { file: 'a.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC' } });
    doc.setRegion(1, 1, square(2, 2, 6), { kind: 'import', provenance: { file: 'a.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC' } });
    doc.user = 'Dr Chen';
    doc.setRegion(1, 1, square(2, 2, 8), { kind: 'edit' });
    doc.setReview(1, 0, { state: 'rejected', reason: 'not-this-structure', note: 'this is L5/S1' });
    doc.setReview(1, 1, { state: 'verified' });
    return doc;
  }

  it('REQ-7.1: getDocument() carries them as optional fields, and a structured clone restores them exactly', () => {
    const doc = reviewed();
    const snap = structuredClone(doc.snapshot());
    expect(snap.regions.map((r) => [r.slice, r.origin, r.verified, r.provenance, r.review])).toEqual([
      [0, 'imported', false, { by: 'Importer', file: 'a.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC' },
        { state: 'rejected', by: 'Dr Chen', at: 1000, reason: 'not-this-structure', note: 'this is L5/S1' }],
      [1, 'drawn', true, { by: 'Importer', file: 'a.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC', editedFrom: 'imported', editedBy: ['Dr Chen'] },
        { state: 'verified', by: 'Dr Chen', at: 2000 }],
    ]);
    const back = AnnotationDocument.fromSnapshot(snap, REGION_OPS);
    expect(back.snapshot()).toEqual(snap);
    expect(back.reviewStateAt(1, 0)).toBe('rejected');
  });

  it('REQ-7.1: restoring an earlier version brings back its provenance and decisions, as one undoable step', () => {
    const doc = reviewed();
    const later = doc.snapshot();
    const earlier = newDocument('Other');
    earlier.setRegion(1, 0, square(2, 2, 6), { kind: 'draw' });
    doc.restore(earlier.snapshot());
    expect(doc.metaAt(1, 0)).toEqual({ provenance: { by: 'Other' } });
    expect(doc.reviewStateAt(1, 1)).toBeUndefined();
    doc.undo();
    expect(doc.snapshot()).toEqual(later);
  });

  it('REQ-7.1: a snapshot without the new fields (written before they existed) still loads, unverified and unattributed', () => {
    const old: DocumentSnapshot = {
      ...newDocument().snapshot(),
      regions: [{ labelId: 1, slice: 2, rings: [[0, 0, 4, 0, 4, 4, 0, 4]], origin: 'imported', verified: false }],
    };
    const doc = AnnotationDocument.fromSnapshot(old, REGION_OPS);
    expect(doc.reviewStateAt(1, 2)).toBe('unverified');
    expect(doc.metaAt(1, 2)).toEqual({});
    expect(doc.snapshot().regions[0]).toEqual(old.regions[0]);
  });

  it('REQ-7.2: a snapshot naming an unknown reject reason is refused', () => {
    const snap = reviewed().snapshot();
    const bad = structuredClone(snap) as unknown as { regions: { review?: { reason?: string } }[] };
    bad.regions[0]!.review!.reason = 'looks odd';
    expect(() => AnnotationDocument.fromSnapshot(bad as unknown as DocumentSnapshot, REGION_OPS)).toThrow(/reject reason/);
  });

  it('REQ-7.1: the store record encoding round-trips provenance and review; old records decode to none; corrupt ones fail', () => {
    for (const r of reviewed().snapshot().regions) {
      const stored = structuredClone({ bytes: new ArrayBuffer(8), ...encodeMeta(r) });
      expect(decodeMeta(stored)).toEqual({ provenance: r.provenance, review: r.review });
    }
    expect(decodeMeta({})).toEqual({});
    const corrupt = { review: { state: 'maybe', by: 'x', at: 1 } } as unknown as Parameters<typeof decodeMeta>[0];
    expect(() => decodeMeta(corrupt)).toThrow(SegmarkError);
    try {
      decodeMeta(corrupt);
    } catch (error) {
      expect((error as SegmarkError).code).toBe('storage-corrupt');
    }
  });
});

describe('what exports say about a label', () => {
  it('REQ-7.4: counts by origin and state, sources, people and rejections, from the regions alone', () => {
    const doc = reviewed2();
    const regions = doc.snapshot().regions.filter((r) => r.labelId === 1);
    const p = labelProvenance(regions);
    // By hand: slices 0–3 imported from Model A (slice 3 then edited by Dr Chen), slice 5 interpolated, slice 6 drawn.
    expect(p.review).toEqual({ regions: 6, verified: 2, unverified: 3, rejected: 1, drawn: 2, interpolated: 1, imported: 3, assisted: 0, edited: 1 });
    expect(p.sources).toEqual([
      { origin: 'imported', file: 'm.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC', regions: 4, edited: 1 },
      { origin: 'interpolated', algorithm: 'Segmark shape-based interpolation', algorithmType: 'SEMIAUTOMATIC', regions: 1, edited: 0 },
    ]);
    expect(p.people).toEqual([
      { user: 'Importer', made: 5, edited: 0, verified: 0, rejected: 0 },
      { user: 'Dr Chen', made: 1, edited: 1, verified: 2, rejected: 1 },
    ]);
    expect(p.rejections).toEqual([{ slice: 1, reason: 'wrong-label', user: 'Dr Chen' }]);
    expect(segmentAlgorithm(regions, false)).toEqual({ type: 'SEMIAUTOMATIC', name: 'Model A; Segmark shape-based interpolation' });
    const importedOnly = regions.filter((r) => r.origin === 'imported');
    expect(segmentAlgorithm(importedOnly, false)).toEqual({ type: 'AUTOMATIC', name: 'Model A' });
    expect(segmentAlgorithm(regions.filter((r) => r.slice === 6), false)).toEqual({ type: 'MANUAL' });
    // Without an algorithm name, the file names it — unless de-identifying.
    const unnamed = importedOnly.map((r) => ({ ...r, provenance: { file: 'Smith_J.nii.gz' } }));
    expect(segmentAlgorithm(unnamed, false)).toEqual({ type: 'SEMIAUTOMATIC', name: 'Smith_J.nii.gz' });
    expect(segmentAlgorithm(unnamed, true)).toEqual({ type: 'SEMIAUTOMATIC', name: 'imported segmentation' });
  });

  function reviewed2(): AnnotationDocument {
    const doc = newDocument('Importer');
    const model = { file: 'm.dcm', algorithm: 'Model A', algorithmType: 'AUTOMATIC' as const };
    for (const k of [0, 1, 2, 3]) doc.setRegion(1, k, square(2, 2, 6), { kind: 'import', provenance: model });
    doc.setRegion(1, 5, square(2, 2, 6), { kind: 'interpolate' });
    doc.user = 'Dr Chen';
    doc.setRegion(1, 3, square(2, 2, 8), { kind: 'edit' });
    doc.setRegion(1, 6, square(2, 2, 8), { kind: 'draw' });
    doc.setReview(1, 0, { state: 'verified' });
    doc.setReview(1, 6, { state: 'verified' });
    doc.setReview(1, 1, { state: 'rejected', reason: 'wrong-label' });
    return doc;
  }
});
