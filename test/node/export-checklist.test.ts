/**
 * The export checklist on hand-made cases: empty and generic labels and
 * unaccepted interpolation block; tilt and uneven spacing are notes for the
 * NIfTI formats only; the affine round trip holds on straight, tilted and
 * oblique stacks (positions computed here from first principles).
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { exportChecklist, roundTripError } from '../../src/core/formats/checklist.js';
import type { ExportOptions, ExportSeries } from '../../src/core/formats/export-job.js';

type V3 = [number, number, number];

/** A stack of `slices` 8×6 images: slice k at origin + k·step, rows along `col`, columns along `row`. */
function series(slices: number, step: V3, row: V3 = [1, 0, 0], col: V3 = [0, 1, 0], gaps?: number[]): ExportSeries {
  const origin: V3 = [-20, 35, 100];
  const offsets = gaps ?? Array.from({ length: slices }, (_, k) => k);
  return {
    columns: 8,
    rows: 6,
    slices,
    spacing: [0.5, 0.75, Math.hypot(...step)],
    rowCosine: row,
    columnCosine: col,
    planes: offsets.map((t) => ({ position: [origin[0] + t * step[0], origin[1] + t * step[1], origin[2] + t * step[2]] as V3 })),
    description: 'test',
    modality: 'CT',
    sopInstanceUIDs: offsets.map((_, k) => `1.2.3.${k + 1}`),
    header: {
      patientName: '', patientID: '', patientBirthDate: '', patientSex: '', studyInstanceUID: '1.2', studyDate: '', studyTime: '',
      referringPhysicianName: '', studyID: '', accessionNumber: '', studyDescription: '', seriesInstanceUID: '1.2.3',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: '1.2.4',
    },
  };
}

function documentOn(s: ExportSeries): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: [...s.sopInstanceUIDs], rows: s.rows, columns: s.columns, slices: s.slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

const square = { rings: [[1, 1, 4, 1, 4, 4, 1, 4]] };

