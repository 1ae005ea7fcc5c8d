/**
 * The shared TotalSegmentator abdomen (../shared/dicom, see its README): a
 * 20-slice Siemens CT in JPEG 2000 and TotalSegmentator's multilabel NIfTI of
 * it, opened with our own loader and importer as the annotator would. Tests
 * skip it where the folder is absent outside CI; in CI its absence is an error.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Volume } from '../../../src/core/dicom/volume.js';
import { importNifti, type ImportedMasks } from '../../../src/core/formats/import-mask.js';
import { bytesOf, openSeries } from './import-cases.js';

export const SHARED_DICOM = '../shared/dicom';
export const haveShared = existsSync(SHARED_DICOM);
if (!haveShared && process.env.CI === 'true') throw new Error(`${SHARED_DICOM} is missing in CI`);

export const TOTALSEG = join(SHARED_DICOM, 'ct-series-totalsegmentator-siemens-abdomen');
export const TOTALSEG_NIFTI = join(TOTALSEG, 'reference', 'example_seg_dicom.nii.gz');

/** TotalSegmentator's "total" class values used by the tests. */
export const TOTALSEG_LABEL = { liver: 5, vertebraeT12: 32 } as const;

/** The series decoded (HU per slice) and TotalSegmentator's labels imported onto it. */
export async function openTotalSegmentator(): Promise<{ volume: Volume; reference: ImportedMasks }> {
  const volume = await openSeries(join(TOTALSEG, 'dicom'), { decode: true, filter: (n) => n.startsWith('CT.') });
  return { volume, reference: importNifti(bytesOf(TOTALSEG_NIFTI), volume, 'example_seg_dicom.nii.gz') };
}
