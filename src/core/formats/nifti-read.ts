/**
 * NIfTI-1 reader for single .nii files, gzipped or not, in either byte
 * order: the header fields an import needs and the voxels as a typed array in
 * the host's order. Every way a file can be wrong is a `SegmarkError`:
 * `truncated` when it ends early, `unsupported-pixel-format` for a voxel type
 * we do not read, `nifti-invalid` for anything else.
 *
 * Ours rather than nifti-reader-js because it is the writer's mirror (same
 * offsets, same affine code) and validates exactly what the writer promises;
 * the tests check both against nibabel.
 */
import { SegmarkError } from '../errors.js';
import { gunzip, HOST_LITTLE_ENDIAN, isGzip, swapBytes } from './bytes.js';
import {
  DATATYPES,
  DESCRIP_LENGTH,
  HEADER_SIZE,
  MAGIC_PAIR,
  MAGIC_SINGLE,
  OFFSET,
  VOX_OFFSET,
  type NiftiDatatype,
} from './nifti-header.js';
import { qformMatrix, type Matrix34, type Matrix34Row, type NiftiQform } from './nifti-space.js';

export type NiftiData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface NiftiImage {
  /** dim[1..dim[0]]: i (fastest), j, k, …. */
  readonly dims: readonly number[];
  readonly datatype: NiftiDatatype;
  /** pixdim[0..7] as stored (pixdim[0] is qfac). */
  readonly pixdim: readonly number[];
  readonly littleEndian: boolean;
  readonly intentCode: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly calMin: number;
  readonly calMax: number;
  readonly xyztUnits: number;
  readonly descrip: string;
  /** srow_x/y/z; meaningful when `code` > 0. */
  readonly sform: { readonly code: number; readonly matrix: Matrix34 };
  /** The quaternion form and its matrix; meaningful when `code` > 0. */
  readonly qform: { readonly code: number; readonly matrix: Matrix34 } & NiftiQform;
  /** Voxels, i fastest, in the host's byte order: stored values (scale by sclSlope/sclInter when the slope is finite and not 0). */
  readonly data: NiftiData;
}

const ARRAYS: Record<NiftiDatatype, new (buffer: ArrayBuffer, byteOffset: number, length: number) => NiftiData> = {
  2: Uint8Array,
  4: Int16Array,
  8: Int32Array,
  16: Float32Array,
  64: Float64Array,
  256: Int8Array,
  512: Uint16Array,
  768: Uint32Array,
};

