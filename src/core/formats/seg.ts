/**
 * DICOM Segmentation export: one binary Segmentation Storage object
 * (1.2.840.10008.5.1.4.1.1.66.4; PS3.3 A.51, C.8.20) as a Part 10 file in
 * Explicit VR Little Endian, and (re-exported from `seg-read.ts`) its reader.
 *
 * The caller decides which labels are exported; each becomes one segment,
 * numbered 1..n in the given order, and an empty one is still declared. Only
 * frames with at least one pixel are written, segment by segment, each in
 * source slice order; they reference their source image (Derivation Image),
 * its position (Plane Position) and their segment, and are indexed by
 * (segment number, slice) in the Dimension Index.
 *
 * Why our own Part 10 encoder (`seg-part10.ts`) and not dcmjs: dcmjs is a dev
 * dependency, used by the sample generator only. At run time it would put
 * about 1.4 MB (with lodash, pako, gl-matrix, ndarray and adm-zip) into the
 * page and the export worker, to do what one object in one transfer syntax
 * needs: some 150 lines of Explicit VR Little Endian. Owning those lines also
 * puts element order, padding and lengths under our tests, which check the
 * result with dciodvfy, pydicom and dcmdump.
 */
import { version as packageVersion } from '../../../package.json';
import type { CodedConcept } from '../annotation/codes.js';
import { maskSpan, packFrame } from './seg-bits.js';
import { rgbToDicomLab } from './seg-color.js';
import { invalid, validate, type SegDeidentification, type SegSegment, type SegSlice, type SegSource, type SegWriteInput } from './seg-input.js';
import {
  at,
  encodePart10,
  EXPLICIT_VR_LITTLE_ENDIAN,
  ob,
  SEGMENTATION_STORAGE,
  sq,
  text,
  ul,
  us,
  type DicomElement,
} from './seg-part10.js';
import { T } from './seg-tags.js';

export { readSeg, type SegFile, type SegFileFrame, type SegFileSegment } from './seg-read.js';
export { dicomLabToRgb, rgbToDicomLab } from './seg-color.js';
export {
  segSourceOf,
  type SegAlgorithm,
  type SegContent,
  type SegDeidentification,
  type SegGeometry,
  type SegMasks,
  type SegSegment,
  type SegSlice,
  type SegSource,
  type SegWriteInput,
} from './seg-input.js';

const SEGMARK_VERSION: string = packageVersion;
/** Segmark's Implementation Class UID, the one its sample series carries too. */
const IMPLEMENTATION_CLASS_UID = '2.25.87973521188202809356801082035925302127';

/** PS3.16 DCM concepts of the Derivation Image Macro, as dcmqi and highdicom write them too. */
const SOURCE_IMAGE: CodedConcept = { codeValue: '121322', codingSchemeDesignator: 'DCM', codeMeaning: 'Source image for image processing operation' };
const SEGMENTATION_DERIVATION: CodedConcept = { codeValue: '113076', codingSchemeDesignator: 'DCM', codeMeaning: 'Segmentation' };

/** The de-identification attributes (PS3.6), which only a de-identified SEG carries. */
const DEIDENTIFICATION_TAGS = {
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  LongitudinalTemporalInformationModified: 0x00280303,
} as const;

/**
 * A new UID, `2.25.` and the decimal value of a random (version 4) UUID, as
 * PS3.5 §B.2 allows. Uses getRandomValues, which browsers offer outside
 * secure contexts too, unlike randomUUID.
 */
export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return `2.25.${value.toString(10)}`;
}

/**
 * The SEG of `input` as Part 10 bytes. Throws `seg-export-invalid` naming the
 * first inconsistent field. When no segment has a pixel anywhere, one empty
 * frame (first segment, first slice) is written, since a SEG needs a frame.
 */
