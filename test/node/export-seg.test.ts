/**
 * DICOM SEG export and import, the parts that need no outside tool: CIELab
 * of white and black and the way back to sRGB, the same bytes for the same
 * input, frames read back by our reader, the referenced slices of a dcmqi
 * SEG, and bad input. The checks with dciodvfy, dcmdump, dcmodify, pydicom
 * and skimage are in export-seg.tools.test.ts; the shared DICOM folder is
 * skipped outside CI only, like the loader tests.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInstance } from '../../src/core/dicom/parse.js';
import { dicomLabToRgb, readSeg, rgbToDicomLab, writeSeg } from '../../src/core/formats/seg.js';
import { expectSegmarkError, fixed, labColours, smallSeg } from './support/seg-cases.js';
import { SAMPLE_DIR, sampleSeg, type SampleSeg } from './support/seg-sample.js';

const SHARED = '../shared/dicom';
const haveShared = existsSync(SHARED);
if (!haveShared && process.env.CI === 'true') throw new Error('../shared/dicom is missing in CI');

describe('RecommendedDisplayCIELabValue from sRGB (PS3.3 C.10.7.1.1: ICC PCS, D50, 16-bit scaled)', () => {
  const colours = labColours();

  it('white and black are exact: L* 100 / 0 → 0xFFFF / 0, a* = b* = 0 → 0x8080', () => {
    expect(rgbToDicomLab([255, 255, 255])).toEqual([0xffff, 0x8080, 0x8080]);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 0x8080, 0x8080]);
  });

  it('reads back to the same sRGB colour', () => {
    for (const rgb of colours) expect(dicomLabToRgb(rgbToDicomLab(rgb))).toEqual(rgb);
    for (let g = 0; g < 256; g++) expect(dicomLabToRgb(rgbToDicomLab([g, g, g]))).toEqual([g, g, g]);
  });
});

describe('SEG of the sample series (lumbar template labels, ground-truth discs, one empty label)', () => {
  let sample: SampleSeg;
  let bytes: Uint8Array;

  beforeAll(() => {
    sample = sampleSeg();
    bytes = writeSeg({ ...sample.input, ...fixed() });
  });

  it('writes the same bytes for the same input, clock and UIDs', () => {
    expect(Buffer.compare(Buffer.from(writeSeg({ ...sample.input, ...fixed() })), Buffer.from(bytes))).toBe(0);
  });
});

describe('frames that do not start on a byte boundary (5 × 7 pixels)', () => {
  const { masks, input } = smallSeg();

  it('unpacks them again with readSeg', () => {
    const read = readSeg(writeSeg(input));
    expect(read.frames.map((f) => [f.segmentNumber, f.sopInstanceUIDs, Array.from(f.mask)])).toEqual([
      [1, ['2.25.200'], Array.from(masks[0]![0]!)],
      [1, ['2.25.201'], Array.from(masks[0]![1]!)],
      [1, ['2.25.202'], Array.from(masks[0]![2]!)],
      [2, ['2.25.200'], Array.from(masks[1]![0]!)],
      [2, ['2.25.202'], Array.from(masks[1]![2]!)],
    ]);
    expect(read.segments[0]!.label).toBe('椎间盘 L4/L5');
  });
});

describe.skipIf(!haveShared)('reads SEG files written by other tools as pydicom does', () => {
  it('finds the referenced CT slices of the dcmqi SEG among its source files', () => {
    const dir = join(SHARED, 'seg-dcmqi-liver-on-ct3slice');
    const read = readSeg(new Uint8Array(readFileSync(join(dir, 'seg/liver_seg.dcm'))));
    const ct = new Set(readdirSync(join(dir, 'ct')).map((f) => parseInstance(new Uint8Array(readFileSync(join(dir, 'ct', f))), f).sopInstanceUID));
    expect(read.frames.map((f) => f.sopInstanceUIDs.filter((u) => ct.has(u)).length)).toEqual([1, 1, 1]);
  });
});

describe('bad input fails with a SegmarkError naming the problem', () => {
  let good: Uint8Array;
  beforeAll(() => {
    const sample = sampleSeg();
    good = writeSeg({ ...sample.input, ...fixed() });
  });

  it('truncated file: cut in the header is truncated, cut in the pixels is pixel-data-short', () => {
    expectSegmarkError(() => readSeg(good.subarray(0, 3000), 'cut.dcm'), 'truncated');
    expectSegmarkError(() => readSeg(good.subarray(0, good.length - 100), 'cut.dcm'), 'pixel-data-short');
  });

  it('not DICOM, and a DICOM image that is no segmentation', () => {
    expectSegmarkError(() => readSeg(new Uint8Array(500).fill(7), 'junk.bin'), 'not-dicom');
    expectSegmarkError(() => readSeg(new Uint8Array(readFileSync(join(SAMPLE_DIR, 'IM0001.dcm'))), 'IM0001.dcm'), 'not-a-seg');
  });

  it('writer input that does not fit: seg-export-invalid naming the field', () => {
    const { input } = sampleSeg();
    expectSegmarkError(() => writeSeg({ ...input, masks: () => new Uint8Array(10) }), 'seg-export-invalid', { field: 'masks[0][0]' });
    expectSegmarkError(() => writeSeg({ ...input, segments: [] }), 'seg-export-invalid', { field: 'segments' });
    expectSegmarkError(
      () => writeSeg({ ...input, segments: [{ ...input.segments[0]!, algorithm: { type: 'SEMIAUTOMATIC', name: ' ' } }] }),
      'seg-export-invalid',
      { field: 'segments[0].algorithm.name' },
    );
    expectSegmarkError(() => writeSeg({ ...input, source: { ...input.source, frameOfReferenceUID: '' } }), 'seg-export-invalid', { field: 'source.frameOfReferenceUID' });
  });
});
