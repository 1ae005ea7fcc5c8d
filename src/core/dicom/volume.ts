/**
 * A loaded series as one block of voxels in real-world units (HU for CT).
 *
 * Voxels are an Int16Array indexed `k·rows·cols + r·cols + c` (k in sorted slice
 * order), the same order as the labelmap. Each slice's image is a view into it,
 * so the viewer and exports never copy. Values are stored·slope + intercept,
 * rounded to the nearest integer: exact for the integer rescale of lossless CT,
 * within half a unit for re-quantised lossy files.
 */
import type { PlaneGeometry } from './geometry.js';
import type { SeriesCandidate } from './series.js';
import type { DicomInstance, StoredPixels, Vec3 } from './types.js';

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
  sopInstanceUIDs: readonly string[];
  /** Source file of each slice, for messages. */
  fileNames: readonly string[];
  voxels: Int16Array;
  /** 1 where the slice has been decoded. */
  loaded: Uint8Array;
  /** Window stored in the first image, if any. */
  defaultWindow: { center: number; width: number } | undefined;
  /** MONOCHROME1: low values are shown bright. */
  invert: boolean;
  /** Lowest and highest voxel value seen so far. */
  range: { min: number; max: number };
}

export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

export function allocateVolume(series: SeriesCandidate): Volume {
  const { rows, columns } = series;
  const n = series.slices.length;
  const first: DicomInstance = series.slices[0]!.instance;
  const w = first;
  return {
    studyInstanceUID: series.studyInstanceUID,
    seriesInstanceUID: series.seriesInstanceUID,
    description: series.description,
    modality: series.modality,
    columns,
    rows,
    slices: n,
    spacing: [series.pixelSpacing[1], series.pixelSpacing[0], series.sliceSpacing],
    rowCosine: series.rowCosine,
    columnCosine: series.columnCosine,
    normal: series.normal,
    planes: series.slices.map((s) => s.plane),
    sopInstanceUIDs: series.slices.map((s) => frameUid(s.instance, s.frameIndex)),
    fileNames: series.slices.map((s) => s.instance.fileName),
    voxels: new Int16Array(rows * columns * n),
    loaded: new Uint8Array(n),
    defaultWindow:
      w.windowCenter !== undefined && w.windowWidth !== undefined && w.windowWidth > 0
        ? { center: w.windowCenter, width: w.windowWidth }
        : undefined,
    invert: first.pixel.photometricInterpretation === 'MONOCHROME1',
    range: { min: Infinity, max: -Infinity },
  };
}

/** SOP Instance UID of a single-frame image; `uid#frame` for a frame of a multi-frame one. */
function frameUid(instance: DicomInstance, frameIndex: number): string {
  return instance.numberOfFrames > 1 ? `${instance.sopInstanceUID}#${frameIndex + 1}` : instance.sopInstanceUID;
}

/** A view of slice k's voxels (no copy). */
export function sliceView(volume: Volume, k: number): Int16Array {
  const n = volume.rows * volume.columns;
  return volume.voxels.subarray(k * n, (k + 1) * n);
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
  const out = sliceView(volume, k);
  if (stored.length < out.length) throw new RangeError(`slice ${k}: ${stored.length} values for ${out.length} pixels`);
  const { slope, intercept, padding, paddingTo } = lut;
  let min = volume.range.min;
  let max = volume.range.max;
  let clamped = 0;
  const n = out.length;
  const integral = slope === 1 && Number.isInteger(intercept);
  // Two loops rather than one with a branch inside: the integral case is the CT norm and must be fast.
  if (integral && padding === undefined) {
    for (let i = 0; i < n; i++) {
      let v = stored[i]! + intercept;
      if (v < INT16_MIN) { v = INT16_MIN; clamped++; } else if (v > INT16_MAX) { v = INT16_MAX; clamped++; }
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const s = stored[i]!;
      let v = s === padding ? paddingTo : Math.round(s * slope + intercept);
      if (v < INT16_MIN) { v = INT16_MIN; clamped++; } else if (v > INT16_MAX) { v = INT16_MAX; clamped++; }
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  volume.range.min = min;
  volume.range.max = max;
  volume.loaded[k] = 1;
  return clamped;
}
