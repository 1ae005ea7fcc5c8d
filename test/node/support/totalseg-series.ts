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
export const TOTALSEG_LABEL = { liver: 5, vertebraeT12: 32, vertebraeT11: 33, spinalCord: 79 } as const;

/** The series decoded (HU per slice) and TotalSegmentator's labels imported onto it. */
export async function openTotalSegmentator(): Promise<{ volume: Volume; reference: ImportedMasks }> {
  const volume = await openSeries(join(TOTALSEG, 'dicom'), { decode: true, filter: (n) => n.startsWith('CT.') });
  return { volume, reference: importNifti(bytesOf(TOTALSEG_NIFTI), volume, 'example_seg_dicom.nii.gz') };
}

/**
 * The vertebral body of a TotalSegmentator vertebra (slice → mask): its
 * voxels in front of the spinal canal. TotalSegmentator labels the whole
 * vertebra, body and posterior arch alike; the arch (pedicles, laminae,
 * transverse and spinous processes) lies behind the front of the canal and
 * the body in front of it, where the pedicles join the body's posterior
 * wall. The canal's front is taken per slice as the first row of the spinal
 * cord label, which fills the dural sac here; slices without the cord label
 * have no body. Rows run to the patient's back.
 */
export function vertebralBody(reference: ImportedMasks, volume: Volume, vertebra: number): Map<number, Uint8Array> {
  const cord = reference.masks.get(TOTALSEG_LABEL.spinalCord);
  const body = new Map<number, Uint8Array>();
  for (const [k, mask] of reference.masks.get(vertebra) ?? []) {
    const canal = cord?.get(k)?.indexOf(1) ?? -1;
    if (canal < 0) continue;
    const front = Math.floor(canal / volume.columns) * volume.columns;
    if (mask.subarray(0, front).indexOf(1) < 0) continue;
    const part = new Uint8Array(mask.length);
    part.set(mask.subarray(0, front));
    body.set(k, part);
  }
  return body;
}
