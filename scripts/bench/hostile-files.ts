/**
 * Hostile inputs, made in a few hundred milliseconds where they run (the
 * bench page, a browser test): the files a security review fed the viewer
 * (issue 17). Each is small on disk and enormous, or endless, once read.
 *
 * - a deflated DICOM (0.5 MB) whose data set inflates to one 16384² slice;
 * - RLE files of one 16384² 8-bit slice (4 MB each);
 * - a zip (3 MB) of three entries of 1 GiB of zeros each;
 * - a data set of sequences nested 100,000 deep;
 * - DICOM SEGs with 1,000 and 300 segments (the larger 18 MB of frames);
 * - thousands of tiny one-image series.
 *
 * The DEFLATE streams are written bit by bit: one dynamic Huffman block in
 * which a 258-byte copy of the previous byte costs 2 bits, so 1 GiB of zeros
 * is 1 MB, as zlib's best gives, without compressing a byte.
 */
import { crc32Zeros } from '../../src/core/formats/crc32.js';

type Bytes = Uint8Array<ArrayBuffer>;

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const UID_ROOT = '1.2.826.0.1.3680043.2.1143.17';

// ---------------------------------------------------------------------------
// Explicit VR Little Endian, written element by element

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR']);
const UNDEFINED = 0xffffffff;

class Writer {
  private chunks: Bytes[] = [];
  length = 0;

  bytes(data: Bytes): this {
    this.chunks.push(data);
    this.length += data.length;
    return this;
  }

  u16(...values: number[]): this {
    const b = new Uint8Array(values.length * 2);
    values.forEach((v, i) => new DataView(b.buffer).setUint16(i * 2, v, true));
    return this.bytes(b);
  }

  u32(...values: number[]): this {
    const b = new Uint8Array(values.length * 4);
    values.forEach((v, i) => new DataView(b.buffer).setUint32(i * 4, v, true));
    return this.bytes(b);
  }

  /** An element's header: tag, VR and length (`UNDEFINED` for sequences and encapsulated pixel data). */
  header(group: number, element: number, vr: string, length: number): this {
    this.u16(group, element).bytes(new TextEncoder().encode(vr));
    return LONG_VRS.has(vr) ? this.u16(0).u32(length) : this.u16(length);
  }

  /** A text element, padded to even length (UIDs with a NUL, text with a space). */
  text(group: number, element: number, vr: string, value: string): this {
    const raw = new TextEncoder().encode(value);
    const padded = new Uint8Array(raw.length + (raw.length % 2));
    padded.set(raw);
    if (raw.length % 2) padded[raw.length] = vr === 'UI' ? 0 : 0x20;
    return this.header(group, element, vr, padded.length).bytes(padded);
  }

  us(group: number, element: number, value: number): this {
    return this.header(group, element, 'US', 2).u16(value);
  }

  item(undefinedLength = true, length = 0): this {
    return this.u16(0xfffe, 0xe000).u32(undefinedLength ? UNDEFINED : length);
  }

  itemEnd(): this {
    return this.u16(0xfffe, 0xe00d).u32(0);
  }

  sequenceEnd(): this {
    return this.u16(0xfffe, 0xe0dd).u32(0);
  }

