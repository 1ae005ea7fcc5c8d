/**
 * Native (uncompressed) pixel data to stored values, and the bit fix-ups every
 * decoder shares. Hot loops are plain typed-array loops; a frame is copied at
 * most once, and not at all when it is little endian, aligned and needs no
 * masking (the result is then a view of the input).
 *
 * Typed arrays use the platform's byte order; every browser and Node build we
 * target is little endian, which DICOM little-endian data relies on here.
 */
import { SegmarkError } from '../../errors.js';
import type { PixelDescriptor, StoredPixels } from '../types.js';

type Unsigned = Uint8Array | Uint16Array | Uint32Array;

/** Samples in one frame. */
export function sampleCount(desc: PixelDescriptor): number {
  return desc.rows * desc.columns * desc.samplesPerPixel;
}

/** Bytes one frame occupies when stored natively (1-bit frames are rounded up to whole bytes). */
export function nativeFrameLength(desc: PixelDescriptor): number {
  return Math.ceil((sampleCount(desc) * desc.bitsAllocated) / 8);
}

/** A typed array of the StoredPixels kind for this descriptor, over `buffer`. */
export function storedView(desc: PixelDescriptor, buffer: ArrayBufferLike, byteOffset: number, length: number): StoredPixels {
  const signed = desc.pixelRepresentation === 1;
  switch (desc.bitsAllocated) {
    case 1:
      return new Uint8Array(buffer, byteOffset, length);
    case 8:
      return signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
    case 16:
      return signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
    case 32:
      return signed ? new Int32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
    default:
      throw new SegmarkError('bad-dimensions', `BitsAllocated ${desc.bitsAllocated} is not 1, 8, 16 or 32`);
  }
}

function unsignedView(bitsAllocated: number, buffer: ArrayBufferLike, byteOffset: number, length: number): Unsigned {
  if (bitsAllocated === 16) return new Uint16Array(buffer, byteOffset, length);
  if (bitsAllocated === 32) return new Uint32Array(buffer, byteOffset, length);
  return new Uint8Array(buffer, byteOffset, length);
}

/**
 * Keeps the `bitsStored` bits that end at `highBit` and sign-extends them when
 * signed, in place. Old scanners put overlays or junk in the unused high bits,
 * and signed 12-bit data arrives with those bits clear; both need this.
 */
export function normalizeBits(values: Unsigned, bitsStored: number, shift: number, signed: boolean): void {
  const n = values.length;
  if (signed) {
    const s = 32 - bitsStored;
    for (let i = 0; i < n; i++) values[i] = ((values[i]! >>> shift) << s) >> s;
  } else {
    const mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
    for (let i = 0; i < n; i++) values[i] = (values[i]! >>> shift) & mask;
  }
}

/** Whether stored values need `normalizeBits` (bits outside BitsStored may be set). */
export function needsNormalizing(desc: PixelDescriptor): boolean {
  return desc.bitsStored < desc.bitsAllocated || desc.highBit !== desc.bitsStored - 1;
}

function checkLength(desc: PixelDescriptor, bytes: Uint8Array): void {
  const need = nativeFrameLength(desc);
  if (bytes.length < need) {
    throw new SegmarkError('pixel-data-short', `frame has ${bytes.length} bytes, ${need} expected`);
  }
}

/** 1-bit data (SEG masks, overlays) is packed least significant bit first; one output byte (0/1) per pixel. */
export function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const whole = count >>> 3;
  for (let b = 0, i = 0; b < whole; b++, i += 8) {
    const v = bytes[b]!;
    out[i] = v & 1;
    out[i + 1] = (v >>> 1) & 1;
    out[i + 2] = (v >>> 2) & 1;
    out[i + 3] = (v >>> 3) & 1;
    out[i + 4] = (v >>> 4) & 1;
    out[i + 5] = (v >>> 5) & 1;
    out[i + 6] = (v >>> 6) & 1;
    out[i + 7] = (v >>> 7) & 1;
  }
  for (let i = whole * 8; i < count; i++) out[i] = (bytes[i >>> 3]! >>> (i & 7)) & 1;
  return out;
}

/** Colour frames with PlanarConfiguration 1 (RRR…GGG…BBB…) become pixel-interleaved, the one layout we hand out. */
export function interleavePlanes<T extends StoredPixels>(planar: T, samples: number): T {
  const pixels = planar.length / samples;
  const out = new (planar.constructor as new (n: number) => T)(planar.length);
  for (let s = 0; s < samples; s++) {
    const base = s * pixels;
    for (let i = 0, j = s; i < pixels; i++, j += samples) out[j] = planar[base + i]!;
  }
  return out;
}

/**
 * Decodes one native frame. `bytes` starts at the frame's first byte (for 1-bit
 * data, its first bit). The result may share memory with `bytes`.
 */
export function decodeNative(desc: PixelDescriptor, bytes: Uint8Array, bigEndian: boolean): StoredPixels {
  checkLength(desc, bytes);
  const n = sampleCount(desc);
  if (desc.bitsAllocated === 1) return unpackBits(bytes, n);

  const width = desc.bitsAllocated >>> 3;
  const normalize = needsNormalizing(desc);
  // 8-bit data in an OW element of a big-endian file is swapped in 16-bit words (PS3.5 8.1.1).
  const swap8 = bigEndian && width === 1 && desc.pixelDataVR === 'OW';
  const swap = (bigEndian && width > 1) || swap8;
  const aligned = bytes.byteOffset % width === 0;

  let result: StoredPixels;
  if (!swap && !normalize && aligned) {
    result = storedView(desc, bytes.buffer, bytes.byteOffset, n);
  } else {
    // One copy, into a buffer we own, then every fix-up in place.
    const own = copyBytes(bytes, n * width + (swap8 && n % 2 ? 1 : 0));
    if (swap) swapBytes(own, swap8 ? 2 : width);
    if (normalize) normalizeBits(unsignedView(desc.bitsAllocated, own.buffer, 0, n), desc.bitsStored, shiftOf(desc), desc.pixelRepresentation === 1);
    result = storedView(desc, own.buffer, 0, n);
  }
  return desc.samplesPerPixel > 1 && desc.planarConfiguration === 1 ? interleavePlanes(result, desc.samplesPerPixel) : result;
}

/**
 * A copy in a fresh ArrayBuffer of its own. Not `bytes.slice()`: on a Node Buffer
 * (what fs gives tests and scripts) slice() returns a view of the same memory.
 */
export function copyBytes(bytes: Uint8Array, length = bytes.length): Uint8Array {
  const out = new Uint8Array(Math.min(length, bytes.length));
  out.set(bytes.subarray(0, out.length));
  return out;
}

/** Bits below the stored ones (HighBit + 1 − BitsStored); 0 for all but unusual files. */
export function shiftOf(desc: PixelDescriptor): number {
  return Math.max(0, desc.highBit + 1 - desc.bitsStored);
}

/** Reverses the byte order of each `width`-byte word in place. */
function swapBytes(bytes: Uint8Array, width: number): void {
  const end = bytes.length - (bytes.length % width);
  if (width === 2) {
    for (let i = 0; i < end; i += 2) {
      const a = bytes[i]!;
      bytes[i] = bytes[i + 1]!;
      bytes[i + 1] = a;
    }
  } else if (width === 4) {
    for (let i = 0; i < end; i += 4) {
      const a = bytes[i]!;
      const b = bytes[i + 1]!;
      bytes[i] = bytes[i + 3]!;
      bytes[i + 1] = bytes[i + 2]!;
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  }
}
