/**
 * The reviewed case of the provenance export tests (review-export.test.ts and
 * review-export.tools.test.ts): a model's SEG (written by our writer, named
 * "SpineNet v2", AUTOMATIC) imported onto the sample series and reviewed by
 * hand — label 3 accepted on slice 20 and rejected on 28, label 4 corrected
 * on 24, label 5 drawn on 30 — and two slices without an outline flagged as
 * a missed structure in the review record: label 5 on 26 (with a note) and
 * label 3 on 22 (reason "other").
 */
import { AnnotationDocument } from '../../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import type { Volume } from '../../../src/core/dicom/volume.js';
import { exportSeries, runExport, type ExportJob } from '../../../src/core/formats/export-job.js';
import { applyImport } from '../../../src/core/formats/import-apply.js';
import { importMaskFile } from '../../../src/core/formats/import-file.js';
import { ReviewState } from '../../../src/core/review/review-state.js';
import { datasetSample } from './dataset-sample.js';

export const REVIEWER = 'Dr Chen Wei';
export const FILE = 'spinenet_output.dcm';
export const NOTE = 'Smith: this is L5/S1';
export const MISSED_NOTE = 'Jones: L5/S1 also here';

const square = (c0: number, r0: number, size: number) => ({ rings: [[c0, r0, c0 + size, r0, c0 + size, r0 + size, c0, r0 + size]] });

/** The reviewed sample: the series, the reviewed document, a fresh document on it, and an export job of labels 3–5. */
export interface ReviewedCase {
  volume: Volume;
  doc: AnnotationDocument;
  fresh(user: string): AnnotationDocument;
  job(format: ExportJob['format'], options: ExportJob['options']): ExportJob;
}

export async function reviewedCase(): Promise<ReviewedCase> {
  const volume = (await datasetSample()).volume;
  const fresh = (user: string): AnnotationDocument =>
    new AnnotationDocument({ series: { ...volume, sopInstanceUIDs: [...volume.sopInstanceUIDs] }, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE), user });
  // The model's output: label 3 on slices 20, 24, 28 and label 4 on 24.
  const model = fresh('');
  const made = { algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC' as const };
  for (const k of [20, 24, 28]) model.setRegion(3, k, square(150, 150, 20), { kind: 'import', provenance: made });
  model.setRegion(4, 24, square(100, 100, 16), { kind: 'import', provenance: made });
  const seg = await runExport({ format: 'dicom-seg', options: { labels: [3, 4] }, series: exportSeries(volume), snapshot: model.snapshot(), user: '' });

  // The review: import, accept 3@20, reject 3@28, correct 4@24, draw 5@30 by hand.
  const doc = fresh(REVIEWER);
  applyImport(doc, importMaskFile(seg.bytes, volume, FILE), { historyLabel: 'Import', file: FILE });
  doc.setReview(3, 20, { state: 'verified' });
  doc.setReview(3, 28, { state: 'rejected', reason: 'wrong-label', note: NOTE });
  doc.setRegion(4, 24, square(100, 100, 18), { kind: 'edit' });
  doc.setRegion(5, 30, square(60, 60, 10), { kind: 'draw' });
  // The review record beside the regions, as the annotator's export passes it (session/exchange.ts).
  const review = new ReviewState(() => Date.UTC(2026, 2, 4, 10, 0, 0));
  review.flagMissed({ user: REVIEWER, role: 'reviewer' }, 5, 26, 'missed-structure', MISSED_NOTE);
  review.flagMissed({ user: REVIEWER, role: 'reviewer' }, 3, 22, 'other');
  const job = (format: ExportJob['format'], options: ExportJob['options']): ExportJob => ({
    format,
    options: { labels: [3, 4, 5], ...options },
    series: exportSeries(volume),
    snapshot: { ...doc.snapshot(), review: review.snapshot() },
    user: REVIEWER,
  });
  return { volume, doc, fresh, job };
}