/** Parses a .nii or .nii.gz file; `file` names it in errors. */
export function readNifti(input: Uint8Array, file?: string): NiftiImage {
  const invalid = (detail: string): never => {
    throw new SegmarkError('nifti-invalid', detail, { file });
  };
  const bytes = isGzip(input) ? gunzip(input, 'nifti-invalid', file) : input;
  if (bytes.length < HEADER_SIZE) {
    throw new SegmarkError('truncated', `${bytes.length} bytes, shorter than a NIfTI-1 header`, { file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // sizeof_hdr is 348 in the file's byte order: that is how the order is told.
  const le = view.getInt32(OFFSET.sizeofHdr, true) === HEADER_SIZE;
  if (!le && view.getInt32(OFFSET.sizeofHdr, false) !== HEADER_SIZE) {
    invalid(`sizeof_hdr is ${view.getInt32(OFFSET.sizeofHdr, true)}, not ${HEADER_SIZE}`);
  }
  const magic = String.fromCharCode(...bytes.subarray(OFFSET.magic, OFFSET.magic + 4));
  if (magic === `${MAGIC_PAIR}\0`) invalid('this is the header of a .hdr/.img pair; only single-file .nii is read');
  if (magic !== `${MAGIC_SINGLE}\0`) invalid(`magic is ${JSON.stringify(magic)}, not "n+1\\0" (not NIfTI-1)`);

  const i16 = (at: number) => view.getInt16(at, le);
  const f32 = (at: number) => view.getFloat32(at, le);
  const rank = i16(OFFSET.dim);
  if (!(rank >= 1 && rank <= 7)) invalid(`dim[0] is ${rank}, not 1..7`);
  const dims = Array.from({ length: rank }, (_, i) => i16(OFFSET.dim + 2 * (i + 1)));
  if (dims.some((d) => d < 1)) invalid(`dimensions ${dims.join('×')} include a size below 1`);

  const code = i16(OFFSET.datatype);
  if (!(code in DATATYPES)) {
    throw new SegmarkError('unsupported-pixel-format', `NIfTI datatype ${code} is not read (uint8, int8, int16, uint16, int32, uint32, float32, float64 are)`, {
      file,
      params: { datatype: code },
    });
  }
  const datatype = code as NiftiDatatype;
  const size = DATATYPES[datatype].bytes;
  if (i16(OFFSET.bitpix) !== size * 8) invalid(`bitpix ${i16(OFFSET.bitpix)} does not match datatype ${DATATYPES[datatype].name}`);
  const voxOffset = f32(OFFSET.voxOffset);
  if (!(Number.isInteger(voxOffset) && voxOffset >= VOX_OFFSET)) invalid(`vox_offset ${voxOffset} is not an integer ≥ ${VOX_OFFSET}`);
  const count = dims.reduce((a, b) => a * b, 1);
  const end = voxOffset + count * size;
  if (bytes.length < end) {
    throw new SegmarkError('truncated', `${bytes.length} bytes, but ${dims.join('×')} ${DATATYPES[datatype].name} voxels end at byte ${end}`, { file });
  }

  const pixdim = Array.from({ length: 8 }, (_, i) => f32(OFFSET.pixdim + 4 * i));
  const row = (at: number): Matrix34Row => [f32(at), f32(at + 4), f32(at + 8), f32(at + 12)];
  const qform: NiftiQform = {
    quaternion: [f32(OFFSET.quaternB), f32(OFFSET.quaternB + 4), f32(OFFSET.quaternB + 8)],
    offset: [f32(OFFSET.qoffsetX), f32(OFFSET.qoffsetX + 4), f32(OFFSET.qoffsetX + 8)],
    // NIfTI-1: pixdim[0] is −1 or 1; 0 (old writers) means 1.
    qfac: pixdim[0]! < 0 ? -1 : 1,
    pixdim: [pixdim[1]!, pixdim[2]!, pixdim[3]!],
  };
  return {
    dims,
    datatype,
    pixdim,
    littleEndian: le,
    intentCode: i16(OFFSET.intentCode),
    sclSlope: f32(OFFSET.sclSlope),
    sclInter: f32(OFFSET.sclInter),
    calMin: f32(OFFSET.calMin),
    calMax: f32(OFFSET.calMax),
    xyztUnits: view.getUint8(OFFSET.xyztUnits),
    descrip: readAscii(bytes.subarray(OFFSET.descrip, OFFSET.descrip + DESCRIP_LENGTH)),
    sform: { code: i16(OFFSET.sformCode), matrix: [row(OFFSET.srowX), row(OFFSET.srowY), row(OFFSET.srowZ)] },
    qform: { ...qform, code: i16(OFFSET.qformCode), matrix: qformMatrix(qform) },
    data: voxels(bytes, voxOffset, count, datatype, le === HOST_LITTLE_ENDIAN),
  };
}

/**
 * The voxels as a typed array: a view when the bytes are ours to lend (gunzip
 * output or caller's buffer), aligned and in host order; otherwise a copy
 * (swapped when the file's order is not the host's).
 */
function voxels(bytes: Uint8Array, at: number, count: number, datatype: NiftiDatatype, hostOrder: boolean): NiftiData {
  const size = DATATYPES[datatype].bytes;
  const start = bytes.byteOffset + at;
  if (hostOrder && start % size === 0) return new ARRAYS[datatype](bytes.buffer as ArrayBuffer, start, count);
  const copy = bytes.slice(at, at + count * size);
  if (!hostOrder) swapBytes(copy, size);
  return new ARRAYS[datatype](copy.buffer, 0, count);
}

function readAscii(field: Uint8Array): string {
  const end = field.indexOf(0);
  return String.fromCharCode(...(end < 0 ? field : field.subarray(0, end)));
}
