/**
 * A loaded series in real-world units (HU for CT): one Int16Array per slice,
 * index `r·cols + c`, slices in sorted order — the labelmap's order.
 *
 * Values are stored·slope + intercept, rounded to the nearest integer: exact
 * for the integer rescale of lossless CT, within half a unit for re-quantised
 * lossy files.
 *
 * Why per slice and not one block: 16-bit frames are converted in place, in the
 * memory the file was read into (or the decoder returned), and that memory
 * becomes the slice. Nothing is copied and no second buffer the size of the
 * series is allocated; on the machines we measured, first writes to fresh
 * memory cost as much as reading the files. Code that wants one block (NIfTI
 * export) assembles it when it needs it.
 */
import type { PlaneGeometry } from './geometry.js';
import type { SeriesCandidate } from './series.js';
import type { DicomInstance, RealWorldFrame, SeriesHeader, StoredPixels, Vec3 } from './types.js';

export interface Volume {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  description: string;
  modality: string;
  columns: number;
  rows: number;
  slices: number;
  /** [Δcol, Δrow, Δslice] in mm. */
  spacing: readonly [number, number, number];
  rowCosine: Vec3;
  columnCosine: Vec3;
  normal: Vec3;
  /** One plane per slice, in sorted order. */
  planes: readonly PlaneGeometry[];
  /** Position of each slice along `normal`, mm, ascending. */
  locations: readonly number[];
  sopInstanceUIDs: readonly string[];
  /** InstanceNumber (0020,0013) of each slice's file, where it has one: how PACS viewers number images. */
  instanceNumbers?: readonly (number | undefined)[];
  /** Gantry tilt in degrees (0 = none): the slices are stacked as acquired, so reformats show the anatomy sheared. */
  tiltDeg?: number;
  /** Source file of each slice, for messages. */
  fileNames: readonly string[];
  /** Slice k's values, `rows·cols` of them; a shared placeholder until decoded. */
  sliceData: Int16Array[];
  /** 1 where the slice has been decoded. */
  loaded: Uint8Array;
  /** Window stored in the first image, if any. */
  defaultWindow: { center: number; width: number } | undefined;
  /** MONOCHROME1: low values are shown bright. */
  invert: boolean;
  /** Lowest and highest voxel value of the slices loaded so far. */
  range: { min: number; max: number };
  /** Patient, study and series attributes (of the first image), for exports. */
  header: SeriesHeader;
  /** A CT's PixelPaddingValue in HU, as stored (e.g. −1500): the value of voxels outside the reconstructed field; undefined when the series declares none. */
  paddingValue?: number | undefined;
}

/**
 * DICOM PixelSpacing, [Δrow, Δcol] in mm, of a volume (or any geometry) whose
 * `spacing` is [Δcol, Δrow, Δslice]: the two orders are easy to mix up, so
 * the swap is written once, here.
 */
export function pixelSpacingOf(v: { readonly spacing: readonly [number, number, number] }): [number, number] {
  return [v.spacing[1], v.spacing[0]];
}

export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

