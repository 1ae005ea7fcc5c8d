/**
 * How deep a data set's sequences nest, found by a flat walk over element
 * headers before dicom-parser sees the bytes. dicom-parser recurses once per
 * sequence and once per item, so a file nested 100,000 deep overflows the
 * stack after seconds of work; this walk keeps its own stack, skips values
 * without reading them, and lets the parser run only on a sane file.
 *
 * It follows what dicom-parser follows: explicit VR SQ, implicit VR elements
 * whose value starts with an item or a sequence delimiter (private ones only
 * of undefined length), explicit UN of undefined length (a
 * sequence in implicit VR), items and delimiters of defined or undefined
 * length, fragments of encapsulated pixel data (skipped), and other values of
 * undefined length (up to their item delimiter). At anything it cannot
 * follow it stops and returns the depth seen so far: reporting broken
 * files is the parser's job.
 */
import { SegmarkError } from '../errors.js';

/** Sequences nested deeper than this are refused: real files rarely pass 10 (enhanced multi-frame ~5). */
export const MAX_NESTING = 64;

export interface DataSetSyntax {
  implicit: boolean;
  littleEndian: boolean;
}

const UNDEFINED = 0xffffffff;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

interface Open {
  kind: 'sequence' | 'item';
  /** Offset where it ends; Infinity for undefined length (a delimiter ends it). */
  end: number;
  /** VR encoding of what it holds (an undefined-length UN holds implicit VR). */
  implicit: boolean;
}

/** The deepest sequence nesting of the data set starting at `start` (0: no sequences). */
export function nestingDepth(bytes: Uint8Array, start: number, syntax: DataSetSyntax): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = syntax.littleEndian;
  const n = bytes.length;
  const u16 = (p: number): number => view.getUint16(p, le);
  const u32 = (p: number): number => view.getUint32(p, le);
  /** An item or a sequence delimiter at `p`: what dicom-parser takes to start an implicit VR sequence. */
  const startsSequence = (p: number): boolean => p + 4 <= n && u16(p) === 0xfffe && (u16(p + 2) === 0xe000 || u16(p + 2) === 0xe0dd);
  const open: Open[] = [];
  let depth = 0;
  let deepest = 0;
  let p = start;

  for (;;) {
    // Defined-length items and sequences close where their length says.
    while (open.length > 0 && open[open.length - 1]!.end <= p) if (open.pop()!.kind === 'sequence') depth--;
    if (p + 8 > n) break;
    const top = open[open.length - 1];
    const group = u16(p);
    const element = u16(p + 2);
    if (group === 0xfffe) {
      const length = u32(p + 4);
      p += 8;
      if (element === 0xe000 && top?.kind === 'sequence') {
        open.push({ kind: 'item', end: length === UNDEFINED ? Infinity : p + length, implicit: top.implicit });
      } else if (element === 0xe00d && top?.kind === 'item') {
        open.pop();
      } else if (element === 0xe0dd && top?.kind === 'sequence') {
        open.pop();
        depth--;
      } else break;
      continue;
    }
    const implicit = top ? top.implicit : syntax.implicit;
    let vr: string | undefined;
    let length: number;
    let header: number;
    if (implicit) {
      length = u32(p + 4);
      header = 8;
    } else {
      vr = String.fromCharCode(bytes[p + 4]!, bytes[p + 5]!);
      if (LONG_VRS.has(vr)) {
        if (p + 12 > n) break;
        length = u32(p + 8);
        header = 12;
      } else {
        length = u16(p + 6);
        header = 8;
      }
    }
    const value = p + header;
    const pixelData = group === 0x7fe0 && element === 0x0010;
    const sequence = implicit
      ? startsSequence(value) && ((group & 1) === 0 || length === UNDEFINED)
      : vr === 'SQ' || (vr === 'UN' && length === UNDEFINED && !pixelData);
    if (sequence) {
      depth++;
      deepest = Math.max(deepest, depth);
      open.push({ kind: 'sequence', end: length === UNDEFINED ? Infinity : value + length, implicit: implicit || vr === 'UN' });
      p = value;
      continue;
    }
    if (length !== UNDEFINED) {
      p = value + length;
      continue;
    }
    if (!pixelData || implicit) {
      // A value of undefined length that is no sequence ends at an item delimiter, as dicom-parser finds it.
      p = delimiterEnd(u16, value, n);
      if (p < 0) break;
      continue;
    }
    // Encapsulated pixel data: fragments up to the sequence delimiter.
    p = value;
    while (p + 8 <= n && u16(p) === 0xfffe && u16(p + 2) === 0xe000) p += 8 + u32(p + 4);
    if (p + 8 > n || u16(p) !== 0xfffe || u16(p + 2) !== 0xe0dd) break;
    p += 8;
  }
  return deepest;
}

/**
 * Where a value of undefined length that is no sequence ends: after the first
 * item delimiter (FFFE,E00D), looked for two bytes at a time from `from` as
 * dicom-parser looks for it; −1 when there is none (the value runs to the end).
 */
function delimiterEnd(u16: (p: number) => number, from: number, length: number): number {
  let i = from;
  while (i <= length - 8) {
    const group = u16(i);
    i += 2;
    if (group !== 0xfffe) continue;
    const element = u16(i);
    i += 2;
    if (element === 0xe00d) return i + 4;
  }
  return -1;
}

/** Refuses (`nesting-too-deep`, naming the file and the depth) a data set nested deeper than `MAX_NESTING`. */
export function checkNesting(bytes: Uint8Array, start: number, syntax: DataSetSyntax, file: string, limit = MAX_NESTING): void {
  const depth = nestingDepth(bytes, start, syntax);
  if (depth > limit) throw nestingError(depth, file, limit);
}

export function nestingError(depth: number | string, file: string, limit = MAX_NESTING): SegmarkError {
  return new SegmarkError('nesting-too-deep', `sequences nest ${depth} deep, limit ${limit}`, { file, params: { depth } });
}
