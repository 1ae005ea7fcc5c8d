/**
 * A single-frame CT image as a Part 10 file (Explicit VR Little Endian),
 * from the stored values given: the tests' and the bench's small synthetic
 * series. Plain TypeScript, no Node API (the bench runs it in the page).
 */
import { dataSet, imagePixel, part10, raw, text, type El } from './dicom-bytes.js';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface CtSlice {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** ImagePositionPatient, mm; the rows and columns run along x and y. */
  position: readonly [number, number, number];
  /** PixelSpacing [between rows, between columns] (default 1 × 1). */
  pixelSpacing?: readonly [number, number];
  rows: number;
  columns: number;
  /** `rows · columns` stored values. */
  stored: Int16Array | Uint16Array;
  /** Default 16, signed. */
  bitsStored?: number;
  signed?: boolean;
  /** RescaleIntercept (default −1024); the slope is 1. */
  intercept?: number;
  /** Further elements (description, patient, frame of reference …), in any order. */
  more?: readonly El[];
}

export function ctSlice(s: CtSlice): Uint8Array {
  const pixel = imagePixel({ rows: s.rows, columns: s.columns, bitsAllocated: 16, bitsStored: s.bitsStored ?? 16, signed: s.signed ?? true }).filter(
    (e) => e.tag >= 0x00280000,
  );
  const elements: El[] = [
    text(0x00080016, 'UI', CT_IMAGE),
    text(0x00080018, 'UI', s.sopInstanceUID),
    text(0x00080060, 'CS', 'CT'),
    text(0x0020000d, 'UI', s.studyInstanceUID),
    text(0x0020000e, 'UI', s.seriesInstanceUID),
    ...(s.seriesNumber === undefined ? [] : [text(0x00200011, 'IS', String(s.seriesNumber))]),
    ...(s.instanceNumber === undefined ? [] : [text(0x00200013, 'IS', String(s.instanceNumber))]),
    text(0x00200032, 'DS', s.position.join('\\')),
    text(0x00200037, 'DS', '1\\0\\0\\0\\1\\0'),
    ...pixel,
    text(0x00280030, 'DS', (s.pixelSpacing ?? [1, 1]).join('\\')),
    text(0x00281052, 'DS', String(s.intercept ?? -1024)),
    text(0x00281053, 'DS', '1'),
    raw(0x7fe00010, 'OW', new Uint8Array(s.stored.buffer, s.stored.byteOffset, s.stored.byteLength)),
    ...(s.more ?? []),
  ];
  return part10('1.2.840.10008.1.2.1', CT_IMAGE, s.sopInstanceUID, dataSet(elements.sort((a, b) => a.tag - b.tag)));
}
