/**
 * One DICOM file → `DicomInstance` (header only; pixel data stays encoded).
 *
 * dicom-parser does the element walking; this module decides what the bytes
 * are before handing them over (Part 10, Part 10 without preamble, or a bare
 * ACR-NEMA data set), turns its thrown strings into SegmarkErrors with stable
 * codes and the file name, and refuses early what later stages cannot use:
 * impossible dimensions, missing or short pixel data, unknown encodings.
 */
import dicomParser, { type ByteArrayParser, type DataSet, type Element } from 'dicom-parser';
import { SegmarkError, type ErrorCode } from '../errors.js';
import { CharacterSet } from './charset.js';
import { inflateDataSet, isInflated, type InflateBudget } from './inflate.js';
import { DEFAULT_LOAD_LIMITS, checkFrame, type LoadLimitsInit } from './limits.js';
import { MAX_NESTING, checkNesting, nestingError, type DataSetSyntax } from './nesting.js';
import { readFrames, readWindow } from './parse-frames.js';
import { nativeFrameLength, sampleCount } from './pixels/native.js';
import { TS, isEncapsulated, isSupportedTransferSyntax } from './pixels/transfer-syntax.js';
import type { DicomInstance, PixelDataLocation, PixelDescriptor } from './types.js';

export { frameBytes } from './pixels/frame-bytes.js';

export interface ParseOptions {
  /**
   * Return objects that carry pixels but are not images to view (SEG) instead
   * of throwing 'not-an-image'. DICOMDIRs are refused either way.
   */
  allowNonImage?: boolean;
  /** `frameVoxels` and `inflateBytes` are checked here; default `DEFAULT_LOAD_LIMITS`. */
  limits?: LoadLimitsInit;
}

const UID = {
  dicomDir: '1.2.840.10008.1.3.10',
  segmentation: '1.2.840.10008.5.1.4.1.1.66.4',
  labelMapSegmentation: '1.2.840.10008.5.1.4.1.1.66.7',
} as const;

/** Limits past which a header is taken to be corrupt rather than large. */
const MAX_EDGE = 16384;
const MAX_FRAMES = 100_000;
const MAX_PIXEL_BYTES = 2 ** 31;

/** dicom-parser's DataSet class is exported at run time but not in its typings. */
const DataSetClass = (dicomParser as unknown as { DataSet: new (p: ByteArrayParser, b: Uint8Array, e: Record<string, Element>) => DataSet }).DataSet;

type Layout = { kind: 'part10' } | { kind: 'meta-no-preamble' } | { kind: 'raw'; transferSyntax: string };

export function parseInstance(bytes: Uint8Array, fileName: string, options: ParseOptions = {}): DicomInstance {
  const fail = (code: ErrorCode, detail: string, cause?: unknown, params?: Record<string, string>): SegmarkError =>
    new SegmarkError(code, detail, { file: fileName, cause, params });
  if (bytes.length === 0) throw fail('empty-file', 'the file is empty');
  // A Node Buffer becomes a plain view of the same memory: Buffer's slice() shares memory, Uint8Array's copies.
  if (Object.getPrototypeOf(bytes) !== Uint8Array.prototype) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = sniff(bytes);
  if (!layout) throw fail('not-dicom', 'no DICM prefix and no data set at the start of the file');

  let ds: DataSet;
  let transferSyntax: string;
  try {
    if (layout.kind === 'raw') {
      transferSyntax = layout.transferSyntax;
      checkNesting(bytes, 0, syntaxOf(transferSyntax), fileName);
      ds = parseRaw(bytes, 0, transferSyntax);
      if (!looksLikeImageHeader(ds)) throw fail('not-dicom', 'the data set holds none of the attributes of a DICOM object');
    } else {
      const input = layout.kind === 'part10' ? bytes : withPreamble(bytes);
      const meta = dicomParser.readPart10Header(input);
      if (meta.string('x00020002') === UID.dicomDir) throw fail('not-an-image', 'a DICOMDIR (media directory)');
      transferSyntax = meta.string('x00020010')?.trim() ?? '';
      if (!transferSyntax) {
        // A meta header without Transfer Syntax: read the data set as what it looks like.
        const position = (meta as DataSet & { position: number }).position;
        const guess = sniffDataSet(input, position);
        if (!guess) throw fail('not-dicom', 'the meta header has no transfer syntax');
        transferSyntax = guess;
        checkNesting(input, position, syntaxOf(transferSyntax), fileName);
        ds = parseRaw(input, position, transferSyntax);
        Object.assign(ds.elements, meta.elements);
      } else {
        if (!isSupportedTransferSyntax(transferSyntax)) {
          throw fail('unsupported-transfer-syntax', `transfer syntax ${transferSyntax} is not supported`, undefined, { transferSyntax });
        }
        const position = (meta as DataSet & { position: number }).position;
        // A deflated data set is checked once inflated (in the inflater).
        if (transferSyntax !== TS.deflatedLE) checkNesting(input, position, syntaxOf(transferSyntax), fileName);
        const budget = {
          maxBytes: options.limits?.inflateBytes ?? DEFAULT_LOAD_LIMITS.inflateBytes,
          frameVoxels: options.limits?.frameVoxels ?? DEFAULT_LOAD_LIMITS.frameVoxels,
        };
        ds = parseDicom(input, fileName, transferSyntax, position, budget);
      }
    }
  } catch (error) {
    throw parseError(error, fileName, layout.kind !== 'raw');
  }
  return buildInstance(ds, transferSyntax, fileName, layout.kind === 'raw', options);
}

