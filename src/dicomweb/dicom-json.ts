/**
 * DICOM JSON (PS3.18 F.2), as QIDO-RS and WADO-RS metadata return it, read
 * into what the loader already takes: `instanceFromMetadata` turns one
 * instance's metadata plus its frames' bytes into a `DicomInstance` whose
 * `bytes` are the frames back to back and whose pixel data location points at
 * them, so series assembly, `frameBytes` and the decoders work unchanged.
 */
import type { DataSet } from 'dicom-parser';
import { SegmarkError } from '../core/errors.js';
import { MAX_NESTING, nestingError } from '../core/dicom/nesting.js';
import { readFrames, readWindow } from '../core/dicom/parse-frames.js';
import { nativeFrameLength } from '../core/dicom/pixels/native.js';
import { isEncapsulated, isSupportedTransferSyntax } from '../core/dicom/pixels/transfer-syntax.js';
import { describePixels } from '../core/dicom/parse-pixels.js';
import type { DicomInstance, PixelDescriptor } from '../core/dicom/types.js';

export interface DicomJsonElement {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

/** One data set: keys are 8-digit upper-case hex tags. */
export type DicomJson = Record<string, DicomJsonElement>;

/** First value as text: a person name's alphabetic form, numbers as written; '' when absent. */
export function jsonString(ds: DicomJson, tag: string): string {
  return jsonStrings(ds, tag)[0] ?? '';
}

/** Every value as text (multi-valued attributes, e.g. ModalitiesInStudy). */
export function jsonStrings(ds: DicomJson, tag: string): string[] {
  return (ds[tag]?.Value ?? []).map((v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return String((v as { Alphabetic?: unknown }).Alphabetic ?? '');
    return String(v).trim();
  });
}

/** A numeric value (DS and IS may come as JSON numbers or as strings). */
export function jsonNumber(ds: DicomJson, tag: string, index = 0): number | undefined {
  const v = ds[tag]?.Value?.[index];
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Items of a sequence. */
export function jsonItems(ds: DicomJson, tag: string): DicomJson[] {
  return (ds[tag]?.Value ?? []).filter((v): v is DicomJson => typeof v === 'object' && v !== null);
}

/**
 * The few DataSet members `readFrames` and `readWindow` use (`elements` with
 * sequence items, and `floatString`), over DICOM JSON. Sharing those readers
 * keeps geometry and modality LUT exactly as for files, functional groups of
 * enhanced multi-frame objects included.
 */
class JsonDataSet {
  readonly elements: Record<string, { items?: { dataSet: JsonDataSet }[] }> = {};

  /** `depth`: sequences around this data set; past `MAX_NESTING` the metadata is refused (`nesting-too-deep`), as a file would be. */
  constructor(
    private readonly json: DicomJson,
    file: string,
    depth = 0,
  ) {
    if (depth > MAX_NESTING) throw nestingError(`> ${MAX_NESTING}`, file);
    for (const [tag, element] of Object.entries(json)) {
      this.elements[`x${tag.toLowerCase()}`] = element.vr === 'SQ' ? { items: jsonItems(json, tag).map((item) => ({ dataSet: new JsonDataSet(item, file, depth + 1) })) } : {};
    }
  }

  floatString(tag: string, index = 0): number | undefined {
    return jsonNumber(this.json, tag.slice(1).toUpperCase(), index);
  }
}

/** Stands in for a dicom-parser DataSet where only `elements` and `floatString` are read. */
function asDataSet(json: DicomJson, file: string): DataSet {
  return new JsonDataSet(json, file) as unknown as DataSet;
}

const SEGMENTATION_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7']);

/** Whether the metadata describes an image to show (not a SEG, SR, or other object without pixels). */
export function isImageMetadata(ds: DicomJson): boolean {
  return jsonNumber(ds, '00280010') !== undefined && !SEGMENTATION_CLASSES.has(jsonString(ds, '00080016'));
}

function pixelDescriptor(ds: DicomJson, transferSyntaxUID: string, file: string): PixelDescriptor {
  const text = jsonString(ds, '00280004');
  return describePixels(
    {
      rows: jsonNumber(ds, '00280010'),
      columns: jsonNumber(ds, '00280011'),
      samplesPerPixel: jsonNumber(ds, '00280002'),
      bitsAllocated: jsonNumber(ds, '00280100'),
      bitsStored: jsonNumber(ds, '00280101'),
      highBit: jsonNumber(ds, '00280102'),
      pixelRepresentation: jsonNumber(ds, '00280103'),
      photometricInterpretation: text || undefined,
      planarConfiguration: jsonNumber(ds, '00280006'),
    },
    transferSyntaxUID,
    (code, detail) => new SegmarkError(code, detail, { file }),
  );
}

/**
 * One instance from its WADO-RS metadata and the bytes of each of its frames,
 * as the server sent them in `transferSyntaxUID` (compressed frames stay
 * compressed: the decoder pool decodes them like frames read from a file).
 */
export function instanceFromMetadata(ds: DicomJson, frames: readonly Uint8Array[], transferSyntaxUID: string, file: string): DicomInstance {
  if (!isSupportedTransferSyntax(transferSyntaxUID)) {
    throw new SegmarkError('unsupported-transfer-syntax', `transfer syntax ${transferSyntaxUID} is not supported`, { file, params: { transferSyntax: transferSyntaxUID } });
  }
  const pixel = pixelDescriptor(ds, transferSyntaxUID, file);
  const numberOfFrames = jsonNumber(ds, '00280008') ?? 1;
  if (frames.length !== numberOfFrames) {
    throw new SegmarkError('pacs-bad-response', `${frames.length} frame(s) received, ${numberOfFrames} expected`, { file, params: { reason: 'missing frames' } });
  }
  const encapsulated = isEncapsulated(transferSyntaxUID);
  if (!encapsulated) {
    const need = nativeFrameLength(pixel);
    const short = frames.find((f) => f.length < need);
    if (short) throw new SegmarkError('pixel-data-short', `a frame has ${short.length} bytes, ${need} expected`, { file });
  }
  // One buffer for the frames, each frame one fragment with its offset in the table: `frameBytes`
  // then finds every frame as a view, whatever the encoding.
  const bytes = frames.length === 1 ? frames[0]! : concat(frames);
  const starts: number[] = [];
  let offset = 0;
  for (const f of frames) {
    starts.push(offset);
    offset += f.length;
  }
  const top = asDataSet(ds, file);
  const window = readWindow(top);
  const str = (tag: string): string => jsonString(ds, tag);
  return {
    fileName: file,
    sopClassUID: str('00080016'),
    sopInstanceUID: str('00080018'),
    studyInstanceUID: str('0020000D'),
    seriesInstanceUID: str('0020000E'),
    frameOfReferenceUID: str('00200052'),
    modality: str('00080060').toUpperCase(),
    seriesDescription: str('0008103E'),
    seriesNumber: jsonNumber(ds, '00200011'),
    instanceNumber: jsonNumber(ds, '00200013'),
    imageType: jsonStrings(ds, '00080008').map((s) => s.toUpperCase()).filter(Boolean),
    patientName: str('00100010'),
    patientID: str('00100020'),
    studyDate: str('00080020'),
    studyDescription: str('00081030'),
    patientBirthDate: str('00100030'),
    patientSex: str('00100040'),
    studyTime: str('00080030'),
    referringPhysicianName: str('00080090'),
    studyID: str('00200010'),
    accessionNumber: str('00080050'),
    burnedInAnnotation: str('00280301').toUpperCase() === 'YES',
    recognizableVisualFeatures: str('00280302').toUpperCase() === 'YES',
    pixel,
    numberOfFrames,
    frames: readFrames(top, numberOfFrames),
    windowCenter: window.center,
    windowWidth: window.width,
    pixelPaddingValue: jsonNumber(ds, '00280120'),
    encapsulated,
    legacyNoMeta: false,
    bytes,
    pixelData: encapsulated
      ? { offset: 0, length: bytes.length, fragments: frames.map((f, i) => ({ position: starts[i]!, length: f.length, offset: starts[i]! })), basicOffsetTable: starts }
      : { offset: 0, length: bytes.length },
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
