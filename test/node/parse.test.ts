/**
 * parseInstance: bad input gets a stable code and the file name; unusual but
 * valid files (no meta header, no preamble, deflated, enhanced multi-frame,
 * empty SOP UIDs) parse with the right header values.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { isSegmarkError, type ErrorCode } from '../../src/core/errors.js';
import { frameBytes, isDicomDir, parseInstance, type ParseOptions } from '../../src/core/dicom/parse.js';
import { decodeFrame } from '../../src/core/dicom/pixels/decode.js';
import { dataSet, imagePixel, part10, raw, sequence, text, us } from './support/dicom-bytes.js';

const SHARED = fileURLToPath(new URL('../../../shared/dicom/', import.meta.url));
const haveShared = existsSync(SHARED);
if (!haveShared) {
  if (process.env.CI === 'true') throw new Error(`shared DICOM test data missing at ${SHARED}; CI must not skip these tests`);
  console.warn(`[parse] tests on real files skipped: shared DICOM test data not found at ${SHARED}`);
}
const file = (path: string): Uint8Array => new Uint8Array(readFileSync(join(SHARED, path)));
const CT_SMALL = 'pydicom-test-files/CT_small.dcm'; // explicit VR LE
const CT_IMAGE = 'syntaxes-cornerstone-ctimage/CTImage.dcm'; // implicit VR LE
const CT_J2K = 'syntaxes-cornerstone-ctimage/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm';

/** Runs parseInstance and returns the SegmarkError it throws (failing if it does not). */
function parseError(bytes: Uint8Array, name: string, options?: ParseOptions): { code: ErrorCode; file: string | undefined; message: string } {
  try {
    parseInstance(bytes, name, options);
  } catch (error) {
    if (!isSegmarkError(error)) throw new Error(`not a SegmarkError: ${String(error)}`);
    return { code: error.code, file: error.file, message: error.message };
  }
  throw new Error(`${name} parsed without error`);
}

/** Where an element's value starts in a file (via dicom-parser), for byte surgery on copies. */
function valueOffset(bytes: Uint8Array, tag: string): number {
  const ds = dicomParser.parseDicom(bytes);
  const el = ds.elements[tag];
  if (!el) throw new Error(`${tag} not in file`);
  return el.dataOffset;
}

/** Replaces an explicit-VR (short length) element value in a Part 10 copy, fixing its length and the meta group length. */
function replaceValue(bytes: Uint8Array, tag: string, value: string): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const el = ds.elements[tag]!;
  const padded = new TextEncoder().encode(value.length % 2 ? `${value}\0` : value);
  const out = new Uint8Array(bytes.length - el.length + padded.length);
  out.set(bytes.subarray(0, el.dataOffset));
  out.set(padded, el.dataOffset);
  out.set(bytes.subarray(el.dataOffset + el.length), el.dataOffset + padded.length);
  const view = new DataView(out.buffer);
  view.setUint16(el.dataOffset - 2, padded.length, true);
  if (tag.startsWith('x0002')) {
    const group = ds.elements.x00020000!.dataOffset;
    view.setUint32(group, view.getUint32(group, true) + padded.length - el.length, true);
  }
  return out;
}

