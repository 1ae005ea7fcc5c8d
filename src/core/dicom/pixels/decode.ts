/**
 * One entry point from encoded frame bytes to stored values, for every
 * transfer syntax Segmark reads. Native and RLE frames decode synchronously
 * (plain loops, fine on any thread); the codecs are asynchronous because their
 * modules load lazily.
 */
import { SegmarkError } from '../../errors.js';
import type { PixelDescriptor, StoredPixels } from '../types.js';
import { decodeCompressed } from './compressed.js';
import { decodeNative } from './native.js';
import { decodeRle } from './rle.js';
import { pixelEncoding, type PixelEncoding } from './transfer-syntax.js';

function encodingOf(desc: PixelDescriptor): PixelEncoding {
  const encoding = pixelEncoding(desc.transferSyntaxUID);
  if (!encoding) {
    throw new SegmarkError('unsupported-transfer-syntax', `transfer syntax ${desc.transferSyntaxUID} is not supported`, {
      params: { transferSyntax: desc.transferSyntaxUID },
    });
  }
  return encoding;
}

/** Whether `decodeFrameSync` can decode this descriptor's frames (native and RLE). */
export function canDecodeSync(desc: PixelDescriptor): boolean {
  const e = pixelEncoding(desc.transferSyntaxUID);
  return e === 'native' || e === 'native-be' || e === 'rle';
}

/**
 * Decodes a native or RLE frame. `bytes` is what `frameBytes` returns. The result
 * may be a view of `bytes` (native little endian, aligned, nothing to mask).
 */
export function decodeFrameSync(desc: PixelDescriptor, bytes: Uint8Array): StoredPixels {
  const encoding = encodingOf(desc);
  try {
    if (encoding === 'native') return decodeNative(desc, bytes, false);
    if (encoding === 'native-be') return decodeNative(desc, bytes, true);
    if (encoding === 'rle') return decodeRle(desc, bytes);
  } catch (error) {
    throw asDecodeError(error);
  }
  throw new SegmarkError('internal', `${desc.transferSyntaxUID} needs an asynchronous codec`);
}

/** Decodes any supported frame to stored values (before slope/intercept). */
export async function decodeFrame(desc: PixelDescriptor, bytes: Uint8Array): Promise<StoredPixels> {
  const encoding = encodingOf(desc);
  if (canDecodeSync(desc)) return decodeFrameSync(desc, bytes);
  try {
    return await decodeCompressed(desc, encoding, bytes);
  } catch (error) {
    throw asDecodeError(error);
  }
}

function asDecodeError(error: unknown): SegmarkError {
  if (error instanceof SegmarkError) return error;
  return new SegmarkError('decode-failed', error instanceof Error ? error.message : String(error), { cause: error });
}