export function allocateVolume(series: SeriesCandidate): Volume {
  const { rows, columns } = series;
  const n = series.slices.length;
  const first: DicomInstance = series.slices[0]!.instance;
  const w = first;
  const placeholder = new Int16Array(rows * columns).fill(series.modality === 'CT' ? -1024 : 0);
  return {
    studyInstanceUID: series.studyInstanceUID,
    seriesInstanceUID: series.seriesInstanceUID,
    description: series.description,
    modality: series.modality,
    columns,
    rows,
    slices: n,
    // PixelSpacing is [Δrow, Δcol]; `spacing` is [Δcol, Δrow, Δslice] (`pixelSpacingOf` turns it back).
    spacing: [series.pixelSpacing[1], series.pixelSpacing[0], series.sliceSpacing],
    rowCosine: series.rowCosine,
    columnCosine: series.columnCosine,
    normal: series.normal,
    planes: series.slices.map((s) => s.plane),
    locations: series.slices.map((s) => s.location),
    sopInstanceUIDs: series.slices.map((s) => frameUid(s.instance, s.frameIndex)),
    instanceNumbers: series.slices.map((s) => s.instance.instanceNumber),
    tiltDeg: series.tiltDeg,
    fileNames: series.slices.map((s) => s.instance.fileName),
    sliceData: Array.from({ length: n }, () => placeholder),
    loaded: new Uint8Array(n),
    defaultWindow:
      w.windowCenter !== undefined && w.windowWidth !== undefined && w.windowWidth > 0
        ? { center: w.windowCenter, width: w.windowWidth }
        : undefined,
    invert: first.pixel.photometricInterpretation === 'MONOCHROME1',
    range: { min: Infinity, max: -Infinity },
    header: { ...seriesHeaderOf(first), ...identifyingPixels(series.slices.map((s) => s.instance)) },
    paddingValue: ctPadding(first),
  };
}

/**
 * A CT's padding value in HU: PixelPaddingValue through its frame's rescale,
 * kept as the scanner stored it (not turned into −1024), so exports write
 * what the scanner wrote; it shows as air in any CT window.
 */
export function ctPadding(instance: DicomInstance, frameIndex = 0): number | undefined {
  const p = instance.pixelPaddingValue;
  const g = instance.frames[frameIndex];
  if (instance.modality !== 'CT' || p === undefined || !g) return undefined;
  return Math.min(INT16_MAX, Math.max(INT16_MIN, Math.round(p * g.rescaleSlope + g.rescaleIntercept)));
}

/** The patient, study and series attributes of an instance (empty strings where absent), for exports. */
export function seriesHeaderOf(instance: DicomInstance): SeriesHeader {
  return {
    patientName: instance.patientName,
    patientID: instance.patientID,
    patientBirthDate: instance.patientBirthDate ?? '',
    patientSex: instance.patientSex ?? '',
    studyInstanceUID: instance.studyInstanceUID,
    studyDate: instance.studyDate,
    studyTime: instance.studyTime ?? '',
    referringPhysicianName: instance.referringPhysicianName ?? '',
    studyID: instance.studyID ?? '',
    accessionNumber: instance.accessionNumber ?? '',
    studyDescription: instance.studyDescription,
    seriesInstanceUID: instance.seriesInstanceUID,
    sopClassUID: instance.sopClassUID,
    frameOfReferenceUID: instance.frameOfReferenceUID,
    sliceThickness: instance.frames[0]?.sliceThickness,
  };
}

/** The header's flags for pixels that may identify the patient, set when any image of the series says YES (a scout or one slice may carry text). */
function identifyingPixels(instances: readonly DicomInstance[]): Pick<SeriesHeader, 'burnedInAnnotation' | 'recognizableVisualFeatures'> {
  return {
    ...(instances.some((i) => i.burnedInAnnotation) ? { burnedInAnnotation: true } : {}),
    ...(instances.some((i) => i.recognizableVisualFeatures) ? { recognizableVisualFeatures: true } : {}),
  };
}

/** SOP Instance UID of a single-frame image; `uid#frame` for a frame of a multi-frame one. */
function frameUid(instance: DicomInstance, frameIndex: number): string {
  return instance.numberOfFrames > 1 ? `${instance.sopInstanceUID}#${frameIndex + 1}` : instance.sopInstanceUID;
}

/** Slice k's values (no copy). */
export function sliceView(volume: Volume, k: number): Int16Array {
  return volume.sliceData[k]!;
}

/** Value at (column, row) of slice k. */
export function voxelAt(volume: Volume, k: number, column: number, row: number): number {
  return volume.sliceData[k]![row * volume.columns + column]!;
}

export interface ModalityLut {
  slope: number;
  intercept: number;
  /** Stored value marking padding outside the scanned field, mapped to `paddingTo`. */
  padding: number | undefined;
  paddingTo: number;
}

