/**
 * A zip archive (PKWARE APPNOTE 6.3: local headers, central directory, end
 * record; no ZIP64, so at most 65535 entries and under 4 GB) of entries
 * that are stored as they are (files already gzipped, e.g. .nii.gz) or
 * deflated (small text).
 *
 * Why not fflate's `zipSync`: it computes the CRC-32 a byte at a time, which
 * took half a second over the 90 MB CT of a dataset package; the
 * slicing-by-4 CRC of `crc32.ts` takes a fifth of that. Deflating
 * still goes through fflate.
 */
import { deflateSync } from 'fflate';
import { crc32 } from './crc32.js';
import { concat } from './gzip-parts.js';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated; written as UTF-8. */
  readonly name: string;
  /** The content, or its pieces in order (copied once, into the archive). */
  readonly bytes: Uint8Array | readonly Uint8Array[];
  /** Store as is (already compressed); otherwise deflated at level 6. */
  readonly store?: boolean;
  /** The content's CRC-32 when already known (e.g. combined from a .nii.gz's parts), so it is not read again. */
  readonly crc?: number;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
/** Version 2.0: deflate. */
const VERSION = 20;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8 = 0x0800;
const MAX_32 = 0xffffffff;

/** The archive; entries keep their order. `mtime` is every entry's time (local, 2-second steps, as DOS keeps it). */
export function zipEntries(entries: readonly ZipEntry[], mtime: Date): Uint8Array {
  return concat(zipPieces(entries, mtime));
}

/**
 * The archive as the pieces it is made of, in order: each entry's header,
 * its data (the stored entries' own pieces, not copied), and the central
 * directory. A `Blob` or `File` made of them is the archive.
 */
export function zipPieces(entries: readonly ZipEntry[], mtime: Date): Uint8Array[] {
  const encoder = new TextEncoder();
  const { date, time } = dosTime(mtime);
  const items = entries.map((e) => {
    const name = encoder.encode(e.name);
    const pieces = e.bytes instanceof Uint8Array ? [e.bytes] : e.bytes;
    const size = pieces.reduce((sum, p) => sum + p.length, 0);
    const crc = e.crc ?? pieces.reduce((c, p) => crc32(p, c), 0);
    const data = e.store ? pieces : [deflateSync(concat(pieces), { level: 6 })];
    const length = data.reduce((sum, p) => sum + p.length, 0);
    if (size > MAX_32 || length > MAX_32) throw new RangeError(`zip: ${e.name} is 4 GB or more (no ZIP64 here)`);
    return { name, data, length, method: e.store ? 0 : 8, crc, size };
  });
  const localSize = items.reduce((sum, i) => sum + 30 + i.name.length + i.length, 0);
  const centralSize = items.reduce((sum, i) => sum + 46 + i.name.length, 0);
  if (localSize + centralSize > MAX_32) throw new RangeError('zip: the archive is 4 GB or more (no ZIP64 here)');
  if (items.length > 0xffff) throw new RangeError(`zip: ${items.length} entries (no ZIP64 here: at most 65535)`);
  const pieces: Uint8Array[] = [];
  // Headers and the central directory are written into one buffer; pieces of it go out between the data.
  const headers = new Uint8Array(localSize + centralSize + 22 - items.reduce((sum, i) => sum + i.length, 0));
  const view = new DataView(headers.buffer);
  let at = 0;
  let from = 0;
  let offset = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  /** What the local and the central header both say, from the flags to the extra field's length (none). */
  const fields = (i: (typeof items)[number]) => {
    u16(UTF8);
    u16(i.method);
    u16(time);
    u16(date);
    u32(i.crc);
    u32(i.length);
    u32(i.size);
    u16(i.name.length);
    u16(0);
  };
  const offsets: number[] = [];
  for (const i of items) {
    offsets.push(offset);
    u32(LOCAL);
    u16(VERSION);
    fields(i);
    headers.set(i.name, at);
    at += i.name.length;
    pieces.push(headers.subarray(from, at), ...i.data.filter((p) => p.length > 0));
    offset += at - from + i.length;
    from = at;
  }
  const central = offset;
  items.forEach((i, k) => {
    u32(CENTRAL);
    u16(VERSION); // made by
    u16(VERSION);
    fields(i);
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[k]!);
    headers.set(i.name, at);
    at += i.name.length;
  });
  const centralLength = at - from;
  u32(END);
  u16(0);
  u16(0);
  u16(items.length);
  u16(items.length);
  u32(centralLength);
  u32(central);
  u16(0);
  pieces.push(headers.subarray(from, at));
  return pieces;
}

/** MS-DOS date and time fields of a local time, from 1980 on. */
function dosTime(d: Date): { date: number; time: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}
