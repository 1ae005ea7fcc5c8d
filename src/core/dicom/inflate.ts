/**
 * Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): finding such a
 * file from its meta header, and inflating its data set under a cap.
 *
 * A deflated data set may hide anything: half a megabyte inflates to a
 * 16384² frame. So it is inflated as a stream, a small piece of input at a
 * time, and refused with `input-too-large` as soon as the output passes the
 * cap — never all at once. Sooner still, its header is read as soon as it is
 * out: a frame over the frame budget, pixel data declared larger than the
 * cap, or sequences nested too deep end the inflating there. In the page this runs in a worker that is ended
 * on cancel (`inflate-runner.ts`); the same function serves that worker, the
 * same-thread path (Node) and the parser's own inflater.
 */
import dicomParser, { type ByteArrayParser, type DataSet, type Element } from 'dicom-parser';
import { Inflate, Unzlib } from 'fflate';
import { SegmarkError } from '../errors.js';
import { checkFrame, tooLarge } from './limits.js';
import { MAX_NESTING, nestingDepth, nestingError } from './nesting.js';
import { TS } from './pixels/transfer-syntax.js';

/** Input pushed to the inflater at once: its output per push stays within ~1000× this (16 MB). */
const PUSH_BYTES = 16 << 10;
/** Output after which the header is read (and at most this much of it): real headers before the pixel data are far smaller. */
const HEADER_BYTES = 1 << 20;
const HEADER_AFTER = 64 << 10;

/** What an inflated data set may be. */
export interface InflateBudget {
  /** Bytes the data set may inflate to. */
  maxBytes: number;
  /** Pixels of one frame, when the caller has a frame budget. */
  frameVoxels?: number;
}

/** dicom-parser's DataSet class is exported at run time but not in its typings. */
const DataSetClass = (dicomParser as unknown as { DataSet: new (p: ByteArrayParser, b: Uint8Array, e: Record<string, Element>) => DataSet }).DataSet;

/**
 * Where the deflated data set starts, when `bytes` is a Part 10 file whose
 * meta header names the deflated transfer syntax; undefined otherwise (also
 * for a header too broken to read: the parser reports those).
 */
export function deflatedDataSetStart(bytes: Uint8Array): number | undefined {
  if (bytes.length < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) return undefined;
  try {
    const meta = dicomParser.readPart10Header(bytes);
    if (meta.string('x00020010')?.trim() !== TS.deflatedLE) return undefined;
    return (meta as typeof meta & { position: number }).position;
  } catch {
    return undefined;
  }
}

/** Buffers whose data set was already inflated here, so the parser takes them as they are. */
const inflatedFiles = new WeakSet<Uint8Array>();

/** Marks a buffer `inflateDataSet` made (after it crossed from a worker, where the mark was lost). */
export function markInflated(file: Uint8Array): Uint8Array {
  inflatedFiles.add(file);
  return file;
}

/** Whether the data set of `file` is already inflated (the meta header still names the deflated syntax). */
export function isInflated(file: Uint8Array): boolean {
  return inflatedFiles.has(file);
}

/**
 * The file with its data set (from `position`) inflated: the meta header
 * followed by the inflated bytes, in one new buffer. Raw DEFLATE as the
 * standard says, or a zlib stream (a known writer bug). Past `maxBytes` of
 * output: `input-too-large`; a stream that ends early: `truncated`; one that
 * is not DEFLATE: `not-dicom` — each naming `fileName`.
 */
export function inflateDataSet(file: Uint8Array, position: number, budget: InflateBudget, fileName: string): Uint8Array {
  const deflated = file.subarray(position);
  let chunks: Uint8Array[];
  try {
    chunks = inflateChunks(deflated, false, budget, fileName);
  } catch (error) {
    if (error instanceof SegmarkError || !looksLikeZlib(deflated)) throw streamError(error, fileName);
    try {
      chunks = inflateChunks(deflated, true, budget, fileName);
    } catch (zlibError) {
      throw zlibError instanceof SegmarkError ? zlibError : streamError(error, fileName);
    }
  }
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(position + total);
  out.set(file.subarray(0, position));
  let at = position;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return markInflated(out);
}

function inflateChunks(input: Uint8Array, zlib: boolean, budget: InflateBudget, fileName: string): Uint8Array[] {
  const { maxBytes } = budget;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let headerRead = false;
  const onData = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > maxBytes) over = true;
    else chunks.push(chunk);
  };
  const stream = zlib ? new Unzlib(onData) : new Inflate(onData);
  for (let p = 0; p < input.length || p === 0; p += PUSH_BYTES) {
    const end = Math.min(input.length, p + PUSH_BYTES);
    stream.push(input.subarray(p, end), end === input.length);
    if (over) {
      chunks.length = 0;
      throw tooLarge('the inflated data set', total, maxBytes, fileName, 'deflated data set inflates');
    }
    if (!headerRead && (total >= HEADER_AFTER || end === input.length)) {
      headerRead = true;
      checkHeader(joined(chunks, HEADER_BYTES), budget, fileName);
    }
  }
  return chunks;
}

/** The first `limit` bytes of `chunks`, in one array. */
function joined(chunks: readonly Uint8Array[], limit: number): Uint8Array {
  const size = Math.min(limit, chunks.reduce((sum, c) => sum + c.length, 0));
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= size) break;
    const part = chunk.subarray(0, size - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The start of an inflated data set (explicit VR LE), read up to its pixel
 * data: refuses sequences nested past the limit (before dicom-parser recurses
 * into them), a frame over `budget.frameVoxels`, and pixel data declared
 * larger than the cap. A header cut short here is left to the full parse.
 */
function checkHeader(head: Uint8Array, budget: InflateBudget, fileName: string): void {
  const depth = nestingDepth(head, 0, { implicit: false, littleEndian: true });
  if (depth > MAX_NESTING) throw nestingError(depth, fileName);
  const parser = dicomParser.littleEndianByteArrayParser;
  const ds = new DataSetClass(parser, head, {});
  try {
    dicomParser.parseDicomDataSetExplicit(ds, new dicomParser.ByteStream(parser, head, 0), head.length, { untilTag: 'x7fe00010' });
  } catch {
    // The header runs past what is inflated so far: what was read is checked.
  }
  const rows = ds.elements.x00280010 ? ds.uint16('x00280010') : undefined;
  const columns = ds.elements.x00280011 ? ds.uint16('x00280011') : undefined;
  if (rows && columns && budget.frameVoxels !== undefined) checkFrame(rows, columns, budget.frameVoxels, fileName);
  const pixel = ds.elements.x7fe00010;
  if (pixel && pixel.length !== 0xffffffff && pixel.dataOffset + pixel.length > budget.maxBytes) {
    throw tooLarge('the inflated data set', pixel.dataOffset + pixel.length, budget.maxBytes, fileName, 'deflated data set declares');
  }
}

/** A zlib header: deflate method, a window of at most 32 KiB, and the check bits. */
function looksLikeZlib(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && bytes[0]! >> 4 <= 7 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}

function streamError(error: unknown, fileName: string): SegmarkError {
  if (error instanceof SegmarkError) return error;
  const eof = (error as { code?: number }).code === 0;
  return new SegmarkError(eof ? 'truncated' : 'not-dicom', `deflated data set: ${(error as Error).message}`, { file: fileName, cause: error });
}
