/**
 * Compressed frames through the codec libraries, each result checked against
 * the header and turned into the stored-value array the descriptor promises.
 * Codec choice for JPEG follows the stream's own SOF marker:
 * - SOF3 (lossless, process 14)         → @cornerstonejs/jpeg-lossless-decoder-js
 * - other SOFs with 8-bit precision     → libjpeg-turbo (baseline, extended, progressive)
 * - other SOFs with 12/16-bit precision → dcmjs-codecs (DCMTK's IJG 12/16-bit)
 */
import { SegmarkError } from '../../errors.js';
import type { PixelDescriptor, StoredPixels } from '../types.js';
import { charls, dcmjsCodecs, forgetCodec, jpegLossless, libjpegTurbo, openjpeg, openjph, type CodecId } from './codecs.js';
import { copyBytes, normalizeBits, sampleCount, storedView } from './native.js';
import type { PixelEncoding } from './transfer-syntax.js';

interface Decoded {
  /** Decoded samples, little endian, pixel-interleaved, in a buffer we own. */
  data: Uint8Array;
  width: number;
  height: number;
  components: number;
  /** Sample precision the stream declares, when the codec reports it. */
  bitsPerSample: number | undefined;
}

export async function decodeCompressed(desc: PixelDescriptor, encoding: PixelEncoding, bytes: Uint8Array): Promise<StoredPixels> {
  if (desc.bitsAllocated === 1) throw new SegmarkError('unsupported-pixel-format', 'compressed 1-bit pixel data');
  let decoded: Decoded;
  switch (encoding) {
    case 'jpeg':
      decoded = await decodeJpeg(desc, bytes);
      break;
    case 'jpeg-ls':
      decoded = await embind('charls', async () => new (await charls()).JpegLSDecoder(), bytes);
      break;
    case 'j2k':
      decoded = await embind('openjpeg', async () => new (await openjpeg()).J2KDecoder(), bytes);
      break;
    case 'htj2k':
      decoded = await embind('openjph', async () => new (await openjph()).HTJ2KDecoder(), bytes);
      break;
    default:
      throw new SegmarkError('internal', `${encoding} is not a compressed encoding`);
  }
  return toStored(desc, decoded);
}

/** The SOF marker and sample precision of a JPEG stream, or undefined when it has none before the first scan. */
export function jpegFrameHeader(b: Uint8Array): { marker: number; precision: number } | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const m = b[i + 1]!;
    if (m === 0xff || m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      i += m === 0xff ? 1 : 2; // fill byte, stuffing, TEM, RSTn, SOI: no length follows
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { marker: m, precision: b[i + 4]! };
    if (m === 0xda || m === 0xd9) return undefined;
    i += 2 + ((b[i + 2]! << 8) | b[i + 3]!);
  }
  return undefined;
}

async function decodeJpeg(desc: PixelDescriptor, bytes: Uint8Array): Promise<Decoded> {
  const sof = jpegFrameHeader(bytes);
  if (!sof) throw new SegmarkError('decode-failed', 'not a JPEG stream (no SOI/SOF marker)');
  if (sof.marker === 0xc3 || sof.marker === 0xc7 || sof.marker === 0xcb || sof.marker === 0xcf) {
    return lossless(desc, bytes);
  }
  if (sof.precision <= 8) return embind('libjpeg-turbo', async () => new (await libjpegTurbo()).JPEGDecoder(), bytes);
  return ijg(desc, bytes, sof.precision);
}

/** The embind calling pattern: copy in, decode, copy out (WASM memory is reused), always delete. */
async function embind(codec: CodecId, create: () => Promise<EmbindDecoder>, bytes: Uint8Array): Promise<Decoded> {
  const decoder = await create();
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return {
      data: decoder.getDecodedBuffer().slice(),
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bitsPerSample: info.bitsPerSample,
    };
  } catch (error) {
    throw codecError(codec, error);
  } finally {
    decoder.delete();
  }
}

