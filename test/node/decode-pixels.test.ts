/**
 * Stored values from synthetic frames, for the cases no public file covers:
 * junk high bits, HighBit shifts, signed 12-bit, byte order, odd offsets,
 * planar colour, 1-bit frames off byte boundaries, RLE, and encapsulated
 * frames split over fragments with and without a Basic Offset Table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { frameBytes, parseInstance } from '../../src/core/dicom/parse.js';
import { decodeFrame, decodeFrameSync } from '../../src/core/dicom/pixels/decode.js';
import type { PixelDescriptor } from '../../src/core/dicom/types.js';
import { concat, dataSet, encapsulatedPixelData, imagePixel, offsetsOf, part10, raw } from './support/dicom-bytes.js';

const LE = '1.2.840.10008.1.2.1';
const BE = '1.2.840.10008.1.2.2';
const RLE = '1.2.840.10008.1.2.5';

function desc(o: Partial<PixelDescriptor> & { rows: number; columns: number; bitsAllocated: number }): PixelDescriptor {
  const bitsStored = o.bitsStored ?? o.bitsAllocated;
  return {
    samplesPerPixel: 1,
    bitsStored,
    highBit: bitsStored - 1,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    planarConfiguration: 0,
    transferSyntaxUID: LE,
    ...o,
  };
}

const u16le = (...values: number[]): Uint8Array => new Uint8Array(new Uint16Array(values).buffer);

describe('native frames', () => {
  it('masks junk high bits and sign-extends signed 12-bit data', () => {
    // -5, 2047, -2048, 0 in 12 bits, with overlay/junk bits set above bit 11.
    const bytes = u16le(0x8ffb, 0xf7ff, 0x1800, 0xa000);
    const signed = decodeFrameSync(desc({ rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 }), bytes);
    expect(signed).toBeInstanceOf(Int16Array);
    expect(Array.from(signed)).toEqual([-5, 2047, -2048, 0]);
    const unsigned = decodeFrameSync(desc({ rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12 }), bytes);
    expect(unsigned).toBeInstanceOf(Uint16Array);
    expect(Array.from(unsigned)).toEqual([0xffb, 0x7ff, 0x800, 0]);
    expect(unsigned.buffer).not.toBe(bytes.buffer); // masked into a copy, the input is untouched
    expect(bytes[1]).toBe(0x8f);
  });

  it('honours a HighBit above BitsStored − 1 (values in the upper bits)', () => {
    const bytes = u16le(0x0010 << 4, 0xfff0, 0x0005);
    const d = desc({ rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 12, highBit: 15 });
    expect(Array.from(decodeFrameSync(d, bytes))).toEqual([0x10, 0xfff, 0]);
    expect(Array.from(decodeFrameSync({ ...d, pixelRepresentation: 1 }, bytes))).toEqual([0x10, -1, 0]);
  });

  it('returns a view when nothing needs changing, a copy at an odd byte offset', () => {
    const values = [1, -2, 300, -32768];
    const aligned = new Uint8Array(new Int16Array(values).buffer);
    const d = desc({ rows: 2, columns: 2, bitsAllocated: 16, pixelRepresentation: 1 });
    const view = decodeFrameSync(d, aligned);
    expect(view.buffer).toBe(aligned.buffer);
    expect(Array.from(view)).toEqual(values);
    const odd = new Uint8Array(9);
    odd.set(aligned, 1);
    const copied = decodeFrameSync(d, odd.subarray(1));
    expect(copied.buffer).not.toBe(odd.buffer);
    expect(Array.from(copied)).toEqual(values);
  });

  it('swaps big endian 16- and 32-bit words, and 8-bit data in an OW element', () => {
    const be16 = new Uint8Array([0x01, 0x02, 0xff, 0xfe]);
    expect(Array.from(decodeFrameSync(desc({ rows: 1, columns: 2, bitsAllocated: 16, pixelRepresentation: 1, transferSyntaxUID: BE }), be16))).toEqual([0x0102, -2]);
    const be32 = new Uint8Array([0x00, 0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xfd]);
    expect(Array.from(decodeFrameSync(desc({ rows: 1, columns: 2, bitsAllocated: 32, pixelRepresentation: 1, transferSyntaxUID: BE }), be32))).toEqual([0x10002, -3]);
    const ow8 = new Uint8Array([2, 1, 4, 3]);
    const d8 = desc({ rows: 2, columns: 2, bitsAllocated: 8, transferSyntaxUID: BE, pixelDataVR: 'OW' });
    expect(Array.from(decodeFrameSync(d8, ow8))).toEqual([1, 2, 3, 4]);
    expect(Array.from(decodeFrameSync({ ...d8, pixelDataVR: 'OB' }, ow8))).toEqual([2, 1, 4, 3]);
  });

  it('gives Int8Array/Uint32Array/Int32Array by BitsAllocated and sign', () => {
    expect(decodeFrameSync(desc({ rows: 1, columns: 2, bitsAllocated: 8, pixelRepresentation: 1 }), new Uint8Array([0xff, 1]))).toEqual(new Int8Array([-1, 1]));
    const w = new Uint8Array(new Uint32Array([0xffffffff, 7]).buffer);
    expect(decodeFrameSync(desc({ rows: 1, columns: 2, bitsAllocated: 32 }), w)).toEqual(new Uint32Array([0xffffffff, 7]));
    expect(decodeFrameSync(desc({ rows: 1, columns: 2, bitsAllocated: 32, pixelRepresentation: 1 }), w)).toEqual(new Int32Array([-1, 7]));
  });

  it('interleaves planar RGB', () => {
    const planar = new Uint8Array([1, 2, 10, 20, 100, 200]); // R R G G B B
    const d = desc({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, planarConfiguration: 1, photometricInterpretation: 'RGB' });
    expect(Array.from(decodeFrameSync(d, planar))).toEqual([1, 10, 100, 2, 20, 200]);
  });

  it('rejects a short frame and an unknown transfer syntax', async () => {
    const d = desc({ rows: 2, columns: 2, bitsAllocated: 16 });
    expect(() => decodeFrameSync(d, new Uint8Array(6))).toThrowError(expect.objectContaining({ code: 'pixel-data-short' }));
    await expect(decodeFrame({ ...d, transferSyntaxUID: '1.2.840.10008.1.2.4.100' }, new Uint8Array(8))).rejects.toMatchObject({
      code: 'unsupported-transfer-syntax',
      params: { transferSyntax: '1.2.840.10008.1.2.4.100' },
    });
  });

  it('finds each native frame of a multi-frame file, and 1-bit frames that start mid-byte', async () => {
    const frames16 = u16le(1, 2, 3, 4, 5, 6);
    const file16 = part10(LE, '1.2.840.10008.5.1.4.1.1.7', '1.2.3', dataSet([...imagePixel({ rows: 1, columns: 2, bitsAllocated: 16, frames: 3 }), raw(0x7fe00010, 'OW', frames16)]));
    const i16 = parseInstance(file16, 'mf.dcm');
    expect(i16.numberOfFrames).toBe(3);
    expect(Array.from(decodeFrameSync(i16.pixel, frameBytes(i16, 2)))).toEqual([5, 6]);

    // 5×5 = 25 bits per frame: frames 1 and 2 begin at bits 25 and 50.
    const bits = Array.from({ length: 75 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const packed = new Uint8Array(Math.ceil(75 / 8));
    bits.forEach((b, i) => (packed[i >> 3]! |= b << (i & 7)));
    const file1 = part10(LE, '1.2.840.10008.5.1.4.1.1.7', '1.2.4', dataSet([...imagePixel({ rows: 5, columns: 5, bitsAllocated: 1, frames: 3 }), raw(0x7fe00010, 'OB', packed)]));
    const i1 = parseInstance(file1, 'bits.dcm');
    for (let k = 0; k < 3; k++) {
      expect(Array.from(await decodeFrame(i1.pixel, frameBytes(i1, k)))).toEqual(bits.slice(k * 25, k * 25 + 25));
    }
  });
});

/** PackBits encoder for tests: replicate runs of 3+ equal bytes, literals otherwise. */
function packBits(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < src.length) {
    let run = 1;
    while (i + run < src.length && src[i + run] === src[i] && run < 128) run++;
    if (run >= 3) {
      out.push(257 - run, src[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < src.length && i - start < 128 && !(i + 2 < src.length && src[i] === src[i + 1] && src[i] === src[i + 2])) i++;
    out.push(i - start - 1, ...src.subarray(start, i));
  }
  return new Uint8Array(out);
}

/** An RLE frame: header plus one PackBits segment per byte plane (most significant first). */
function rleFrame(planes: Uint8Array[]): Uint8Array {
  const segments = planes.map(packBits);
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    header.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  return concat([new Uint8Array(header.buffer), ...segments]);
}

describe('RLE Lossless', () => {
  it('decodes signed 16-bit (MSB plane first) with runs and literals', () => {
    const values = new Int16Array([-1024, -1024, -1024, -1024, 5, 300, -2, 7, 7, 7, 7, 12345]);
    const u = new Uint16Array(values.buffer);
    const msb = new Uint8Array(u.length).map((_, i) => u[i]! >> 8);
    const lsb = new Uint8Array(u.length).map((_, i) => u[i]! & 0xff);
    const d = desc({ rows: 3, columns: 4, bitsAllocated: 16, pixelRepresentation: 1, transferSyntaxUID: RLE });
    expect(decodeFrameSync(d, rleFrame([msb, lsb]))).toEqual(values);
  });

  it('decodes 8-bit RGB into pixel-interleaved samples', () => {
    const r = new Uint8Array([1, 1, 1, 9]);
    const g = new Uint8Array([2, 3, 4, 5]);
    const b = new Uint8Array([0, 0, 0, 0]);
    const d = desc({ rows: 2, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometricInterpretation: 'RGB', transferSyntaxUID: RLE });
    expect(Array.from(decodeFrameSync(d, rleFrame([r, g, b])))).toEqual([1, 2, 0, 1, 3, 0, 1, 4, 0, 9, 5, 0]);
  });

  it('rejects a wrong segment count and a segment that ends early', () => {
    const d = desc({ rows: 2, columns: 2, bitsAllocated: 16, transferSyntaxUID: RLE });
    expect(() => decodeFrameSync(d, rleFrame([new Uint8Array(4)]))).toThrowError(expect.objectContaining({ code: 'decode-failed' }));
    expect(() => decodeFrameSync(d, rleFrame([new Uint8Array(4), new Uint8Array(2)]))).toThrowError(expect.objectContaining({ code: 'decode-failed' }));
  });
});

const J2K_FILE = fileURLToPath(new URL('../../../shared/dicom/syntaxes-cornerstone-ctimage/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm', import.meta.url));
const haveJ2k = existsSync(J2K_FILE);
if (!haveJ2k && process.env.CI === 'true') throw new Error(`${J2K_FILE} missing; CI must not skip`);

describe.skipIf(!haveJ2k)('encapsulated frames over several fragments', () => {
  const source = parseInstance(new Uint8Array(readFileSync(J2K_FILE)), 'ct-j2k.dcm');
  const codestream = frameBytes(source, 0);
  // Two frames: the first split in three fragments, the second in two (only a frame's last fragment may need a pad byte).
  const frameA = [codestream.subarray(0, 1000), codestream.subarray(1000, 30000), codestream.subarray(30000)];
  const frameB = [codestream.subarray(0, 20000), codestream.subarray(20000)];
  const fragments = [...frameA, ...frameB];
  const build = (bot: number[]): ReturnType<typeof parseInstance> =>
    parseInstance(
      part10('1.2.840.10008.1.2.4.90', '1.2.840.10008.5.1.4.1.1.7', '1.2.5', dataSet([
        ...imagePixel({ rows: 512, columns: 512, bitsAllocated: 16, signed: true, frames: 2 }),
        encapsulatedPixelData(fragments, bot),
      ])),
      'fragments.dcm',
    );

  it.each([
    ['a Basic Offset Table', true],
    ['an empty Basic Offset Table (frame starts found from J2K markers)', false],
  ])('with %s', async (_, withBot) => {
    const offsets = offsetsOf(fragments);
    const instance = build(withBot ? [offsets[0]!, offsets[3]!] : []);
    const reference = await decodeFrame(source.pixel, codestream);
    for (let k = 0; k < 2; k++) {
      const bytes = frameBytes(instance, k);
      expect(bytes.length).toBe(codestream.length + (codestream.length % 2)); // an odd last fragment carries a pad byte
      const pixels = await decodeFrame(instance.pixel, bytes);
      expect(pixels.every((v, i) => v === reference[i])).toBe(true);
    }
  });

  it('with an Extended Offset Table (VR OV, which dicom-parser does not know)', async () => {
    const two = [codestream, codestream];
    const offsets = offsetsOf(two);
    const ov = (values: number[]): Uint8Array => {
      const out = new Uint8Array(values.length * 8);
      values.forEach((v, i) => new DataView(out.buffer).setBigUint64(i * 8, BigInt(v), true));
      return out;
    };
    const instance = parseInstance(
      part10('1.2.840.10008.1.2.4.90', '1.2.840.10008.5.1.4.1.1.7', '1.2.6', dataSet([
        ...imagePixel({ rows: 512, columns: 512, bitsAllocated: 16, signed: true, frames: 2 }),
        raw(0x7fe00001, 'OV', ov(offsets)),
        raw(0x7fe00002, 'OV', ov(two.map((f) => f.length))),
        encapsulatedPixelData(two),
      ])),
      'eot.dcm',
    );
    expect(instance.pixelData?.extendedOffsetTable).toEqual(offsets);
    const reference = await decodeFrame(source.pixel, codestream);
    const second = await decodeFrame(instance.pixel, frameBytes(instance, 1));
    expect(second.every((v, i) => v === reference[i])).toBe(true);
  });

  it('a single-fragment frame is a view of the file bytes, not a copy', () => {
    const bytes = frameBytes(source, 0);
    expect(bytes.buffer).toBe(source.bytes.buffer);
  });
});
