/**
 * DEFLATE streams and zips that are small on disk and enormous once read:
 * the compression half of the hostile inputs (issue 17), shared by the Node
 * and browser tests and the bench's `hostile` scenario (plain TypeScript, no
 * Node API).
 *
 * The streams are written bit by bit, without compressing a byte: the long
 * run of zeros goes in one dynamic Huffman block whose code for a 258-byte
 * copy of the previous byte is 1 bit long (2 bits with its distance), so
 * 1 GiB of zeros is 1 MB, as zlib's best gives.
 */
import { crc32Zeros } from '../../../src/core/formats/crc32.js';

/** Bits out, least significant first (DEFLATE's order for everything but Huffman codes), into a growing buffer. */
class BitWriter {
  private out: Uint8Array<ArrayBuffer>;
  private at = 0;
  private acc = 0;
  private count = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }

  /** The low `n` bits of `value`. */
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

  done(): Uint8Array<ArrayBuffer> {
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
 * blocks; the zeros in one final dynamic block whose codes are: copy 258
 * bytes (1 bit), literal 0 (2 bits), end of block (2 bits), distance 1 (1 bit).
 */
export function deflateZeros(zeros: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
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

/** Little-endian fields of 16 and 32 bits, in order, as bytes. */
function fields(...parts: [16 | 32, number][]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, [bits]) => n + bits / 8, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [bits, value] of parts) {
    if (bits === 16) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += bits / 8;
  }
  return out;
}

/**
 * A zip of `entries` files named `zeros-<n>.dcm`, each `size` zeros (1 GiB
 * by default), deflated: 1 MB each. Its parts in order, as a `File` or a
 * `Blob` takes them.
 */
export function zipOfZeros(entries = 3, size = 2 ** 30): Uint8Array<ArrayBuffer>[] {
  const data = deflateZeros(size);
  const crc = crc32Zeros(0, size);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = new TextEncoder().encode(`zeros-${i + 1}.dcm`);
    // Version 2.0, no flags, deflated, time 0, date 1980-01-01; then CRC, sizes and the name's length.
    const local = fields([32, 0x04034b50], [16, 20], [16, 0], [16, 8], [16, 0], [16, 0x21], [32, crc], [32, data.length], [32, size], [16, name.length], [16, 0]);
    central.push(
      fields([32, 0x02014b50], [16, 20], [16, 20], [16, 0], [16, 8], [16, 0], [16, 0x21], [32, crc], [32, data.length], [32, size], [16, name.length], [16, 0], [16, 0], [16, 0], [16, 0], [32, 0], [32, offset]),
      name,
    );
    parts.push(local, name, data);
    offset += local.length + name.length + data.length;
  }
  const dirLength = central.reduce((n, c) => n + c.length, 0);
  const end = fields([32, 0x06054b50], [16, 0], [16, 0], [16, entries], [16, entries], [32, dirLength], [32, offset], [16, 0]);
  return [...parts, ...central, end];
}
