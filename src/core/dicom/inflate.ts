/**
 * Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): finding such a
 * file from its meta header, and inflating its data set under a cap.
 *
 * A deflated data set may hide anything: half a megabyte inflates to a
 * 16384² frame. So it is inflated as a stream, a small piece of input at a
 * time, and refused with `input-too-large` as soon as the output passes the
 * cap — never all at once. In the page this runs in a worker that is ended
 * on cancel (`inflate-runner.ts`); the same function serves that worker, the
 * same-thread path (Node) and the parser's own inflater.
 */
import dicomParser from 'dicom-parser';
import { Inflate, Unzlib } from 'fflate';
import { SegmarkError } from '../errors.js';
import { tooLarge } from './limits.js';
import { TS } from './pixels/transfer-syntax.js';

/** Input pushed to the inflater at once: its output per push stays within ~1000× this (16 MB). */
const PUSH_BYTES = 16 << 10;

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
export function inflateDataSet(file: Uint8Array, position: number, maxBytes: number, fileName: string): Uint8Array {
  const deflated = file.subarray(position);
  let chunks: Uint8Array[];
  try {
    chunks = inflateChunks(deflated, false, maxBytes, fileName);
  } catch (error) {
    if (error instanceof SegmarkError || !looksLikeZlib(deflated)) throw streamError(error, fileName);
    try {
      chunks = inflateChunks(deflated, true, maxBytes, fileName);
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

function inflateChunks(input: Uint8Array, zlib: boolean, maxBytes: number, fileName: string): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
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
  }
  return chunks;
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