/** Whether the bytes or instance are a DICOMDIR, which loaders skip without a message. */
export function isDicomDir(input: Uint8Array | DicomInstance): boolean {
  if (!(input instanceof Uint8Array)) return input.sopClassUID === UID.dicomDir;
  if (sniff(input)?.kind !== 'part10') return false;
  try {
    return dicomParser.readPart10Header(input).string('x00020002') === UID.dicomDir;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Sniffing: what kind of bytes are these?

const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));
/** Groups a bare data set plausibly starts with (command/length, identifying, patient, acquisition, relationship, image). */
const FIRST_GROUPS = new Set([0x0000, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028]);

function sniff(bytes: Uint8Array): Layout | undefined {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    return { kind: 'part10' };
  }
  if (bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00 && VRS.has(vrAt(bytes, 4))) return { kind: 'meta-no-preamble' };
  const transferSyntax = sniffDataSet(bytes, 0);
  return transferSyntax ? { kind: 'raw', transferSyntax } : undefined;
}

function vrAt(bytes: Uint8Array, p: number): string {
  return String.fromCharCode(bytes[p] ?? 0, bytes[p + 1] ?? 0);
}

/** The transfer syntax a data set starting at `p` appears to use, from its first element. */
function sniffDataSet(bytes: Uint8Array, p: number): string | undefined {
  if (bytes.length < p + 8) return undefined;
  const explicit = VRS.has(vrAt(bytes, p + 4));
  if (FIRST_GROUPS.has(bytes[p]! | (bytes[p + 1]! << 8))) {
    if (explicit) return TS.explicitLE;
    const length = new DataView(bytes.buffer, bytes.byteOffset + p + 4, 4).getUint32(0, true);
    return length === 0xffffffff || length <= bytes.length - p - 8 ? TS.implicitLE : undefined;
  }
  if (explicit && FIRST_GROUPS.has((bytes[p]! << 8) | bytes[p + 1]!)) return TS.explicitBE;
  return undefined;
}

/** A bare data set that parsed must still name something a DICOM object would. */
function looksLikeImageHeader(ds: DataSet): boolean {
  return ['x00080016', 'x00080018', 'x00080060', 'x00280010', 'x0020000d', 'x7fe00010'].some((t) => ds.elements[t]);
}

/** Part 10 header without its 128-byte preamble: put one in front so dicom-parser takes it (one copy, rare files). */
function withPreamble(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 132);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(bytes, 132);
  return out;
}

/** Parses a data set with no usable meta header, as dicom-parser's parseDicom would after the meta. */
function parseRaw(bytes: Uint8Array, position: number, transferSyntax: string): DataSet {
  const parser = transferSyntax === TS.explicitBE ? dicomParser.bigEndianByteArrayParser : dicomParser.littleEndianByteArrayParser;
  const stream = new dicomParser.ByteStream(parser, bytes, position);
  const ds = new DataSetClass(parser, bytes, {});
  ds.warnings = stream.warnings;
  try {
    if (transferSyntax === TS.implicitLE) dicomParser.parseDicomDataSetImplicit(ds, stream, bytes.length);
    else dicomParser.parseDicomDataSetExplicit(ds, stream, bytes.length);
  } catch (exception) {
    throw new PartialParse(exception, ds);
  }
  return ds;
}

/** A data set that failed part way, shaped like what dicom-parser's parseDicom throws (`exception`, `dataSet`). */
class PartialParse extends Error {
  constructor(
    readonly exception: unknown,
    readonly dataSet: DataSet,
  ) {
    super(String(exception));
  }
}