export function writeSeg(input: SegWriteInput): Uint8Array {
  validate(input);
  const { source, slices, geometry, segments } = input;
  const uid = input.uid ?? newUid;
  const now = input.now ?? new Date();
  const content = input.content ?? {};
  const frames = packFrames(input);
  const deidentification = input.deidentification;
  // PS3.15 Table E.1-1: X/D for instance creation and series dates, which are Type 3 here.
  const keepOptionalDates = deidentification?.temporalInformation !== 'REMOVED';
  const seriesDescription = longString(content.seriesDescription ?? 'Segmentation');

  const seriesUID = uid();
  const sopInstanceUID = uid();
  const dimensionUID = uid();
  const date = dicomDate(now);
  const time = dicomTime(now);

  const meta = [
    ob(T.FileMetaInformationVersion, new Uint8Array([0, 1])),
    text(T.MediaStorageSOPClassUID, 'UI', SEGMENTATION_STORAGE),
    text(T.MediaStorageSOPInstanceUID, 'UI', sopInstanceUID),
    text(T.TransferSyntaxUID, 'UI', EXPLICIT_VR_LITTLE_ENDIAN),
    text(T.ImplementationClassUID, 'UI', IMPLEMENTATION_CLASS_UID),
    text(T.ImplementationVersionName, 'SH', `SEGMARK_${SEGMARK_VERSION}`.slice(0, 16)),
  ];

  const dataset: DicomElement[] = [
    // SOP Common
    text(T.SpecificCharacterSet, 'CS', 'ISO_IR 192'),
    text(T.SOPClassUID, 'UI', SEGMENTATION_STORAGE),
    text(T.SOPInstanceUID, 'UI', sopInstanceUID),
    ...(keepOptionalDates ? [text(T.InstanceCreationDate, 'DA', date), text(T.InstanceCreationTime, 'TM', time)] : []),
    // Patient, General Study: copied from the source
    text(T.PatientName, 'PN', source.patientName),
    text(T.PatientID, 'LO', source.patientID),
    text(T.PatientBirthDate, 'DA', source.patientBirthDate),
    text(T.PatientSex, 'CS', source.patientSex),
    text(T.StudyInstanceUID, 'UI', source.studyInstanceUID),
    text(T.StudyDate, 'DA', source.studyDate),
    text(T.StudyTime, 'TM', source.studyTime),
    text(T.ReferringPhysicianName, 'PN', source.referringPhysicianName),
    text(T.StudyID, 'SH', source.studyID),
    text(T.AccessionNumber, 'SH', source.accessionNumber),
    ...(source.studyDescription ? [text(T.StudyDescription, 'LO', source.studyDescription)] : []),
    ...(deidentification ? deidentificationElements(deidentification) : []),
    // General Series, Segmentation Series
    text(T.Modality, 'CS', 'SEG'),
    text(T.SeriesInstanceUID, 'UI', seriesUID),
    text(T.SeriesNumber, 'IS', String(content.seriesNumber ?? 1)),
    ...(keepOptionalDates ? [text(T.SeriesDate, 'DA', date), text(T.SeriesTime, 'TM', time)] : []),
    ...(seriesDescription ? [text(T.SeriesDescription, 'LO', seriesDescription)] : []),
    // Frame of Reference
    text(T.FrameOfReferenceUID, 'UI', source.frameOfReferenceUID),
    text(T.PositionReferenceIndicator, 'LO'),
    // General Equipment, Enhanced General Equipment
    text(T.Manufacturer, 'LO', 'Segmark'),
    text(T.ManufacturerModelName, 'LO', 'Segmark'),
    text(T.DeviceSerialNumber, 'LO', longString(content.deviceSerialNumber ?? '') || 'Segmark'),
    text(T.SoftwareVersions, 'LO', SEGMARK_VERSION),
    // General Image, Segmentation Image
    text(T.ImageType, 'CS', 'DERIVED', 'PRIMARY'),
    text(T.InstanceNumber, 'IS', String(content.instanceNumber ?? 1)),
    text(T.ContentDate, 'DA', date),
    text(T.ContentTime, 'TM', time),
    text(T.ContentLabel, 'CS', contentLabel(content.label)),
    text(T.ContentDescription, 'LO', longString(content.description ?? '')),
    text(T.ContentCreatorName, 'PN', personName(content.creatorName ?? '')),
    text(T.SegmentationType, 'CS', 'BINARY'),
    text(T.SegmentsOverlap, 'CS', frames.overlap ? 'YES' : 'NO'),
    sq(T.SegmentSequence, ...segments.map((s, i) => segmentItem(s, i + 1))),
    // Image Pixel
    us(T.SamplesPerPixel, 1),
    text(T.PhotometricInterpretation, 'CS', 'MONOCHROME2'),
    us(T.Rows, geometry.rows),
    us(T.Columns, geometry.columns),
    us(T.BitsAllocated, 1),
    us(T.BitsStored, 1),
    us(T.HighBit, 0),
    us(T.PixelRepresentation, 0),
    text(T.LossyImageCompression, 'CS', '00'),
    // Multi-frame Functional Groups, Multi-frame Dimension
    text(T.NumberOfFrames, 'IS', String(frames.list.length)),
    sq(T.DimensionOrganizationSequence, [text(T.DimensionOrganizationUID, 'UI', dimensionUID)]),
    sq(
      T.DimensionIndexSequence,
      dimension(dimensionUID, T.ReferencedSegmentNumber, T.SegmentIdentificationSequence, 'Segment Number'),
      dimension(dimensionUID, T.ImagePositionPatient, T.PlanePositionSequence, 'Image Position Patient'),
    ),
    sq(T.SharedFunctionalGroupsSequence, [
      sq(T.PlaneOrientationSequence, [text(T.ImageOrientationPatient, 'DS', ...[...geometry.rowCosine, ...geometry.columnCosine].map(decimalString))]),
      sq(T.PixelMeasuresSequence, [
        text(T.PixelSpacing, 'DS', ...geometry.pixelSpacing.map(decimalString)),
        text(T.SliceThickness, 'DS', decimalString(geometry.sliceThickness)),
        text(T.SpacingBetweenSlices, 'DS', decimalString(geometry.spacingBetweenSlices)),
      ]),
    ]),
    sq(T.PerFrameFunctionalGroupsSequence, ...frames.list.map((f) => frameItem(source, slices[f.slice]!, f.slice, f.segment + 1))),
    // Common Instance Reference
    sq(T.ReferencedSeriesSequence, [
      text(T.SeriesInstanceUID, 'UI', source.seriesInstanceUID),
      sq(T.ReferencedInstanceSequence, ...referencedInstances(source, slices)),
    ]),
    ob(T.PixelData, frames.packed),
  ];
  return encodePart10(meta, dataset);
}

