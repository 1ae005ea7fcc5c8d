/**
 * PNG codec for greyscale images: 8-bit (label values, 0/255 masks, windowed
 * CT) and 16-bit (raw CT). What a mask zip needs, and no more: colour type 0,
 * bit depth 8 or 16, no interlace (PNG specification, 3rd edition, §11–12).
 *
 * Written here rather than taken from fast-png (ARCHITECTURE's pick) because
 * the mask zip needs only this small subset, fflate already gives us zlib, and
 * the decoder must fail with our error codes (truncated file, CRC mismatch,
 * unsupported kind) rather than with a library's strings. Pure: runs in Node,
 * workers and the page.
 */
import { FlateErrorCode, unzlibSync, zlibSync } from 'fflate';
import { SegmarkError } from '../errors.js';
import type { GzipLevel } from './bytes.js';
import { crc32 } from './crc32.js';

/** A greyscale image; `data[r·width + c]`, 16-bit samples as native numbers. */
export type GreyImage =
  | { readonly width: number; readonly height: number; readonly bitDepth: 8; readonly data: Uint8Array }
  | { readonly width: number; readonly height: number; readonly bitDepth: 16; readonly data: Uint16Array };

export interface PngEncodeOptions {
  /** zlib level, default 6. */
  level?: GzipLevel;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const COLOUR_GREY = 0;
/** Largest chunk length the specification allows (2^31 − 1). */
const MAX_CHUNK = 0x7fffffff;
/** The filter types of filter method 0 (§7.3, §9.2). */
const NONE = 0;
const SUB = 1;
const UP = 2;
const AVERAGE = 3;
const PAETH = 4;

/**
 * The image as PNG bytes. Each row gets the filter whose output has the
 * smallest sum of absolute (signed) byte values — the heuristic the
 * specification recommends (§12.8) — so masks stay tiny and CT compresses
 * about as well as with libpng's default.
 */
export function encodePng(image: GreyImage, options: PngEncodeOptions = {}): Uint8Array {
  const { width, height, bitDepth } = image;
  checkSize(width, height);
  if (image.data.length !== width * height) {
    throw new RangeError(`PNG: ${image.data.length} samples for a ${width} × ${height} image`);
  }
  const bpp = bitDepth / 8;
  const rowBytes = width * bpp;
  const filtered = new Uint8Array(height * (rowBytes + 1));
  let prev = new Uint8Array(rowBytes);
  let cur = new Uint8Array(rowBytes);
  const candidates = [0, 1, 2, 3, 4].map(() => new Uint8Array(rowBytes));
  for (let r = 0; r < height; r++) {
    if (image.bitDepth === 8) {
      cur.set(image.data.subarray(r * width, (r + 1) * width));
    } else {
      // PNG stores 16-bit samples most significant byte first (§7.1).
      const row = image.data.subarray(r * width, (r + 1) * width);
      for (let c = 0; c < width; c++) {
        cur[2 * c] = row[c]! >>> 8;
        cur[2 * c + 1] = row[c]! & 0xff;
      }
    }
    let best = NONE;
    let bestCost = Infinity;
    for (let type = NONE; type <= PAETH; type++) {
      const cost = filterRow(type, cur, r === 0 ? undefined : prev, bpp, candidates[type]!);
      if (cost < bestCost) [best, bestCost] = [type, cost];
    }
    const at = r * (rowBytes + 1);
    filtered[at] = best;
    filtered.set(candidates[best]!, at + 1);
    [prev, cur] = [cur, prev];
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = COLOUR_GREY; // compression 0, filter method 0, no interlace: the zeros that follow
  const idat = zlibSync(filtered, { level: options.level ?? 6 });
  if (idat.length > MAX_CHUNK) throw new RangeError('PNG: the image data exceeds one chunk');
  const out = new Uint8Array(SIGNATURE.length + 3 * 12 + ihdr.length + idat.length);
  out.set(SIGNATURE);
  let at: number = SIGNATURE.length;
  at = writeChunk(out, at, 'IHDR', ihdr);
  at = writeChunk(out, at, 'IDAT', idat);
  writeChunk(out, at, 'IEND', new Uint8Array(0));
  return out;
}

/**
 * Decodes a non-interlaced greyscale PNG of bit depth 8 or 16, with any of
 * the five filter types. Ancillary chunks (gAMA, tEXt, tRNS, …) are skipped;
 * every chunk's CRC is checked. Throws `truncated` when the bytes stop early,
 * `unsupported-pixel-format` for other colour types, depths or interlacing,
 * and `png-invalid` for anything malformed.
 */
export function decodePng(bytes: Uint8Array, file?: string): GreyImage {
  const fail = (part: string, detail: string): never => {
    throw new SegmarkError('png-invalid', `${part}: ${detail}`, { file, params: { part } });
  };
  const truncated = (detail: string): never => {
    throw new SegmarkError('truncated', `PNG: ${detail}`, { file });
  };
  if (bytes.length < SIGNATURE.length) truncated(`${bytes.length} bytes, shorter than the PNG signature`);
  if (SIGNATURE.some((b, i) => bytes[i] !== b)) fail('signature', 'the file does not start with the PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let header: { width: number; height: number; bitDepth: 8 | 16 } | undefined;
  const idat: Uint8Array[] = [];
  let idatDone = false;
  let ended = false;
  for (let at: number = SIGNATURE.length; !ended; ) {
    if (at + 8 > bytes.length) truncated(`the file ends at byte ${bytes.length}, before its IEND chunk`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`chunk at byte ${at}`, 'not a chunk type');
    if (length > MAX_CHUNK) fail(type, `length ${length} exceeds 2^31 − 1`);
    const dataAt = at + 8;
    const end = dataAt + length;
    if (end + 4 > bytes.length) truncated(`the ${type} chunk at byte ${at} ends past the end of the file`);
    if (crc32(bytes.subarray(at + 4, end)) !== view.getUint32(end)) fail(type, `CRC mismatch in the chunk at byte ${at}`);
    const data = bytes.subarray(dataAt, end);
    at = end + 4;
    if (!header && type !== 'IHDR') fail(type, 'the first chunk must be IHDR');
    if (idat.length > 0 && type !== 'IDAT') idatDone = true;
    switch (type) {
      case 'IHDR':
        if (header) fail(type, 'a second IHDR');
        header = readHeader(data, fail, file);
        break;
      case 'IDAT':
        if (idatDone) fail(type, 'IDAT chunks must be consecutive');
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Bit 5 of the first byte: lower case = ancillary, safe to skip; upper case = critical (PLTE is not allowed in greyscale).
        if ((bytes[dataAt - 4]! & 0x20) === 0) fail(type, 'an unknown or (for greyscale) forbidden critical chunk');
    }
  }
  if (!header) return fail('IHDR', 'missing');
  if (idat.length === 0) fail('IDAT', 'no image data');

  const { width, height, bitDepth } = header;
  const bpp = bitDepth / 8;
  const rowBytes = width * bpp;
  const raw = inflate(concat(idat), fail, truncated);
  const expected = height * (rowBytes + 1);
  if (raw.length < expected) truncated(`the image data holds ${raw.length} bytes, fewer than the ${expected} of ${width} × ${height} pixels`);
  if (raw.length > expected) fail('IDAT', `the image data holds ${raw.length} bytes, more than the ${expected} of ${width} × ${height} pixels`);
  unfilter(raw, width, height, bpp, fail);

  if (bitDepth === 8) {
    const data = new Uint8Array(width * height);
    for (let r = 0; r < height; r++) data.set(raw.subarray(r * (rowBytes + 1) + 1, (r + 1) * (rowBytes + 1)), r * width);
    return { width, height, bitDepth, data };
  }
  const data = new Uint16Array(width * height);
  for (let r = 0; r < height; r++) {
    const from = r * (rowBytes + 1) + 1;
    for (let c = 0; c < width; c++) data[r * width + c] = (raw[from + 2 * c]! << 8) | raw[from + 2 * c + 1]!;
  }
  return { width, height, bitDepth, data };
}

type Fail = (part: string, detail: string) => never;

function readHeader(data: Uint8Array, fail: Fail, file: string | undefined): { width: number; height: number; bitDepth: 8 | 16 } {
  if (data.length !== 13) fail('IHDR', `${data.length} bytes instead of 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colourType, compression, filterMethod, interlace] = [data[8]!, data[9]!, data[10]!, data[11]!, data[12]!];
  if (width === 0 || height === 0 || width > MAX_CHUNK || height > MAX_CHUNK) fail('IHDR', `impossible size ${width} × ${height}`);
  if (compression !== 0 || filterMethod !== 0 || interlace > 1) {
    fail('IHDR', `compression ${compression}, filter method ${filterMethod}, interlace ${interlace} (only 0, 0, 0 or 1 exist)`);
  }
  const unsupported = (what: string): never => {
    throw new SegmarkError('unsupported-pixel-format', `PNG: ${what}; only non-interlaced 8- or 16-bit greyscale is read`, { file });
  };
  if (colourType !== COLOUR_GREY) unsupported(`colour type ${colourType}`);
  if (bitDepth !== 8 && bitDepth !== 16) unsupported(`bit depth ${bitDepth}`);
  if (interlace === 1) unsupported('Adam7 interlacing');
  return { width, height, bitDepth: bitDepth as 8 | 16 };
}

function inflate(data: Uint8Array, fail: Fail, truncated: (detail: string) => never): Uint8Array {
  try {
    return unzlibSync(data);
  } catch (e) {
    if ((e as { code?: number }).code === FlateErrorCode.UnexpectedEOF) truncated('the compressed image data ends early');
    return fail('IDAT', `the compressed image data is corrupt (${(e as Error).message})`);
  }
}

/** Writes filter `type` of row `cur` (the row above is `prev`, none for the first) into `out`; returns the heuristic cost. */
function filterRow(type: number, cur: Uint8Array, prev: Uint8Array | undefined, bpp: number, out: Uint8Array): number {
  let cost = 0;
  for (let i = 0; i < cur.length; i++) {
    const a = i >= bpp ? cur[i - bpp]! : 0;
    const b = prev ? prev[i]! : 0;
    const c = prev && i >= bpp ? prev[i - bpp]! : 0;
    const v = (cur[i]! - predict(type, a, b, c)) & 0xff;
    out[i] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

/** Reverses the filters in place: `raw` holds rows of a filter byte followed by the row's bytes. */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number, fail: Fail): void {
  const stride = width * bpp + 1;
  for (let r = 0; r < height; r++) {
    const row = r * stride;
    const type = raw[row]!;
    if (type > PAETH) fail('IDAT', `row ${r} has filter type ${type} (0–4 exist)`);
    if (type === NONE) continue;
    const up = row - stride; // the previous row's filter byte; its bytes follow
    for (let i = 1; i < stride; i++) {
      const a = i > bpp ? raw[row + i - bpp]! : 0;
      const b = r > 0 ? raw[up + i]! : 0;
      const c = r > 0 && i > bpp ? raw[up + i - bpp]! : 0;
      raw[row + i] = (raw[row + i]! + predict(type, a, b, c)) & 0xff;
    }
  }
}

/** The predictor of filter `type` from the bytes left (a), above (b) and above-left (c) (§9.2). */
function predict(type: number, a: number, b: number, c: number): number {
  switch (type) {
    case SUB:
      return a;
    case UP:
      return b;
    case AVERAGE:
      return (a + b) >>> 1;
    case PAETH: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      return 0;
  }
}

function writeChunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc32(out.subarray(at + 4, at + 8 + data.length)));
  return at + 12 + data.length;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_CHUNK || height > MAX_CHUNK) {
    throw new RangeError(`PNG: bad image size ${width} × ${height}`);
  }
}
