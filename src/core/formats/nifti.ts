/**
 * NIfTI-1 export (.nii.gz) of the labelmap and of the CT it was traced on,
 * with the same affine, so mask and image overlay exactly in nibabel, 3D
 * Slicer, ITK-SNAP and nnU-Net / MONAI loaders.
 *
 * Voxel i = column, j = row, k = slice in our sorted order (ascending along
 * the normal); sform and qform are in RAS (see `nifti-space.ts`). Each file is
 * streamed slice by slice into the gzip (`gzip-parts.ts`), never laid out
 * whole: a labelmap's empty slices and zero rows take the zero-run path, and
 * no 80 MB (labelmap) or 160 MB (CT) copy is made.
 *
 * The writer is ours (ARCHITECTURE: "the writer is small and ours"): a fixed
 * header and the slices, handed to the compressor without a copy.
 * The work is synchronous and pure, so a caller runs it in a worker for big
 * series (300 × 512² takes a few seconds, almost all of it gzip).
 */
import { DEFAULT_GZIP_LEVEL, HOST_LITTLE_ENDIAN, swapBytes, type GzipLevel } from './bytes.js';
import { concat, GzipBuilder, PartDeflater, type DeflatePart, type GzipPieces } from './gzip-parts.js';
import { runLengthPart } from './deflate-runs.js';
import {
  DATATYPES,
  DT_INT16,
  DT_UINT8,
  INTENT_LABEL,
  INTENT_NONE,
  VOX_OFFSET,
  writeHeader,
  type HeaderFields,
} from './nifti-header.js';
import { checkGeometry, niftiSpace, type NiftiGeometry } from './nifti-space.js';

export interface NiftiWriteOptions {
  /** gzip level, default 6; 1 is about twice as fast for files about 10 % larger. */
  level?: GzipLevel;
  /** false: the plain .nii bytes, for a caller that compresses elsewhere (a native stream in a worker). */
  compress?: boolean;
}

/** A CT (or other) series in real-world values; a loaded `Volume` fits as it is. */
export interface NiftiVolumeInput extends NiftiGeometry {
  /** Slice k's values, `rows·cols`, index r·cols + c. */
  readonly sliceData: readonly Int16Array[];
  /** 1 where slice k has been decoded; an export of placeholder slices is refused. */
  readonly loaded?: Uint8Array;
  /** Written as cal_min/cal_max, the display range viewers open with. */
  readonly defaultWindow?: { readonly center: number; readonly width: number } | undefined;
}

/** A labelmap by slice: `rows·cols` ids each, or undefined for a slice without any (most of them). */
export type SparseSlices = readonly (Uint8Array | undefined)[];

/**
 * The labelmap as .nii.gz: uint8, label ids as given (0 = background),
 * intent NIFTI_INTENT_LABEL, cal_min 0 and cal_max the highest id present.
 * `labelmap[k]` is slice k, `rows·cols` ids (as `LabelmapSlices.slice(k)`),
 * or undefined when slice k is empty.
 */
export function niftiLabelmap(geometry: NiftiGeometry, labelmap: SparseSlices, options: NiftiWriteOptions = {}): Uint8Array {
  checkGeometry(geometry);
  checkSlices(geometry, labelmap, 'labelmap');
  const n = geometry.columns * geometry.rows;
  const highest = highestLabel(labelmap);
  if (options.compress === false) {
    const { out, voxels } = allocate(geometry, DT_UINT8);
    labelmap.forEach((slice, k) => slice && voxels.set(slice, k * n));
    return withHeader(out, geometry, DT_UINT8, labelFields(highest));
  }
  return niftiLabelmapOfSlices(geometry, (k) => labelmap[k], highest, options);
}

/** The highest label id of a labelmap (0 when it has none). */
export function highestLabel(labelmap: SparseSlices): number {
  let highest = 0;
  for (const slice of labelmap) if (slice) highest = Math.max(highest, maxByte(slice));
  return highest;
}

/**
 * The labelmap as .nii.gz from a function giving slice k (asked once each, in
 * order), so slices made one at a time (`resample.ts`) are never all held:
 * `highest` is the cal_max the header states before the slices are known.
 */
