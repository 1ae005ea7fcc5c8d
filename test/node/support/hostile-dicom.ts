/**
 * Hostile DICOM files for the budget tests (issue 17), made in milliseconds:
 * small on disk, enormous or endless once read.
 *
 * - `deflatedBomb`: Deflated Explicit VR LE whose data set inflates to one
 *   huge 16-bit frame. The DEFLATE stream is written by hand as one block of
 *   fixed Huffman codes: each 258-byte copy of the previous byte costs 13
 *   bits, so a 512 MB frame is 3.4 MB of stream, with nothing compressed.
 * - `deflatedPadding`: the same trick with the zeros in a private element,
 *   so no header value gives the size away.
 * - `rleSlice`: an RLE Lossless file of one 8-bit frame of zeros, 2 bytes
 *   per 128 pixels (16384² → 4 MB).
 * - `nestedFile`: sequences nested `depth` deep, each of undefined length.
 *
 * Used by Node tests and by the browser tests (plain TypeScript, no Node API).
 */
import { concat, dataSet, encapsulatedPixelData, imagePixel, part10, raw, text, type El } from './dicom-bytes.js';

export const TS_DEFLATED = '1.2.840.10008.1.2.1.99';
export const TS_EXPLICIT = '1.2.840.10008.1.2.1';
export const TS_IMPLICIT = '1.2.840.10008.1.2';
export const TS_RLE = '1.2.840.10008.1.2.5';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

/** Writes bits LSB first, as DEFLATE packs them. */
class BitWriter {
  private out: Uint8Array;
  private length = 0;
  private acc = 0;
  private bits = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }

  /** `count` bits of `value`, least significant first. */
  put(value: number, count: number): void {
    this.acc |= value << this.bits;
    this.bits += count;
    while (this.bits >= 8) {
      this.out[this.length++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.bits -= 8;
    }
  }

  /** A Huffman code: written most significant bit first. */
  code(value: number, count: number): void {
    let reversed = 0;
    for (let i = 0; i < count; i++) reversed |= ((value >> i) & 1) << (count - 1 - i);
    this.put(reversed, count);
  }

  finish(): Uint8Array {
    if (this.bits > 0) this.out[this.length++] = this.acc & 0xff;
    return this.out.subarray(0, this.length);
  }
}

/** A literal byte in the fixed Huffman code (RFC 1951 3.2.6). */
function literal(w: BitWriter, byte: number): void {
  if (byte < 144) w.code(0x30 + byte, 8);
  else w.code(0x190 + byte - 144, 9);
}

/** Raw DEFLATE (one final fixed-Huffman block) of `head` followed by `zeros` zero bytes. */
export function deflateHeadAndZeros(head: Uint8Array, zeros: number): Uint8Array {
  const copies = Math.floor(Math.max(0, zeros - 258) / 258);
  const w = new BitWriter(head.length * 2 + Math.ceil((copies * 13) / 8) + 1024);
  w.put(1, 1); // final block
  w.put(1, 2); // fixed Huffman codes
  for (const b of head) literal(w, b);
  let left = zeros;
  // Literal zeros until what is left is whole copies, then 258-byte copies at distance 1.
  while (left > 0 && (left % 258 !== 0 || left === zeros)) {
    literal(w, 0);
    left--;
  }
  for (; left > 0; left -= 258) {
    w.code(0xc5, 8); // length code 285: 258 bytes
    w.code(0, 5); // distance code 0: 1 byte back
  }
  w.code(0, 7); // end of block
  return w.finish();
}

/** Where a generated slice belongs: its series and its position along z (mm). */
export interface SlicePlace {
  series: string;
  z: number;
}

/** A CT image header for a `rows × columns` frame, alone in its series unless `place` says; pixel data not included. */
function ctHeader(rows: number, columns: number, bitsAllocated: number, uid: string, place?: SlicePlace): El[] {
  const els = [
    text(0x00080016, 'UI', CT_IMAGE),
    text(0x00080018, 'UI', uid),
    text(0x00080060, 'CS', 'CT'),
    text(0x0020000d, 'UI', `${place?.series ?? uid}.1`),
    text(0x0020000e, 'UI', `${place?.series ?? uid}.2`),
    ...imagePixel({ rows, columns, bitsAllocated, signed: bitsAllocated === 16 }).filter((e) => ![0x00080016, 0x00080018, 0x00080060].includes(e.tag)),
  ];
  if (place) {
    els.push(
      text(0x00200032, 'DS', `0\\0\\${place.z}`),
      text(0x00200037, 'DS', '1\\0\\0\\0\\1\\0'),
      text(0x00280030, 'DS', '1\\1'),
    );
  }
  return els.sort((a, b) => a.tag - b.tag);
}