  done(): Bytes {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Preamble, "DICM" and the File Meta Information (with its group length) for `sopClass` in `transferSyntax`. */
function part10Head(sopClass: string, sopInstance: string, transferSyntax: string): Bytes {
  const meta = new Writer()
    .header(0x0002, 0x0001, 'OB', 2)
    .bytes(new Uint8Array([0, 1]))
    .text(0x0002, 0x0002, 'UI', sopClass)
    .text(0x0002, 0x0003, 'UI', sopInstance)
    .text(0x0002, 0x0010, 'UI', transferSyntax)
    .text(0x0002, 0x0012, 'UI', `${UID_ROOT}.0`)
    .done();
  return new Writer()
    .bytes(new Uint8Array(128))
    .bytes(new TextEncoder().encode('DICM'))
    .header(0x0002, 0x0000, 'UL', 4)
    .u32(meta.length)
    .bytes(meta)
    .done();
}

/** The elements of a CT image up to (not including) its pixel data. */
function ctImageElements(w: Writer, o: { sop: string; series: string; study: string; rows: number; columns: number; bits: 8 | 16; patient: string }): Writer {
  w.text(0x0008, 0x0016, 'UI', CT_IMAGE)
    .text(0x0008, 0x0018, 'UI', o.sop)
    .text(0x0008, 0x0060, 'CS', 'CT')
    .text(0x0010, 0x0010, 'PN', o.patient)
    .text(0x0010, 0x0020, 'LO', o.patient)
    .text(0x0020, 0x000d, 'UI', o.study)
    .text(0x0020, 0x000e, 'UI', o.series)
    .text(0x0020, 0x0013, 'IS', '1')
    .text(0x0020, 0x0032, 'DS', '0\\0\\0')
    .text(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0')
    .us(0x0028, 0x0002, 1)
    .text(0x0028, 0x0004, 'CS', 'MONOCHROME2')
    .us(0x0028, 0x0010, o.rows)
    .us(0x0028, 0x0011, o.columns)
    .text(0x0028, 0x0030, 'DS', '1\\1')
    .us(0x0028, 0x0100, o.bits)
    .us(0x0028, 0x0101, o.bits)
    .us(0x0028, 0x0102, o.bits - 1)
    .us(0x0028, 0x0103, 0);
  return w;
}

// ---------------------------------------------------------------------------
// DEFLATE of long runs of zeros

class BitWriter {
  private out: Bytes;
  private at = 0;
  private acc = 0;
  private count = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }

  /** `n` bits of `value`, least significant first (DEFLATE's order for everything but Huffman codes). */
  bits(value: number, n: number): void {
    this.acc |= value << this.count;
    this.count += n;
    while (this.count >= 8) {
      this.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.count -= 8;
    }
  }

  /** A Huffman code of `length` bits, most significant bit first. */
  code(code: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits((code >>> i) & 1, 1);
  }

  align(): void {
    if (this.count > 0) this.bits(0, 8 - this.count);
  }

  bytes(data: Uint8Array): void {
    for (const b of data) this.push(b);
  }

  done(): Bytes {
    this.align();
    return this.out.slice(0, this.at);
  }

  private push(byte: number): void {
    if (this.at === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.at++] = byte;
  }
}

/**
 * Raw DEFLATE of `prefix` then `zeros` zero bytes. The prefix goes in stored
 * blocks; the zeros in one dynamic block whose codes are: copy 258 bytes (1 bit),
 * literal 0 (2 bits), end of block (2 bits), distance 1 (1 bit).
 */
export function deflateZeros(zeros: number, prefix: Uint8Array = new Uint8Array(0)): Bytes {
  const w = new BitWriter(Math.ceil(zeros / 1000) + prefix.length + 1024);
  for (let at = 0; at < prefix.length; at += 65535) {
    const part = prefix.subarray(at, at + 65535);
    w.bits(0, 1); // not final
    w.bits(0, 2); // stored
    w.align();
    w.bits(part.length, 16);
    w.bits(~part.length & 0xffff, 16);
    w.bytes(part);
  }
  w.bits(1, 1); // final
  w.bits(2, 2); // dynamic Huffman
  w.bits(286 - 257, 5); // HLIT: literal/length codes 0…285
  w.bits(2 - 1, 5); // HDIST: distance codes 0…1
  // Code length code lengths, in the order DEFLATE sends them; only 18 (1 bit), 1 and 2 (2 bits) are used.
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
  const clLength: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
  w.bits(order.length - 4, 4); // HCLEN
  for (const symbol of order) w.bits(clLength[symbol] ?? 0, 3);
  // Canonical codes: 18 → 0, 1 → 10, 2 → 11.
  const cl = { 18: () => w.code(0, 1), 1: () => w.code(0b10, 2), 2: () => w.code(0b11, 2) };
  const zerosRun = (n: number): void => {
    for (let left = n; left > 0; ) {
      const run = Math.min(138, left);
      cl[18]();
      w.bits(run - 11, 7);
      left -= run;
    }
  };
  // Literal/length lengths: 0 → 2, 1…255 → 0, 256 → 2, 257…284 → 0, 285 → 1; distances 0 and 1 → 1.
  cl[2]();
  zerosRun(255);
  cl[2]();
  zerosRun(28);
  cl[1]();
  cl[1]();
  cl[1]();
  // Canonical codes: 285 → 0, literal 0 → 10, end of block → 11; distance 1 → 0.
  if (zeros > 0) {
    w.code(0b10, 2);
    let left = zeros - 1;
    for (; left >= 258; left -= 258) {
      w.code(0, 1);
      w.code(0, 1);
    }
    for (; left > 0; left--) w.code(0b10, 2);
  }
  w.code(0b11, 2);
  return w.done();
}

// ---------------------------------------------------------------------------
// The inputs

export interface HostileInput {
  /** What a row's notes call it. */
  name: string;
  files: File[];
  /** How it goes in: opened as a series, or imported onto an open one. */
  via: 'load' | 'import';
  /** Error codes that are a correct answer; none: it must load. */
  expect: string[];
}

let uidCounter = 0;
const uid = (): string => `${UID_ROOT}.${Date.now() % 1e9}.${++uidCounter}`;

/** One 16384² slice of zeros, deflated (Deflated Explicit VR Little Endian): 0.5 MB that inflates to 512 MB. */
export function deflateBomb(edge = 16384): File {
  const sop = uid();
  const body = ctImageElements(new Writer(), { sop, series: uid(), study: uid(), rows: edge, columns: edge, bits: 16, patient: 'HOSTILE^DEFLATE' })
    .header(0x7fe0, 0x0010, 'OW', edge * edge * 2)
    .done();
  const head = part10Head(CT_IMAGE, sop, DEFLATED_LE);
  const deflated = deflateZeros(edge * edge * 2, body);
  return new File([head, deflated], 'deflate-bomb.dcm');
}

/** RLE Lossless, one 8-bit segment: `edge` rows of `edge` zeros, each as runs of 128 (4 MB at 16384²). */
export function rleBomb(index: number, edge = 16384, series = uid(), study = uid()): File {
  const sop = uid();
  const row = new Uint8Array((edge / 128) * 2);
  for (let i = 0; i < row.length; i += 2) row[i] = 0x81; // repeat the next byte 128 times
  const segment = new Uint8Array(64 + row.length * edge);
  const view = new DataView(segment.buffer);
  view.setUint32(0, 1, true);
  view.setUint32(4, 64, true);
  for (let r = 0; r < edge; r++) segment.set(row, 64 + r * row.length);
  const w = ctImageElements(new Writer(), { sop, series, study, rows: edge, columns: edge, bits: 8, patient: 'HOSTILE^RLE' });
  w.header(0x7fe0, 0x0010, 'OB', UNDEFINED).item(false, 0).item(false, segment.length).bytes(segment).sequenceEnd();
  return new File([part10Head(CT_IMAGE, sop, RLE_LOSSLESS), w.done()], `rle-bomb-${index + 1}.dcm`);
}

/** A zip of `entries` files of `size` zeros each (1 GiB by default), deflated: 1 MB each. */
export function zipBomb(entries = 3, size = 2 ** 30): File {
  const data = deflateZeros(size);
  const crc = crc32Zeros(0, size);
  const local: Bytes[] = [];
  const central = new Writer();
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = new TextEncoder().encode(`zeros-${i + 1}.dcm`);
    const header = new Writer()
      .u32(0x04034b50)
      .u16(20, 0, 8, 0, 0x21)
      .u32(crc, data.length, size)
      .u16(name.length, 0)
      .bytes(name)
      .done();
    central
      .u32(0x02014b50)
      .u16(20, 20, 0, 8, 0, 0x21)
      .u32(crc, data.length, size)
      .u16(name.length, 0, 0, 0, 0)
      .u32(0, offset)
      .bytes(name);
    local.push(header, data);
    offset += header.length + data.length;
  }
  const dir = central.done();
  const end = new Writer().u32(0x06054b50).u16(0, 0, entries, entries).u32(dir.length, offset).u16(0).done();
  return new File([...local, dir, end], 'zip-bomb.zip');
}

/** A CT header whose Content Sequence nests `depth` items deep, each with undefined lengths. */
export function deepNesting(depth = 100_000): File {
  const sop = uid();
  const w = ctImageElements(new Writer(), { sop, series: uid(), study: uid(), rows: 16, columns: 16, bits: 16, patient: 'HOSTILE^NESTING' });
  const open = new Writer().header(0x0040, 0xa730, 'SQ', UNDEFINED).item().done();
  const close = new Writer().itemEnd().sequenceEnd().done();
  const nested = new Uint8Array(depth * (open.length + close.length));
  for (let i = 0; i < depth; i++) {
    nested.set(open, i * open.length);
    nested.set(close, depth * open.length + i * close.length);
  }
  w.bytes(nested).header(0x7fe0, 0x0010, 'OW', 16 * 16 * 2).bytes(new Uint8Array(16 * 16 * 2));
  return new File([part10Head(CT_IMAGE, sop, EXPLICIT_LE), w.done()], 'deep-nesting.dcm');
}

/**
 * A binary DICOM SEG of `segments` segments over `frames` 512² frames (one bit
 * per pixel, 32 KB a frame: 550 frames are 18 MB), each frame of one segment.
 */
export function manySegments(segments: number, frames: number, name: string): File {
  const sop = uid();
  const rows = 512;
  const w = new Writer()
    .text(0x0008, 0x0016, 'UI', SEG_STORAGE)
    .text(0x0008, 0x0018, 'UI', sop)
    .text(0x0008, 0x0060, 'CS', 'SEG')
    .text(0x0010, 0x0010, 'PN', 'HOSTILE^SEG')
    .text(0x0020, 0x000d, 'UI', uid())
    .text(0x0020, 0x000e, 'UI', uid())
    .text(0x0020, 0x0052, 'UI', uid())
    .text(0x0020, 0x0013, 'IS', '1')
    .us(0x0028, 0x0002, 1)
    .text(0x0028, 0x0004, 'CS', 'MONOCHROME2')
    .text(0x0028, 0x0008, 'IS', String(frames))
    .us(0x0028, 0x0010, rows)
    .us(0x0028, 0x0011, rows)
    .us(0x0028, 0x0100, 1)
    .us(0x0028, 0x0101, 1)
    .us(0x0028, 0x0102, 0)
    .us(0x0028, 0x0103, 0)
    .text(0x0062, 0x0001, 'CS', 'BINARY');
  w.header(0x0062, 0x0002, 'SQ', UNDEFINED);
  for (let s = 1; s <= segments; s++) {
    w.item().us(0x0062, 0x0004, s).text(0x0062, 0x0005, 'LO', `segment ${s}`).text(0x0062, 0x0008, 'CS', 'MANUAL').itemEnd();
  }
  w.sequenceEnd();
  w.header(0x5200, 0x9230, 'SQ', UNDEFINED);
  for (let f = 0; f < frames; f++) {
    w.item()
      .header(0x0062, 0x000a, 'SQ', UNDEFINED)
      .item()
      .us(0x0062, 0x000b, (f % segments) + 1)
      .itemEnd()
      .sequenceEnd()
      .header(0x0020, 0x9113, 'SQ', UNDEFINED)
      .item()
      .text(0x0020, 0x0032, 'DS', `0\\0\\${f}`)
      .itemEnd()
      .sequenceEnd()
      .itemEnd();
  }
  w.sequenceEnd();
  const pixelBytes = (rows * rows * frames) / 8;
  const pixels = new Uint8Array(pixelBytes + (pixelBytes % 2));
  for (let i = 0; i < pixels.length; i += 97) pixels[i] = 0xff;
  w.header(0x7fe0, 0x0010, 'OB', pixels.length).bytes(pixels);
  return new File([part10Head(SEG_STORAGE, sop, EXPLICIT_LE), w.done()], name);
}

/** `count` tiny CT images (16², one per file), each its own series of one patient. */
export function tinyFiles(count = 5000, edge = 16): File[] {
  const study = uid();
  return Array.from({ length: count }, (_, i) => {
    const sop = uid();
    const w = ctImageElements(new Writer(), { sop, series: uid(), study, rows: edge, columns: edge, bits: 16, patient: 'HOSTILE^TINY' });
    w.header(0x7fe0, 0x0010, 'OW', edge * edge * 2).bytes(new Uint8Array(edge * edge * 2));
    return new File([part10Head(CT_IMAGE, sop, EXPLICIT_LE), w.done()], `tiny-${String(i + 1).padStart(5, '0')}.dcm`);
  });
}

/** Every input of the security review, in the order the bench and the test feed them. */
export function hostileInputs(options: { tiny?: number } = {}): HostileInput[] {
  const series = uid();
  const study = uid();
  return [
    { name: 'deflated 16384² slice', files: [deflateBomb()], via: 'load', expect: ['input-too-large'] },
    { name: 'six RLE 16384² files', files: Array.from({ length: 6 }, (_, i) => rleBomb(i, 16384, series, study)), via: 'load', expect: ['input-too-large'] },
    { name: 'zip of 3 × 1 GiB zeros', files: [zipBomb()], via: 'load', expect: ['input-too-large'] },
    { name: 'sequences nested 100,000 deep', files: [deepNesting()], via: 'load', expect: ['nesting-too-deep'] },
    { name: '1,000-segment SEG (18 MB)', files: [manySegments(1000, 550, 'seg-1000.dcm')], via: 'import', expect: ['label-limit'] },
    { name: '300-segment SEG', files: [manySegments(300, 300, 'seg-300.dcm')], via: 'import', expect: ['label-limit'] },
    { name: `${options.tiny ?? 5000} tiny files`, files: tinyFiles(options.tiny ?? 5000), via: 'load', expect: [] },
  ];
}
