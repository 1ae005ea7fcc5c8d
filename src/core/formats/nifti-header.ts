/**
 * The NIfTI-1 single-file layout (nifti1.h, 2003): a 348-byte header, four
 * zero bytes saying "no extensions", then the voxels from byte 352. Offsets
 * and codes here are shared by the writer and the reader.
 */
import type { NiftiSpace } from './nifti-space.js';

export const HEADER_SIZE = 348;
/** Header plus the 4-byte extension flag: where a file without extensions puts its voxels. */
export const VOX_OFFSET = 352;
/** "n+1\0": header and data in one .nii file. */
export const MAGIC_SINGLE = 'n+1';
/** "ni1\0": header of a .hdr/.img pair. */
export const MAGIC_PAIR = 'ni1';

/** Byte offsets of the fields we write or read. */
export const OFFSET = {
  sizeofHdr: 0,
  regular: 38,
  dimInfo: 39,
  dim: 40,
  intentCode: 68,
  datatype: 70,
  bitpix: 72,
  pixdim: 76,
  voxOffset: 108,
  sclSlope: 112,
  sclInter: 116,
  xyztUnits: 123,
  calMax: 124,
  calMin: 128,
  descrip: 148,
  qformCode: 252,
  sformCode: 254,
  quaternB: 256,
  qoffsetX: 268,
  srowX: 280,
  srowY: 296,
  srowZ: 312,
  magic: 344,
} as const;

export const DESCRIP_LENGTH = 80;

/** Voxel types, by NIfTI datatype code, that the reader understands. */
export const DATATYPES = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
} as const;

export type NiftiDatatype = keyof typeof DATATYPES;

export const DT_UINT8 = 2;
export const DT_INT16 = 4;

export const INTENT_NONE = 0;
/** NIFTI_INTENT_LABEL: each value is an index into a list of labels. */
export const INTENT_LABEL = 1002;

/**
 * NIFTI_XFORM_SCANNER_ANAT: coordinates of the scanner's frame — exactly what
 * DICOM patient coordinates are (as dcm2niix writes too). ALIGNED_ANAT (2)
 * would claim a registration to another image that never happened.
 */
export const XFORM_SCANNER_ANAT = 1;

/** NIFTI_UNITS_MM in the space bits, no time unit. */
export const UNITS_MM = 2;

export interface HeaderFields {
  /** dim[1..3]. */
  dims: readonly [number, number, number];
  datatype: NiftiDatatype;
  intentCode: number;
  calMin: number;
  calMax: number;
  /** ASCII, up to 79 characters. */
  descrip: string;
  space: NiftiSpace;
}

/** Writes a little-endian NIfTI-1 header and the empty extension flag into bytes 0..351 of `view`. */
export function writeHeader(view: DataView, h: HeaderFields): void {
  const le = true;
  view.setInt32(OFFSET.sizeofHdr, HEADER_SIZE, le);
  view.setUint8(OFFSET.regular, 'r'.charCodeAt(0));
  const dim = [3, ...h.dims, 1, 1, 1, 1];
  dim.forEach((d, i) => view.setInt16(OFFSET.dim + 2 * i, d, le));
  view.setInt16(OFFSET.intentCode, h.intentCode, le);
  view.setInt16(OFFSET.datatype, h.datatype, le);
  view.setInt16(OFFSET.bitpix, DATATYPES[h.datatype].bytes * 8, le);
  const { qform, sform } = h.space;
  const pixdim = [qform.qfac, ...qform.pixdim, 1, 1, 1, 1];
  pixdim.forEach((p, i) => view.setFloat32(OFFSET.pixdim + 4 * i, p, le));
  view.setFloat32(OFFSET.voxOffset, VOX_OFFSET, le);
  // Our voxels are already the values meant (HU, label ids): identity scaling.
  view.setFloat32(OFFSET.sclSlope, 1, le);
  view.setFloat32(OFFSET.sclInter, 0, le);
  view.setUint8(OFFSET.xyztUnits, UNITS_MM);
  view.setFloat32(OFFSET.calMax, h.calMax, le);
  view.setFloat32(OFFSET.calMin, h.calMin, le);
  writeAscii(view, OFFSET.descrip, h.descrip, DESCRIP_LENGTH - 1);
  view.setInt16(OFFSET.qformCode, XFORM_SCANNER_ANAT, le);
  view.setInt16(OFFSET.sformCode, XFORM_SCANNER_ANAT, le);
  [...qform.quaternion, ...qform.offset].forEach((q, i) => view.setFloat32(OFFSET.quaternB + 4 * i, q, le));
  [OFFSET.srowX, OFFSET.srowY, OFFSET.srowZ].forEach((at, r) =>
    sform[r]!.forEach((x, c) => view.setFloat32(at + 4 * c, x, le)),
  );
  writeAscii(view, OFFSET.magic, MAGIC_SINGLE, 3);
  // Bytes 348..351 (the extension flag) stay zero: no extensions.
}

/** Writes up to `max` characters of printable ASCII (others become '?'); the rest of the field stays zero. */
function writeAscii(view: DataView, at: number, text: string, max: number): void {
  for (let i = 0; i < Math.min(text.length, max); i++) {
    const code = text.charCodeAt(i);
    view.setUint8(at + i, code >= 0x20 && code < 0x7f ? code : 0x3f);
  }
}