// ---------------------------------------------------------------------------
// Frames

interface PackedFrames {
  /** Written frames in order: segment index (0-based) and slice index. */
  list: { segment: number; slice: number }[];
  /** Their pixels, bit-packed back to back. */
  packed: Uint8Array;
  /** Whether some pixel of some slice belongs to two segments. */
  overlap: boolean;
}

/** Packs every non-empty (segment, slice) mask, segment by segment, into one growing bit buffer. */
function packFrames(input: SegWriteInput): PackedFrames {
  const { rows, columns } = input.geometry;
  const pixels = rows * columns;
  const sliceCount = input.slices.length;
  const masks = input.masks;
  const maskOf = typeof masks === 'function' ? masks : (s: number, k: number) => masks[s]?.[k];
  const list: { segment: number; slice: number }[] = [];
  let packed = new Uint8Array(Math.ceil(pixels / 8) + 1);
  // One bit per voxel: which pixels an earlier segment already took, to fill SegmentsOverlap.
  const taken = new Uint8Array(Math.ceil((pixels * sliceCount) / 8));
  let overlap = false;

  input.segments.forEach((segment, s) => {
    for (let k = 0; k < sliceCount; k++) {
      const mask = maskOf(s, k);
      if (!mask) continue;
      if (mask.length !== pixels) invalid(`masks[${s}][${k}]`, `${mask.length} values for ${columns}×${rows} pixels`);
      const bitOffset = list.length * pixels;
      const needed = Math.ceil((bitOffset + pixels) / 8);
      if (needed > packed.length) {
        const grown = new Uint8Array(Math.max(needed, packed.length * 2));
        grown.set(packed);
        packed = grown;
      }
      if (packFrame(mask, segment.maskValue, packed, bitOffset) === 0) continue;
      list.push({ segment: s, slice: k });
      if (markTaken(mask, segment.maskValue, taken, k * pixels)) overlap = true;
    }
  });
  if (list.length === 0) list.push({ segment: 0, slice: 0 });
  return { list, packed: packed.subarray(0, Math.ceil((list.length * pixels) / 8)), overlap };
}

