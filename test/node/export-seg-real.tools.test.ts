/**
 * A DICOM SEG of a real scanner's series whose data set leaves UIDs empty
 * (issue 16): TotalSegmentator's Siemens abdomen (../shared/dicom) has empty
 * Study, Series, SOP Class and SOP Instance UIDs in the data set, the last two
 * only in the file meta, and SliceThickness 3 mm every 2 mm. Opened with our
 * loader as the annotator does; the SEG is checked by dciodvfy (no error) and
 * read by pydicom: distinct Study, Series, SOP Instance and referenced Series
 * UIDs with and without de-identification, the referenced instances the
 * file meta's, SliceThickness the source's. The shared folder is skipped
 * outside CI only; missing tools fail.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { exportSeries, runExport, type ExportJob, type ExportOptions } from '../../src/core/formats/export-job.js';
import { segChecks } from '../../src/core/formats/seg-checks.js';
import { openSeries } from './support/import-cases.js';
import { haveShared, TOTALSEG } from './support/totalseg-series.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const DCIODVFY = '/usr/bin/dciodvfy';
const DICOM = join(TOTALSEG, 'dicom');

interface SegUids {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  mediaStorageSOPInstanceUID: string;
  frameOfReferenceUID: string;
  referencedSeriesInstanceUID: string;
  referencedInstances: string[];
  referencedClasses: string[];
  frameSources: string[];
  sliceThickness: number;
  spacingBetweenSlices: number;
  patientIdentityRemoved: string;
  sourceSliceThickness: number;
}

let work: string;
let volume: Volume;
/** The exported label (L1/L2 disc of the template) and the slices it is drawn on. */
let labelId: number;
const DRAWN = [6, 7, 8, 9];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'segmark-seg-real-'));
  if (haveShared) volume = await openSeries(DICOM, { filter: (n) => n.startsWith('CT.') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function job(options: ExportOptions): ExportJob {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: volume.studyInstanceUID, seriesInstanceUID: volume.seriesInstanceUID, sopInstanceUIDs: [...volume.sopInstanceUIDs], rows: volume.rows, columns: volume.columns, slices: volume.slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  labelId = doc.labels[0]!.id;
  for (const k of DRAWN) doc.setRegion(labelId, k, { rings: [[230, 300, 290, 300, 290, 340, 230, 340]] }, { kind: 'draw' });
  return { format: 'dicom-seg', options: { labels: [labelId], ...options }, series: exportSeries(volume), snapshot: doc.snapshot(), user: 'Dr. A' };
}

async function dciodvfy(file: string): Promise<{ iod: string; errors: string[]; warnings: string[] }> {
  expect(existsSync(DCIODVFY), `${DCIODVFY} is required`).toBe(true);
  const { stderr } = await run(DCIODVFY, [file]).catch((e: { stderr?: string }) => ({ stderr: e.stderr ?? String(e) }));
  const lines = stderr.split('\n');
  return { iod: lines.find((l) => !/^(Error|Warning)/.test(l) && l.trim()) ?? '', errors: lines.filter((l) => l.startsWith('Error')), warnings: lines.filter((l) => l.startsWith('Warning')) };
}

async function pydicom(file: string): Promise<SegUids> {
  expect(existsSync(PYTHON), `${PYTHON} is required`).toBe(true);
  const source = join(DICOM, readdirSync(DICOM).filter((n) => n.startsWith('CT.')).sort()[0]!);
  const { stdout } = await run(PYTHON, ['test/node/support/seg-uids.py', file, source]);
  return JSON.parse(stdout) as SegUids;
}

describe.skipIf(!haveShared)('DICOM SEG of the TotalSegmentator Siemens series (empty UIDs in the data set)', () => {
  it('REQ-SEG-UID-8: the loader takes SOP Class and Instance UID from the file meta; the checklist names the empty Study and Series UIDs before export', () => {
    const files = readdirSync(DICOM).filter((n) => n.startsWith('CT.'));
    expect([...volume.sopInstanceUIDs].sort()).toEqual(files.map((n) => n.slice(3)).sort());
    expect(volume.header.sopClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(volume.header.studyInstanceUID).toBe('');
    const findings = segChecks(job({}));
    expect(findings).toMatchObject([{ code: 'missing-uid', severity: 'block', params: { attributes: 'StudyInstanceUID, SeriesInstanceUID' } }]);
  });

  for (const [name, options] of [
    ['identified', {}],
    ['de-identified', { deidentify: true, caseId: 'case_0016' }],
  ] as const) {
    it(`REQ-SEG-UID-9: exported anyway (${name}), the SEG passes dciodvfy and names distinct Study, Series, SOP Instance and referenced Series UIDs; SliceThickness is the source's`, async () => {
      const result = await runExport(job(options));
      const file = join(work, `${name}.dcm`);
      writeFileSync(file, result.bytes);

      const { iod, errors, warnings } = await dciodvfy(file);
      if (warnings.length) console.log(`dciodvfy warnings on the ${name} TotalSegmentator SEG:\n${warnings.join('\n')}`);
      expect(iod).toMatch(/Segmentation/);
      expect(errors).toEqual([]);

      const seg = await pydicom(file);
      const uids = [seg.studyInstanceUID, seg.seriesInstanceUID, seg.sopInstanceUID, seg.referencedSeriesInstanceUID, seg.frameOfReferenceUID];
      expect(uids.every((u) => /^[0-9.]{1,64}$/.test(u)), uids.join(' ')).toBe(true);
      expect(new Set(uids).size, uids.join(' ')).toBe(uids.length);
      expect(seg.mediaStorageSOPInstanceUID).toBe(seg.sopInstanceUID);
      expect(seg.referencedClasses).toEqual(['1.2.840.10008.5.1.4.1.1.2']);
      expect(seg.referencedInstances).toHaveLength(volume.slices);
      expect(new Set(seg.referencedInstances).size).toBe(volume.slices);
      expect(seg.frameSources).toHaveLength(DRAWN.length);
      if (name === 'identified') {
        // The file meta's SOP Instance UIDs, referenced as they are; the frame of reference is the source's.
        expect(seg.frameSources).toEqual(DRAWN.map((k) => volume.sopInstanceUIDs[k]));
        expect(seg.frameOfReferenceUID).toBe(volume.header.frameOfReferenceUID);
      } else {
        expect(seg.patientIdentityRemoved).toBe('YES');
        expect(seg.referencedInstances.some((u) => volume.sopInstanceUIDs.includes(u))).toBe(false);
        expect(seg.frameOfReferenceUID).not.toBe(volume.header.frameOfReferenceUID);
      }
      expect(seg.sourceSliceThickness).toBe(3);
      expect(seg.sliceThickness).toBe(seg.sourceSliceThickness);
      expect(seg.spacingBetweenSlices).toBeCloseTo(volume.spacing[2], 6);
      expect(seg.spacingBetweenSlices).toBeCloseTo(2, 6);
    });
  }
});
