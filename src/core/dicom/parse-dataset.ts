/**
 * The bytes of one DICOM file → dicom-parser's `DataSet` and the transfer
 * syntax it was read in. Decides what the bytes are before handing them over
 * (Part 10, Part 10 without preamble, or a bare ACR-NEMA data set), checks
 * nesting before the parser recurses, inflates deflated data sets under the
 * caller's budget, retries what dicom-parser cannot take as it is, and turns
 * its thrown strings into SegmarkErrors with stable codes and the file name.
 * `parse.ts` makes the instance from the data set.
 */
import dicomParser, { type ByteArrayParser, type DataSet, type Element } from 'dicom-parser';
import { SegmarkError, type ErrorCode } from '../errors.js';
import { inflateDataSet, isInflated, type InflateBudget } from './inflate.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimitsInit } from './limits.js';
import { MAX_NESTING, checkNesting, nestingError, type DataSetSyntax } from './nesting.js';
import { TS, isSupportedTransferSyntax } from './pixels/transfer-syntax.js';
import type { DicomInstance } from './types.js';

export const DICOMDIR_UID = '1.2.840.10008.1.3.10';

/** dicom-parser's DataSet class is exported at run time but not in its typings. */
const DataSetClass = (dicomParser as unknown as { DataSet: new (p: ByteArrayParser, b: Uint8Array, e: Record<string, Element>) => DataSet }).DataSet;

type Layout = { kind: 'part10' } | { kind: 'meta-no-preamble' } | { kind: 'raw'; transferSyntax: string };

/** A file's data set as dicom-parser read it; `legacyNoMeta` when it had no meta header at all. */
export interface ReadDataSet {
  ds: DataSet;
  transferSyntax: string;
  legacyNoMeta: boolean;
}

/**
 * Reads the data set of a non-empty file. Refuses with 'not-dicom' what is
 * no DICOM, 'not-an-image' a DICOMDIR, 'unsupported-transfer-syntax' an
 * encoding we cannot decode; what dicom-parser throws comes back as a
 * SegmarkError naming the file.
 */
export function readDataSet(bytes: Uint8Array, fileName: string, limits: LoadLimitsInit = {}): ReadDataSet {
  const fail = (code: ErrorCode, detail: string, cause?: unknown, params?: Record<string, string>): SegmarkError =>
    new SegmarkError(code, detail, { file: fileName, cause, params });
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
      if (meta.string('x00020002') === DICOMDIR_UID) throw fail('not-an-image', 'a DICOMDIR (media directory)');
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
          maxBytes: limits.inflateBytes ?? DEFAULT_LOAD_LIMITS.inflateBytes,
          frameVoxels: limits.frameVoxels ?? DEFAULT_LOAD_LIMITS.frameVoxels,
        };
        ds = parseDicom(input, fileName, transferSyntax, position, budget);
      }
    }
  } catch (error) {
    throw parseError(error, fileName, layout.kind !== 'raw');
  }
  return { ds, transferSyntax, legacyNoMeta: layout.kind === 'raw' };
}

/** Whether the bytes or instance are a DICOMDIR, which loaders skip without a message. */
export function isDicomDir(input: Uint8Array | DicomInstance): boolean {
  if (!(input instanceof Uint8Array)) return input.sopClassUID === DICOMDIR_UID;
  if (sniff(input)?.kind !== 'part10') return false;
  try {
    return dicomParser.readPart10Header(input).string('x00020002') === DICOMDIR_UID;
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