/** Deflated Explicit VR LE file whose data set inflates to one `edge²` 16-bit frame of zeros. */
export function deflatedBomb(edge: number, uid = '1.2.826.0.1.3680043.2.1143.17.1', place?: SlicePlace): Uint8Array {
  const pixelBytes = edge * edge * 2;
  const pixelHeader = new Uint8Array(12);
  const view = new DataView(pixelHeader.buffer);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  pixelHeader.set([0x4f, 0x57], 4); // OW
  view.setUint32(8, pixelBytes, true);
  const head = concat([dataSet(ctHeader(edge, edge, 16, uid, place)), pixelHeader]);
  return part10(TS_DEFLATED, CT_IMAGE, uid, deflateHeadAndZeros(head, pixelBytes));
}

/**
 * Deflated Explicit VR LE file whose data set holds a small image header and
 * then a private OB element of `padding` zero bytes: nothing in its header
 * tells how large it inflates, so only the cap stops it.
 */
export function deflatedPadding(padding: number, uid = '1.2.826.0.1.3680043.2.1143.17.4'): Uint8Array {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0x0029, true);
  view.setUint16(2, 0x1000, true);
  header.set([0x4f, 0x42], 4); // OB
  view.setUint32(8, padding, true);
  const head = concat([dataSet(ctHeader(16, 16, 16, uid)), header]);
  return part10(TS_DEFLATED, CT_IMAGE, uid, deflateHeadAndZeros(head, padding));
}

/** RLE Lossless file of one `edge²` 8-bit frame of zeros: one segment of 128-byte replicate runs. */
export function rleSlice(edge: number, uid = '1.2.826.0.1.3680043.2.1143.17.2', place?: SlicePlace): Uint8Array {
  const pixels = edge * edge;
  const runs = Math.ceil(pixels / 128);
  const fragment = new Uint8Array(64 + runs * 2);
  const view = new DataView(fragment.buffer);
  view.setUint32(0, 1, true); // one segment
  view.setUint32(4, 64, true); // at offset 64
  for (let i = 0, left = pixels; i < runs; i++, left -= 128) {
    fragment[64 + i * 2] = 257 - Math.min(128, left); // replicate the next byte this many times
    fragment[64 + i * 2 + 1] = 0;
  }
  const body = dataSet([...ctHeader(edge, edge, 8, uid, place), encapsulatedPixelData([fragment])]);
  return part10(TS_RLE, CT_IMAGE, uid, body);
}

/**
 * A CT header whose (0008,1115) sequence nests `depth` deep (items and
 * sequences of undefined length), then pixel data of one small frame.
 */
export function nestedFile(depth: number, options: { implicit?: boolean; uid?: string; behindUndefinedValue?: boolean } = {}): Uint8Array {
  const implicit = options.implicit ?? false;
  const uid = options.uid ?? '1.2.826.0.1.3680043.2.1143.17.3';
  const le = (n: number, bytes: number): number[] => Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);
  // ReferencedSeriesSequence (0008,1115), undefined length, then an item of undefined length.
  const open = implicit
    ? [0x08, 0x00, 0x15, 0x11, ...le(0xffffffff, 4), 0xfe, 0xff, 0x00, 0xe0, ...le(0xffffffff, 4)]
    : [0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0, ...le(0xffffffff, 4), 0xfe, 0xff, 0x00, 0xe0, ...le(0xffffffff, 4)];
  const close = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
  const nest = new Uint8Array(depth * (open.length + close.length));
  for (let i = 0; i < depth; i++) nest.set(open, i * open.length);
  for (let i = 0; i < depth; i++) nest.set(close, depth * open.length + i * close.length);
  const header = ctHeader(8, 8, 16, uid);
  const before = header.filter((e) => e.tag < 0x00081115);
  const after = [...header.filter((e) => e.tag > 0x00081115), raw(0x7fe00010, 'OW', new Uint8Array(8 * 8 * 2))];
  // Optionally an OB value of undefined length first, which ends at an item delimiter: a walker that stops there misses the nest.
  const hiding = options.behindUndefinedValue
    ? [...dataSet([{ tag: 0x00081110, vr: 'OB', value: new Uint8Array([1, 2, 3, 4, 0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]), undefinedLength: true }], { implicit })]
    : [];
  const body = concat([dataSet(before, { implicit }), new Uint8Array(hiding), nest, dataSet(after, { implicit })]);
  return part10(implicit ? TS_IMPLICIT : TS_EXPLICIT, CT_IMAGE, uid, body);
}

