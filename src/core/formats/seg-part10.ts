/**
 * A small DICOM Part 10 encoder, Explicit VR Little Endian only: just what the
 * SEG writer needs (see `seg.ts` for why it is ours and not dcmjs's).
 *
 * Callers describe a data set as a list of elements with their VRs — there is
 * no dictionary — in any order; each data set and sequence item is sorted by
 * tag here, as PS3.5 §7.1 requires. Sequences and items get defined lengths.
 * Text is UTF-8, so the data set must declare Specific Character Set
 * "ISO_IR 192". The result is built as a list of chunks and joined once, so
 * large pixel data is copied a single time.
 */

import { SegmarkError } from '../errors.js';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export type TextVR = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UC' | 'UI' | 'UR' | 'UT';

/** One element: text values, 16/32-bit integers, attribute tags, bytes, or sequence items. */
export type DicomElement =
  | { tag: number; vr: TextVR; values: readonly string[] }
  | { tag: number; vr: 'US' | 'UL' | 'AT'; values: readonly number[] }
  | { tag: number; vr: 'OB'; bytes: Uint8Array }
  | { tag: number; vr: 'SQ'; items: readonly (readonly DicomElement[])[] };

export const text = (tag: number, vr: TextVR, ...values: string[]): DicomElement => ({ tag, vr, values });
export const us = (tag: number, ...values: number[]): DicomElement => ({ tag, vr: 'US', values });
export const ul = (tag: number, ...values: number[]): DicomElement => ({ tag, vr: 'UL', values });
export const at = (tag: number, ...values: number[]): DicomElement => ({ tag, vr: 'AT', values });
export const ob = (tag: number, bytes: Uint8Array): DicomElement => ({ tag, vr: 'OB', bytes });
export const sq = (tag: number, ...items: (readonly DicomElement[])[]): DicomElement => ({ tag, vr: 'SQ', items });

/** VRs with a 2-byte reserved field and a 4-byte length in Explicit VR (PS3.5 §7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const ITEM = 0xfffee000;
const encoder = new TextEncoder();

/**
 * The Part 10 file: 128-byte preamble, "DICM", the File Meta Information
 * (group 0002, with its group length computed here) and the data set, all in
 * Explicit VR Little Endian.
 */
export function encodePart10(meta: readonly DicomElement[], dataset: readonly DicomElement[]): Uint8Array {
  const metaChunks = encodeDataSet(meta);
  const metaLength = total(metaChunks);
  const head = new Uint8Array(132 + 12);
  head.set([0x44, 0x49, 0x43, 0x4d], 128);
  head.set(elementHeader(0x00020000, 'UL', 4), 132);
  new DataView(head.buffer).setUint32(140, metaLength, true);
  return concat([head, ...metaChunks, ...encodeDataSet(dataset)]);
}

function encodeDataSet(elements: readonly DicomElement[]): Uint8Array[] {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new SegmarkError('internal', `element ${hex(sorted[i]!.tag)} given twice`);
  }
  return sorted.flatMap(encodeElement);
}

function encodeElement(element: DicomElement): Uint8Array[] {
  if (element.vr === 'SQ') {
    const items = element.items.flatMap((item) => {
      const content = encodeDataSet(item);
      return [tagAndLength(ITEM, total(content)), ...content];
    });
    return [elementHeader(element.tag, 'SQ', total(items)), ...items];
  }
  const value = padded(element);
  return [elementHeader(element.tag, element.vr, value.length), value];
}

/** The value bytes, padded to even length: UI with NUL, OB with 0, text with a space (PS3.5 §6.2). */
function padded(element: Exclude<DicomElement, { vr: 'SQ' }>): Uint8Array {
  switch (element.vr) {
    case 'OB':
      return element.bytes.length % 2 ? concat([element.bytes, new Uint8Array(1)]) : element.bytes;
    case 'US':
    case 'UL':
    case 'AT': {
      const size = element.vr === 'US' ? 2 : 4;
      const out = new Uint8Array(element.values.length * size);
      const view = new DataView(out.buffer);
      element.values.forEach((v, i) => {
        if (element.vr === 'US') view.setUint16(i * 2, v, true);
        else if (element.vr === 'UL') view.setUint32(i * 4, v, true);
        else {
          // An attribute tag is written as group then element, each 16-bit little endian.
          view.setUint16(i * 4, v >>> 16, true);
          view.setUint16(i * 4 + 2, v & 0xffff, true);
        }
      });
      return out;
    }
    default: {
      const bytes = encoder.encode(element.values.join('\\'));
      if (bytes.length % 2 === 0) return bytes;
      const out = new Uint8Array(bytes.length + 1);
      out.set(bytes);
      out[bytes.length] = element.vr === 'UI' ? 0 : 0x20;
      return out;
    }
  }
}

function elementHeader(tag: number, vr: string, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  if (!long && length > 0xffff) throw new SegmarkError('internal', `element ${hex(tag)} (${vr}) is ${length} bytes, more than its VR holds`);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else view.setUint16(6, length, true);
  return out;
}

/** Item tags have no VR, in every transfer syntax. */
function tagAndLength(tag: number, length: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  view.setUint32(4, length, true);
  return out;
}

function total(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(total(chunks));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function hex(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`.toUpperCase();
}