/**
 * dicom-parser's parseDicom with our inflater, and two retries for files it
 * cannot take as they are: an Extended Offset Table (VR OV), and a data set in
 * the other little-endian VR encoding than its meta header declares (a known
 * writer bug; the pixel data is native little endian either way).
 */
function parseDicom(bytes: Uint8Array, fileName: string, transferSyntax: string, metaEnd: number, budget: InflateBudget): DataSet {
  const options = { inflater: (array: Uint8Array, position: number) => inflate(array, position, fileName, budget) };
  try {
    return dicomParser.parseDicom(bytes, options);
  } catch (error) {
    const patched = withoutOV(bytes);
    if (patched) return dicomParser.parseDicom(patched, options);
    const actual = sniffDataSet(bytes, metaEnd);
    const native = transferSyntax === TS.explicitLE || transferSyntax === TS.implicitLE;
    if (!native || !actual || actual === transferSyntax || actual === TS.explicitBE) throw error;
    const ds = parseRaw(bytes, metaEnd, actual);
    Object.assign(ds.elements, dicomParser.readPart10Header(bytes).elements);
    return ds;
  }
}

/**
 * dicom-parser 1.8 does not know the VR OV (DICOM 2019), so the Extended Offset
 * Table (7FE0,0001/0002) of an explicit VR file derails it. OB has the same
 * header layout, so a copy with those two VRs renamed parses; we read the table's
 * bytes ourselves. Returns undefined when the file has no such element.
 */
function withoutOV(bytes: Uint8Array): Uint8Array | undefined {
  let copy: Uint8Array | undefined;
  for (const element of [0x01, 0x02]) {
    const at = indexOfHeader(bytes, [0xe0, 0x7f, element, 0x00, 0x4f, 0x56, 0x00, 0x00]);
    if (at < 0) continue;
    copy ??= bytes.slice();
    copy[at + 5] = 0x42; // 'V' → 'B'
  }
  return copy;
}

