/**
 * PNG codec, PNG mask zip and COCO export checked against outside tools:
 * Pillow decodes our PNGs and writes PNGs (all five filter types) that we
 * decode; Python's zipfile + Pillow rebuild the labelmap from our zips;
 * skimage.draw.polygon rasterizes our COCO polygons and a plain column-major
 * decoder reads our RLE (/usr/bin/python3 with Pillow and skimage). Round
 * trips and bad input that need no outside tool are in export-png-coco.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabel } from '../../src/core/annotation/labels.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Ring } from '../../src/core/annotation/region.js';
import { formatMessage } from '../../src/core/messages.js';
import { cocoJson, type CocoInput, type CocoRle } from '../../src/core/formats/coco.js';
import { decodePng, encodePng, type GreyImage } from '../../src/core/formats/png.js';
import { pngMaskZip, sliceFileName, type PngMaskManifest } from '../../src/core/formats/png-masks.js';
import { readPngMaskZip } from '../../src/core/formats/png-masks-read.js';
import { random } from './support/annotation-geometry.js';
import { expectCode, firstDifference, LABELS, randomLabelmap, regionsOfLabelmap, simpleStar, zipInput } from './support/png-coco-cases.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = '/usr/bin/python3';
const HELPER = join(root, 'test/node/support/png-coco-check.py');
const TRUTH = join(root, 'sample-dicom/ground-truth/discs.u8.gz');
const TRUTH_DIMS = JSON.parse(readFileSync(join(root, 'sample-dicom/ground-truth/discs.json'), 'utf8')).dims as { columns: number; rows: number; slices: number };

let tmp: string;
let seq = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'segmark-png-coco-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a helper command; a missing Python, Pillow or skimage fails the test. */
async function py<T>(command: string, job: unknown): Promise<{ report: T; out: Uint8Array }> {
  const id = seq++;
  const jobPath = join(tmp, `job-${id}.json`);
  const outPath = join(tmp, `out-${id}.bin`);
  writeFileSync(jobPath, JSON.stringify(job));
  const { stdout } = await run(PYTHON, [HELPER, command, jobPath, outPath], { maxBuffer: 64 << 20 });
  return { report: JSON.parse(stdout) as T, out: new Uint8Array(readFileSync(outPath)) };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

function u16le(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

function i16le(bytes: Uint8Array): Int16Array {
  return new Int16Array(u16le(bytes).buffer);
}

/** Test images: noise, ramps, constants, odd sizes, and the extremes of each depth. */
function testImages(rand: () => number): GreyImage[] {
  const img8 = (width: number, height: number, f: (c: number, r: number) => number): GreyImage => {
    const data = new Uint8Array(width * height);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = f(c, r);
    return { width, height, bitDepth: 8, data };
  };
  const img16 = (width: number, height: number, f: (c: number, r: number) => number): GreyImage => {
    const data = new Uint16Array(width * height);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = f(c, r);
    return { width, height, bitDepth: 16, data };
  };
  return [
    img8(1, 1, () => 255),
    img8(37, 23, () => Math.floor(rand() * 256)),
    img8(64, 64, (c, r) => (c * 3 + r * 5) & 0xff),
    img8(5, 200, () => 7),
    img8(90, 40, (c, r) => Math.round(128 + 100 * Math.sin(c / 7) * Math.cos(r / 5))),
    img16(1, 1, () => 65535),
    img16(31, 17, () => Math.floor(rand() * 65536)),
    img16(128, 9, (c, r) => (c * 517 + r * 4099) & 0xffff),
    img16(60, 50, (c, r) => 32768 - 1000 + Math.round(800 * Math.sin(c / 9 + r / 11))),
  ];
}

/** A regular n-gon of radius r whose vertices are moved by up to ½ px, on a 1/16 grid. */
function jitteredRing(rand: () => number, cx: number, cy: number, r: number, n: number): Ring {
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push(Math.round((cx + r * Math.cos(a) + rand() - 0.5) * 16) / 16, Math.round((cy + r * Math.sin(a) + rand() - 0.5) * 16) / 16);
  }
  return ring;
}

function countOnes(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) if (v) n++;
  return n;
}

