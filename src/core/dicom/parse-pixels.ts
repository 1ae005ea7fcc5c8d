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
  return {
    ...describePixels(
      {
        rows: ds.uint16('x00280010'),
        columns: ds.uint16('x00280011'),
        samplesPerPixel: ds.uint16('x00280002'),
        bitsAllocated: ds.uint16('x00280100'),
        bitsStored: ds.uint16('x00280101'),
        highBit: ds.uint16('x00280102'),
        pixelRepresentation: ds.uint16('x00280103'),
        photometricInterpretation: ds.string('x00280004'),
        planarConfiguration: ds.uint16('x00280006'),
      },
      transferSyntaxUID,
      fail,
    ),
    ...(pixelElement.vr ? { pixelDataVR: pixelElement.vr } : {}),
  };
}

/** The Image Pixel module's values as a file or a PACS's metadata gives them (absent ones undefined). */
export interface PixelModuleValues {
  rows: number | undefined;
  columns: number | undefined;
  samplesPerPixel: number | undefined;
  bitsAllocated: number | undefined;
  bitsStored: number | undefined;
  highBit: number | undefined;
  pixelRepresentation: number | undefined;
  photometricInterpretation: string | undefined;
  planarConfiguration: number | undefined;
}

/**
 * The pixel descriptor of an image, checked: sizes within MAX_EDGE, a supported BitsAllocated,
 * BitsStored within it, one or three samples. Shared by files and DICOMweb metadata.
 */
export function describePixels(v: PixelModuleValues, transferSyntaxUID: string, fail: (c: ErrorCode, d: string) => SegmarkError): PixelDescriptor {
  const rows = v.rows ?? 0;
  const columns = v.columns ?? 0;
  const samplesPerPixel = v.samplesPerPixel ?? 1;
  const bitsAllocated = v.bitsAllocated ?? 0;
  const bitsStored = v.bitsStored || bitsAllocated;
  if (rows < 1 || columns < 1 || rows > MAX_EDGE || columns > MAX_EDGE) throw fail('bad-dimensions', `${columns}×${rows} pixels`);
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw fail('bad-dimensions', `BitsAllocated ${bitsAllocated}`);
  if (bitsStored > bitsAllocated) throw fail('bad-dimensions', `BitsStored ${bitsStored} > BitsAllocated ${bitsAllocated}`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw fail('unsupported-pixel-format', `SamplesPerPixel ${samplesPerPixel}`);
  // A HighBit outside [BitsStored − 1, BitsAllocated − 1] is junk; the usual BitsStored − 1 is what it means.
  const highBit = v.highBit !== undefined && v.highBit >= bitsStored - 1 && v.highBit < bitsAllocated ? v.highBit : bitsStored - 1;
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: v.pixelRepresentation === 1 ? 1 : 0,
    photometricInterpretation: v.photometricInterpretation?.trim().toUpperCase() || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    planarConfiguration: v.planarConfiguration ?? 0,
    transferSyntaxUID,
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
