/**
 * Pixels that may identify the patient (issue 17): Burned In Annotation
 * (0028,0301) and Recognizable Visual Features (0028,0302) are read from files
 * and from DICOMweb metadata, carried into the series header (any image of
 * the series counts), and a de-identified export that carries the CT's pixels
 * blocks in the checklist until the user accepts it; exports of masks alone
 * do not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInstance } from '../../src/core/dicom/parse.js';
import { assembleSeries } from '../../src/core/dicom/series.js';
import { allocateVolume } from '../../src/core/dicom/volume.js';
import { exportChecklist } from '../../src/core/formats/checklist.js';
import { exportSeries, type ExportFormat, type ExportOptions, type ExportSeries } from '../../src/core/formats/export-job.js';
import { instanceFromMetadata } from '../../src/dicomweb/dicom-json.js';
import { splitBlocking } from '../../src/session/export-gate.js';
import { findingText } from '../../src/text/export.js';
import { fakeInstance } from './support/fake-instance.js';
import { withTextElement } from './support/insert-element.js';

const SHARED = fileURLToPath(new URL('../../../shared/dicom/', import.meta.url));
const CT_SMALL = join(SHARED, 'pydicom-test-files/CT_small.dcm'); // explicit VR LE, neither attribute present
const haveShared = existsSync(CT_SMALL);
if (!haveShared) {
  if (process.env.CI === 'true') throw new Error(`shared DICOM test data missing at ${SHARED}; CI must not skip these tests`);
  console.warn(`[identifying pixels] the test on a real file is skipped: ${CT_SMALL} not found`);
}
const BURNED = 0x00280301;
const FEATURES = 0x00280302;

describe('reading the attributes', () => {
  it.skipIf(!haveShared)('REQ-SEC-PIXELS-1: a real CT says neither; YES in (0028,0301) or (0028,0302) sets its flag, NO does not', () => {
    const ct = new Uint8Array(readFileSync(CT_SMALL));
    expect(parseInstance(ct, 'ct.dcm')).toMatchObject({ burnedInAnnotation: false, recognizableVisualFeatures: false });
    expect(parseInstance(withTextElement(ct, BURNED, 'CS', 'YES'), 'ct.dcm')).toMatchObject({ burnedInAnnotation: true, recognizableVisualFeatures: false });
    expect(parseInstance(withTextElement(ct, FEATURES, 'CS', 'YES'), 'ct.dcm')).toMatchObject({ burnedInAnnotation: false, recognizableVisualFeatures: true });
    expect(parseInstance(withTextElement(ct, BURNED, 'CS', 'NO'), 'ct.dcm')).toMatchObject({ burnedInAnnotation: false });
  });

  it('REQ-SEC-PIXELS-2: DICOMweb metadata carries them too', () => {
    const meta = (extra: Record<string, { vr: string; Value: unknown[] }>) => ({
      '00080060': { vr: 'CS', Value: ['CT'] },
      '00280002': { vr: 'US', Value: [1] },
      '00280004': { vr: 'CS', Value: ['MONOCHROME2'] },
      '00280010': { vr: 'US', Value: [2] },
      '00280011': { vr: 'US', Value: [2] },
      '00280100': { vr: 'US', Value: [16] },
      '00280101': { vr: 'US', Value: [16] },
      '00280102': { vr: 'US', Value: [15] },
      '00280103': { vr: 'US', Value: [1] },
      ...extra,
    });
    const read = (extra: Record<string, { vr: string; Value: unknown[] }>) => instanceFromMetadata(meta(extra), [new Uint8Array(8)], '1.2.840.10008.1.2.1', 'frames/1');
    expect(read({})).toMatchObject({ burnedInAnnotation: false, recognizableVisualFeatures: false });
    expect(read({ '00280301': { vr: 'CS', Value: ['YES'] } })).toMatchObject({ burnedInAnnotation: true, recognizableVisualFeatures: false });
    expect(read({ '00280302': { vr: 'CS', Value: ['YES'] } })).toMatchObject({ burnedInAnnotation: false, recognizableVisualFeatures: true });
  });

  it('REQ-SEC-PIXELS-3: one image of the series saying YES marks the series header, not only the first image', () => {
    const stack = Array.from({ length: 5 }, (_, k) => fakeInstance(`IM${k}`, { position: [0, 0, k * 2] }));
    const [plain] = assembleSeries(stack);
    expect(allocateVolume(plain!).header.burnedInAnnotation).toBeFalsy();
    const marked = stack.map((inst, k) => (k === 3 ? { ...inst, burnedInAnnotation: true } : inst));
    const [series] = assembleSeries(marked);
    expect(series!.slices[0]!.instance.burnedInAnnotation).toBeUndefined();
    const header = exportSeries(allocateVolume(series!)).header;
    expect(header.burnedInAnnotation).toBe(true);
    expect(header.recognizableVisualFeatures).toBeFalsy();
  });
});

/** A 4-slice 8×6 axial stack whose header carries `flags`. */
function series(flags: Partial<ExportSeries['header']>): ExportSeries {
  return {
    columns: 8,
    rows: 6,
    slices: 4,
    spacing: [0.5, 0.5, 2],
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    planes: [0, 1, 2, 3].map((k) => ({ position: [0, 0, 2 * k] as [number, number, number] })),
    description: 'DOE JOHN chest',
    modality: 'CT',
    sopInstanceUIDs: ['1.2.3.1', '1.2.3.2', '1.2.3.3', '1.2.3.4'],
    header: {
      patientName: 'DOE^JOHN', patientID: '123', patientBirthDate: '', patientSex: '', studyInstanceUID: '1.2', studyDate: '', studyTime: '',
      referringPhysicianName: '', studyID: '', accessionNumber: '', studyDescription: '', seriesInstanceUID: '1.2.3',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: '1.2.4',
      ...flags,
    },
  };
}

