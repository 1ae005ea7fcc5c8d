/**
 * Reads a DICOM Segmentation (ours or another tool's: dcmqi, highdicom,
 * dcmjs/OHIF) into its segments and frames, each frame unpacked to a 0/1 mask.
 *
 * `parseInstance` checks the file first (not DICOM, truncated, short pixel
 * data, encodings), so those failures carry the same codes as for images;
 * dicom-parser then gives the data set with its sequences. BINARY and
 * FRACTIONAL segmentations are read; a FRACTIONAL pixel is in the segment when
 * its value is at least half of MaximumFractionalValue. Functional groups are
 * looked up per frame first, then in the shared groups, where writers put
 * what all frames have in common (one segment, one position). What the SEG
 * IOD requires and this reader needs is checked: a missing or inconsistent
 * attribute is a `seg-invalid` error that names it.
 */
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import type { CodedConcept, SegmentCode } from '../annotation/codes.js';
import { MAX_LABEL_ID, type Rgb } from '../annotation/labels.js';
import { CharacterSet } from '../dicom/charset.js';
import { parseInstance } from '../dicom/parse.js';
import type { DicomInstance, Vec3 } from '../dicom/types.js';
import { SegmarkError } from '../errors.js';
import { unpackFrame } from './seg-bits.js';
import { dicomLabToRgb } from './seg-color.js';
import { SEGMENTATION_STORAGE } from './seg-part10.js';
import { key, type Keyword } from './seg-tags.js';

export type SegAlgorithmType = 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';

export interface SegFileSegment {
  number: number;
  label: string;
  code: SegmentCode;
  algorithmType: SegAlgorithmType;
  algorithmName: string | undefined;
  /** RecommendedDisplayCIELabValue as stored (16-bit scaled), if any. */
  cielab: readonly [number, number, number] | undefined;
  /** The same colour in sRGB. */
  color: Rgb | undefined;
}

export interface SegFileFrame {
  segmentNumber: number;
  /** Source images the frame derives from (Derivation Image Sequence); empty when the file names none. */
  sopInstanceUIDs: readonly string[];
  /** ImagePositionPatient of the frame, if given. */
  position: Vec3 | undefined;
  /** rows·cols values 0/1, index r·cols + c. */
  mask: Uint8Array;
}

export interface SegFile {
  sopInstanceUID: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  segmentationType: 'BINARY' | 'FRACTIONAL';
  /** SegmentsOverlap; UNDEFINED when the file does not say. */
  segmentsOverlap: 'YES' | 'NO' | 'UNDEFINED';
  rows: number;
  columns: number;
  contentLabel: string;
  contentCreatorName: string;
  segments: SegFileSegment[];
  frames: SegFileFrame[];
  /** ReferencedSeriesSequence: the source series and their instances. */
  referencedSeries: { seriesInstanceUID: string; sopInstanceUIDs: string[] }[];
}

const LABELMAP_SEGMENTATION = '1.2.840.10008.5.1.4.1.1.66.7';
const ALGORITHM_TYPES: readonly string[] = ['MANUAL', 'SEMIAUTOMATIC', 'AUTOMATIC'];

