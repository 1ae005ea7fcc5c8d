/**
 * Names of exported files (issue 17): a de-identified export is named after
 * the case id only — never a typed name or the series description, which may
 * hold the patient's name — and every name is safe on any file system: only
 * letters, digits, '-', '_' and '.', no path separators, control characters
 * or leading dots, at most 64 characters with the extension kept.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CODE } from '../../src/core/annotation/labels.js';
import { runExportPieces, type ExportFormat, type ExportJob, type ExportOptions } from '../../src/core/formats/export-job.js';
import { agreementFileName, fileName, MAX_FILE_NAME, safeNamePart } from '../../src/core/formats/file-names.js';

const PATIENT = 'DOE^JOHN';
const DESCRIPTION = 'DOE JOHN 1957 CT abdomen';

function job(format: ExportFormat, options: ExportOptions, description = DESCRIPTION): ExportJob {
  const uids = ['1.2.3.1', '1.2.3.2', '1.2.3.3'];
  return {
    format,
    options,
    user: 'reader',
    series: {
      columns: 8,
      rows: 6,
      slices: 3,
      spacing: [0.5, 0.5, 2],
      rowCosine: [1, 0, 0],
      columnCosine: [0, 1, 0],
      planes: [0, 1, 2].map((k) => ({ position: [0, 0, 2 * k] as [number, number, number] })),
      description,
      modality: 'CT',
      sopInstanceUIDs: uids,
      header: {
        patientName: PATIENT, patientID: '123456', patientBirthDate: '19570101', patientSex: 'M', studyInstanceUID: '1.2', studyDate: '20260101',
        studyTime: '', referringPhysicianName: '', studyID: '', accessionNumber: 'A1', studyDescription: '', seriesInstanceUID: '1.2.3',
        sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: '1.2.4',
      },
    },
    snapshot: {
      version: 1,
      series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: uids, rows: 6, columns: 8, slices: 3 },
      labels: [{ id: 1, name: 'disc', color: [230, 159, 0], code: DEFAULT_CODE, opacity: 0.5, visible: true, locked: false, display: 'filled' }],
      regions: [{ labelId: 1, slice: 1, rings: [[1, 1, 5, 1, 5, 4, 1, 4]], origin: 'drawn', verified: false }],
      settings: { paintMode: 'over-others' },
    },
  };
}

const named = async (format: ExportFormat, options: ExportOptions, description?: string): Promise<string> => (await runExportPieces(job(format, options, description))).fileName;

/** What a safe name may hold, and no more. */
function expectSafe(name: string): void {
  expect(name).toMatch(/^[\p{L}\p{N}_-][\p{L}\p{N}._-]*$/u);
  expect([...name].length).toBeLessThanOrEqual(64);
}

describe('de-identified exports are named after the case id only', () => {
  it('REQ-SEC-NAME-1: a typed name and the series description are ignored; the case id names every format', async () => {
    const options = { deidentify: true, caseId: 'case_0042', name: `${PATIENT}_123456` };
    expect(await named('nifti', options)).toBe('case_0042_labels.nii.gz');
    expect(await named('nifti', { ...options, bundle: true })).toBe('case_0042_nifti.zip');
    expect(await named('coco', options)).toBe('case_0042_coco.json');
    expect(await named('png-zip', options)).toBe('case_0042_masks.zip');
    expect(await named('dicom-seg', options)).toBe('case_0042_seg.dcm');
    // Without a case id, the default one; never the description.
    expect(await named('coco', { deidentify: true })).toBe('case_0001_coco.json');
    for (const name of [await named('coco', { deidentify: true }), await named('nifti', options)]) {
      expect(name).not.toMatch(/DOE|JOHN|123456|abdomen/);
    }
  });
});

describe('identified exports get a safe name', () => {
  it('REQ-SEC-NAME-2: path separators, control characters and leading dots go; Chinese letters stay', async () => {
    expect(await named('coco', { name: '../../etc/passwd' })).toBe('etc_passwd_coco.json');
    expect(await named('coco', { name: '..\\..\\Windows\\x' })).toBe('Windows_x_coco.json');
    expect(await named('coco', { name: '.hidden' })).toBe('hidden_coco.json');
    expect(await named('coco', { name: 'a\u0000b\nc\u202Ed' })).toBe('a_b_c_d_coco.json');
    expect(await named('coco', {}, '腰椎 CT')).toBe('腰椎_CT_coco.json');
    expect(await named('coco', {}, '...')).toBe('segmentation_coco.json');
  });

  it('REQ-SEC-NAME-3: at most 64 characters, the extension kept, also inside the NIfTI zip', async () => {
    const long = 'Lumbar spine '.repeat(20);
    for (const format of ['nifti', 'coco', 'png-zip', 'dicom-seg'] as const) {
      const name = await named(format, {}, long);
      expectSafe(name);
      expect(name.startsWith('Lumbar_spine_Lumbar')).toBe(true);
      expect(name).toMatch(/_(labels\.nii\.gz|coco\.json|masks\.zip|seg\.dcm)$/);
    }
    expect([...(await named('nifti', {}, '椎'.repeat(200)))].length).toBeLessThanOrEqual(64);
  });

  it('REQ-SEC-NAME-4: fileName cuts the base, never the suffix, and falls back when nothing is left', () => {
    const name = fileName('x'.repeat(100), '_agreement.csv', 'agreement');
    expect(name).toBe(`${'x'.repeat(MAX_FILE_NAME - 14)}_agreement.csv`);
    expect(fileName('/../', '.csv', 'agreement')).toBe('agreement.csv');
    // A cut that ends on a dot or underscore does not leave it before the suffix.
    expect(fileName(`${'a'.repeat(59)}._b`, '.csv')).toBe(`${'a'.repeat(59)}.csv`);
    expect(safeNamePart(' -.-x y.. ')).toBe('x_y');
  });

  it('REQ-SEC-NAME-6: the agreement table keeps both side names, shortening the series description first', () => {
    expect(agreementFileName('Lumbar spine 3.0 mm', 'dr.li', 'dr.wang')).toBe('Lumbar_spine_3.0_mm_dr.li_vs_dr.wang_agreement.csv');
    const reviewer = 'reviewer-1796457428344';
    const colleague = 'colleague-1796457428344';
    const long = agreementFileName('Lumbar spine 3.0 mm axial (synthetic)', reviewer, colleague);
    expect(long).toBe(`${reviewer}_vs_${colleague}_agreement.csv`);
    const roomy = agreementFileName('Lumbar spine 3.0 mm axial (synthetic)', 'a', 'b');
    expect(roomy).toBe('Lumbar_spine_3.0_mm_axial_synthetic_a_vs_b_agreement.csv');
    // Two long sides share the room alike; the description is left out.
    const cut = agreementFileName('Lumbar spine', 'x'.repeat(40), 'y'.repeat(40));
    expect(cut).toBe(`${'x'.repeat(23)}_vs_${'y'.repeat(23)}_agreement.csv`);
    expect([...cut].length).toBe(64);
    expect(agreementFileName('../../etc', '.hidden/me', 'C:\\Users\\you')).toBe('etc_hidden_me_vs_C_Users_you_agreement.csv');
  });
});
