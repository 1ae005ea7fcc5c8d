/**
 * Segmark's synthetic lumbar spine CT: a deterministic generator of a real
 * DICOM series and of the ground-truth disc labelmap. Pure TypeScript (no DOM,
 * no file system), so tests and the browser can generate slices too;
 * `scripts/make-sample.ts` writes the files. It lives outside `src/` because
 * the library ships no generator: it writes Part 10 through dcmjs, a
 * development dependency.
 */

import { fileNameOf, imagePositionOf, instanceNumberOf, SAMPLE_COLUMNS, SAMPLE_PIXEL_SPACING, SAMPLE_ROWS, SAMPLE_SLICE_THICKNESS, SAMPLE_SLICES } from './geometry.js';
import { sliceAttributes, type SampleUids } from './instance.js';
import { encodePart10 } from './part10.js';
import { Phantom } from './phantom.js';
import { discLabelSlice, NOISE_SIGMA, renderSlice, RESCALE_INTERCEPT } from './render.js';

export * from './geometry.js';
export { sampleUids, type SampleUids, CT_IMAGE_STORAGE } from './instance.js';
export { RLE_LOSSLESS } from './part10.js';
export { Phantom, SAMPLE_SEED } from './phantom.js';
export { RESCALE_INTERCEPT, NOISE_SIGMA } from './render.js';

/** The Part 10 file of slice k (sorted order: k = 0 is the most inferior). */
export function sampleSliceFile(phantom: Phantom, k: number, uids: SampleUids): Uint8Array {
  const { meta, dataset } = sliceAttributes(k, uids, renderSlice(phantom, k));
  return encodePart10(meta, dataset);
}

/** The whole disc labelmap, index k·rows·cols + r·cols + c (uint8; 0 background, 1 = L1/L2 … 5 = L5/S1). */
export function sampleDiscLabelmap(phantom: Phantom): Uint8Array {
  const plane = SAMPLE_ROWS * SAMPLE_COLUMNS;
  const out = new Uint8Array(plane * SAMPLE_SLICES);
  for (let k = 0; k < SAMPLE_SLICES; k++) out.set(discLabelSlice(phantom, k), k * plane);
  return out;
}

export const DISC_LABELS = [
  { id: 1, name: 'L1/L2' },
  { id: 2, name: 'L2/L3' },
  { id: 3, name: 'L3/L4' },
  { id: 4, name: 'L4/L5' },
  { id: 5, name: 'L5/S1' },
] as const;

/** The content of ground-truth/discs.json. */
export function discGroundTruthJson(uids: SampleUids, labelmap: Uint8Array): unknown {
  const counts: Record<string, number> = {};
  for (const { id } of DISC_LABELS) counts[String(id)] = 0;
  for (const v of labelmap) if (v !== 0) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return {
    description: 'Ground-truth intervertebral disc labelmap of the synthetic Segmark sample series.',
    file: 'discs.u8.gz',
    encoding: 'gzip of raw uint8, no header',
    dims: { columns: SAMPLE_COLUMNS, rows: SAMPLE_ROWS, slices: SAMPLE_SLICES },
    index: 'k*rows*cols + r*cols + c; k = slice index sorted ascending along the slice normal (k = 0 is the most inferior slice), r = row, c = column',
    labels: [{ id: 0, name: 'background' }, ...DISC_LABELS],
    rule:
      'A voxel has a disc label when its centre (pixel centre (c + 0.5, r + 0.5) in pixel space, in the plane of the slice centre) lies inside the analytic shape of that disc used by the generator (between the two concave endplates, inside the bulging disc outline).',
    voxelCounts: counts,
    geometry: {
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      normal: [0, 0, 1],
      pixelSpacing: [SAMPLE_PIXEL_SPACING, SAMPLE_PIXEL_SPACING],
      pixelSpacingOrder: '[between rows, between columns] as DICOM PixelSpacing',
      sliceThickness: SAMPLE_SLICE_THICKNESS,
      spacingBetweenSlices: SAMPLE_SLICE_THICKNESS,
      frameOfReferenceUID: uids.frameOfReference,
    },
    studyInstanceUID: uids.study,
    seriesInstanceUID: uids.series,
    slices: uids.sop.map((sopInstanceUID, k) => ({
      k,
      sopInstanceUID,
      instanceNumber: instanceNumberOf(k),
      file: fileNameOf(k),
      imagePositionPatient: imagePositionOf(k),
    })),
    rescale: { slope: 1, intercept: RESCALE_INTERCEPT },
    noiseSigmaHU: NOISE_SIGMA,
  };
}