export function readSeg(bytes: Uint8Array, fileName = 'segmentation.dcm'): SegFile {
  const instance = checkedInstance(bytes, fileName);
  const invalid = (attribute: string, detail: string): never => {
    throw new SegmarkError('seg-invalid', `${attribute}: ${detail}`, { file: fileName, params: { attribute } });
  };
  const unsupported = (attribute: string, detail: string): never => {
    throw new SegmarkError('seg-unsupported', `${attribute}: ${detail}`, { file: fileName, params: { attribute } });
  };
  if (instance.sopClassUID === LABELMAP_SEGMENTATION) unsupported('SOPClassUID', 'a label map segmentation');
  if (instance.sopClassUID !== SEGMENTATION_STORAGE) {
    throw new SegmarkError('not-a-seg', `SOP class ${instance.sopClassUID || 'unknown'}`, { file: fileName });
  }
  if (instance.encapsulated) {
    const transferSyntax = instance.pixel.transferSyntaxUID;
    throw new SegmarkError('unsupported-transfer-syntax', `compressed segmentation (${transferSyntax})`, { file: fileName, params: { transferSyntax } });
  }
  if (instance.legacyNoMeta) unsupported('FileMetaInformation', 'no Part 10 header');
  const ds = dataSetOf(instance, fileName);
  const read = new Reader(ds);

  const type = read.text(ds, 'SegmentationType');
  if (!type) invalid('SegmentationType', 'missing');
  if (type !== 'BINARY' && type !== 'FRACTIONAL') return unsupported('SegmentationType', type);
  const { rows, columns, bitsAllocated } = instance.pixel;
  if (type === 'BINARY' && bitsAllocated !== 1) invalid('BitsAllocated', `${bitsAllocated} for a BINARY segmentation`);
  if (type === 'FRACTIONAL' && bitsAllocated !== 8) invalid('BitsAllocated', `${bitsAllocated} for a FRACTIONAL segmentation`);
  const maxFraction = ds.uint16(key('MaximumFractionalValue'));
  if (type === 'FRACTIONAL' && !maxFraction) invalid('MaximumFractionalValue', 'missing or 0');

  const segmentItems = items(ds, 'SegmentSequence');
  // A document holds at most MAX_LABEL_ID labels: a SEG with more segments could never be imported, so it is refused
  // before its segments and frames are read (a 1,000-segment SEG would otherwise be unpacked whole first).
  if (segmentItems.length > MAX_LABEL_ID) {
    throw new SegmarkError('label-limit', `${segmentItems.length} segments, more than the ${MAX_LABEL_ID} labels a document holds`, {
      file: fileName,
      params: { max: MAX_LABEL_ID, needed: segmentItems.length },
    });
  }
  const segments = segmentItems.map((item) => readSegment(read, item, invalid));
  if (segments.length === 0) invalid('SegmentSequence', 'no segments');
  const numbers = new Set(segments.map((s) => s.number));
  if (numbers.size !== segments.length) invalid('SegmentNumber', 'a segment number is used twice');

  const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence');
  if (perFrame.length !== instance.numberOfFrames) {
    invalid('PerFrameFunctionalGroupsSequence', `${perFrame.length} items for NumberOfFrames ${instance.numberOfFrames}`);
  }
  const shared = items(ds, 'SharedFunctionalGroupsSequence')[0];
  const group = (frame: DataSet, keyword: Keyword): DataSet | undefined => items(frame, keyword)[0] ?? (shared && items(shared, keyword)[0]);

  const pixels = rows * columns;
  const location = instance.pixelData!;
  const pixelBytes = instance.bytes.subarray(location.offset, location.offset + location.length);
  const frames = perFrame.map((frame, i): SegFileFrame => {
    const segmentNumber = group(frame, 'SegmentIdentificationSequence')?.uint16(key('ReferencedSegmentNumber'));
    if (segmentNumber === undefined) invalid('ReferencedSegmentNumber', `missing for frame ${i + 1}`);
    if (!numbers.has(segmentNumber!)) invalid('ReferencedSegmentNumber', `frame ${i + 1} refers to segment ${segmentNumber}, which is not declared`);
    const derivation = items(frame, 'DerivationImageSequence');
    const sources = (derivation.length ? derivation : shared ? items(shared, 'DerivationImageSequence') : []).flatMap((d) => items(d, 'SourceImageSequence'));
    return {
      segmentNumber: segmentNumber!,
      sopInstanceUIDs: sources.map((s) => read.text(s, 'ReferencedSOPInstanceUID')).filter(Boolean),
      position: vector(group(frame, 'PlanePositionSequence'), 'ImagePositionPatient'),
      mask: type === 'BINARY' ? unpackFrame(pixelBytes, i * pixels, pixels) : threshold(pixelBytes, i * pixels, pixels, maxFraction!),
    };
  });

  return {
    sopInstanceUID: instance.sopInstanceUID,
    studyInstanceUID: instance.studyInstanceUID,
    seriesInstanceUID: instance.seriesInstanceUID,
    frameOfReferenceUID: instance.frameOfReferenceUID,
    segmentationType: type,
    segmentsOverlap: overlapOf(read.text(ds, 'SegmentsOverlap')),
    rows,
    columns,
    contentLabel: read.text(ds, 'ContentLabel'),
    contentCreatorName: read.text(ds, 'ContentCreatorName'),
    segments,
    frames,
    referencedSeries: items(ds, 'ReferencedSeriesSequence').map((series) => ({
      seriesInstanceUID: read.text(series, 'SeriesInstanceUID'),
      sopInstanceUIDs: items(series, 'ReferencedInstanceSequence').map((r) => read.text(r, 'ReferencedSOPInstanceUID')),
    })),
  };
}

/**
 * The file as parseInstance sees it. Objects without pixel data fail there as
 * "not an image"; for a SEG that is a missing Pixel Data element, for
 * anything else simply not a segmentation.
 */
function checkedInstance(bytes: Uint8Array, fileName: string): DicomInstance {
  try {
    return parseInstance(bytes, fileName, { allowNonImage: true });
  } catch (error) {
    if (!(error instanceof SegmarkError) || (error.code !== 'not-an-image' && error.code !== 'no-pixel-data')) throw error;
    if (metaSopClass(bytes) === SEGMENTATION_STORAGE) {
      throw new SegmarkError('seg-invalid', 'PixelData: missing', { file: fileName, cause: error, params: { attribute: 'PixelData' } });
    }
    throw new SegmarkError('not-a-seg', error.message, { file: fileName, cause: error });
  }
}

function metaSopClass(bytes: Uint8Array): string | undefined {
  try {
    return dicomParser.readPart10Header(bytes).string('x00020002')?.trim();
  } catch {
    return undefined;
  }
}

/**
 * The data set with its sequences. parseInstance has already inflated a
 * deflated file into `instance.bytes`, so the inflater hands it back as is.
 */
