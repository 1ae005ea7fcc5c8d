/**
 * PNG codec, PNG mask zip and COCO export, the parts that need no outside
 * tool: the CRC-32 check value, bad zips and their names, COCO RLE worked out
 * by hand, round trips through our readers, and bad input. Pillow, Python's
 * zipfile and skimage check them in export-png-coco.tools.test.ts.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/core/messages.js';
import { cocoJson, cocoJsonString, type CocoInput, type CocoRle } from '../../src/core/formats/coco.js';
import { readCoco } from '../../src/core/formats/coco-read.js';
import { decodeRle, encodeRle, rleFromString, rleToString } from '../../src/core/formats/coco-rle.js';
import { crc32 } from '../../src/core/formats/crc32.js';
import { encodePng } from '../../src/core/formats/png.js';
import { labelSlug, pngMaskZip, sliceFileName, type PngMaskManifest } from '../../src/core/formats/png-masks.js';
import { readPngMaskZip } from '../../src/core/formats/png-masks-read.js';
import { expectCode, firstDifference, LABELS, randomLabelmap, regionsOfLabelmap, zipInput } from './support/png-coco-cases.js';

describe('PNG codec', () => {
  it('CRC-32 matches the check value of ISO 3309 ("123456789" → CBF43926)', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
  });
});

describe('PNG mask zip', () => {
  const columns = 48;
  const rows = 40;
  const slices = 12;
  const labelmap = randomLabelmap(21, columns, rows, slices, [1, 2, 3, 4, 5]);
  const n = columns * rows;

  it('bad zips are png-invalid errors naming the part: wrong size, unknown values, mismatched names', () => {
    const zip = pngMaskZip(zipInput(labelmap, columns, rows, slices));
    const entries = unzipSync(zip);
    const rezip = (change: (e: Record<string, Uint8Array>) => void) => {
      const copy = { ...entries };
      change(copy);
      return zipSync(copy);
    };
    const manifest = JSON.parse(new TextDecoder().decode(entries['labels.json'])) as PngMaskManifest;
    const wrongSize = rezip((e) => {
      e['labels.json'] = strToU8(JSON.stringify({ ...manifest, columns: columns + 1 }));
    });
    expect(expectCode(() => readPngMaskZip(wrongSize, 'x.zip'), 'png-invalid').message).toMatch(/48 × 40 pixels, not the 49 × 40/);
    const smallPng = rezip((e) => {
      e['masks/0002_1.2.826.0.1.3680043.8.498.1002.png'] = encodePng({ width: 4, height: 4, bitDepth: 8, data: new Uint8Array(16) });
    });
    expect(expectCode(() => readPngMaskZip(smallPng), 'png-invalid').params['part']).toBe('masks/0002_1.2.826.0.1.3680043.8.498.1002.png');
    const unknownValue = rezip((e) => {
      e['masks/0002_1.2.826.0.1.3680043.8.498.1002.png'] = encodePng({ width: columns, height: rows, bitDepth: 8, data: new Uint8Array(n).fill(9) });
    });
    expect(expectCode(() => readPngMaskZip(unknownValue), 'png-invalid').message).toMatch(/value 9 is not a label/);
    const wrongUid = rezip((e) => {
      e['masks/0002_1.2.3.png'] = e['masks/0002_1.2.826.0.1.3680043.8.498.1002.png']!;
      delete e['masks/0002_1.2.826.0.1.3680043.8.498.1002.png'];
    });
    expectCode(() => readPngMaskZip(wrongUid), 'png-invalid');
    const noManifest = rezip((e) => {
      delete e['labels.json'];
    });
    expect(expectCode(() => readPngMaskZip(noManifest), 'png-invalid').params['part']).toBe('labels.json');
    expectCode(() => readPngMaskZip(new Uint8Array([1, 2, 3, 4])), 'png-invalid');
    const cut = rezip((e) => {
      const png = e['masks/0001_1.2.826.0.1.3680043.8.498.1001.png']!;
      e['masks/0001_1.2.826.0.1.3680043.8.498.1001.png'] = png.subarray(0, png.length - 30);
    });
    expectCode(() => readPngMaskZip(cut), 'truncated');
  });

  it('names: slice index zero-padded to ≥ 4 digits, UID kept, label slugs', () => {
    expect(sliceFileName(12, '1.2.3', 70)).toBe('0012_1.2.3.png');
    expect(sliceFileName(12, '1.2.3', 12345)).toBe('00012_1.2.3.png');
    expect(sliceFileName(0, '1.2/../3', 1)).toBe('0000_1.2_.._3.png');
    expect(labelSlug('L4/L5 disc')).toBe('l4-l5-disc');
    expect(labelSlug('  ')).toBe('label');
  });
});

describe('COCO', () => {
  it('RLE: column-major counts starting with a background run; the compressed string worked out by hand', () => {
    const mask = new Uint8Array([1, 0, 0, 1, 1, 1]); // 2 rows × 3 columns; column by column: 1 1 | 0 1 | 0 1
    expect(encodeRle(mask, 3, 2)).toEqual([0, 2, 1, 1, 1, 1]);
    expect(decodeRle([0, 2, 1, 1, 1, 1], 3, 2)).toEqual(mask);
    expect(encodeRle(new Uint8Array(6), 3, 2)).toEqual([6]);
    // 0 → '0'; 20 → 'd0' (bit 4 set, so a sign group follows); 40 → 'X1'; 10 − 20 → 'F'; 72 − 40 → 'P1'; 6 − 10 → 'L'.
    expect(rleToString([0, 20, 40, 10, 72, 6])).toBe('0d0X1FP1L');
    expect(rleFromString('0d0X1FP1L')).toEqual([0, 20, 40, 10, 72, 6]);
    expect(() => rleFromString('0d')).toThrow(RangeError);
  });

  it('round trip: regions → COCO (polygons, RLE, compressed) → readCoco gives the same labelmap', () => {
    const columns = 40;
    const rows = 30;
    const slices = 16;
    const ids = [1, 2, 3, 4, 5];
    const labelmap = randomLabelmap(41, columns, rows, slices, ids);
    // Slice 3 (left empty by randomLabelmap): label 1 as a square ring around a square of label 2.
    for (let r = 5; r < 15; r++) for (let c = 5; c < 15; c++) labelmap[3 * columns * rows + r * columns + c] = r >= 8 && r < 12 && c >= 8 && c < 12 ? 2 : 1;
    const regions = regionsOfLabelmap(labelmap, columns, rows, slices, ids);
    const input: CocoInput = { columns, rows, slices, sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.9.${k}`), labels: LABELS.slice(0, 5), regions };
    for (const options of [{}, { rle: true }, { rle: true, compressedRle: true }]) {
      const text = cocoJsonString(input, options);
      const read = readCoco(text, { columns, rows }, 'x.json');
      const back = new Uint8Array(labelmap.length);
      for (const m of read.masks) {
        const k = m.sliceIndex!;
        m.mask.forEach((v, i) => {
          if (v) {
            expect(back[k * columns * rows + i]).toBe(0);
            back[k * columns * rows + i] = m.categoryId;
          }
        });
      }
      expect(firstDifference(back, labelmap)).toBe(-1);
    }
    const coco = cocoJson(input);
    expect(Array.isArray(coco.annotations.find((a) => a.image_id === 4 && a.category_id === 1)!.segmentation)).toBe(false); // the ring has a hole
    expect(new Set(coco.annotations.map((a) => a.id)).size).toBe(coco.annotations.length);
    expect(coco.images[3]).toEqual({ id: 4, file_name: '0003_1.9.3.png', width: 40, height: 30, sop_instance_uid: '1.9.3', slice_index: 3 });
    expect(coco.categories[0]).toEqual({ id: 1, name: 'L1/L2 disc', supercategory: 'Anatomical Structure' });
  });

  it('bad COCO input is coco-invalid naming the part: unknown category, wrong image size, broken RLE', () => {
    const base = cocoJson({
      columns: 8,
      rows: 6,
      slices: 1,
      sopInstanceUIDs: ['1.2'],
      labels: LABELS.slice(0, 2),
      regions: [{ labelId: 1, slice: 0, rings: [[1, 1, 6, 1, 6, 5, 1, 5]] }],
    }, { rle: true });
    const size = { columns: 8, rows: 6 };
    const unknown = structuredClone(base);
    unknown.annotations[0]!.category_id = 7;
    const e = expectCode(() => readCoco(unknown, size, 'a.json'), 'coco-invalid');
    expect(e.params['part']).toBe('annotations[0]');
    expect(formatMessage(e.code, { ...e.params, file: 'a.json' })).toBe('a.json is not a COCO annotation file that Segmark can read (the problem is in annotations[0]).');
    expectCode(() => readCoco(base, { columns: 9, rows: 6 }), 'coco-invalid');
    const shortRle = structuredClone(base);
    (shortRle.annotations[0]!.segmentation as CocoRle).counts = [3, 4];
    expect(expectCode(() => readCoco(shortRle, size), 'coco-invalid').params['part']).toBe('annotations[0].segmentation');
    expectCode(() => readCoco('{"images": [', size), 'coco-invalid');
    expectCode(() => readCoco({ images: [], categories: [] }, size), 'coco-invalid');
    expect(() => decodeRle([1, 2], 2, 2)).toThrow(RangeError);
  });
});
