/**
 * Provenance in the DICOM SEG export (issue 7), read by pydicom
 * (/usr/bin/python3): the SEG of the reviewed case
 * (test/node/support/review-export-case.ts) names the model per segment (not
 * a generic "imported segmentation"). The other exports are checked in
 * review-export.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/core/formats/export-job.js';
import { reviewedCase, type ReviewedCase } from './support/review-export-case.js';

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
});
