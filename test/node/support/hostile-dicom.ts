/**
 * Hostile DICOM files (issue 17), made in milliseconds: small on disk,
 * enormous or endless once read.
 *
 * - `deflatedBomb`: Deflated Explicit VR LE whose data set inflates to one
 *   huge 16-bit frame (`zeros-deflate.ts`: a 512 MB frame is 0.5 MB of
 *   stream, with nothing compressed).
 * - `deflatedPadding`: the same trick with the zeros in a private element,
 *   so no header value gives the size away.
 * - `rleSlice`: an RLE Lossless file of one 8-bit frame of zeros, 2 bytes
 *   per 128 pixels (16384² → 4 MB).
 * - `nestedFile`: sequences nested `depth` deep, each of undefined length.
 * - `manySegments`: a binary DICOM SEG of very many segments.
 * - `plainSlice`: a small uncompressed CT image, thousands of which make a
 *   drop of one-image series.
 *
 * Used by the Node and browser tests and by the bench's `hostile` scenario
 * (`scripts/bench/hostile-files.ts`): plain TypeScript, no Node API.
 */
import { concat, dataSet, encapsulatedPixelData, imagePixel, part10, raw, sequence, text, us, type El } from './dicom-bytes.js';
import { deflateZeros } from './zeros-deflate.js';

export const TS_DEFLATED = '1.2.840.10008.1.2.1.99';
export const TS_EXPLICIT = '1.2.840.10008.1.2.1';
export const TS_IMPLICIT = '1.2.840.10008.1.2';
export const TS_RLE = '1.2.840.10008.1.2.5';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const SEG_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** Where a generated slice belongs: its series (and study, by default one of its own) and its position along z (mm). */
export interface SlicePlace {
  series: string;
  z: number;
  study?: string;
}

/** A CT image header for a `rows × columns` frame, alone in its series unless `place` says; pixel data not included. */
function ctHeader(rows: number, columns: number, bitsAllocated: number, uid: string, place?: SlicePlace): El[] {
  const els = [
    text(0x00080016, 'UI', CT_IMAGE),
    text(0x00080018, 'UI', uid),
    text(0x00080060, 'CS', 'CT'),
    text(0x0020000d, 'UI', place?.study ?? `${place?.series ?? uid}.1`),
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

/** The header of an explicit VR element of `length` bytes (OB or OW), whose value the deflated zeros then give. */
function zerosHeader(tag: number, vr: 'OB' | 'OW', length: number): Uint8Array {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  header.set([vr.charCodeAt(0), vr.charCodeAt(1)], 4);
  view.setUint32(8, length, true);
  return header;
}

/** Deflated Explicit VR LE file whose data set inflates to one `edge²` 16-bit frame of zeros. */
export function deflatedBomb(edge: number, uid = '1.2.826.0.1.3680043.2.1143.17.1', place?: SlicePlace): Uint8Array {
  const pixelBytes = edge * edge * 2;
  const head = concat([dataSet(ctHeader(edge, edge, 16, uid, place)), zerosHeader(0x7fe00010, 'OW', pixelBytes)]);
  return part10(TS_DEFLATED, CT_IMAGE, uid, deflateZeros(pixelBytes, head));
}

/**
 * Deflated Explicit VR LE file whose data set holds a small image header and
 * then a private OB element of `padding` zero bytes: nothing in its header
 * tells how large it inflates, so only the cap stops it.
 */
export function deflatedPadding(padding: number, uid = '1.2.826.0.1.3680043.2.1143.17.4'): Uint8Array {
  const head = concat([dataSet(ctHeader(16, 16, 16, uid)), zerosHeader(0x00291000, 'OB', padding)]);
  return part10(TS_DEFLATED, CT_IMAGE, uid, deflateZeros(padding, head));
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


/** An uncompressed `edge²` 16-bit CT image of zeros. */
export function plainSlice(edge: number, uid: string, place?: SlicePlace): Uint8Array {
  const body = dataSet([...ctHeader(edge, edge, 16, uid, place), raw(0x7fe00010, 'OW', new Uint8Array(edge * edge * 2))]);
  return part10(TS_EXPLICIT, CT_IMAGE, uid, body);
}

/**
 * A binary DICOM SEG of `segments` segments over `frames` 512² frames (one
 * bit a pixel, 32 KB a frame: 550 frames are 18 MB), each frame of one
 * segment, in the study and series `uid` names with suffixes.
 */
export function manySegments(segments: number, frames: number, uid: string): Uint8Array {
  const rows = 512;
  const segmentItems = Array.from({ length: segments }, (_, i) => [us(0x00620004, i + 1), text(0x00620005, 'LO', `segment ${i + 1}`), text(0x00620008, 'CS', 'MANUAL')]);
  const frameItems = Array.from({ length: frames }, (_, f) => [
    sequence(0x00209113, [[text(0x00200032, 'DS', `0\\0\\${f}`)]]),
    sequence(0x0062000a, [[us(0x0062000b, (f % segments) + 1)]]),
  ]);
  const pixelBytes = (rows * rows * frames) / 8;
  const pixels = new Uint8Array(pixelBytes + (pixelBytes % 2));
  for (let i = 0; i < pixels.length; i += 97) pixels[i] = 0xff;
  const body = dataSet([
    text(0x00080016, 'UI', SEG_STORAGE),
    text(0x00080018, 'UI', uid),
    text(0x00080060, 'CS', 'SEG'),
    text(0x00100010, 'PN', 'HOSTILE^SEG'),
    text(0x0020000d, 'UI', `${uid}.1`),
    text(0x0020000e, 'UI', `${uid}.2`),
    text(0x00200013, 'IS', '1'),
    text(0x00200052, 'UI', `${uid}.3`),
    ...imagePixel({ rows, columns: rows, bitsAllocated: 1, frames }).filter((e) => e.tag >= 0x00280000),
    text(0x00620001, 'CS', 'BINARY'),
    sequence(0x00620002, segmentItems),
    sequence(0x52009230, frameItems),
    raw(0x7fe00010, 'OB', pixels),
  ]);
  return part10(TS_EXPLICIT, SEG_STORAGE, uid, body);
}