describe('export checklist', () => {
  it('blocks on empty labels, generic codes and unaccepted interpolation, naming labels and slices', () => {
    const s = series(6, [0, 0, 2]);
    const doc = documentOn(s);
    doc.setRegion(1, 0, square, { kind: 'draw' });
    doc.setRegion(1, 2, square, { kind: 'interpolate' });
    doc.setRegion(1, 3, square, { kind: 'interpolate' });
    doc.setVerified(1, 3, true);
    const generic = doc.addLabel({ name: 'Something' });
    doc.setRegion(generic.id, 5, square, { kind: 'draw' });
    const findings = exportChecklist({ format: 'dicom-seg', options: { labels: [1, 2, generic.id] }, series: s, snapshot: doc.snapshot() });
    expect(findings.map((f) => [f.code, f.severity, f.labelId, f.slices])).toEqual([
      ['pending-interpolation', 'block', 1, [2]],
      ['empty-label', 'block', 2, undefined],
      ['generic-code', 'block', generic.id, undefined],
    ]);
  });

  it('blocks on outlines rejected in review and on imported outlines no person has verified', () => {
    const s = series(6, [0, 0, 2]);
    const doc = documentOn(s);
    for (const k of [0, 1, 2, 3]) doc.setRegion(1, k, square, { kind: 'import' });
    doc.setRegion(1, 5, square, { kind: 'draw' });
    doc.setVerified(1, 0, true);
    doc.setReview(1, 2, { state: 'rejected', reason: 'boundary-wrong' });
    const findings = exportChecklist({ format: 'dicom-seg', options: { labels: [1] }, series: s, snapshot: doc.snapshot() });
    // Slice 0 verified, 5 drawn by a person: neither is listed; 2 is rejected (not also "unverified"); 1 and 3 wait for a person.
    expect(findings.map((f) => [f.code, f.severity, f.labelId, f.slices])).toEqual([
      ['rejected-outline', 'block', 1, [2]],
      ['unverified-import', 'block', 1, [1, 3]],
    ]);
    // Correcting the rejected outline (an edit) clears the rejection; verifying the rest clears the checklist.
    doc.setRegion(1, 2, { rings: [[1, 1, 5, 1, 5, 5, 1, 5]] }, { kind: 'edit' });
    for (const k of [1, 3]) doc.setVerified(1, k, true);
    expect(exportChecklist({ format: 'dicom-seg', options: { labels: [1] }, series: s, snapshot: doc.snapshot() })).toEqual([]);
  });

  it('says what NIfTI does with tilt and uneven spacing, and blocks the acquired grid where it misplaces voxels by more than half a voxel; a SEG (positions per frame) needs no note', () => {
    // 20° tilt: the slice step leans along y, the qform puts the last slice 2 sin 20° × 9 = 6.2 mm off.
    const tilt = (20 * Math.PI) / 180;
    const tilted = series(10, [0, 2 * Math.sin(tilt), 2 * Math.cos(tilt)]);
    // 0, 2, 4, 7, 9 mm: slice 2 is 0.5 mm from the even 2.25 mm step, under half of it.
    const uneven = series(5, [0, 0, 2], undefined, undefined, [0, 1, 2, 3.5, 4.5]);
    // 0, 4, 8, 15, 22 mm: slice 2 is 3 mm from the even 5.5 mm step, over half of it.
    const wide = series(5, [0, 0, 2], undefined, undefined, [0, 2, 4, 7.5, 11]);
    const check = (s: ExportSeries, format: 'nifti' | 'dicom-seg' | 'dataset', options: ExportOptions = {}) =>
      exportChecklist({ format, options: { labels: [], ...options }, series: s, snapshot: documentOn(s).snapshot() });
    const codes = (...args: Parameters<typeof check>) => check(...args).map((f) => [f.code, f.severity]);
    expect(codes(tilted, 'nifti')).toEqual([['gantry-tilt', 'note'], ['acquired-grid-misplaced', 'block']]);
    expect(check(tilted, 'nifti')[1]!.params).toMatchObject({ cause: 'gantry-tilt', halfVoxelMm: 0.25, errorMm: expect.closeTo(18 * Math.sin(tilt), 6) });
    expect(codes(uneven, 'nifti')).toEqual([['non-uniform-spacing', 'note']]);
    expect(codes(wide, 'nifti')).toEqual([['non-uniform-spacing', 'note'], ['acquired-grid-misplaced', 'block']]);
    expect(check(wide, 'nifti')[1]!.params).toMatchObject({ cause: 'non-uniform-spacing', halfVoxelMm: 2.75, errorMm: expect.closeTo(3, 6) });
    // Resampled: a note says how; nothing blocks.
    expect(codes(tilted, 'nifti', { grid: 'resampled' })).toEqual([['resampled-grid', 'note']]);
    expect(check(wide, 'nifti', { grid: 'resampled' })[0]!.params).toMatchObject({ step: 4, slices: 7, acquiredSlices: 5, rule: 'smallest-step' });
    // The dataset package resamples such series by default, and leaves the others on their slices.
    expect(codes(tilted, 'dataset')).toEqual([['resampled-grid', 'note']]);
    expect(codes(wide, 'dataset')).toEqual([['resampled-grid', 'note']]);
    expect(codes(uneven, 'dataset')).toEqual([['non-uniform-spacing', 'note']]);
    expect(codes(tilted, 'dataset', { grid: 'acquired' })).toEqual([['gantry-tilt', 'note'], ['acquired-grid-misplaced', 'block']]);
    expect(codes(tilted, 'dicom-seg')).toEqual([]);
  });

  it('the affine round trip is exact on straight, reversed and oblique stacks', () => {
    const c = Math.cos(0.3);
    const sn = Math.sin(0.3);
    expect(roundTripError(series(12, [0, 0, 2.5]))).toBeLessThan(1e-9);
    expect(roundTripError(series(12, [0, 0, -2.5]))).toBeLessThan(1e-9);
    // Oblique: rows and columns rotated about z, slices along their cross product.
    const row: V3 = [c, sn, 0];
    const col: V3 = [-sn, c, 0];
    expect(roundTripError(series(7, [0, 0, 3], row, col))).toBeLessThan(1e-9);
  });
});