/** The sample's ground-truth disc labelmap (1 = L1/L2 … 5 = L5/S1), index k·rows·cols + r·cols + c. */
function truthVolume(): Uint8Array {
  return gunzipSync(readFileSync(TRUTH));
}

describe('PNG codec', () => {
  it('8- and 16-bit PNGs we write decode in Pillow to exactly our samples', async () => {
    const images = testImages(random(11));
    const paths = images.map((im, i) => file(`ours-${i}.png`, encodePng(im)));
    const { report, out } = await py<{ mode: string; size: number[]; dtype: string }[]>('pil-read', { files: paths });
    let at = 0;
    images.forEach((im, i) => {
      expect(report[i]!.size).toEqual([im.width, im.height]);
      expect(report[i]!.mode).toBe(im.bitDepth === 8 ? 'L' : 'I'); // Pillow 9 widens 16-bit grey to int32
      const bytes = out.subarray(at, (at += im.data.length * (im.bitDepth / 8)));
      expect(im.bitDepth === 8 ? bytes : u16le(bytes)).toEqual(im.data);
      expect(decodePng(encodePng(im))).toEqual(im);
    });
    expect(at).toBe(out.length);
  });

  it('PNGs written by Pillow (all five filter types, 8- and 16-bit) decode exactly', async () => {
    const images = testImages(random(12));
    const optionSets = [{}, { optimize: true }, { compress_level: 0 }, { compress_level: 9 }];
    const specs = images.flatMap((im, i) =>
      optionSets.map((options, j) => {
        const raw = im.bitDepth === 8 ? im.data : new Uint8Array(new Uint16Array(im.data).buffer); // little endian host
        return { path: join(tmp, `pil-${i}-${j}.png`), width: im.width, height: im.height, bits: im.bitDepth, raw: file(`pil-${i}-${j}.raw`, raw), options, image: im };
      }),
    );
    const { report } = await py<{ mode: string; bits: number; filters: number[] }[]>('pil-write', { images: specs.map(({ image: _, ...s }) => s) });
    const filters = new Set(report.flatMap((r) => r.filters));
    expect([...filters].sort()).toEqual([0, 1, 2, 3, 4]);
    specs.forEach((s, i) => {
      expect(report[i]!.bits).toBe(s.bits);
      expect(decodePng(new Uint8Array(readFileSync(s.path)))).toEqual(s.image);
    });
  });

  it('truncated files, CRC mismatches, colour and broken PNGs are SegmarkErrors with a code', async () => {
    const png = encodePng({ width: 20, height: 10, bitDepth: 8, data: new Uint8Array(200).map((_, i) => i) });
    expectCode(() => decodePng(png.subarray(0, png.length - 20), 'cut.png'), 'truncated');
    expectCode(() => decodePng(png.subarray(0, 5)), 'truncated');
    const flipped = png.slice();
    flipped[45] = flipped[45]! ^ 0x40; // inside the IDAT data
    const crc = expectCode(() => decodePng(flipped, 'flipped.png'), 'png-invalid');
    expect(crc.message).toMatch(/CRC/);
    expect(formatMessage(crc.code, { ...crc.params, file: 'flipped.png' })).toBe(
      'flipped.png is not a PNG image or PNG mask archive that Segmark can read (the problem is in IDAT).',
    );
    expect(formatMessage(crc.code, { ...crc.params, file: 'flipped.png' }, 'zh-CN')).toContain('问题出在 IDAT');
    const notPng = png.slice();
    notPng[1] = 0x51;
    expectCode(() => decodePng(notPng), 'png-invalid');

    // An RGB PNG written by Pillow: a kind we do not read.
    const rgb = join(tmp, 'rgb.png');
    await run(PYTHON, ['-c', `from PIL import Image; Image.new('RGB', (4, 3), (1, 2, 3)).save(${JSON.stringify(rgb)})`]);
    expectCode(() => decodePng(new Uint8Array(readFileSync(rgb))), 'unsupported-pixel-format');
  });
});