function indexOfHeader(bytes: Uint8Array, pattern: readonly number[]): number {
  const first = pattern[0]!;
  for (let i = bytes.indexOf(first); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < pattern.length && bytes[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

/**
 * Deflated Explicit VR LE: the file as dicom-parser reads it on, its data set
 * inflated — already (by the loader, in a worker) or here, under the cap —
 * and checked for nesting before the parser recurses into it.
 */
function inflate(array: Uint8Array, position: number, fileName: string, budget: InflateBudget): Uint8Array {
  const full = isInflated(array) ? array : inflateDataSet(array, position, budget, fileName);
  checkNesting(full, position, syntaxOf(TS.explicitLE), fileName);
  return full;
}

function syntaxOf(transferSyntax: string): DataSetSyntax {
  return { implicit: transferSyntax === TS.implicitLE, littleEndian: transferSyntax !== TS.explicitBE };
}

/** dicom-parser throws strings, Errors, and `{ exception, dataSet }` for failures inside the data set. */
function parseError(error: unknown, fileName: string, part10: boolean): SegmarkError {
  if (error instanceof SegmarkError) return error;
  const partial = typeof error === 'object' && error !== null && 'dataSet' in error ? (error as { dataSet: DataSet; exception: unknown }) : undefined;
  const inner = partial ? partial.exception : error;
  // The parser recursed past the stack: nesting the pre-scan could not follow.
  if (inner instanceof RangeError && /call stack/i.test(inner.message)) return nestingError(`> ${MAX_NESTING}`, fileName);
  const text = inner instanceof Error ? inner.message : String(inner);
  const pixel = partial?.dataSet.elements.x7fe00010;
  if (pixel && pixel.dataOffset + pixel.length > partial.dataSet.byteArray.length) {
    return new SegmarkError('pixel-data-short', `pixel data cut short: ${text}`, { file: fileName, cause: error });
  }
  const ranOut = /past end|overread|overrun|eof|end of buffer|cannot be greater/i.test(text);
  const code: ErrorCode = ranOut || part10 ? 'truncated' : 'not-dicom';
  return new SegmarkError(code, `dicom-parser: ${text}`, { file: fileName, cause: error });
}

// ---------------------------------------------------------------------------
// From data set to instance

function buildInstance(ds: DataSet, transferSyntax: string, fileName: string, legacyNoMeta: boolean, options: ParseOptions): DicomInstance {
  const fail = (code: ErrorCode, detail: string): SegmarkError => new SegmarkError(code, detail, { file: fileName });
  const str = (tag: string): string => ds.string(tag)?.trim() ?? '';
  const charset = new CharacterSet(ds.string('x00080005'));
  /** A text element (PN, LO, SH …) in the data set's character set; dicom-parser would read it as Latin-1. */
  const text = (tag: string): string => {
    const e = ds.elements[tag];
    return e && e.length > 0 ? charset.decode(ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length)) : '';
  };
  // De-identified files may empty the data set's SOP UIDs; the meta header keeps them.
  const sopClassUID = str('x00080016') || str('x00020002');
  if (sopClassUID === UID.dicomDir || ds.elements.x00041220) throw fail('not-an-image', 'a DICOMDIR (media directory)');

  const bytes = ds.byteArray as Uint8Array;
  checkComplete(ds, bytes, fileName);
  const pixelElement = ds.elements.x7fe00010;
  if (!pixelElement) {
    if (ds.elements.x7fe00008 || ds.elements.x7fe00009) throw fail('unsupported-pixel-format', 'float pixel data');
    // An image class without even its Rows, whose data set runs to the end of the file, was cut short
    // (dicom-parser stops quietly when a file ends exactly between two elements).
    if (!ds.elements.x00280010 && IMAGE_CLASS_PREFIXES.some((p) => sopClassUID.startsWith(p)) && lastElementEnd(ds) + 8 >= bytes.length) {
      throw fail('truncated', 'the file ends before its pixel data');
    }
    if (!ds.elements.x00280010 || sopClassUID.startsWith('1.2.840.10008.5.1.4.1.1.88') || sopClassUID.startsWith('1.2.840.10008.5.1.4.1.1.11')) {
      throw fail('not-an-image', `SOP class ${sopClassUID || 'unknown'} holds no image`);
    }
    throw fail('no-pixel-data', 'the image has no Pixel Data element');
  }
  if (!options.allowNonImage && (sopClassUID === UID.segmentation || sopClassUID === UID.labelMapSegmentation)) {
    throw fail('not-an-image', 'a segmentation, not an image to annotate');
  }

  const pixel = readPixelDescriptor(ds, transferSyntax, pixelElement, fail);
  checkFrame(pixel.rows, pixel.columns, options.limits?.frameVoxels ?? DEFAULT_LOAD_LIMITS.frameVoxels, fileName);
  const numberOfFrames = ds.intString('x00280008') ?? 1;
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1 || numberOfFrames > MAX_FRAMES) {
    throw fail('bad-dimensions', `NumberOfFrames ${numberOfFrames}`);
  }
  const frameLength = nativeFrameLength(pixel);
  if (frameLength * numberOfFrames > MAX_PIXEL_BYTES) throw fail('bad-dimensions', `${numberOfFrames} frames of ${frameLength} bytes`);

  const encapsulated = isEncapsulated(transferSyntax);
  if (encapsulated !== Boolean(pixelElement.encapsulatedPixelData)) {
    throw fail('unsupported-pixel-format', `${encapsulated ? 'native' : 'encapsulated'} pixel data in transfer syntax ${transferSyntax}`);
  }
  const pixelData = locatePixelData(ds, pixelElement, encapsulated);
  if (!encapsulated) {
    // 1-bit frames are packed back to back, not padded to whole bytes.
    const need = pixel.bitsAllocated === 1 ? Math.ceil((sampleCount(pixel) * numberOfFrames) / 8) : frameLength * numberOfFrames;
    const have = Math.min(pixelElement.length, bytes.length - pixelElement.dataOffset);
    if (have < need) throw fail('pixel-data-short', `pixel data has ${have} bytes, ${need} expected`);
  } else if (!pixelData.fragments?.length) {
    throw fail('no-pixel-data', 'encapsulated pixel data without fragments');
  }

  const window = readWindow(ds);
  const padding = pixel.pixelRepresentation === 1 ? ds.int16('x00280120') : ds.uint16('x00280120');
  return {
    fileName,
    sopClassUID,
    sopInstanceUID: str('x00080018') || str('x00020003'),
    studyInstanceUID: str('x0020000d'),
    seriesInstanceUID: str('x0020000e'),
    frameOfReferenceUID: str('x00200052'),
    modality: str('x00080060').toUpperCase(),
    seriesDescription: text('x0008103e'),
    seriesNumber: ds.intString('x00200011'),
    instanceNumber: ds.intString('x00200013'),
    imageType: (ds.string('x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase()).filter(Boolean),
    patientName: text('x00100010'),
    patientID: text('x00100020'),
    studyDate: str('x00080020'),
    studyDescription: text('x00081030'),
    patientBirthDate: str('x00100030'),
    patientSex: str('x00100040'),
    studyTime: str('x00080030'),
    referringPhysicianName: text('x00080090'),
    studyID: text('x00200010'),
    accessionNumber: text('x00080050'),
    burnedInAnnotation: str('x00280301').toUpperCase() === 'YES',
    recognizableVisualFeatures: str('x00280302').toUpperCase() === 'YES',
    pixel,
    numberOfFrames,
    frames: readFrames(ds, numberOfFrames),
    windowCenter: window.center,
    windowWidth: window.width,
    pixelPaddingValue: padding,
    encapsulated,
    legacyNoMeta,
    bytes,
    pixelData,
  };
}

function readPixelDescriptor(ds: DataSet, transferSyntaxUID: string, pixelElement: Element, fail: (c: ErrorCode, d: string) => SegmarkError): PixelDescriptor {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') || bitsAllocated;
  const highBitRaw = ds.uint16('x00280102');
  if (rows < 1 || columns < 1 || rows > MAX_EDGE || columns > MAX_EDGE) throw fail('bad-dimensions', `${columns}×${rows} pixels`);
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw fail('bad-dimensions', `BitsAllocated ${bitsAllocated}`);
  if (bitsStored > bitsAllocated) throw fail('bad-dimensions', `BitsStored ${bitsStored} > BitsAllocated ${bitsAllocated}`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw fail('unsupported-pixel-format', `SamplesPerPixel ${samplesPerPixel}`);
  // A HighBit outside [BitsStored − 1, BitsAllocated − 1] is junk; the usual BitsStored − 1 is what it means.
  const highBit = highBitRaw !== undefined && highBitRaw >= bitsStored - 1 && highBitRaw < bitsAllocated ? highBitRaw : bitsStored - 1;
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: ds.uint16('x00280103') === 1 ? 1 : 0,
    photometricInterpretation: ds.string('x00280004')?.trim().toUpperCase() || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    transferSyntaxUID,
    ...(pixelElement.vr ? { pixelDataVR: pixelElement.vr } : {}),
  };
}

/**
 * An element that runs past the end of the file means the file was cut: dicom-parser
 * notices for explicit VR, but in implicit VR it just stops reading.
 */
/** CT, MR, enhanced CT/MR, PET, secondary capture, X-ray and ultrasound image storage. */
const IMAGE_CLASS_PREFIXES = [
  '1.2.840.10008.5.1.4.1.1.2',
  '1.2.840.10008.5.1.4.1.1.4',
  '1.2.840.10008.5.1.4.1.1.7',
  '1.2.840.10008.5.1.4.1.1.128',
  '1.2.840.10008.5.1.4.1.1.1',
  '1.2.840.10008.5.1.4.1.1.6',
  '1.2.840.10008.5.1.4.1.1.20',
];

function lastElementEnd(ds: DataSet): number {
  let end = 0;
  for (const tag in ds.elements) {
    const el = ds.elements[tag]!;
    if (el.dataOffset !== undefined) end = Math.max(end, el.dataOffset + (el.length ?? 0));
  }
  return end;
}

function checkComplete(ds: DataSet, bytes: Uint8Array, fileName: string): void {
  for (const tag in ds.elements) {
    const el = ds.elements[tag]!;
    if (tag.startsWith('x0002') || el.dataOffset === undefined || el.encapsulatedPixelData) continue;
    if (el.dataOffset + el.length > bytes.length) {
      const code = tag === 'x7fe00010' ? 'pixel-data-short' : 'truncated';
      throw new SegmarkError(code, `element ${tag} runs past the end of the file`, { file: fileName });
    }
  }
  const pixel = ds.elements.x7fe00010;
  const last = pixel?.fragments?.at(-1);
  if (last && last.position + last.length > bytes.length) {
    throw new SegmarkError('pixel-data-short', 'the last pixel data fragment runs past the end of the file', { file: fileName });
  }
}

function locatePixelData(ds: DataSet, el: Element, encapsulated: boolean): PixelDataLocation {
  if (!encapsulated) return { offset: el.dataOffset, length: el.length };
  const eot = ds.elements.x7fe00001;
  let extendedOffsetTable: number[] | undefined;
  if (eot && eot.length >= 8) {
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + eot.dataOffset, eot.length);
    extendedOffsetTable = Array.from({ length: eot.length >>> 3 }, (_, i) => Number(view.getBigUint64(i * 8, true)));
  }
  return {
    offset: el.dataOffset,
    length: el.length,
    fragments: (el.fragments ?? []).map((f) => ({ position: f.position, length: f.length, offset: f.offset })),
    basicOffsetTable: el.basicOffsetTable ?? [],
    ...(extendedOffsetTable ? { extendedOffsetTable } : {}),
  };
}
