/**
 * The image pixel module of a parsed data set: the pixel descriptor, the
 * frame count, and where the pixel data lies (native, or fragments with
 * their offset tables), each checked against what the header claims and the
 * file holds. Limits past which a header is taken to be corrupt rather than
 * large live here; the caller's frame budget is checked too.
 */
import type { DataSet, Element } from 'dicom-parser';
import { SegmarkError, type ErrorCode } from '../errors.js';
import { checkFrame } from './limits.js';
import { nativeFrameLength, sampleCount } from './pixels/native.js';
import { isEncapsulated } from './pixels/transfer-syntax.js';
import type { PixelDataLocation, PixelDescriptor } from './types.js';

const MAX_EDGE = 16384;
const MAX_FRAMES = 100_000;
const MAX_PIXEL_BYTES = 2 ** 31;

/** What `readPixelModule` gives the instance. */
export interface PixelModule {
  pixel: PixelDescriptor;
  numberOfFrames: number;
  encapsulated: boolean;
  pixelData: PixelDataLocation;
}

/**
 * The pixel module of `ds`, whose Pixel Data is `pixelElement`, in
 * `transferSyntax`. Refuses impossible dimensions ('bad-dimensions'), frames
 * over `frameVoxels` ('input-too-large'), pixel data encoded otherwise than
 * the transfer syntax says ('unsupported-pixel-format'), and pixel data
 * shorter than its frames ('pixel-data-short', 'no-pixel-data').
 */
export function readPixelModule(ds: DataSet, transferSyntax: string, pixelElement: Element, fileName: string, frameVoxels: number): PixelModule {
  const fail = (code: ErrorCode, detail: string): SegmarkError => new SegmarkError(code, detail, { file: fileName });
  const pixel = readPixelDescriptor(ds, transferSyntax, pixelElement, fail);
  checkFrame(pixel.rows, pixel.columns, frameVoxels, fileName);
  const numberOfFrames = ds.intString('x00280008') ?? 1;
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1 || numberOfFrames > MAX_FRAMES) {
    throw fail('bad-dimensions', `NumberOfFrames ${numberOfFrames}`);
  }
  const frameLength = nativeFrameLength(pixel);
  if (frameLength * numberOfFrames > MAX_PIXEL_BYTES) throw fail('bad-dimensions', `${numberOfFrames} frames of ${frameLength} bytes`);

  const encapsulated = isEncapsulated(transferSyntax);
  if (encapsulated !== Boolean(pixelElement.encapsulatedPixelData)) {
    throw fail('unsupported-pixel-format', `${encapsulated ? 'native' : 'encapsulated'} pixel data in transfer syntax ${transferSyntax}`);
  }
  const pixelData = locatePixelData(ds, pixelElement, encapsulated);
  if (!encapsulated) {
    // 1-bit frames are packed back to back, not padded to whole bytes.
    const need = pixel.bitsAllocated === 1 ? Math.ceil((sampleCount(pixel) * numberOfFrames) / 8) : frameLength * numberOfFrames;
    const have = Math.min(pixelElement.length, ds.byteArray.length - pixelElement.dataOffset);
    if (have < need) throw fail('pixel-data-short', `pixel data has ${have} bytes, ${need} expected`);
  } else if (!pixelData.fragments?.length) {
    throw fail('no-pixel-data', 'encapsulated pixel data without fragments');
  }
  return { pixel, numberOfFrames, encapsulated, pixelData };
}

function readPixelDescriptor(ds: DataSet, transferSyntaxUID: string, pixelElement: Element, fail: (c: ErrorCode, d: string) => SegmarkError): PixelDescriptor {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') || bitsAllocated;
  const highBitRaw = ds.uint16('x00280102');
  if (rows < 1 || columns < 1 || rows > MAX_EDGE || columns > MAX_EDGE) throw fail('bad-dimensions', `${columns}×${rows} pixels`);
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw fail('bad-dimensions', `BitsAllocated ${bitsAllocated}`);
  if (bitsStored > bitsAllocated) throw fail('bad-dimensions', `BitsStored ${bitsStored} > BitsAllocated ${bitsAllocated}`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw fail('unsupported-pixel-format', `SamplesPerPixel ${samplesPerPixel}`);
  // A HighBit outside [BitsStored − 1, BitsAllocated − 1] is junk; the usual BitsStored − 1 is what it means.
  const highBit = highBitRaw !== undefined && highBitRaw >= bitsStored - 1 && highBitRaw < bitsAllocated ? highBitRaw : bitsStored - 1;
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: ds.uint16('x00280103') === 1 ? 1 : 0,
    photometricInterpretation: ds.string('x00280004')?.trim().toUpperCase() || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    transferSyntaxUID,
    ...(pixelElement.vr ? { pixelDataVR: pixelElement.vr } : {}),
  };
}

function locatePixelData(ds: DataSet, el: Element, encapsulated: boolean): PixelDataLocation {
  if (!encapsulated) return { offset: el.dataOffset, length: el.length };
  const eot = ds.elements.x7fe00001;
  let extendedOffsetTable: number[] | undefined;
  if (eot && eot.length >= 8) {
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + eot.dataOffset, eot.length);
    extendedOffsetTable = Array.from({ length: eot.length >>> 3 }, (_, i) => Number(view.getBigUint64(i * 8, true)));
  }
  return {
    offset: el.dataOffset,
    length: el.length,
    fragments: (el.fragments ?? []).map((f) => ({ position: f.position, length: f.length, offset: f.offset })),
    basicOffsetTable: el.basicOffsetTable ?? [],
    ...(extendedOffsetTable ? { extendedOffsetTable } : {}),
  };
}
