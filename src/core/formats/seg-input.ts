/**
 * What the SEG writer takes: a plain description of the source series, the
 * segments and their masks, which the annotator builds from its volume,
 * labelmap and labels. `validate` refuses input that cannot make a valid
 * SEG with `seg-export-invalid`, naming the field.
 */
import { isSegmentCode, type CodedConcept, type SegmentCode } from '../annotation/codes.js';
import type { Rgb } from '../annotation/labels.js';
import type { DicomInstance, SeriesHeader, Vec3 } from '../dicom/types.js';
import { seriesHeaderOf } from '../dicom/volume.js';
import { SegmarkError } from '../errors.js';

/** Patient, study and series attributes of the source series, copied into (or referenced by) the SEG. */
export type SegSource = SeriesHeader;

/** One source slice, in the order the masks are indexed. */
export interface SegSlice {
  sopInstanceUID: string;
  /** ImagePositionPatient of the slice: centre of its first pixel, LPS mm. */
  position: Vec3;
  /** 1-based frame number when the slice is a frame of a multi-frame image. */
  frameNumber?: number;
}

/** The grid every slice shares. */
export interface SegGeometry {
  rows: number;
  columns: number;
  rowCosine: Vec3;
  columnCosine: Vec3;
  /** [between rows, between columns], mm, as DICOM PixelSpacing. */
  pixelSpacing: readonly [number, number];
  sliceThickness: number;
  spacingBetweenSlices: number;
}

/** MANUAL, or where interpolation, an assisted tool or a model contributed, the algorithm's name (SegmentAlgorithmName). */
export type SegAlgorithm = { readonly type: 'MANUAL' } | { readonly type: 'SEMIAUTOMATIC' | 'AUTOMATIC'; readonly name: string };

export interface SegSegment {
  label: string;
  code: SegmentCode;
  /** sRGB 0..255; written as RecommendedDisplayCIELabValue. */
  color: Rgb;
  algorithm: SegAlgorithm;
  /**
   * A mask pixel belongs to the segment where it equals this value, so a
   * labelmap slice can be passed as is; without it, where it is not 0.
   */
  maskValue?: number;
}

/**
 * For segment index s (0-based, in `segments` order) and slice k, a
 * Uint8Array of rows·cols (index r·cols + c), or undefined for an empty one.
 */
export type SegMasks =
  | readonly (readonly (Uint8Array | undefined)[])[]
  | ((segment: number, slice: number) => Uint8Array | undefined);

/** What describes the SEG itself; everything has a default. */
export interface SegContent {
  /** ContentLabel: made a valid code string (A–Z, 0–9, _; 16 characters at most). */
  label?: string;
  description?: string;
  /** The annotator's name (ContentCreatorName, PN). */
  creatorName?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /**
   * DeviceSerialNumber, Type 1 in Enhanced General Equipment. A page in a
   * browser has no serial number to give; a host that identifies its
   * installations can pass one. Default 'Segmark'.
   */
  deviceSerialNumber?: string;
}

/** What a de-identified SEG declares (PS3.15 E.1.1); `deidentifySegInput` sets it. */
export interface SegDeidentification {
  /** De-identification Method (0012,0063): a short label, 64 characters at most. */
  method: string;
  /** De-identification Method Code Sequence (0012,0064): the profile, then its options (CID 7050). */
  methodCodes: readonly CodedConcept[];
  /**
   * Longitudinal Temporal Information Modified (0028,0303). With 'REMOVED'
   * the optional (Type 3) instance creation and series dates are left out;
   * the content date, Type 1 in a SEG, is `now`, which the de-identifier
   * sets to a dummy.
   */
  temporalInformation: 'REMOVED' | 'MODIFIED' | 'UNMODIFIED';
}

export interface SegWriteInput {
  source: SegSource;
  slices: readonly SegSlice[];
  geometry: SegGeometry;
  segments: readonly SegSegment[];
  masks: SegMasks;
  content?: SegContent;
  /** New UIDs (series, instance, dimension organization); `newUid` by default. */
  uid?: () => string;
  /** Content, series and instance creation date and time; now by default. */
  now?: Date;
  /** Marks the SEG de-identified; absent for an identified one. */
  deidentification?: SegDeidentification;
}

/** The SegSource fields of a parsed source instance (any slice of the series). */
export const segSourceOf: (instance: DicomInstance) => SegSource = seriesHeaderOf;

/** Throws `seg-export-invalid` for `field`. */
export function invalid(field: string, detail: string): never {
  throw new SegmarkError('seg-export-invalid', `${field}: ${detail}`, { params: { field } });
}

/** Checks what the writer cannot check as it goes (masks are checked as they are read). */
export function validate(input: SegWriteInput): void {
  const { source, slices, geometry, segments } = input;
  for (const field of ['studyInstanceUID', 'seriesInstanceUID', 'sopClassUID', 'frameOfReferenceUID'] as const) {
    if (!source[field]) invalid(`source.${field}`, 'is empty');
  }
  const { rows, columns } = geometry;
  if (!isSize(rows)) invalid('geometry.rows', `${rows} is not 1..65535`);
  if (!isSize(columns)) invalid('geometry.columns', `${columns} is not 1..65535`);
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  if (!geometry.pixelSpacing.every(positive)) invalid('geometry.pixelSpacing', 'must be positive');
  if (!positive(geometry.sliceThickness)) invalid('geometry.sliceThickness', 'must be positive');
  if (!positive(geometry.spacingBetweenSlices)) invalid('geometry.spacingBetweenSlices', 'must be positive');
  if (![...geometry.rowCosine, ...geometry.columnCosine].every(Number.isFinite)) invalid('geometry.rowCosine', 'must be finite');
  if (slices.length === 0) invalid('slices', 'no slices');
  slices.forEach((s, k) => {
    if (!s.sopInstanceUID) invalid(`slices[${k}].sopInstanceUID`, 'is empty');
    if (s.position.length !== 3 || !s.position.every(Number.isFinite)) invalid(`slices[${k}].position`, 'must be three finite numbers');
  });
  // Segment numbers are US.
  if (segments.length === 0 || segments.length > 0xffff) invalid('segments', `${segments.length} segments`);
  segments.forEach((s, i) => {
    if (!s.label.trim()) invalid(`segments[${i}].label`, 'is empty');
    if (!isSegmentCode(s.code)) invalid(`segments[${i}].code`, 'needs a complete category and type');
    if (!s.color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) invalid(`segments[${i}].color`, 'must be three integers 0..255');
    const { algorithm } = s;
    if (algorithm.type !== 'MANUAL' && !algorithm.name.trim()) invalid(`segments[${i}].algorithm.name`, `is required for ${algorithm.type}`);
  });
}

function isSize(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 0xffff;
}
