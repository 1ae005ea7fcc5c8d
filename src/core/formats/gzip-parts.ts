/**
 * gzip assembled from independently deflated parts, as pigz does: each part
 * is a raw DEFLATE stream that fflate ends with a sync flush (byte-aligned,
 * not final), and such streams may follow one another (fflate's `flush`
 * documents it); the member's CRC-32 is combined from the parts' CRCs. The
 * result is one ordinary gzip member, which every reader accepts.
 *
 * Why by hand around fflate: fflate compresses zeros at about 12 ns a byte,
 * and four fifths of an exported labelmap are empty slices. Here a run of
 * zeros reuses a part compressed once (per size, per worker), so an empty
 * 512² slice costs a few appends instead of 256 KB through the compressor;
 * and parts made elsewhere (another worker's half of a CT) can be appended.
 */
import { Deflate, type DeflateOptions } from 'fflate';
import type { GzipLevel } from './bytes.js';
import { crc32, crc32Combine } from './crc32.js';

/** A raw DEFLATE stream ending on a byte boundary without a final block, with the CRC-32 and length of what it holds. */
export interface DeflatePart {
  /** The stream, in the pieces it was written in (never copied together: a CT's part is tens of MB). */
  readonly chunks: readonly Uint8Array[];
  readonly crc: number;
  /** Uncompressed bytes. */
  readonly length: number;
  /** CRC-32 of the stream itself (the chunks in order), when its maker computed it: a zip that stores the file needs it. */
  readonly chunksCrc?: number;
}

/** The part with the CRC-32 of its own bytes (`chunksCrc`). */
export function withChunksCrc(part: DeflatePart): DeflatePart {
  if (part.chunksCrc !== undefined) return part;
  return { ...part, chunksCrc: part.chunks.reduce((c, chunk) => crc32(chunk, c), 0) };
}

/** Every buffer under the parts' chunks, once each, to transfer them (a buffer listed twice cannot be). */
export function chunkBuffers(parts: readonly DeflatePart[]): ArrayBuffer[] {
  return [...new Set(parts.flatMap((p) => p.chunks.map((c) => c.buffer as ArrayBuffer)))];
}

/** Collects one part: pushed bytes through a fresh fflate compressor (so nothing refers back before it), ended with a sync flush. */
export class PartDeflater {
  private readonly chunks: Uint8Array[] = [];
  private readonly deflate: Deflate;
  private crc = 0;
  private size = 0;

  /**
   * `mem` (fflate's 0..12) sizes the match hash table, which each new
   * compressor allocates and clears: by default 512 KB, which costs more than
   * compressing the few kilobytes of a labelmap's rows. Leave it unset for
   * big inputs (a CT).
   */
  constructor(level: GzipLevel, mem?: DeflateOptions['mem']) {
    this.deflate = new Deflate(mem === undefined ? { level } : { level, mem }, (chunk) => this.chunks.push(chunk));
  }

  /** Uncompressed bytes pushed so far. */
  get length(): number {
    return this.size;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.deflate.push(bytes);
    this.crc = crc32(bytes, this.crc);
    this.size += bytes.length;
  }

  /** The part; the deflater is spent afterwards. */
  finish(): DeflatePart {
    if (this.size > 0) {
      // The sync flush by hand: fflate 0.8.3's `flush(true)` writes its empty stored block at a
      // wrong bit position whenever the last byte is partly filled (it takes the carried byte's
      // value for a bit offset). `flush(false)` emits every whole byte and leaves the partial
      // byte, with its used bit count, in the stream state `s.r` (byte << 3 | bits).
      this.deflate.flush(false);
      const carried = (this.deflate as unknown as { s: { r?: number } }).s.r ?? 0;
      const bits = carried & 7;
      // BFINAL 0 and BTYPE 00 take 3 bits; then padding to the byte, LEN 0, NLEN 0xffff.
      this.chunks.push(new Uint8Array(bits > 5 ? [carried >>> 3, 0, 0, 0, 0xff, 0xff] : [carried >>> 3, 0, 0, 0xff, 0xff]));
    }
    return { chunks: this.chunks, crc: this.crc, length: this.size };
  }
}

/** Zero runs of 2^k bytes, k = MIN_ZERO_BITS..MAX_ZERO_BITS, compressed once per worker. */
const MIN_ZERO_BITS = 10;
const MAX_ZERO_BITS = 18;
const zeroParts = new Map<number, DeflatePart>();

function zeroPart(bits: number): DeflatePart {
  let part = zeroParts.get(bits);
  if (!part) {
    const d = new PartDeflater(1);
    d.push(new Uint8Array(2 ** bits));
    part = d.finish();
    zeroParts.set(bits, part);
  }
  return part;
}

/** Bytes scanned at a time by `pushSparse`. */
const SPARSE_BLOCK = 1 << MIN_ZERO_BITS;
/** Zero runs shorter than this go through the compressor: a new one after each run costs about as much. */
const MIN_SPARSE_RUN = 1 << 15;
/** fflate's `mem` for the compressors made here (labelmap rows, a header): a 32 K-entry hash table. */
const SMALL_MEM: DeflateOptions['mem'] = 3;