const SNAPSHOT = {
  version: 1 as const,
  series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: ['1.2.3.1', '1.2.3.2', '1.2.3.3', '1.2.3.4'], rows: 6, columns: 8, slices: 4 },
  labels: [],
  regions: [],
  settings: { paintMode: 'over-others' as const },
};

function pixelCodes(format: ExportFormat, options: ExportOptions, flags: Partial<ExportSeries['header']>): { code: string; severity: string }[] {
  return exportChecklist({ format, options, series: series(flags), snapshot: SNAPSHOT })
    .filter((f) => f.code === 'burned-in-annotation' || f.code === 'recognizable-features')
    .map((f) => ({ code: f.code, severity: f.severity }));
}

describe('the checklist', () => {
  const both = { burnedInAnnotation: true, recognizableVisualFeatures: true };
  const blocks = [
    { code: 'burned-in-annotation', severity: 'block' },
    { code: 'recognizable-features', severity: 'block' },
  ];

  it('REQ-SEC-PIXELS-4: de-identified exports with the CT block on each flag: NIfTI with the image, PNG with the CT, the dataset package (de-identified by default)', () => {
    expect(pixelCodes('nifti', { image: true, deidentify: true }, both)).toEqual(blocks);
    expect(pixelCodes('nifti', { image: true, bundle: true, deidentify: true, grid: 'resampled' }, both)).toEqual(blocks);
    expect(pixelCodes('png-zip', { pngImage: 'windowed', deidentify: true }, both)).toEqual(blocks);
    expect(pixelCodes('png-zip', { pngImage: 'raw16', deidentify: true }, { burnedInAnnotation: true })).toEqual([blocks[0]]);
    expect(pixelCodes('dataset', {}, { recognizableVisualFeatures: true })).toEqual([blocks[1]]);
  });

  it('REQ-SEC-PIXELS-5: masks alone, identified exports and unflagged series are not blocked', () => {
    expect(pixelCodes('nifti', { deidentify: true }, both)).toEqual([]);
    expect(pixelCodes('dicom-seg', { deidentify: true }, both)).toEqual([]);
    expect(pixelCodes('coco', { deidentify: true }, both)).toEqual([]);
    expect(pixelCodes('png-zip', { deidentify: true }, both)).toEqual([]);
    expect(pixelCodes('nifti', { image: true }, both)).toEqual([]);
    expect(pixelCodes('dataset', { deidentify: false }, both)).toEqual([]);
    expect(pixelCodes('dataset', {}, {})).toEqual([]);
    // And the flags do block where they should (so the empty lists above are not for want of a finding).
    expect(pixelCodes('dataset', {}, both)).toEqual(blocks);
  });

  it('REQ-SEC-PIXELS-6: the gate refuses them unless accepted by code, and the dialog says them in English and Chinese', () => {
    const findings = exportChecklist({ format: 'dataset', options: {}, series: series({ burnedInAnnotation: true }), snapshot: SNAPSHOT });
    expect(splitBlocking(findings, []).refused.map((f) => f.key)).toContain('burned-in-annotation');
    expect(splitBlocking(findings, ['burned-in-annotation']).refused.map((f) => f.key)).not.toContain('burned-in-annotation');
    const finding = findings.find((f) => f.code === 'burned-in-annotation')!;
    const en = findingText('en', finding);
    const zh = findingText('zh-CN', finding);
    for (const text of [en, zh]) {
      expect(text).toContain('(0028,0301)');
      expect(text).not.toMatch(/\{\w+\}/);
    }
    expect(en).toMatch(/burned into/);
    expect(zh).toMatch(/去标识化/);
  });
});
