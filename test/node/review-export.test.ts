/**
 * Provenance and verification in exports (issue 7): a model's SEG (written
 * by our writer, named "SpineNet v2", AUTOMATIC) imported onto the sample
 * series and reviewed (test/node/support/review-export-case.ts); the
 * dataset's provenance.json, the NIfTI labels.json and COCO's categories
 * carry the counts, sources, people and rejections — de-identified where the
 * export is (reviewer pseudonymized, file name and note left out); the
 * slices flagged as a missed structure are exported per label like the
 * rejections (issue 18). That the
 * DICOM SEG names the algorithm per segment as pydicom reads it is checked in
 * review-export.tools.test.ts.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../src/core/dicom/volume.js';
import { runExport } from '../../src/core/formats/export-job.js';
import { applyImport } from '../../src/core/formats/import-apply.js';
import { importMaskFile } from '../../src/core/formats/import-file.js';
import { labelProvenance, provenanceJson } from '../../src/core/formats/region-provenance.js';
import { FILE, MISSED_NOTE, NOTE, REVIEWER, reviewedCase, type ReviewedCase } from './support/review-export-case.js';

let volume: Volume;
let fresh: ReviewedCase['fresh'];
let job: ReviewedCase['job'];

beforeAll(async () => {
  ({ volume, fresh, job } = await reviewedCase());
}, 120_000);

describe('exports name the imported algorithm and carry the review', () => {
  it('REQ-7.4: the dataset provenance.json counts by origin and state per label, names the model, and is de-identified', async () => {
    const pkg = await runExport(job('dataset', {}), (k) => volume.sliceData[k]!);
    const files = unzipSync(pkg.bytes);
    const name = Object.keys(files).find((n) => n.endsWith('provenance.json'))!;
    const text = strFromU8(files[name]!);
    const labels = (JSON.parse(text) as { labels: { originalId: number; review: unknown; sources: unknown[]; people: { user: string }[]; rejections: unknown[] }[] }).labels;
    const byId = new Map(labels.map((l) => [l.originalId, l]));
    // By hand from the review above.
    expect(byId.get(3)!.review).toEqual({ regions: 3, verified: 1, unverified: 1, rejected: 1, drawn: 0, interpolated: 0, imported: 3, assisted: 0, edited: 0 });
    expect(byId.get(4)!.review).toEqual({ regions: 1, verified: 0, unverified: 1, rejected: 0, drawn: 1, interpolated: 0, imported: 0, assisted: 0, edited: 1 });
    expect(byId.get(5)!.review).toEqual({ regions: 1, verified: 0, unverified: 1, rejected: 0, drawn: 1, interpolated: 0, imported: 0, assisted: 0, edited: 0 });
    // De-identified (the package's default): the file name is left out, the reviewer is a pseudonym, the note is gone.
    expect(byId.get(3)!.sources).toEqual([{ origin: 'imported', algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC', regions: 3, edited: 0 }]);
    expect(byId.get(4)!.sources).toEqual([{ origin: 'imported', algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC', regions: 1, edited: 1 }]);
    const reviewer = byId.get(3)!.people.map((p) => p.user);
    expect(reviewer).toHaveLength(1);
    expect(reviewer[0]).not.toBe(REVIEWER);
    expect(byId.get(5)!.people.map((p) => p.user)).toEqual(reviewer);
    expect(byId.get(3)!.rejections).toEqual([{ slice: 28, reason: 'wrong-label', user: reviewer[0] }]);
    for (const secret of [REVIEWER, FILE, 'Smith']) expect(text).not.toContain(secret);
  });

  it('REQ-7.4: an identified NIfTI bundle\'s labels.json and the COCO categories carry the same record, with file, people and note; PNG labels.json too', async () => {
    const nifti = unzipSync((await runExport(job('nifti', { bundle: true }))).bytes);
    const sidecar = JSON.parse(strFromU8(nifti[Object.keys(nifti).find((n) => n.endsWith('_labels.json'))!]!)) as {
      labels: { id: number; provenance: { review: { regions: number }; sources: { file?: string }[]; people: { user: string; verified: number; rejected: number; edited: number; made: number }[]; rejections: { note?: string }[] } }[];
    };
    const three = sidecar.labels.find((l) => l.id === 3)!.provenance;
    expect(three.sources.map((s) => s.file)).toEqual([FILE]);
    expect(three.people).toEqual([{ user: REVIEWER, made: 3, edited: 0, verified: 1, rejected: 1 }]);
    expect(three.rejections).toEqual([{ slice: 28, reason: 'wrong-label', note: NOTE, user: REVIEWER }]);

    const coco = JSON.parse(strFromU8((await runExport(job('coco', {}))).bytes)) as { categories: { id: number; provenance: { review: { regions: number } } }[] };
    expect(coco.categories.map((c) => [c.id, c.provenance.review.regions])).toEqual([[3, 3], [4, 1], [5, 1]]);

    // The PNG masks' labels.json, de-identified on request: counts stay, the reviewer is a pseudonym.
    const png = unzipSync((await runExport(job('png-zip', { deidentify: true }))).bytes);
    const manifest = JSON.parse(strFromU8(png['labels.json']!)) as { labels: { id: number; provenance: { review: unknown; people: { user: string }[] } }[] };
    expect(manifest.labels.find((l) => l.id === 4)!.provenance.review).toEqual({ regions: 1, verified: 0, unverified: 1, rejected: 0, drawn: 1, interpolated: 0, imported: 0, assisted: 0, edited: 1 });
    const users = manifest.labels.flatMap((l) => l.provenance.people.map((p) => p.user));
    expect(users.length).toBeGreaterThan(0);
    expect(users).not.toContain(REVIEWER);
  });

  it('issue 18: missed-structure flags are exported per label like rejections — slice, reason, note and reviewer in identified labels.json and COCO, the note left out and the reviewer a pseudonym in the de-identified provenance.json', async () => {
    type Missed = { slice: number; reason: string; note?: string; user: string }[];
    const nifti = unzipSync((await runExport(job('nifti', { bundle: true }))).bytes);
    const sidecar = JSON.parse(strFromU8(nifti[Object.keys(nifti).find((n) => n.endsWith('_labels.json'))!]!)) as { labels: { id: number; provenance: { missed: Missed } }[] };
    const missedOf = (labels: { id: number; provenance: { missed: Missed } }[]) => labels.map((l) => [l.id, l.provenance.missed]);
    // As flagged in review-export-case.ts: label 5 on slice 26 with a note, label 3 on 22 for "other"; label 4 none.
    expect(missedOf(sidecar.labels)).toEqual([
      [3, [{ slice: 22, reason: 'other', user: REVIEWER }]],
      [4, []],
      [5, [{ slice: 26, reason: 'missed-structure', note: MISSED_NOTE, user: REVIEWER }]],
    ]);
    const coco = JSON.parse(strFromU8((await runExport(job('coco', {}))).bytes)) as { categories: { id: number; provenance: { missed: Missed } }[] };
    expect(missedOf(coco.categories)).toEqual(missedOf(sidecar.labels));

    const pkg = unzipSync((await runExport(job('dataset', {}), (k) => volume.sliceData[k]!)).bytes);
    const text = strFromU8(pkg[Object.keys(pkg).find((n) => n.endsWith('provenance.json'))!]!);
    const labels = (JSON.parse(text) as { labels: { originalId: number; people: { user: string }[]; missed: Missed }[] }).labels;
    const byId = new Map(labels.map((l) => [l.originalId, l]));
    const pseudonym = byId.get(3)!.people[0]!.user;
    expect(pseudonym).not.toBe(REVIEWER);
    expect(byId.get(5)!.missed).toEqual([{ slice: 26, reason: 'missed-structure', user: pseudonym }]);
    expect(byId.get(3)!.missed).toEqual([{ slice: 22, reason: 'other', user: pseudonym }]);
    expect(text).not.toContain('Jones');
  });

  it('issue 18: a label\'s missed flags come out in ascending slice order whatever order they are given in, and a label without any (or a document without a review record) says so with an empty list', () => {
    const flag = (slice: number, note?: string) => ({ labelId: 7, slice, user: 'Dr Li', role: 'reviewer', at: '2026-03-04T10:00:00.000Z', reason: 'missed-structure', ...(note ? { note } : {}) });
    expect(labelProvenance([], [flag(9), flag(2, 'faint'), flag(5)]).missed).toEqual([
      { slice: 2, reason: 'missed-structure', note: 'faint', user: 'Dr Li' },
      { slice: 5, reason: 'missed-structure', user: 'Dr Li' },
      { slice: 9, reason: 'missed-structure', user: 'Dr Li' },
    ]);
    expect(provenanceJson([])['missed']).toEqual([]);
  });

  it('REQ-7.1: a NIfTI whose labels.json names an algorithm imports with it as the regions\' provenance', async () => {
    const bundle = unzipSync((await runExport(job('nifti', { bundle: true, name: 'model' }))).bytes);
    const sidecar = JSON.parse(strFromU8(bundle['model_labels.json']!)) as { labels: Record<string, unknown>[] };
    sidecar.labels = sidecar.labels.map((l) => ({ ...l, algorithm: 'TotalSegmentator 2.4', algorithmType: 'AUTOMATIC' }));
    const zip = zipSync({ 'model_labels.nii.gz': bundle['model_labels.nii.gz']!, 'model_labels.json': strToU8(JSON.stringify(sidecar)) });
    const target = fresh('Dr Li');
    applyImport(target, importMaskFile(zip, volume, 'model.zip'), { historyLabel: 'Import', file: 'model.zip' });
    expect(target.flagsAt(3, 20)).toEqual({ origin: 'imported', verified: false });
    expect(target.metaAt(3, 20)).toEqual({ provenance: { by: 'Dr Li', file: 'model.zip', algorithm: 'TotalSegmentator 2.4', algorithmType: 'AUTOMATIC' } });
  });
});