export function niftiLabelmapOfSlices(geometry: NiftiGeometry, slice: (k: number) => Uint8Array | undefined, highest: number, options: NiftiWriteOptions = {}): Uint8Array {
  checkGeometry(geometry);
  const n = geometry.columns * geometry.rows;
  if (options.compress === false) {
    const { out, voxels } = allocate(geometry, DT_UINT8);
    for (let k = 0; k < geometry.slices; k++) {
      const s = checkedSlice(slice(k), n, k, 'labelmap');
      if (s) voxels.set(s, k * n);
    }
    return withHeader(out, geometry, DT_UINT8, labelFields(highest));
  }
  const gz = new GzipBuilder(options.level ?? DEFAULT_GZIP_LEVEL);
  gz.push(withHeader(new Uint8Array(VOX_OFFSET), geometry, DT_UINT8, labelFields(highest)));
  // Label rows are runs of equal values: run-length parts (`deflate-runs.ts`); long zero runs and empty slices the shared zero parts.
  for (let k = 0; k < geometry.slices; k++) {
    const s = checkedSlice(slice(k), n, k, 'labelmap');
    if (s) gz.pushSparse(s, runLengthPart);
    else gz.zeros(n);
  }
  return gz.finish();
}

function labelFields(highest: number): Pick<HeaderFields, 'intentCode' | 'calMin' | 'calMax' | 'descrip'> {
  return { intentCode: INTENT_LABEL, calMin: 0, calMax: highest, descrip: 'Segmark labelmap' };
}

function checkedSlice<T extends ArrayLike<number>>(s: T | undefined, n: number, k: number, what: string): T | undefined {
  if (s !== undefined && s.length !== n) throw new RangeError(`${what}: slice ${k} has ${s.length} values, not ${n}`);
  return s;
}

/**
 * The image as .nii.gz from a function giving slice k (asked once each, in
 * order, and not kept): a resampled CT (`resample.ts`) is written as it is
 * made, never whole.
 */
export function niftiVolumeOfSlices(
  volume: Omit<NiftiVolumeInput, 'sliceData' | 'loaded'>,
  slice: (k: number) => Int16Array,
  options: NiftiWriteOptions = {},
): Uint8Array {
  checkGeometry(volume);
  const n = volume.columns * volume.rows;
  if (options.compress === false) {
    const { out } = allocate(volume, DT_INT16);
    const values = new Int16Array(out.buffer, VOX_OFFSET, n * volume.slices);
    for (let k = 0; k < volume.slices; k++) values.set(checkedSlice(slice(k), n, k, 'volume')!, k * n);
    if (!HOST_LITTLE_ENDIAN) swapBytes(out.subarray(VOX_OFFSET), 2);
    return withHeader(out, volume, DT_INT16, volumeFields(volume));
  }
  const level = options.level ?? DEFAULT_GZIP_LEVEL;
  const gz = new PartDeflater(level);
  for (let k = 0; k < volume.slices; k++) gz.push(littleEndian(checkedSlice(slice(k), n, k, 'volume')!));
  return niftiVolumeOfParts(volume, [gz.finish()], level);
}

/**
 * The image as .nii.gz: int16 real-world values (HU for CT) with identity
 * scaling (scl_slope 1, scl_inter 0). Our slices already hold HU as int16
 * (the loader clamps the rare out-of-range value and warns), so no value
 * needs rescaling. cal_min/cal_max is the series' default window when it has one.
 */
export function niftiVolume(volume: NiftiVolumeInput, options: NiftiWriteOptions = {}): Uint8Array {
  checkGeometry(volume);
  checkSlices(volume, volume.sliceData, 'volume');
  const missing = volume.loaded?.indexOf(0) ?? -1;
  if (missing >= 0) throw new RangeError(`slice ${missing} is not decoded yet; export once the volume has loaded`);
  if (options.compress === false) {
    const { out } = allocate(volume, DT_INT16);
    const n = volume.columns * volume.rows;
    // VOX_OFFSET is a multiple of 2, so the voxels can be viewed as int16 in place.
    const values = new Int16Array(out.buffer, VOX_OFFSET, n * volume.slices);
    volume.sliceData.forEach((slice, k) => values.set(slice, k * n));
    if (!HOST_LITTLE_ENDIAN) swapBytes(out.subarray(VOX_OFFSET), 2);
    return withHeader(out, volume, DT_INT16, volumeFields(volume));
  }
  const level = options.level ?? DEFAULT_GZIP_LEVEL;
  return niftiVolumeOfParts(volume, [volumePart(volume.sliceData, level)], level);
}

/** Slices as little-endian int16 bytes, deflated into one part (`gzip-parts.ts`): a worker's share of a CT. */
export function volumePart(slices: readonly Int16Array[], level: GzipLevel): DeflatePart {
  const gz = new PartDeflater(level);
  for (const slice of slices) gz.push(littleEndian(slice));
  return gz.finish();
}

