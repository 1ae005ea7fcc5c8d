/**
 * Byte-level helpers shared by the exporters and importers in this folder:
 * gzip in and out (fflate), and byte order. No DOM; runs in Node, workers and
 * the page.
 */
import { FlateErrorCode, gunzipSync, gzipSync } from 'fflate';
import { SegmarkError, type ErrorCode } from '../errors.js';

/**
 * Typed arrays use the host's byte order. Every engine we target (x86, ARM)
 * is little endian, but the check costs nothing and keeps a big-endian host
 * from writing wrong files.
 */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Level 6 is gzip's default: on CT it compresses within a few percent of 9 at about half the time. */
export const DEFAULT_GZIP_LEVEL = 6;

export type GzipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** gzip with a zero timestamp, so the same input always gives the same bytes. */
export function gzip(bytes: Uint8Array, level: GzipLevel = DEFAULT_GZIP_LEVEL): Uint8Array {
  return gzipSync(bytes, { level, mtime: 0 });
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip data; a stream that stops early is `truncated`, anything else broken is `invalidCode`. */
export function gunzip(bytes: Uint8Array, invalidCode: ErrorCode, file?: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const flateCode = (e as { code?: number }).code;
    if (flateCode === FlateErrorCode.UnexpectedEOF) {
      throw new SegmarkError('truncated', 'the gzip stream ends early', { file, cause: e });
    }
    throw new SegmarkError(invalidCode, `the gzip stream is corrupt: ${(e as Error).message}`, { file, cause: e });
  }
}

/** Reverses the byte order of each `size`-byte element in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
