/** The text files that sit beside the sample series: index.json and README.md. */

import {
  fileNameOf,
  imagePositionOf,
  RESCALE_INTERCEPT,
  NOISE_SIGMA,
  SAMPLE_COLUMNS,
  SAMPLE_PIXEL_SPACING,
  SAMPLE_ROWS,
  SAMPLE_SEED,
  SAMPLE_SLICE_THICKNESS,
  SAMPLE_SLICES,
  type SampleUids,
} from './sample/index.js';

/** sample-dicom/index.json: the files in name order (scanner order, superior first). */
export function sampleIndexJson(uids: SampleUids): unknown {
  const files = Array.from({ length: SAMPLE_SLICES }, (_, k) => fileNameOf(k)).sort();
  return {
    description: 'Synthetic lumbar spine CT (Segmark sample, not a patient). Paths are relative to this file.',
    studyInstanceUID: uids.study,
    seriesInstanceUID: uids.series,
    files,
    groundTruth: 'ground-truth/discs.json',
  };
}

export function sampleReadme(): string {
  const first = imagePositionOf(0);
  const last = imagePositionOf(SAMPLE_SLICES - 1);
  const fov = SAMPLE_COLUMNS * SAMPLE_PIXEL_SPACING;
  return `# Sample series: synthetic lumbar spine CT

**Synthetic data — not a patient.** A computer-generated phantom of the lumbar
spine (L1 to the upper sacrum, with the iliac wings) for trying Segmark and for
tests. Patient name \`SEGMARK^SYNTHETIC\`, ID \`SEGMARK-SAMPLE-001\`.

Regenerate with \`npm run make-sample\` (\`scripts/make-sample.ts\`, model in
\`scripts/sample/\`, seed ${SAMPLE_SEED}). The generator is deterministic: the
committed files are exactly what it writes, and \`test/node/sample.test.ts\`
checks that.

## Files

- \`IM0001.dcm\` … \`IM${String(SAMPLE_SLICES).padStart(4, '0')}.dcm\`: CT Image Storage, one axial slice
  each, RLE Lossless (1.2.840.10008.1.2.5). Named by
  InstanceNumber, which counts from the top (scanner order), so name order is
  superior → inferior.
- \`index.json\`: the file list the app loads (\`npm start\`).
- \`ground-truth/discs.u8.gz\` + \`discs.json\`: the disc labelmap the generator
  knows (1 = L1/L2 … 5 = L5/S1), uint8, gzip, index \`k·rows·cols + r·cols + c\`
  with k ascending along the slice normal (k = 0 is the most inferior slice).
  A voxel is labelled when its centre lies inside the disc's analytic shape.

## Geometry

| | |
| --- | --- |
| matrix | ${SAMPLE_COLUMNS} × ${SAMPLE_ROWS}, ${SAMPLE_SLICES} slices |
| pixel spacing | ${SAMPLE_PIXEL_SPACING} mm (field of view ${fov} mm) |
| slice thickness = spacing | ${SAMPLE_SLICE_THICKNESS} mm, contiguous |
| orientation | axial, ImageOrientationPatient \`1\\0\\0\\0\\1\\0\` (LPS) |
| first / last ImagePositionPatient | \`${first.join('\\')}\` / \`${last.join('\\')}\` |
| pixels | signed 16-bit (PixelRepresentation 1, BitsStored 16), stored value = HU + ${-RESCALE_INTERCEPT}; RescaleSlope 1, RescaleIntercept ${RESCALE_INTERCEPT} |
| window | 40 / 400 (soft tissue) |

## What is in it

Vertebral bodies with a cortical shell (~1050 HU) over cancellous bone
(~240 HU), kidney-shaped with a posterior concavity and concave endplates;
discs (nucleus ~78 HU, annulus ~104 HU) bulging slightly; lumbar lordosis, so
the discs tilt against the axial plane (about −5° at L1/L2 to 25° at L5/S1) and
each one is cut across several slices; spinal canal with thecal sac (CSF
~12 HU) in epidural fat; pedicles, laminae, spinous and transverse processes,
facet joints; sacrum with alae and foramina, iliac wings with sacroiliac
joints; psoas (growing inferiorly), quadratus lumborum, paraspinal and
abdominal wall muscles (~45 HU); subcutaneous fat (~−105 HU); aorta, IVC and
iliac vessels; kidneys, liver and spleen tips; colon and small bowel with gas.
Each pixel averages 2 × 2 in-plane samples at 4 depths through the slice
(partial volume); smooth noise (σ ≈ ${NOISE_SIGMA} HU) is added inside the body only; air is
exactly −1000 HU.
`;
}