describe('bad input gives a SegmarkError with a stable code and the file name', () => {
  it('empty file → empty-file', () => {
    expect(parseError(new Uint8Array(0), 'empty.dcm')).toMatchObject({ code: 'empty-file', file: 'empty.dcm' });
  });

  it('random bytes → not-dicom', () => {
    let seed = 12345;
    const bytes = new Uint8Array(4096).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
    expect(parseError(bytes, 'noise.bin')).toMatchObject({ code: 'not-dicom', file: 'noise.bin' });
  });

  it('a text file → not-dicom', () => {
    const bytes = new TextEncoder().encode('Patient list\nname,id\nDOE^JOHN,123\n'.repeat(20));
    expect(parseError(bytes, 'notes.txt')).toMatchObject({ code: 'not-dicom', file: 'notes.txt' });
  });

  it('a file shorter than a preamble → not-dicom', () => {
    expect(parseError(new Uint8Array([1, 2, 3]), 'tiny')).toMatchObject({ code: 'not-dicom', file: 'tiny' });
  });

  it.skipIf(!haveShared)('cut inside the header → truncated (explicit and implicit VR)', () => {
    expect(parseError(file(CT_SMALL).subarray(0, 700), 'cut.dcm')).toMatchObject({ code: 'truncated', file: 'cut.dcm' });
    expect(parseError(file(CT_IMAGE).subarray(0, 600), 'cut2.dcm')).toMatchObject({ code: 'truncated', file: 'cut2.dcm' });
  });

  it.skipIf(!haveShared)('cut inside the pixel data → pixel-data-short (native explicit, native implicit, encapsulated)', () => {
    const explicit = file(CT_SMALL);
    expect(parseError(explicit.subarray(0, explicit.length - 1000), 'a.dcm')).toMatchObject({ code: 'pixel-data-short', file: 'a.dcm' });
    const implicit = file(CT_IMAGE);
    expect(parseError(implicit.subarray(0, implicit.length - 1000), 'b.dcm')).toMatchObject({ code: 'pixel-data-short', file: 'b.dcm' });
    const j2k = file(CT_J2K);
    expect(parseError(j2k.subarray(0, j2k.length - 5000), 'c.dcm')).toMatchObject({ code: 'pixel-data-short', file: 'c.dcm' });
  });

  it.skipIf(!haveShared)('absurd dimensions → bad-dimensions', () => {
    const original = file(CT_SMALL);
    const withUint16 = (tag: string, value: number): Uint8Array => {
      const copy = original.slice();
      new DataView(copy.buffer).setUint16(valueOffset(copy, tag), value, true);
      return copy;
    };
    expect(parseError(withUint16('x00280010', 0), 'rows0.dcm')).toMatchObject({ code: 'bad-dimensions', file: 'rows0.dcm' });
    expect(parseError(withUint16('x00280011', 40000), 'cols.dcm')).toMatchObject({ code: 'bad-dimensions', file: 'cols.dcm' });
    expect(parseError(withUint16('x00280100', 12), 'bits.dcm')).toMatchObject({ code: 'bad-dimensions', file: 'bits.dcm' });
    expect(parseError(withUint16('x00280101', 20), 'stored.dcm')).toMatchObject({ code: 'bad-dimensions', file: 'stored.dcm' });
    // NumberOfFrames "0" in a multi-frame SEG ("3 " has room for one digit).
    const frames = file('seg-highdicom-ct/seg/seg_image_ct_binary.dcm');
    const at = dicomParser.parseDicom(frames).elements.x00280008!.dataOffset;
    frames[at] = 0x30;
    const seg = { allowNonImage: true };
    expect(parseError(frames, 'frames0.dcm', seg)).toMatchObject({ code: 'bad-dimensions', file: 'frames0.dcm' });
    // And "9": nine frames claimed, three frames of data present.
    frames[at] = 0x39;
    expect(parseError(frames, 'frames9.dcm', seg)).toMatchObject({ code: 'pixel-data-short', file: 'frames9.dcm' });
  });

  it.skipIf(!haveShared)('an unsupported transfer syntax (MPEG2) → unsupported-transfer-syntax naming it', () => {
    const mpeg = replaceValue(file(CT_J2K), 'x00020010', '1.2.840.10008.1.2.4.100');
    const error = parseError(mpeg, 'video.dcm');
    expect(error).toMatchObject({ code: 'unsupported-transfer-syntax', file: 'video.dcm' });
    expect(error.message).toContain('1.2.840.10008.1.2.4.100');
  });

  it.skipIf(!haveShared)('an image without pixel data → no-pixel-data; an SR → not-an-image', () => {
    const ct = file(CT_SMALL);
    const pixelTag = valueOffset(ct, 'x7fe00010') - 12; // OW: tag, VR, reserved, 4-byte length
    expect(parseError(ct.subarray(0, pixelTag), 'nopix.dcm')).toMatchObject({ code: 'no-pixel-data', file: 'nopix.dcm' });
    const sr = part10('1.2.840.10008.1.2.1', '1.2.840.10008.5.1.4.1.1.88.22', '1.2.3', dataSet([
      text(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.88.22'),
      text(0x00080018, 'UI', '1.2.3'),
      text(0x00080060, 'CS', 'SR'),
    ]));
    expect(parseError(sr, 'report.dcm')).toMatchObject({ code: 'not-an-image', file: 'report.dcm' });
  });

  it('a DICOMDIR is recognised and refused as not-an-image', () => {
    const dir = part10('1.2.840.10008.1.2.1', '1.2.840.10008.1.3.10', '1.2.3.9', dataSet([
      text(0x00041130, 'CS', 'SEGMARK'),
      raw(0x00041200, 'UL', new Uint8Array(4)),
    ]));
    expect(isDicomDir(dir)).toBe(true);
    expect(parseError(dir, 'DICOMDIR')).toMatchObject({ code: 'not-an-image', file: 'DICOMDIR' });
  });
});

describe.skipIf(!haveShared)('files without the usual wrapping', () => {
  const metaEnd = (bytes: Uint8Array): number => (dicomParser.readPart10Header(bytes) as unknown as { position: number }).position;

  it('ACR-NEMA style (implicit VR LE data set, no preamble, no meta) parses and decodes like the original', async () => {
    const original = file(CT_IMAGE);
    const bare = original.slice(metaEnd(original));
    const a = parseInstance(original, 'with-meta.dcm');
    const b = parseInstance(bare, 'acr-nema.dcm');
    expect(b.legacyNoMeta).toBe(true);
    expect(a.legacyNoMeta).toBe(false);
    expect(b.pixel).toEqual(a.pixel);
    expect(b.sopInstanceUID).toBe(a.sopInstanceUID);
    expect(b.frames).toEqual(a.frames);
    const pa = await decodeFrame(a.pixel, frameBytes(a, 0));
    const pb = await decodeFrame(b.pixel, frameBytes(b, 0));
    expect(pb.constructor).toBe(pa.constructor);
    expect(pb.every((v, i) => v === pa[i])).toBe(true);
  });

  it('bare explicit VR big endian and explicit VR little endian data sets are sniffed', async () => {
    const be = file('pydicom-test-files/MR_small_bigendian.dcm');
    const le = file('pydicom-test-files/MR_small.dcm');
    const b = parseInstance(be.slice(metaEnd(be)), 'be.raw');
    const l = parseInstance(le.slice(metaEnd(le)), 'le.raw');
    expect(b.pixel.transferSyntaxUID).toBe('1.2.840.10008.1.2.2');
    expect(l.pixel.transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(await decodeFrame(b.pixel, frameBytes(b, 0))).toEqual(await decodeFrame(l.pixel, frameBytes(l, 0)));
  });

  it('an implicit VR data set whose meta header claims explicit VR parses (writer bug seen in the wild)', async () => {
    const original = file(CT_IMAGE);
    const mislabelled = replaceValue(original, 'x00020010', '1.2.840.10008.1.2.1');
    const a = parseInstance(original, 'a.dcm');
    const b = parseInstance(mislabelled, 'b.dcm');
    expect(b.pixel.rows).toBe(512);
    expect(b.frames).toEqual(a.frames);
    const pa = await decodeFrame(a.pixel, frameBytes(a, 0));
    const pb = await decodeFrame(b.pixel, frameBytes(b, 0));
    expect(pb.every((v, i) => v === pa[i])).toBe(true);
  });

  it('a meta header without the 128-byte preamble parses', () => {
    const original = file(CT_SMALL);
    const instance = parseInstance(original.slice(132), 'no-preamble.dcm');
    expect(instance.pixel.rows).toBe(128);
    expect(instance.sopInstanceUID).toBe(parseInstance(original, 'x').sopInstanceUID);
  });

  it('deflated explicit VR LE keeps the inflated bytes', () => {
    const name = 'syntaxes-cornerstone-ctimage/CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm';
    const bytes = file(name);
    const instance = parseInstance(bytes, name);
    expect(instance.bytes.length).toBeGreaterThan(bytes.length);
    expect(instance.bytes.length).toBeGreaterThan(512 * 512 * 2);
    expect(instance.modality).toBe('CT');
  });
});

describe.skipIf(!haveShared)('header values', () => {
  it('takes SOP Class/Instance UID from the meta header when the data set leaves them empty (TotalSegmentator)', () => {
    const dir = join(SHARED, 'ct-series-totalsegmentator-siemens-abdomen/dicom');
    const name = readdirSync(dir).sort()[0]!;
    const instance = parseInstance(new Uint8Array(readFileSync(join(dir, name))), name);
    expect(instance.sopClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(instance.sopInstanceUID).toBe(name.replace(/^CT\./, ''));
    expect(instance.pixel).toMatchObject({ bitsStored: 12, pixelRepresentation: 0, transferSyntaxUID: '1.2.840.10008.1.2.4.90' });
    expect(instance.frames[0]).toMatchObject({ rescaleSlope: 1, rescaleIntercept: -1024, pixelSpacing: [0.9765625, 0.9765625] });
  });

  it('reads a classic CT header', () => {
    const ct = parseInstance(file(CT_SMALL), 'ct_small.dcm');
    expect(ct).toMatchObject({ modality: 'CT', numberOfFrames: 1, encapsulated: false, fileName: 'ct_small.dcm' });
    expect(ct.pixel).toMatchObject({ rows: 128, columns: 128, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 });
    expect(ct.frames[0]!.position).toHaveLength(3);
    expect(ct.frames[0]).toMatchObject({ rescaleSlope: 1, rescaleIntercept: -1024, rowCosine: [1, 0, 0], columnCosine: [0, 1, 0] });
    expect(ct.imageType[0]).toBe('ORIGINAL');
  });
});

describe.skipIf(!haveShared)('enhanced multi-frame: per-frame functional groups', () => {
  it('a SEG is refused as not-an-image unless asked for', () => {
    expect(parseError(file('seg-highdicom-ct/seg/seg_image_ct_binary.dcm'), 'seg.dcm')).toMatchObject({ code: 'not-an-image' });
  });

  it('dcmqi liver SEG: positions per frame, orientation and spacing from the shared groups', () => {
    const seg = parseInstance(file('seg-dcmqi-liver-on-ct3slice/seg/liver_seg.dcm'), 'liver_seg.dcm', { allowNonImage: true });
    expect(seg.numberOfFrames).toBe(3);
    expect(seg.frames.map((f) => f.position)).toEqual([
      [-235.2, -226.8, -128.69],
      [-235.2, -226.8, -127.69],
      [-235.2, -226.8, -126.69],
    ]);
    for (const f of seg.frames) {
      expect(f.rowCosine).toEqual([1, 0, 0]);
      expect(f.columnCosine).toEqual([0, 1, 0]);
      expect(f.pixelSpacing).toEqual([0.810547, 0.810547]);
      expect(f.sliceThickness).toBe(1);
    }
  });

  it('highdicom SEG: per-frame positions match the referenced CT slices', () => {
    const seg = parseInstance(file('seg-highdicom-ct/seg/seg_image_ct_binary.dcm'), 'seg.dcm', { allowNonImage: true });
    const z = seg.frames.map((f) => f.position![2]);
    const ctZ = readdirSync(join(SHARED, 'seg-highdicom-ct/ct')).map((n) => parseInstance(file(`seg-highdicom-ct/ct/${n}`), n).frames[0]!.position![2]);
    for (const v of z) expect(ctZ.some((c) => Math.abs(c - v) < 1e-3)).toBe(true);
    expect(new Set(z).size).toBe(3);
  });

  it('1-bit BINARY frames decode to the same masks as the FRACTIONAL SEG of the same segment', async () => {
    const binary = parseInstance(file('seg-highdicom-ct/seg/seg_image_ct_binary.dcm'), 'b.dcm', { allowNonImage: true });
    const fractional = parseInstance(file('seg-highdicom-ct/seg/seg_image_ct_binary_fractional.dcm'), 'f.dcm', { allowNonImage: true });
    expect(binary.pixel.bitsAllocated).toBe(1);
    let ones = 0;
    for (let k = 0; k < 3; k++) {
      const b = await decodeFrame(binary.pixel, frameBytes(binary, k));
      const f = await decodeFrame(fractional.pixel, frameBytes(fractional, k));
      expect(b.length).toBe(256);
      for (let i = 0; i < 256; i++) {
        expect(b[i]).toBe(f[i]! > 0 ? 1 : 0);
        ones += b[i]!;
      }
    }
    expect(ones).toBeGreaterThan(0);
  });
});

describe('synthetic edge cases', () => {
  it('isDicomDir is false for an image and for non-DICOM bytes', () => {
    const image = part10('1.2.840.10008.1.2.1', '1.2.840.10008.5.1.4.1.1.7', '1.2.3.4.5', dataSet([
      ...imagePixel({ rows: 2, columns: 2, bitsAllocated: 8 }),
      raw(0x7fe00010, 'OB', new Uint8Array([1, 2, 3, 4])),
    ]));
    expect(isDicomDir(image)).toBe(false);
    expect(isDicomDir(new Uint8Array(10))).toBe(false);
    expect(parseInstance(image, 'img.dcm').pixel.rows).toBe(2);
  });

  it('samples per pixel other than 1 or 3 → unsupported-pixel-format', () => {
    const els = imagePixel({ rows: 2, columns: 2, bitsAllocated: 8 });
    const bad = els.map((e) => (e.tag === 0x00280002 ? us(0x00280002, 4) : e));
    const bytes = part10('1.2.840.10008.1.2.1', '1.2.840.10008.5.1.4.1.1.7', '1.2.3', dataSet([...bad, raw(0x7fe00010, 'OB', new Uint8Array(16))]));
    expect(parseError(bytes, 'cmyk.dcm')).toMatchObject({ code: 'unsupported-pixel-format', file: 'cmyk.dcm' });
  });

  it('Enhanced CT: per-frame position and rescale, shared orientation and spacing, top-level fallback', async () => {
    const position = (z: number) => sequence(0x00209113, [[text(0x00200032, 'DS', `-10\\-20\\${z}`)]]);
    const rescale = (slope: number, intercept: number) =>
      sequence(0x00289145, [[text(0x00281052, 'DS', String(intercept)), text(0x00281053, 'DS', String(slope))]]);
    const bytes = part10('1.2.840.10008.1.2.1', '1.2.840.10008.5.1.4.1.1.2.1', '1.2.9', dataSet([
      ...imagePixel({ rows: 2, columns: 2, bitsAllocated: 16, signed: true, frames: 3 }).map((e) =>
        e.tag === 0x00080016 ? text(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2.1') : e,
      ),
      sequence(0x52009229, [[
        sequence(0x00209116, [[text(0x00200037, 'DS', '1\\0\\0\\0\\0\\-1')]]),
        sequence(0x00289110, [[text(0x00180050, 'DS', '2.5'), text(0x00280030, 'DS', '0.7\\0.8')]]),
        rescale(1, -1024),
      ]]),
      sequence(0x52009230, [
        [position(10)],
        [position(12.5), rescale(2, -2048)],
        [position(15)],
      ]),
      raw(0x7fe00010, 'OW', new Uint8Array(3 * 2 * 2 * 2)),
    ]));
    const ct = parseInstance(bytes, 'enhanced.dcm');
    expect(ct.numberOfFrames).toBe(3);
    expect(ct.frames.map((f) => f.position)).toEqual([[-10, -20, 10], [-10, -20, 12.5], [-10, -20, 15]]);
    expect(ct.frames.map((f) => [f.rescaleSlope, f.rescaleIntercept])).toEqual([[1, -1024], [2, -2048], [1, -1024]]);
    for (const f of ct.frames) expect(f).toMatchObject({ rowCosine: [1, 0, 0], columnCosine: [0, 0, -1], pixelSpacing: [0.7, 0.8], sliceThickness: 2.5 });
    expect(Array.from(await decodeFrame(ct.pixel, frameBytes(ct, 2)))).toEqual([0, 0, 0, 0]);
  });
});
