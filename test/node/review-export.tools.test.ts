/**
 * Provenance in the DICOM SEG export (issue 7), read by pydicom
 * (/usr/bin/python3): the SEG of the reviewed case
 * (test/node/support/review-export-case.ts) names the model per segment (not
 * a generic "imported segmentation"); the NIfTI bundle, read with Python's
 * zipfile and nibabel, lists the slices flagged as a missed structure beside
 * the rejections, on slices where its labelmap has none of that label
 * (issue 18). The other exports are checked in review-export.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/core/formats/export-job.js';
import { MISSED_NOTE, NOTE, REVIEWER, reviewedCase, type ReviewedCase } from './support/review-export-case.js';

const PYTHON = '/usr/bin/python3';

let job: ReviewedCase['job'];
let work: string;

beforeAll(async () => {
  ({ job } = await reviewedCase());
  work = mkdtempSync(join(tmpdir(), 'segmark-review-'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('exports name the imported algorithm and carry the review', () => {
  it('REQ-7.4: pydicom reads SegmentAlgorithmType/Name per segment: the model by name, edited as semi-automatic, drawn as manual', async () => {
    const seg = await runExport(job('dicom-seg', {}));
    const path = join(work, 'review_seg.dcm');
    writeFileSync(path, seg.bytes);
    const { stdout } = await promisify(execFile)(PYTHON, [join('test', 'node', 'support', 'seg-pydicom.py'), path], { maxBuffer: 1 << 26 });
    const segments = (JSON.parse(stdout) as { segments: { label: string; algorithmType: string; algorithmName: string | null }[] }).segments;
    expect(segments.map((s) => [s.label, s.algorithmType, s.algorithmName])).toEqual([
      ['L3/L4 disc', 'AUTOMATIC', 'SpineNet v2'],
      ['L4/L5 disc', 'SEMIAUTOMATIC', 'SpineNet v2'],
      ['L5/S1 disc', 'MANUAL', null],
    ]);
  });

  it('issue 18: a NIfTI bundle read by zipfile and nibabel lists each missed-structure flag like a rejection, on a slice its labelmap leaves empty for that label', async () => {
    const bundle = await runExport(job('nifti', { bundle: true }));
    const path = join(work, 'review_nifti.zip');
    writeFileSync(path, bundle.bytes);
    const { stdout } = await promisify(execFile)(PYTHON, [join('test', 'node', 'support', 'review-provenance.py'), path], { maxBuffer: 1 << 26 });
    const labels = (JSON.parse(stdout) as { labels: { id: number; rejections: unknown[]; missed: unknown[]; voxels: Record<string, number> }[] }).labels;
    const byId = new Map(labels.map((l) => [l.id, l]));
    // As reviewed in review-export-case.ts: label 3 rejected on 28 and flagged missed on 22, label 5 flagged missed on 26.
    expect(byId.get(3)!.rejections).toEqual([{ slice: 28, reason: 'wrong-label', note: NOTE, user: REVIEWER }]);
    expect(byId.get(3)!.missed).toEqual([{ slice: 22, reason: 'other', user: REVIEWER }]);
    expect(byId.get(4)!.missed).toEqual([]);
    expect(byId.get(5)!.missed).toEqual([{ slice: 26, reason: 'missed-structure', note: MISSED_NOTE, user: REVIEWER }]);
    // A missed structure is where there is no outline; the rejected outline is there.
    expect(byId.get(3)!.voxels['22']).toBe(0);
    expect(byId.get(5)!.voxels['26']).toBe(0);
    expect(byId.get(3)!.voxels['28']).toBeGreaterThan(0);
  }, 60_000);
});
