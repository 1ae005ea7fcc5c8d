/**
 * DICOM RLE Lossless (1.2.840.10008.1.2.5, PS3.5 Annex G), written here because
 * no maintained JavaScript package decodes it on its own: Cornerstone and dwv
 * each carry a private copy inside their loaders, and the WASM codec bundles
 * that include it (dcmjs-codecs) are megabytes for a 100-line algorithm.
 *
 * A frame is a 64-byte header (segment count, then up to 15 segment offsets)
 * followed by PackBits segments. There is one segment per byte of each sample:
 * for 16-bit data the first segment holds the most significant bytes; for
 * colour the segments go R, G, B (planar), which we interleave while writing.
 */
import { SegmarkError } from '../../errors.js';
import type { PixelDescriptor, StoredPixels } from '../types.js';
import { needsNormalizing, normalizeBits, sampleCount, shiftOf, storedView } from './native.js';

const HEADER_BYTES = 64;

export function decodeRle(desc: PixelDescriptor, frame: Uint8Array): StoredPixels {
  if (desc.bitsAllocated === 1) throw new SegmarkError('unsupported-pixel-format', 'RLE with BitsAllocated 1');
  const width = desc.bitsAllocated >>> 3;
  const spp = desc.samplesPerPixel;
  const pixels = desc.rows * desc.columns;
  const segments = width * spp;
  if (frame.length < HEADER_BYTES) throw new SegmarkError('decode-failed', 'RLE frame shorter than its header');

  const header = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES);
  const count = header.getUint32(0, true);
  if (count !== segments) {
    throw new SegmarkError('decode-failed', `RLE frame has ${count} segments, ${segments} expected`);
  }
  const out = new Uint8Array(pixels * spp * width);
  // Output is little endian and pixel-interleaved: segment s fills byte
  // (width − 1 − byteIndex) of sample `sample` of every pixel.
  const stride = spp * width;
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : frame.length;
    if (start < HEADER_BYTES || end > frame.length || end < start) {
      throw new SegmarkError('decode-failed', `RLE segment ${s + 1} lies outside the frame`);
    }
    const sample = Math.floor(s / width);
    const byteIndex = s % width;
    const first = sample * width + (width - 1 - byteIndex);
    const written = unpackSegment(frame, start, end, out, first, stride, pixels);
    if (written < pixels) {
      throw new SegmarkError('decode-failed', `RLE segment ${s + 1} decodes to ${written} of ${pixels} bytes`);
    }
  }

  const n = sampleCount(desc);
  if (needsNormalizing(desc)) {
    const view = width === 2 ? new Uint16Array(out.buffer, 0, n) : width === 4 ? new Uint32Array(out.buffer, 0, n) : out;
    normalizeBits(view, desc.bitsStored, shiftOf(desc), desc.pixelRepresentation === 1);
  }
  return storedView(desc, out.buffer, 0, n);
}

/**
 * PackBits: a header byte n in 0..127 copies the next n + 1 bytes; n in
 * −127..−1 repeats the next byte 1 − n times; −128 does nothing. Writes at
 * `first`, `first + stride`, … and stops after `count` bytes (a segment may
 * carry one padding byte). Returns the number of bytes written.
 */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): number {
  let i = start;
  let o = first;
  let written = 0;
  while (i < end && written < count) {
    const h = src[i++]!;
    if (h < 128) {
      let run = Math.min(h + 1, count - written, end - i);
      written += run;
      while (run-- > 0) {
        out[o] = src[i++]!;
        o += stride;
      }
    } else if (h > 128) {
      if (i >= end) break;
      const value = src[i++]!;
      let run = Math.min(257 - h, count - written);
      written += run;
      while (run-- > 0) {
        out[o] = value;
        o += stride;
      }
    }
  }
  return written;
}