/**
 * The image as .nii.gz from its voxels already deflated in parts (`volumePart`
 * over consecutive runs of slices, in order, perhaps in several workers):
 * only the header is compressed here.
 */
export function niftiVolumeOfParts(volume: Omit<NiftiVolumeInput, 'sliceData'>, parts: readonly DeflatePart[], level: GzipLevel = DEFAULT_GZIP_LEVEL): Uint8Array {
  return concat(niftiVolumePieces(volume, parts, level).pieces);
}

/** `niftiVolumeOfParts` as the pieces of the file in order, for a writer that copies them once (a zip), with the file's CRC-32. */
export function niftiVolumePieces(volume: Omit<NiftiVolumeInput, 'sliceData'>, parts: readonly DeflatePart[], level: GzipLevel = DEFAULT_GZIP_LEVEL): GzipPieces {
  checkGeometry(volume);
  const voxels = parts.reduce((sum, p) => sum + p.length, 0);
  const expected = volume.columns * volume.rows * volume.slices * DATATYPES[DT_INT16].bytes;
  if (voxels !== expected) throw new RangeError(`volume: ${voxels} bytes of voxels for a ${volume.columns}×${volume.rows}×${volume.slices} int16 series`);
  const gz = new GzipBuilder(level);
  gz.push(withHeader(new Uint8Array(VOX_OFFSET), volume, DT_INT16, volumeFields(volume)));
  for (const part of parts) gz.append(part);
  return gz.finishPieces();
}

function volumeFields(volume: Pick<NiftiVolumeInput, 'defaultWindow'>): Pick<HeaderFields, 'intentCode' | 'calMin' | 'calMax' | 'descrip'> {
  const w = volume.defaultWindow;
  return {
    intentCode: INTENT_NONE,
    calMin: w ? w.center - w.width / 2 : 0,
    calMax: w ? w.center + w.width / 2 : 0,
    descrip: 'Segmark image',
  };
}

/** The largest byte; most of a labelmap is background, so whole zero words are skipped. */
function maxByte(bytes: Uint8Array): number {
  let highest = 0;
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : undefined;
  const from = words ? words.length << 2 : 0;
  if (words) {
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let i = w << 2, end = i + 4; i < end; i++) if (bytes[i]! > highest) highest = bytes[i]!;
    }
  }
  for (let i = from; i < bytes.length; i++) if (bytes[i]! > highest) highest = bytes[i]!;
  return highest;
}

/** The slice's bytes in little-endian order, as a NIfTI holds them: a view on a little-endian host, a swapped copy elsewhere. */
export function littleEndian(slice: Int16Array): Uint8Array {
  const bytes = new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength);
  if (HOST_LITTLE_ENDIAN) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, 2);
  return copy;
}

function checkSlices(g: NiftiGeometry, slices: readonly (ArrayLike<number> | undefined)[], what: string): void {
  if (slices.length !== g.slices) throw new RangeError(`${what}: ${slices.length} slices for a ${g.slices}-slice series`);
  const n = g.columns * g.rows;
  const bad = slices.findIndex((s) => s !== undefined && s.length !== n);
  if (bad >= 0) throw new RangeError(`${what}: slice ${bad} has ${slices[bad]!.length} values, not ${g.rows}×${g.columns}`);
}

/** The whole uncompressed file, and its voxel bytes. */
function allocate(g: NiftiGeometry, datatype: typeof DT_UINT8 | typeof DT_INT16): { out: Uint8Array; voxels: Uint8Array } {
  const out = new Uint8Array(VOX_OFFSET + g.columns * g.rows * g.slices * DATATYPES[datatype].bytes);
  return { out, voxels: out.subarray(VOX_OFFSET) };
}

/** `out` with the header written into its first VOX_OFFSET bytes. */
function withHeader(
  out: Uint8Array,
  g: NiftiGeometry,
  datatype: typeof DT_UINT8 | typeof DT_INT16,
  fields: Pick<HeaderFields, 'intentCode' | 'calMin' | 'calMax' | 'descrip'>,
): Uint8Array {
  writeHeader(new DataView(out.buffer, out.byteOffset, VOX_OFFSET), {
    ...fields,
    dims: [g.columns, g.rows, g.slices],
    datatype,
    space: niftiSpace(g),
  });
  return out;
}
