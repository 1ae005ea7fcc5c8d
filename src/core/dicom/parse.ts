/**
 * One DICOM file → `DicomInstance` (header only; pixel data stays encoded).
 *
 * `parse-dataset.ts` reads the bytes into dicom-parser's data set (what the
 * bytes are, nesting, inflating, dicom-parser's errors as SegmarkErrors);
 * this module refuses early what later stages cannot use — DICOMDIRs, files
 * cut short, objects without an image — and makes the instance, with the
 * pixel module from `parse-pixels.ts` and per-frame geometry from
 * `parse-frames.ts`.
 */
import type { DataSet } from 'dicom-parser';
import { SegmarkError, type ErrorCode } from '../errors.js';
import { CharacterSet } from './charset.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimitsInit } from './limits.js';
import { DICOMDIR_UID, readDataSet } from './parse-dataset.js';
import { readFrames, readWindow } from './parse-frames.js';
import { readPixelModule } from './parse-pixels.js';
import type { DicomInstance } from './types.js';

export { frameBytes } from './pixels/frame-bytes.js';
export { isDicomDir } from './parse-dataset.js';

export interface ParseOptions {
  /**
   * Return objects that carry pixels but are not images to view (SEG) instead
   * of throwing 'not-an-image'. DICOMDIRs are refused either way.
   */
  allowNonImage?: boolean;
  /** `frameVoxels` and `inflateBytes` are checked here; default `DEFAULT_LOAD_LIMITS`. */
  limits?: LoadLimitsInit;
}

const UID = {
  segmentation: '1.2.840.10008.5.1.4.1.1.66.4',
  labelMapSegmentation: '1.2.840.10008.5.1.4.1.1.66.7',
} as const;

export function parseInstance(bytes: Uint8Array, fileName: string, options: ParseOptions = {}): DicomInstance {
  if (bytes.length === 0) throw new SegmarkError('empty-file', 'the file is empty', { file: fileName });
  // A Node Buffer becomes a plain view of the same memory: Buffer's slice() shares memory, Uint8Array's copies.
  if (Object.getPrototypeOf(bytes) !== Uint8Array.prototype) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { ds, transferSyntax, legacyNoMeta } = readDataSet(bytes, fileName, options.limits);
  return buildInstance(ds, transferSyntax, fileName, legacyNoMeta, options);
}

// ---------------------------------------------------------------------------
// From data set to instance