describe('PNG mask zip', () => {
  const columns = 48;
  const rows = 40;
  const slices = 12;
  const labelmap = randomLabelmap(21, columns, rows, slices, [1, 2, 3, 4, 5]);
  const n = columns * rows;

  it('label-valued masks with raw16 CT read back in Python (zipfile + Pillow) as our labelmap and HU', async () => {
    const rand = random(22);
    const ct = Array.from({ length: slices }, (_, k) => {
      const s = new Int16Array(n).map(() => Math.floor(rand() * 65536) - 32768);
      s[0] = -32768;
      s[1] = 32767;
      s[2] = k;
      return s;
    });
    const zip = pngMaskZip({ ...zipInput(labelmap, columns, rows, slices), ct: (k) => ct[k]! }, { image: 'raw16' });
    const { report, out } = await py<{ names: string[]; meta: PngMaskManifest; modes: string[]; imageSlices: number[] }>('zip-read', { zip: file('values.zip', zip) });
    expect(out.subarray(0, n * slices)).toEqual(labelmap);
    for (let k = 0; k < slices; k++) expect(i16le(out.subarray(n * slices + 2 * n * k, n * slices + 2 * n * (k + 1)))).toEqual(ct[k]);
    expect(report.modes).toEqual(['L', 'image:I']);
    expect(report.names).toContain('masks/0000_1.2.826.0.1.3680043.8.498.1000.png');
    expect(report.names).toContain('images/0011_1.2.826.0.1.3680043.8.498.1011.png');
    expect(report.names).toHaveLength(2 * slices + 1);
    expect(report.meta.images).toEqual({ directory: 'images', encoding: 'raw16', bitDepth: 16, offset: 32768 });
    expect(report.meta.slices[3]).toEqual({ index: 3, sopInstanceUID: '1.2.826.0.1.3680043.8.498.1003', imagePositionPatient: [-10.5, 20.25, -22.5], fileName: '0003_1.2.826.0.1.3680043.8.498.1003.png' });
    expect(report.meta.labels[3]).toMatchObject({ id: 4, name: 'L4/L5 disc', color: [204, 121, 167], type: { codeValue: '84020006', codingSchemeDesignator: 'SCT' } });

    const back = readPngMaskZip(zip, 'values.zip');
    expect([...back.slices.keys()]).toEqual(Array.from({ length: slices }, (_, k) => k));
    for (let k = 0; k < slices; k++) expect(back.slices.get(k)).toEqual(labelmap.subarray(k * n, (k + 1) * n));
    expect(back.labels.map((l) => l.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('per-label 0/255 masks with windowed CT, leaving out empty slices, read back in Python and by our reader', async () => {
    const labels = [...LABELS.slice(0, 5), createLabel(LABELS, { id: 12, name: '椎间盘 L4/L5' })];
    const withCn = labelmap.slice();
    withCn.subarray(n, 2 * n).fill(12, 0, columns); // label 12 on slice 1's first row
    const ct = Array.from({ length: slices }, (_, k) => new Int16Array(n).map((_, i) => -1100 + ((i * 7 + k) % 1400)));
    const zip = pngMaskZip({ ...zipInput(withCn, columns, rows, slices, labels), ct: (k) => ct[k]! }, {
      perLabel: true,
      emptySlices: false,
      image: 'windowed',
      window: { center: 40, width: 400 },
    });
    const { report, out } = await py<{ names: string[]; meta: PngMaskManifest; modes: string[]; imageSlices: number[] }>('zip-read', { zip: file('per-label.zip', zip) });
    expect(out.subarray(0, n * slices)).toEqual(withCn);
    const kept = Array.from({ length: slices }, (_, k) => k).filter((k) => withCn.subarray(k * n, (k + 1) * n).some((v) => v !== 0));
    expect(kept.length).toBeLessThan(slices);
    expect(report.imageSlices).toEqual(kept);
    expect(report.names).toContain(`masks/12_椎间盘-l4-l5/${sliceFileName(kept[0]!, `1.2.826.0.1.3680043.8.498.${1000 + kept[0]!}`, slices)}`);
    expect(report.names).toContain('masks/4_l4-l5-disc/0000_1.2.826.0.1.3680043.8.498.1000.png');
    expect(report.names).toHaveLength(kept.length * (labels.length + 1) + 1);
    // DICOM PS3.3 C.11.2.1.2.1 linear window, written out here independently.
    kept.forEach((k, j) => {
      const got = out.subarray(n * slices + n * j, n * slices + n * (j + 1));
      const want = Array.from(ct[k]!, (x) => (x <= 40 - 0.5 - 399 / 2 ? 0 : x > 40 - 0.5 + 399 / 2 ? 255 : Math.round(((x - 39.5) / 399 + 0.5) * 255)));
      expect(Array.from(got)).toEqual(want);
    });

    const back = readPngMaskZip(zip);
    expect([...back.slices.keys()]).toEqual(kept);
    for (const k of kept) expect(back.slices.get(k)).toEqual(withCn.subarray(k * n, (k + 1) * n));
  });

  it("the sample's ground-truth discs (70 × 384²) survive the zip: Python and our reader give the truth back", async () => {
    const truth = truthVolume();
    const { columns: c, rows: r, slices: s } = TRUTH_DIMS;
    const zip = pngMaskZip(zipInput(truth, c, r, s));
    const { out } = await py<unknown>('zip-read', { zip: file('truth.zip', zip) });
    expect(firstDifference(out, truth)).toBe(-1);
    const back = readPngMaskZip(zip);
    for (let k = 0; k < s; k++) expect(firstDifference(back.slices.get(k)!, truth.subarray(k * c * r, (k + 1) * c * r))).toBe(-1);
  });
});

describe('COCO', () => {
  it('polygons of random simple polygons and the sample discs rasterize in skimage exactly as ours', async () => {
    const rand = random(31);
    const columns = 64;
    const rows = 48;
    const regions: CocoInput['regions'][number][] = [];
    for (let k = 0; k < 300; k++) {
      // Every third region: two rings in the two halves of the image, so no pixel lies in both.
      const rings =
        k % 3 === 0
          ? [simpleStar(rand, 16, 24, 1, 12), simpleStar(rand, 48, 24, 1, 12)]
          : [simpleStar(rand, rand() * columns, rand() * rows, 1, 30)];
      regions.push({ labelId: 1 + (k % 5), slice: k, rings });
    }
    const sopInstanceUIDs = regions.map((_, k) => `1.2.3.${k}`);
    const coco = cocoJson({ columns, rows, slices: regions.length, sopInstanceUIDs, labels: LABELS.slice(0, 5), regions });
    const truth = truthVolume();
    const { columns: tc, rows: tr, slices: ts } = TRUTH_DIMS;
    const discRegions = regionsOfLabelmap(truth, tc, tr, ts, [1, 2, 3, 4, 5]);
    const discs = cocoJson({ columns: tc, rows: tr, slices: ts, sopInstanceUIDs: Array.from({ length: ts }, (_, k) => `9.${k}`), labels: LABELS.slice(0, 5), regions: discRegions });
    expect(discs.annotations).toHaveLength(discRegions.length);

    const cases: { columns: number; rows: number; polygons: number[][]; want: Uint8Array }[] = [];
    for (const a of coco.annotations) {
      const region = regions[a.image_id - 1]!;
      const want = rasterizeToMask({ rings: region.rings.map((r) => [...r]) }, columns, rows);
      if (countOnes(want) === 0) continue;
      expect(Array.isArray(a.segmentation)).toBe(true); // no pixel in two rings: polygons
      expect(a.segmentation).toEqual(region.rings); // exactly the rings
      expect(a.area).toBe(countOnes(want));
      cases.push({ columns, rows, polygons: a.segmentation as number[][], want });
    }
    expect(cases.length).toBeGreaterThan(250);
    for (const a of discs.annotations) {
      const k = a.image_id - 1;
      const want = truth.subarray(k * tc * tr, (k + 1) * tc * tr).map((v) => (v === a.category_id ? 1 : 0));
      expect(a.area).toBe(countOnes(want));
      if (Array.isArray(a.segmentation)) cases.push({ columns: tc, rows: tr, polygons: a.segmentation, want });
    }
    expect(cases.filter((c) => c.columns === tc).length).toBeGreaterThan(discs.annotations.length / 2);
    const { out } = await py<unknown>('polygons', { cases: cases.map(({ want: _, ...c }) => c) });
    let at = 0;
    let same = 0;
    for (const c of cases) {
      const got = out.subarray(at, (at += c.columns * c.rows));
      if (got.every((v, i) => v === c.want[i])) same++;
    }
    expect(same).toBe(cases.length);
  });

  it('regions with holes become RLE that a plain column-major decoder reads as our mask; area and bbox count its pixels', async () => {
    const rand = random(32);
    const columns = 50;
    const rows = 37;
    const regions: CocoInput['regions'][number][] = [];
    for (let k = 0; k < 60; k++) {
      const cx = 10 + rand() * 30;
      const cy = 10 + rand() * 17;
      // A jittered 16-gon (inradius > 9) with a jittered 8-gon hole (radius ≤ 4.5) well inside it.
      regions.push({ labelId: 1, slice: k, rings: [jitteredRing(rand, cx, cy, 11, 16), jitteredRing(rand, cx, cy, 4, 8)] });
      regions.push({ labelId: 2, slice: k, rings: [simpleStar(rand, rand() * columns, rand() * rows, 1, 15)] });
    }
    const input: CocoInput = { columns, rows, slices: 60, sopInstanceUIDs: regions.filter((_, i) => i % 2 === 0).map((_, k) => `1.2.${k}`), labels: LABELS.slice(0, 5), regions };
    const auto = cocoJson(input);
    const allRle = cocoJson(input, { rle: true });
    const compressed = cocoJson(input, { rle: true, compressedRle: true });
    const holes = auto.annotations.filter((a) => a.category_id === 1);
    expect(holes.length).toBeGreaterThan(50);
    expect(holes.every((a) => !Array.isArray(a.segmentation))).toBe(true);
    expect(auto.annotations.filter((a) => a.category_id === 2).every((a) => Array.isArray(a.segmentation))).toBe(true);
    expect(compressed.annotations.every((a) => typeof (a.segmentation as CocoRle).counts === 'string')).toBe(true);

    const rles = [...allRle.annotations, ...compressed.annotations];
    const { out } = await py<unknown>('rle', { cases: rles.map((a) => a.segmentation) });
    rles.forEach((a, i) => {
      const region = regions.find((r) => r.slice === a.image_id - 1 && r.labelId === a.category_id)!;
      const want = rasterizeToMask({ rings: region.rings.map((r) => [...r]) }, columns, rows);
      const got = out.subarray(i * columns * rows, (i + 1) * columns * rows);
      expect(got).toEqual(want);
      expect(a.area).toBe(countOnes(got));
      let [c0, r0, c1, r1] = [Infinity, Infinity, -1, -1];
      got.forEach((v, p) => {
        if (!v) return;
        const [c, r] = [p % columns, Math.floor(p / columns)];
        [c0, r0, c1, r1] = [Math.min(c0, c), Math.min(r0, r), Math.max(c1, c), Math.max(r1, r)];
      });
      expect(a.bbox).toEqual([c0, r0, c1 - c0 + 1, r1 - r0 + 1]);
      expect(a.iscrowd).toBe(0);
    });
  });
});