/**
 * Writes stored values into slice k as real-world values. Returns how many
 * values had to be clamped into the Int16 range (0 for sane CT).
 */
export function writeSlice(volume: Volume, k: number, stored: StoredPixels, lut: ModalityLut): number {
  const frame = realWorldValues(stored, lut, volume.rows * volume.columns);
  placeSlice(volume, k, frame);
  return frame.clamped;
}

/** Makes a frame already in real-world values slice k: its memory becomes the slice. */
export function placeSlice(volume: Volume, k: number, frame: RealWorldFrame): void {
  volume.sliceData[k] = frame.values;
  if (frame.min < volume.range.min) volume.range.min = frame.min;
  if (frame.max > volume.range.max) volume.range.max = frame.max;
  volume.loaded[k] = 1;
}

/**
 * The first `n` stored values as real-world values. 16-bit values are replaced
 * in their own memory (each is read before it is written, so Uint16 → Int16 in
 * place is safe); other widths get a new array.
 */
export function realWorldValues(stored: StoredPixels, lut: ModalityLut, n: number): RealWorldFrame {
  const inPlace = (stored instanceof Int16Array || stored instanceof Uint16Array) && stored.length >= n;
  const values = inPlace ? new Int16Array(stored.buffer, stored.byteOffset, n) : new Int16Array(n);
  return { values, ...toRealWorld(stored, lut, values) };
}

/** What converting a frame saw: the range of the values written, and how many were clamped. */
export interface Conversion {
  min: number;
  max: number;
  clamped: number;
}

/**
 * Applies the modality LUT, writing rounded real-world values into `out`, which
 * may share memory with `stored` element for element. The range is found in
 * the same pass: a second pass over a slice that has left the cache costs as
 * much as the conversion.
 */
export function toRealWorld(stored: StoredPixels, lut: ModalityLut, out: Int16Array): Conversion {
  if (stored.length < out.length) throw new RangeError(`${stored.length} values for ${out.length} pixels`);
  const { slope, intercept, padding } = lut;
  if (slope === 1 && Number.isInteger(intercept) && padding === undefined) {
    // Signed 16-bit is how most CT is stored: its own loop keeps the element type monomorphic (~2.5× faster).
    return stored instanceof Int16Array ? addInt16(stored, intercept, out) : addAny(stored, intercept, out);
  }
  return rescale(stored, lut, out);
}

function addInt16(stored: Int16Array, intercept: number, out: Int16Array): Conversion {
  let clamped = 0;
  let min = Infinity;
  let max = -Infinity;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let v = stored[i]! + intercept;
    if (v < INT16_MIN) {
      v = INT16_MIN;
      clamped++;
    } else if (v > INT16_MAX) {
      v = INT16_MAX;
      clamped++;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    out[i] = v;
  }
  return { min, max, clamped };
}

function addAny(stored: StoredPixels, intercept: number, out: Int16Array): Conversion {
  let clamped = 0;
  let min = Infinity;
  let max = -Infinity;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let v = stored[i]! + intercept;
    if (v < INT16_MIN) {
      v = INT16_MIN;
      clamped++;
    } else if (v > INT16_MAX) {
      v = INT16_MAX;
      clamped++;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    out[i] = v;
  }
  return { min, max, clamped };
}

function rescale(stored: StoredPixels, lut: ModalityLut, out: Int16Array): Conversion {
  const { slope, intercept, padding, paddingTo } = lut;
  let clamped = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) {
    const s = stored[i]!;
    let v = s === padding ? paddingTo : Math.round(s * slope + intercept);
    if (v < INT16_MIN) { v = INT16_MIN; clamped++; } else if (v > INT16_MAX) { v = INT16_MAX; clamped++; }
    if (v < min) min = v;
    if (v > max) max = v;
    out[i] = v;
  }
  return { min, max, clamped };
}