/** Sets the bits of the segment's pixels in `taken` from `offset`; true when one was set already. */
function markTaken(mask: Uint8Array, value: number | undefined, taken: Uint8Array, offset: number): boolean {
  let clash = false;
  const any = value === undefined;
  const [from, to] = maskSpan(mask, value);
  for (let i = from; i < to; i++) {
    const v = mask[i]!;
    if (any ? v === 0 : v !== value) continue;
    const bit = offset + i;
    const byte = bit >>> 3;
    const flag = 1 << (bit & 7);
    if (taken[byte]! & flag) clash = true;
    taken[byte]! |= flag;
  }
  return clash;
}

// ---------------------------------------------------------------------------
// Items

function codeItem(code: CodedConcept): DicomElement[] {
  // CodeValue is SH (16 characters); longer values go to LongCodeValue (PS3.3 8.8).
  const value = code.codeValue.length > 16 ? text(T.LongCodeValue, 'UC', code.codeValue) : text(T.CodeValue, 'SH', code.codeValue);
  return [value, text(T.CodingSchemeDesignator, 'SH', code.codingSchemeDesignator), text(T.CodeMeaning, 'LO', longString(code.codeMeaning))];
}

function segmentItem(segment: SegSegment, number: number): DicomElement[] {
  const { code, algorithm } = segment;
  const typeItem = [...codeItem(code.type)];
  if (code.typeModifier) typeItem.push(sq(T.SegmentedPropertyTypeModifierCodeSequence, codeItem(code.typeModifier)));
  const item = [
    us(T.SegmentNumber, number),
    text(T.SegmentLabel, 'LO', longString(segment.label)),
    text(T.SegmentAlgorithmType, 'CS', algorithm.type),
    sq(T.SegmentedPropertyCategoryCodeSequence, codeItem(code.category)),
    sq(T.SegmentedPropertyTypeCodeSequence, typeItem),
    us(T.RecommendedDisplayCIELabValue, ...rgbToDicomLab(segment.color)),
  ];
  if (algorithm.type !== 'MANUAL') item.push(text(T.SegmentAlgorithmName, 'LO', longString(algorithm.name)));
  if (code.anatomicRegion) {
    const region = [...codeItem(code.anatomicRegion)];
    if (code.anatomicRegionModifier) region.push(sq(T.AnatomicRegionModifierSequence, codeItem(code.anatomicRegionModifier)));
    item.push(sq(T.AnatomicRegionSequence, region));
  }
  return item;
}