async function lossless(desc: PixelDescriptor, bytes: Uint8Array): Promise<Decoded> {
  const { Decoder } = await jpegLossless();
  const decoder = new Decoder();
  try {
    const out = decoder.decode(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length, desc.bitsAllocated > 8 ? 2 : 1);
    const data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    return { data, width: decoder.xDim, height: decoder.yDim, components: decoder.numComp, bitsPerSample: decoder.precision };
  } catch (error) {
    throw codecError('jpeg-lossless', error);
  }
}

async function ijg(desc: PixelDescriptor, bytes: Uint8Array, precision: number): Promise<Decoded> {
  const { NativeCodecs, Context } = await dcmjsCodecs();
  try {
    const context = new Context({
      width: desc.columns,
      height: desc.rows,
      bitsAllocated: desc.bitsAllocated,
      bitsStored: desc.bitsStored,
      samplesPerPixel: desc.samplesPerPixel,
      pixelRepresentation: desc.pixelRepresentation,
      planarConfiguration: 0,
      photometricInterpretation: desc.photometricInterpretation,
      encodedBuffer: bytes,
    });
    // The returned context carries a copy of the decoded bytes and the size the stream declared.
    const result = NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: false });
    const data = result.getDecodedBuffer();
    if (!data || data.length === 0) throw new Error('no decoded buffer');
    return {
      data,
      width: result.getWidth() ?? desc.columns,
      height: result.getHeight() ?? desc.rows,
      components: result.getSamplesPerPixel() ?? desc.samplesPerPixel,
      bitsPerSample: precision,
    };
  } catch (error) {
    throw codecError('dcmjs-codecs', error);
  }
}

function codecError(codec: CodecId, error: unknown): SegmarkError {
  if (error instanceof SegmarkError) return error;
  // After a WASM trap the Emscripten runtime is aborted for good: load a fresh one next time.
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) forgetCodec(codec);
  const detail = error instanceof Error ? error.message : typeof error === 'number' ? `native exception ${error}` : String(error);
  return new SegmarkError('decode-failed', `${codec}: ${detail}`, { cause: error });
}

/**
 * Checks the decoded frame against the header and returns it as stored values:
 * widened when the stream has fewer bytes per sample than BitsAllocated (8-bit
 * JPEG in a 16-bit container), sign-extended for signed data (JPEG and JPEG-LS
 * carry no sign: a signed 12-bit value arrives as its 12-bit pattern).
 */
function toStored(desc: PixelDescriptor, d: Decoded): StoredPixels {
  if (d.width !== desc.columns || d.height !== desc.rows || d.components !== desc.samplesPerPixel) {
    throw new SegmarkError(
      'decode-failed',
      `decoded ${d.width}×${d.height}×${d.components}, header says ${desc.columns}×${desc.rows}×${desc.samplesPerPixel}`,
    );
  }
  const n = sampleCount(desc);
  const width = desc.bitsAllocated >>> 3;
  const codecWidth = d.data.length / n;
  let out: StoredPixels;
  if (codecWidth === width) {
    out = d.data.byteOffset % width === 0 ? storedView(desc, d.data.buffer, d.data.byteOffset, n) : storedView(desc, copyBytes(d.data).buffer, 0, n);
  } else if (codecWidth === 1 && width > 1) {
    out = storedView(desc, new ArrayBuffer(n * width), 0, n);
    out.set(d.data);
  } else if (codecWidth === 2 && width === 4) {
    out = storedView(desc, new ArrayBuffer(n * 4), 0, n);
    out.set(new Uint16Array(d.data.buffer, d.data.byteOffset, n));
  } else {
    throw new SegmarkError('decode-failed', `decoded ${d.data.length} bytes for ${n} samples of ${desc.bitsAllocated} bits`);
  }
  if (desc.pixelRepresentation === 1) {
    // Trust the stream's precision when it is wider than BitsStored (values would be cut otherwise).
    const bits = Math.max(desc.bitsStored, d.bitsPerSample ?? 0);
    if (bits < desc.bitsAllocated) {
      const u = width === 2 ? new Uint16Array(out.buffer, out.byteOffset, n) : width === 4 ? new Uint32Array(out.buffer, out.byteOffset, n) : new Uint8Array(out.buffer, out.byteOffset, n);
      normalizeBits(u, bits, 0, true);
    }
  }
  return out;
}