/** A gzip file in pieces. */
export interface GzipPieces {
  readonly pieces: Uint8Array[];
  /** The CRC-32 of the file's bytes, worked out when asked. */
  crc(): number;
}

/**
 * A gzip member built from pushed bytes, zero runs and ready parts, in order.
 * Deterministic: the same calls give the same bytes (mtime 0).
 */
export class GzipBuilder {
  private readonly parts: DeflatePart[] = [];
  private crc = 0;
  private size = 0;
  private current: PartDeflater | undefined;

  constructor(private readonly level: GzipLevel) {}

  /** Bytes to compress. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.current ??= new PartDeflater(this.level, SMALL_MEM);
    this.current.push(bytes);
  }

  /**
   * `bytes`, where long runs of zeros (most of a labelmap slice) take the
   * zero-run path; the rest goes through the compressor, or through `encode`
   * when given (e.g. `runLengthPart` for a labelmap's rows).
   */
  pushSparse(bytes: Uint8Array, encode?: (bytes: Uint8Array) => DeflatePart): void {
    let start = 0;
    let zerosFrom = -1;
    // Four bytes at a time where the buffer allows it.
    const words = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : undefined;
    for (let at = 0; at < bytes.length; at += SPARSE_BLOCK) {
      const end = Math.min(at + SPARSE_BLOCK, bytes.length);
      let zero = true;
      let i = at;
      if (words) {
        const last = end >>> 2;
        for (let w = at >>> 2; w < last; w++) {
          if (words[w] !== 0) {
            zero = false;
            break;
          }
        }
        i = last << 2;
      }
      for (; zero && i < end; i++) if (bytes[i] !== 0) zero = false;
      if (zero) {
        if (zerosFrom < 0) zerosFrom = at;
      } else if (zerosFrom >= 0) {
        start = this.zeroRun(bytes, start, zerosFrom, at, encode);
        zerosFrom = -1;
      }
    }
    if (zerosFrom >= 0) start = this.zeroRun(bytes, start, zerosFrom, bytes.length, encode);
    this.pushWith(bytes.subarray(start), encode);
  }

  /** `n` zero bytes. */
  zeros(n: number): void {
    let left = n;
    for (let bits = MAX_ZERO_BITS; bits >= MIN_ZERO_BITS; bits--) {
      const size = 2 ** bits;
      while (left >= size) {
        this.append(zeroPart(bits));
        left -= size;
      }
    }
    if (left > 0) this.push(new Uint8Array(left));
  }

  /** A part made elsewhere (e.g. another worker), after what came before. */
  append(part: DeflatePart): void {
    this.close();
    this.add(part);
  }

  /** The gzip bytes. */
  finish(): Uint8Array {
    return concat(this.finishPieces().pieces);
  }

  /**
   * The gzip file as the pieces it is made of, in order (no copy into one
   * buffer), with the CRC-32 of the file's bytes — what a zip storing it
   * needs — combined from the parts' own CRCs where their makers computed
   * them (`withChunksCrc`), so 90 MB need not be read again here.
   */
  finishPieces(): GzipPieces {
    this.close();
    const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, this.level < 2 ? 4 : this.level === 9 ? 2 : 0, 3]);
    // An empty final stored block (BFINAL 1, BTYPE 00, LEN 0, NLEN 0xffff): the parts all end on a byte.
    const last = new Uint8Array([1, 0, 0, 0xff, 0xff]);
    const trailer = new Uint8Array(8);
    const view = new DataView(trailer.buffer);
    view.setUint32(0, this.crc, true);
    view.setUint32(4, this.size >>> 0, true);
    const parts = this.parts;
    const crc = () => {
      let c = crc32(header);
      for (const part of parts) {
        const known = withChunksCrc(part);
        c = crc32Combine(c, known.chunksCrc!, known.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      }
      return crc32(trailer, crc32(last, c));
    };
    return { pieces: [header, ...parts.flatMap((p) => p.chunks), last, trailer], crc };
  }

  /** Zeros `from..to` of `bytes` as a zero run when long enough, after pushing `start..from`; returns the new start. */
  private zeroRun(bytes: Uint8Array, start: number, from: number, to: number, encode: ((bytes: Uint8Array) => DeflatePart) | undefined): number {
    if (to - from < MIN_SPARSE_RUN) return start;
    this.pushWith(bytes.subarray(start, from), encode);
    this.zeros(to - from);
    return to;
  }

  private pushWith(bytes: Uint8Array, encode: ((bytes: Uint8Array) => DeflatePart) | undefined): void {
    if (!encode) this.push(bytes);
    else if (bytes.length) this.append(encode(bytes));
  }

  private close(): void {
    if (!this.current) return;
    this.add(this.current.finish());
    this.current = undefined;
  }

  private add(part: DeflatePart): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.crc = crc32Combine(this.crc, part.crc, part.length);
    this.size += part.length;
  }
}

/** The chunks in one buffer (the chunk itself when there is one). */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