function dataSetOf(instance: DicomInstance, fileName: string): DataSet {
  try {
    return dicomParser.parseDicom(instance.bytes, { inflater: (array: Uint8Array) => array });
  } catch (error) {
    throw new SegmarkError('truncated', `dicom-parser: ${error instanceof Error ? error.message : String(error)}`, { file: fileName, cause: error });
  }
}

function readSegment(read: Reader, item: DataSet, invalid: (attribute: string, detail: string) => never): SegFileSegment {
  const number = item.uint16(key('SegmentNumber'));
  if (!number) invalid('SegmentNumber', 'missing or 0');
  const label = read.text(item, 'SegmentLabel');
  if (!label) invalid('SegmentLabel', `missing for segment ${number}`);
  const algorithmType = read.text(item, 'SegmentAlgorithmType');
  if (!ALGORITHM_TYPES.includes(algorithmType)) invalid('SegmentAlgorithmType', `'${algorithmType}' for segment ${number}`);
  const concept = (keyword: Keyword, within: DataSet = item): CodedConcept | undefined => {
    const entry = items(within, keyword)[0];
    return entry ? read.concept(entry) : undefined;
  };
  const category = concept('SegmentedPropertyCategoryCodeSequence');
  if (!category) invalid('SegmentedPropertyCategoryCodeSequence', `missing or incomplete for segment ${number}`);
  const typeItem = items(item, 'SegmentedPropertyTypeCodeSequence')[0];
  const type = typeItem && read.concept(typeItem);
  if (!type) invalid('SegmentedPropertyTypeCodeSequence', `missing or incomplete for segment ${number}`);
  const regionItem = items(item, 'AnatomicRegionSequence')[0];
  // Older files put the modifiers beside the type and region sequences rather than inside their items.
  const typeModifier = concept('SegmentedPropertyTypeModifierCodeSequence', typeItem) ?? concept('SegmentedPropertyTypeModifierCodeSequence');
  const anatomicRegion = regionItem && read.concept(regionItem);
  const regionModifier = (regionItem && concept('AnatomicRegionModifierSequence', regionItem)) ?? concept('AnatomicRegionModifierSequence');
  const code: SegmentCode = {
    category: category!,
    type: type!,
    ...(typeModifier ? { typeModifier } : {}),
    ...(anatomicRegion ? { anatomicRegion } : {}),
    ...(anatomicRegion && regionModifier ? { anatomicRegionModifier: regionModifier } : {}),
  };
  const lab = item.elements[key('RecommendedDisplayCIELabValue')];
  const cielab = lab && lab.length >= 6 ? ([0, 1, 2].map((i) => item.uint16(key('RecommendedDisplayCIELabValue'), i)!) as [number, number, number]) : undefined;
  return {
    number: number!,
    label,
    code,
    algorithmType: algorithmType as SegAlgorithmType,
    algorithmName: read.text(item, 'SegmentAlgorithmName') || undefined,
    cielab,
    color: cielab && dicomLabToRgb(cielab),
  };
}

function overlapOf(value: string): SegFile['segmentsOverlap'] {
  return value === 'YES' || value === 'NO' ? value : 'UNDEFINED';
}

/** A FRACTIONAL frame as 0/1: in where the value is at least half the maximum. */
function threshold(bytes: Uint8Array, offset: number, length: number, max: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = bytes[offset + i]! * 2 >= max ? 1 : 0;
  return out;
}

function items(ds: DataSet, keyword: Keyword): DataSet[] {
  const element: Element | undefined = ds.elements[key(keyword)];
  return (element?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

function vector(ds: DataSet | undefined, keyword: Keyword): Vec3 | undefined {
  if (!ds) return undefined;
  const v = [0, 1, 2].map((i) => ds.floatString(key(keyword), i));
  return v.every((x): x is number => x !== undefined && Number.isFinite(x)) ? (v as unknown as Vec3) : undefined;
}

/**
 * Text values in the data set's character set. dicom-parser reads every byte
 * as one character (Latin-1), which garbles UTF-8 labels and names, so the
 * value bytes are decoded here.
 */
class Reader {
  private readonly charset: CharacterSet;

  constructor(ds: DataSet) {
    this.charset = new CharacterSet(ds.string('x00080005'));
  }

  /** The whole value, trimmed of padding. */
  text(within: DataSet, keyword: Keyword): string {
    const element = within.elements[key(keyword)];
    if (!element || !element.length) return '';
    const bytes = within.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    return this.charset.decode(bytes);
  }

  /** A code sequence item, or undefined when value, scheme or meaning is missing. */
  concept(item: DataSet): CodedConcept | undefined {
    const codeValue = this.text(item, 'CodeValue') || this.text(item, 'LongCodeValue') || this.text(item, 'URNCodeValue');
    const codingSchemeDesignator = this.text(item, 'CodingSchemeDesignator');
    const codeMeaning = this.text(item, 'CodeMeaning');
    return codeValue && codingSchemeDesignator && codeMeaning ? { codeValue, codingSchemeDesignator, codeMeaning } : undefined;
  }
}