function buildInstance(ds: DataSet, transferSyntax: string, fileName: string, legacyNoMeta: boolean, options: ParseOptions): DicomInstance {
  const fail = (code: ErrorCode, detail: string): SegmarkError => new SegmarkError(code, detail, { file: fileName });
  const str = (tag: string): string => ds.string(tag)?.trim() ?? '';
  const charset = new CharacterSet(ds.string('x00080005'));
  /** A text element (PN, LO, SH …) in the data set's character set; dicom-parser would read it as Latin-1. */
  const text = (tag: string): string => {
    const e = ds.elements[tag];
    return e && e.length > 0 ? charset.decode(ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length)) : '';
  };
  // De-identified files may empty the data set's SOP UIDs; the meta header keeps them.
  const sopClassUID = str('x00080016') || str('x00020002');
  if (sopClassUID === DICOMDIR_UID || ds.elements.x00041220) throw fail('not-an-image', 'a DICOMDIR (media directory)');

  const bytes = ds.byteArray as Uint8Array;
  checkComplete(ds, bytes, fileName);
  const pixelElement = ds.elements.x7fe00010;
  if (!pixelElement) {
    if (ds.elements.x7fe00008 || ds.elements.x7fe00009) throw fail('unsupported-pixel-format', 'float pixel data');
    // An image class without even its Rows, whose data set runs to the end of the file, was cut short
    // (dicom-parser stops quietly when a file ends exactly between two elements).
    if (!ds.elements.x00280010 && IMAGE_CLASS_PREFIXES.some((p) => sopClassUID.startsWith(p)) && lastElementEnd(ds) + 8 >= bytes.length) {
      throw fail('truncated', 'the file ends before its pixel data');
    }
    if (!ds.elements.x00280010 || sopClassUID.startsWith('1.2.840.10008.5.1.4.1.1.88') || sopClassUID.startsWith('1.2.840.10008.5.1.4.1.1.11')) {
      throw fail('not-an-image', `SOP class ${sopClassUID || 'unknown'} holds no image`);
    }
    throw fail('no-pixel-data', 'the image has no Pixel Data element');
  }
  if (!options.allowNonImage && (sopClassUID === UID.segmentation || sopClassUID === UID.labelMapSegmentation)) {
    throw fail('not-an-image', 'a segmentation, not an image to annotate');
  }

  const frameVoxels = options.limits?.frameVoxels ?? DEFAULT_LOAD_LIMITS.frameVoxels;
  const { pixel, numberOfFrames, encapsulated, pixelData } = readPixelModule(ds, transferSyntax, pixelElement, fileName, frameVoxels);

  const window = readWindow(ds);
  const padding = pixel.pixelRepresentation === 1 ? ds.int16('x00280120') : ds.uint16('x00280120');
  return {
    fileName,
    sopClassUID,
    sopInstanceUID: str('x00080018') || str('x00020003'),
    studyInstanceUID: str('x0020000d'),
    seriesInstanceUID: str('x0020000e'),
    frameOfReferenceUID: str('x00200052'),
    modality: str('x00080060').toUpperCase(),
    seriesDescription: text('x0008103e'),
    seriesNumber: ds.intString('x00200011'),
    instanceNumber: ds.intString('x00200013'),
    imageType: (ds.string('x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase()).filter(Boolean),
    patientName: text('x00100010'),
    patientID: text('x00100020'),
    studyDate: str('x00080020'),
    studyDescription: text('x00081030'),
    patientBirthDate: str('x00100030'),
    patientSex: str('x00100040'),
    studyTime: str('x00080030'),
    referringPhysicianName: text('x00080090'),
    studyID: text('x00200010'),
    accessionNumber: text('x00080050'),
    burnedInAnnotation: str('x00280301').toUpperCase() === 'YES',
    recognizableVisualFeatures: str('x00280302').toUpperCase() === 'YES',
    pixel,
    numberOfFrames,
    frames: readFrames(ds, numberOfFrames),
    windowCenter: window.center,
    windowWidth: window.width,
    pixelPaddingValue: padding,
    encapsulated,
    legacyNoMeta,
    bytes,
    pixelData,
  };
}

/** CT, MR, enhanced CT/MR, PET, secondary capture, X-ray and ultrasound image storage. */
const IMAGE_CLASS_PREFIXES = [
  '1.2.840.10008.5.1.4.1.1.2',
  '1.2.840.10008.5.1.4.1.1.4',
  '1.2.840.10008.5.1.4.1.1.7',
  '1.2.840.10008.5.1.4.1.1.128',
  '1.2.840.10008.5.1.4.1.1.1',
  '1.2.840.10008.5.1.4.1.1.6',
  '1.2.840.10008.5.1.4.1.1.20',
];

function lastElementEnd(ds: DataSet): number {
  let end = 0;
  for (const tag in ds.elements) {
    const el = ds.elements[tag]!;
    if (el.dataOffset !== undefined) end = Math.max(end, el.dataOffset + (el.length ?? 0));
  }
  return end;
}

/**
 * An element that runs past the end of the file means the file was cut: dicom-parser
 * notices for explicit VR, but in implicit VR it just stops reading.
 */
function checkComplete(ds: DataSet, bytes: Uint8Array, fileName: string): void {
  for (const tag in ds.elements) {
    const el = ds.elements[tag]!;
    if (tag.startsWith('x0002') || el.dataOffset === undefined || el.encapsulatedPixelData) continue;
    if (el.dataOffset + el.length > bytes.length) {
      const code = tag === 'x7fe00010' ? 'pixel-data-short' : 'truncated';
      throw new SegmarkError(code, `element ${tag} runs past the end of the file`, { file: fileName });
    }
  }
  const pixel = ds.elements.x7fe00010;
  const last = pixel?.fragments?.at(-1);
  if (last && last.position + last.length > bytes.length) {
    throw new SegmarkError('pixel-data-short', 'the last pixel data fragment runs past the end of the file', { file: fileName });
  }
}
