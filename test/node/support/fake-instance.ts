/** Header-only instances for series assembly tests: geometry is all that matters there. */
import type { DicomInstance, Vec3 } from '../../../src/core/dicom/types.js';
import { mulberry32 } from '../../../scripts/sample/random.js';

export interface FakeOptions {
  position?: Vec3;
  rowCosine?: Vec3;
  columnCosine?: Vec3;
  series?: string;
  rows?: number;
  columns?: number;
  imageType?: string[];
  instanceNumber?: number;
  spacing?: [number, number];
  noGeometry?: boolean;
}

let counter = 0;

export function fakeInstance(name: string, o: FakeOptions = {}): DicomInstance {
  counter++;
  return {
    fileName: name,
    sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUID: `1.2.3.${counter}`,
    studyInstanceUID: '1.2.3',
    seriesInstanceUID: o.series ?? '1.2.3.4',
    frameOfReferenceUID: '1.2.3.5',
    modality: 'CT',
    seriesDescription: 'test',
    seriesNumber: 1,
    instanceNumber: o.instanceNumber,
    imageType: o.imageType ?? ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    patientName: 'TEST^FAKE',
    patientID: 'X',
    studyDate: '20260101',
    studyDescription: '',
    pixel: {
      rows: o.rows ?? 4,
      columns: o.columns ?? 4,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 16,
      highBit: 15,
      pixelRepresentation: 1,
      photometricInterpretation: 'MONOCHROME2',
      planarConfiguration: 0,
      transferSyntaxUID: '1.2.840.10008.1.2.1',
    },
    numberOfFrames: 1,
    frames: [
      {
        position: o.noGeometry ? undefined : (o.position ?? [0, 0, 0]),
        rowCosine: o.noGeometry ? undefined : (o.rowCosine ?? [1, 0, 0]),
        columnCosine: o.noGeometry ? undefined : (o.columnCosine ?? [0, 1, 0]),
        pixelSpacing: o.spacing ?? [0.5, 0.5],
        sliceThickness: 2,
        rescaleSlope: 1,
        rescaleIntercept: -1024,
      },
    ],
    windowCenter: undefined,
    windowWidth: undefined,
    pixelPaddingValue: undefined,
    encapsulated: false,
    legacyNoMeta: false,
    bytes: new Uint8Array(0),
  };
}

/** A deterministic shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
