/**
 * Inputs shared by the DICOM SEG tests (export-seg.test.ts and its
 * .tools.test.ts): a fixed clock and UIDs, colours for the CIELab checks, a
 * 5 × 7 SEG whose frames do not start on a byte boundary, and error checks.
 */
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import { readSeg, type SegFile, type SegWriteInput } from '../../../src/core/formats/seg.js';

/** A fixed clock and counter UIDs, so every run writes the same bytes. */
export function fixed(): Pick<SegWriteInput, 'uid' | 'now'> {
  let n = 0;
  return { uid: () => `2.25.${++n}`, now: new Date(2026, 0, 2, 3, 4, 5) };
}

export function mask(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(values, (v) => (v ? 1 : 0));
}

export { expectSegmarkError } from './expect-error.js';

export function readSync(bytes: Uint8Array): () => SegFile {
  return () => readSeg(bytes, 'modified.dcm');
}

/** sRGB colours for the CIELab checks: white, black, grey, the primaries, a dark one, and the template's. */
export function labColours(): [number, number, number][] {
  return [
    [255, 255, 255],
    [0, 0, 0],
    [128, 128, 128],
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [10, 20, 30],
    ...LUMBAR_SPINE_TEMPLATE.labels.map((l) => [...l.color] as [number, number, number]),
  ];
}

/** Deterministic masks on a 5 × 7 × 3 stack: segment s, slice k; segment 2 is empty on slice 1 and overlaps segment 1 elsewhere. */
export function smallSeg(): { rows: number; columns: number; slices: number; masks: Uint8Array[][]; input: SegWriteInput } {
  const rows = 5;
  const columns = 7;
  const slices = 3;
  const masks = [0, 1].map((s) =>
    Array.from({ length: slices }, (_, k) =>
      s === 1 && k === 1 ? new Uint8Array(rows * columns) : mask(Array.from({ length: rows * columns }, (_, i) => ((i * 7 + k * 3 + s * 2) % 11) < 4 ? 1 : 0)),
    ),
  );
  const input: SegWriteInput = {
    source: {
      patientName: '张^三',
      patientID: 'P-1',
      patientBirthDate: '19800101',
      patientSex: 'F',
      studyInstanceUID: '2.25.100',
      studyDate: '20260101',
      studyTime: '120000',
      referringPhysicianName: '',
      studyID: 'S1',
      accessionNumber: 'A1',
      studyDescription: '',
      seriesInstanceUID: '2.25.101',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      frameOfReferenceUID: '2.25.102',
    },
    slices: Array.from({ length: slices }, (_, k) => ({ sopInstanceUID: `2.25.${200 + k}`, position: [-10.5, 20.25, k * 2.5] as const })),
    geometry: { rows, columns, rowCosine: [1, 0, 0], columnCosine: [0, 1, 0], pixelSpacing: [0.5, 0.75], sliceThickness: 2.5, spacingBetweenSlices: 2.5 },
    segments: [
      { label: '椎间盘 L4/L5', code: LUMBAR_SPINE_TEMPLATE.labels[3]!.code, color: [204, 121, 167], algorithm: { type: 'MANUAL' } },
      { label: 'Canal', code: LUMBAR_SPINE_TEMPLATE.labels[10]!.code, color: [255, 170, 187], algorithm: { type: 'SEMIAUTOMATIC', name: 'Model v1' } },
    ],
    masks,
    ...fixed(),
  };
  return { rows, columns, slices, masks, input };
}
