/**
 * A DEFLATE part (`gzip-parts.ts`) for data made of runs of equal bytes — a
 * labelmap: each run is one literal and copies of it at distance 1, coded
 * with the fixed Huffman codes of RFC 1951 §3.2.6. No match search and no
 * code tables to build, so a 512×512 slice with a few outlines takes tens of
 * microseconds, where a general compressor spends most of its time hashing
 * rows of zeros. The output is a little larger than fflate's (a few kB per
 * MB of labels), and any inflater reads it.
 *
 * Why by hand: fflate (our deflater) has no run-length mode, and its start-up
 * per part cost more than the compression of a labelmap's rows.
 */
import { crc32, crc32Zeros } from './crc32.js';
import type { DeflatePart } from './gzip-parts.js';

/** Zero runs at least this long move the CRC by the polynomial shift instead of byte by byte. */
const LONG_ZERO_RUN = 1024;

/** Reverses the low `n` bits of `code` (Huffman codes go out most significant bit first). */
function reverse(code: number, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r |= ((code >>> i) & 1) << (n - 1 - i);
  return r;
}

/** Fixed literal/length codes, bit-reversed, with their lengths (RFC 1951 §3.2.6). */
const LITERAL = (() => {
  const bits = new Uint16Array(288);
  const lengths = new Uint8Array(288);
  for (let s = 0; s < 288; s++) {
    const [base, first, n] = s < 144 ? [0x30, 0, 8] : s < 256 ? [0x190, 144, 9] : s < 280 ? [0, 256, 7] : [0xc0, 280, 8];
    bits[s] = reverse(base + s - first, n);
    lengths[s] = n;
  }
  return { bits, lengths };
})();

/** Length codes 257–285: the first length of each and its extra bits (RFC 1951 §3.2.5). */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

/**
 * A copy of `length` (3–258) at distance 1, as one bit string: the length
 * code, its extra bits, then distance code 0 (five zero bits, no extra).
 */
const MATCH = (() => {
  const bits = new Uint32Array(259);
  const lengths = new Uint8Array(259);
  for (let code = 0; code < 29; code++) {
    const last = code === 28 ? 258 : LENGTH_BASE[code + 1]! - 1;
    for (let length = LENGTH_BASE[code]!; length <= last; length++) {
      const s = 257 + code;
      const extra = LENGTH_EXTRA[code]!;
      bits[length] = LITERAL.bits[s]! | ((length - LENGTH_BASE[code]!) << LITERAL.lengths[s]!);
      lengths[length] = LITERAL.lengths[s]! + extra + 5;
    }
  }
  return { bits, lengths };
})();

/** Bits out, least significant first, into a growing byte buffer. */
class BitWriter {
  private out: Uint8Array;
  private at = 0;
  private buffer = 0;
  private count = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(Math.max(64, capacity));
  }

  /** Writes the low `n` bits of `value` (n ≤ 24). */
  write(value: number, n: number): void {
    this.buffer |= value << this.count;
    this.count += n;
    while (this.count >= 8) {
      if (this.at === this.out.length) this.grow();
      this.out[this.at++] = this.buffer & 0xff;
      this.buffer >>>= 8;
      this.count -= 8;
    }
  }

  /** Pads to a byte boundary and returns the bytes. */
  finish(): Uint8Array {
    if (this.count > 0) this.write(0, 8 - this.count);
    return this.out.subarray(0, this.at);
  }

  private grow(): void {
    const next = new Uint8Array(this.out.length * 2);
    next.set(this.out);
    this.out = next;
  }
}

/**
 * `bytes` as one fixed-Huffman block of runs, ended by a sync flush (an empty
 * stored block), so that parts can follow it. The first byte is a literal,
 * so nothing refers to data before the part.
 */
export function runLengthPart(bytes: Uint8Array): DeflatePart {
  const w = new BitWriter(bytes.length >>> 6);
  // BFINAL 0, BTYPE 01 (fixed codes).
  w.write(0b010, 3);
  let crc = 0;
  let crcFrom = 0;
  let i = 0;
  while (i < bytes.length) {
    const value = bytes[i]!;
    let end = i + 1;
    while (end < bytes.length && bytes[end] === value) end++;
    w.write(LITERAL.bits[value]!, LITERAL.lengths[value]!);
    let left = end - i - 1;
    while (left >= 3) {
      // Leave at least 3 for the next copy, or none.
      const n = left > 258 ? Math.min(258, left - 3) : left;
      w.write(MATCH.bits[n]!, MATCH.lengths[n]!);
      left -= n;
    }
    for (; left > 0; left--) w.write(LITERAL.bits[value]!, LITERAL.lengths[value]!);
    if (value === 0 && end - i >= LONG_ZERO_RUN) {
      crc = crc32Zeros(crc32(bytes.subarray(crcFrom, i), crc), end - i);
      crcFrom = end;
    }
    i = end;
  }
  crc = crc32(bytes.subarray(crcFrom), crc);
  // End of block (code 256: seven zero bits), then the sync flush: BFINAL 0, BTYPE 00, pad, LEN 0, NLEN 0xffff.
  w.write(0, 7);
  w.write(0, 3);
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  out.set([0, 0, 0xff, 0xff], body.length);
  return { chunks: bytes.length ? [out] : [], crc, length: bytes.length };
}