function frameItem(source: SegSource, slice: SegSlice, k: number, segmentNumber: number): DicomElement[] {
  const reference = [
    text(T.ReferencedSOPClassUID, 'UI', source.sopClassUID),
    text(T.ReferencedSOPInstanceUID, 'UI', slice.sopInstanceUID),
    text(T.SpatialLocationsPreserved, 'CS', 'YES'),
    sq(T.PurposeOfReferenceCodeSequence, codeItem(SOURCE_IMAGE)),
  ];
  if (slice.frameNumber !== undefined) reference.push(text(T.ReferencedFrameNumber, 'IS', String(slice.frameNumber)));
  return [
    sq(T.DerivationImageSequence, [sq(T.SourceImageSequence, reference), sq(T.DerivationCodeSequence, codeItem(SEGMENTATION_DERIVATION))]),
    // Dimension index values are 1-based: segment number, then slice.
    sq(T.FrameContentSequence, [ul(T.DimensionIndexValues, segmentNumber, k + 1)]),
    sq(T.PlanePositionSequence, [text(T.ImagePositionPatient, 'DS', ...slice.position.map(decimalString))]),
    sq(T.SegmentIdentificationSequence, [us(T.ReferencedSegmentNumber, segmentNumber)]),
  ];
}

/** Patient Identity Removed, the method as text and codes, and what became of dates (PS3.15 E.1.1, PS3.3 C.7.1.1 and C.12.1). */
function deidentificationElements(d: SegDeidentification): DicomElement[] {
  return [
    text(DEIDENTIFICATION_TAGS.PatientIdentityRemoved, 'CS', 'YES'),
    text(DEIDENTIFICATION_TAGS.DeidentificationMethod, 'LO', longString(d.method)),
    sq(DEIDENTIFICATION_TAGS.DeidentificationMethodCodeSequence, ...d.methodCodes.map(codeItem)),
    text(DEIDENTIFICATION_TAGS.LongitudinalTemporalInformationModified, 'CS', d.temporalInformation),
  ];
}

function dimension(organizationUID: string, pointer: number, group: number, label: string): DicomElement[] {
  return [
    text(T.DimensionOrganizationUID, 'UI', organizationUID),
    at(T.DimensionIndexPointer, pointer),
    at(T.FunctionalGroupPointer, group),
    text(T.DimensionDescriptionLabel, 'LO', label),
  ];
}

/** Each source instance once (a multi-frame source is one instance however many of its frames are slices). */
function referencedInstances(source: SegSource, slices: readonly SegSlice[]): DicomElement[][] {
  const uids = [...new Set(slices.map((s) => s.sopInstanceUID))];
  return uids.map((u) => [text(T.ReferencedSOPClassUID, 'UI', source.sopClassUID), text(T.ReferencedSOPInstanceUID, 'UI', u)]);
}

// ---------------------------------------------------------------------------
// Values

/**
 * A number as DICOM DS (16 characters at most): exact where it fits, so a
 * position read from a source file is written back unchanged; otherwise with
 * as many significant digits as fit.
 */
export function decimalString(value: number): string {
  let s = String(value);
  for (let digits = 15; s.length > 16; digits--) {
    // toPrecision keeps trailing zeros, and String() spells out large integers: take the shorter.
    const rounded = value.toPrecision(digits);
    const plain = String(Number(rounded));
    s = plain.length < rounded.length ? plain : rounded;
  }
  return s;
}

/** LO: no backslash (the value separator) or control characters, 64 characters at most. */
function longString(value: string): string {
  return Array.from(value.replace(/\\/g, '/').replace(/[\u0000-\u001f]/g, ' ').trim()).slice(0, 64).join('');
}

/** PN: a single value (no backslash), 64 characters at most. */
function personName(value: string): string {
  return Array.from(value.replace(/\\/g, ' ').replace(/[\u0000-\u001f]/g, ' ').trim()).slice(0, 64).join('');
}

/** ContentLabel is CS: upper-case letters, digits, space and underscore, 16 characters at most. */
function contentLabel(value: string | undefined): string {
  const cleaned = (value ?? '').toUpperCase().replace(/[^A-Z0-9 _]/g, '_').trim().slice(0, 16);
  return cleaned || 'SEGMENTATION';
}

function dicomDate(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
}

function dicomTime(d: Date): string {
  return `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
