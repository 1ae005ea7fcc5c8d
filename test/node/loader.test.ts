/**
 * The loader end to end in Node (same-thread decoder): sources → instances →
 * series → volume, with per-file errors, duplicates, lossy files and cancel.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, noSeriesError, readInstances, SERIES_VOXEL_LIMIT } from '../../src/core/dicom/loader.js';
import { segAnnotates } from '../../src/core/dicom/seg-references.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { editedDicom, LOCALIZER, NO_GEOMETRY } from './support/dicom-edit.js';

const SAMPLE = 'sample-dicom';
const SYNTAXES = '../shared/dicom/syntaxes-cornerstone-ctimage';
const haveShared = existsSync(SYNTAXES);
if (!haveShared && process.env.CI === 'true') throw new Error('../shared/dicom is missing in CI');

function blobsOf(dir: string, filter: (name: string) => boolean = (n) => n.endsWith('.dcm')): NamedBlob[] {
  return readdirSync(dir)
    .filter(filter)
    .sort()
    .map((name) => ({ name, blob: new Blob([readFileSync(join(dir, name))]) }));
}

describe('loader (Node, same-thread decoding)', () => {
  it('loads the sample series into one volume in HU, dropping file bytes once decoded', async () => {
    const sources = blobsOf(SAMPLE);
    const errors: SegmarkError[] = [];
    const read = await readInstances(sources, { onError: (e) => errors.push(e) });
    expect(errors).toEqual([]);
    const [series, ...others] = assembleSeries(read.instances);
    expect(others).toEqual([]);
    const seen: number[] = [];
    const { volume, warnings, failedSlices } = await loadVolume(series!, new SameThreadDecoder(), { onSlice: (k) => seen.push(k) });
    expect(failedSlices).toEqual([]);
    expect(warnings).toEqual([]);
    expect(volume.slices).toBe(sources.length);
    expect(seen[0]).toBe(Math.floor(sources.length / 2));
    expect(new Set(seen).size).toBe(sources.length);
    expect(volume.loaded.every((x) => x === 1)).toBe(true);
    expect(volume.range.min).toBeLessThanOrEqual(-990);
    expect(volume.range.max).toBeGreaterThan(700);
    expect(read.instances.every((i) => i.bytes.byteLength === 0)).toBe(true);
  });

  it('reports a broken file by name and loads the rest', async () => {
    const sources = blobsOf(SAMPLE).slice(0, 6);
    const broken = { name: 'broken.dcm', blob: new Blob([new Uint8Array(300).fill(7)]) };
    const errors: SegmarkError[] = [];
    const read = await readInstances([...sources, broken], { onError: (e) => errors.push(e) });
    expect(errors.map((e) => [e.code, e.file])).toEqual([['not-dicom', 'broken.dcm']]);
    expect(read.instances).toHaveLength(6);
    expect(read.failed).toBe(1);
  });

  it('REQ-HOSTILE-SERIES-1: a series over the voxel budget is refused with input-too-large before anything is allocated or decoded', async () => {
    const read = await readInstances(blobsOf(SAMPLE).slice(0, 4));
    const [series] = assembleSeries(read.instances);
    const voxels = series!.rows * series!.columns * 4;
    const decoded: number[] = [];
    const error = (await loadVolume(series!, new SameThreadDecoder(), { maxVoxels: voxels - 1, onSlice: (k) => decoded.push(k), onAllocated: () => decoded.push(-1) }).catch((e: unknown) => e)) as SegmarkError;
    expect(error.code).toBe('input-too-large');
    expect(error.file).toBe(series!.slices[0]!.instance.fileName);
    expect(error.params).toMatchObject({ size: ((voxels * 2) / 1e6).toFixed(0) });
    expect(decoded).toEqual([]);
    // The default budget (a 2,000-slice 512² CT) lets it through.
    expect(SERIES_VOXEL_LIMIT).toBe(2000 * 512 * 512);
    const { volume } = await loadVolume(series!, new SameThreadDecoder());
    expect(volume.slices).toBe(4);
  });

  it('cancels with an aborted error', async () => {
    const controller = new AbortController();
    const sources = blobsOf(SAMPLE);
    const read = await readInstances(sources);
    const [series] = assembleSeries(read.instances);
    const promise = loadVolume(series!, new SameThreadDecoder(), {
      signal: controller.signal,
      onSlice: () => controller.abort(),
    });
    await expect(promise).rejects.toMatchObject({ code: 'aborted' });
  });

  it.skipIf(!haveShared)('one slice in 15 encodings is one position: duplicates dropped, lossy reported', async () => {
    const sources = blobsOf(SYNTAXES, (n) => n.includes('4.50') || n === 'CTImage.dcm' || n.includes('1.2.840.10008.1.2.5'));
    const read = await readInstances(sources);
    expect(read.instances).toHaveLength(3);
    const [series] = assembleSeries(read.instances);
    expect(series!.slices).toHaveLength(1);
    // CTImage.dcm and the RLE file are one image (one SOP Instance UID); the baseline JPEG is another image at the same place.
    expect(series!.warnings.map((w) => w.code).sort()).toEqual(['duplicate-instance', 'duplicate-position']);
    // the kept one is whichever sorts first; load only the lossy file to see the warning
    const lossy = await readInstances(sources.filter((s) => s.name.includes('4.50')));
    const [lossySeries] = assembleSeries(lossy.instances);
    const result = await loadVolume(lossySeries!, new SameThreadDecoder());
    expect(result.warnings.map((w) => w.code)).toContain('lossy-compression');
  });
});

describe('multi-frame images', () => {
  it('an enhanced CT becomes one slice per frame, sorted by per-frame position, with per-frame rescale', async () => {
    const { dataSet, imagePixel, part10, raw, sequence, text } = await import('./support/dicom-bytes.js');
    const position = (z: number) => sequence(0x00209113, [[text(0x00200032, 'DS', `-10\\-20\\${z}`)]]);
    const rescale = (slope: number, intercept: number) =>
      sequence(0x00289145, [[text(0x00281052, 'DS', String(intercept)), text(0x00281053, 'DS', String(slope))]]);
    // Frames stored top-down (z 15, 12.5, 10); frame i holds stored value 100·(i+1) everywhere.
    const pixels = new Int16Array(3 * 4);
    for (let f = 0; f < 3; f++) pixels.fill(100 * (f + 1), f * 4, (f + 1) * 4);
    const enhanced = '1.2.840.10008.5.1.4.1.1.2.1';
    const bytes = part10('1.2.840.10008.1.2.1', enhanced, '1.2.9.1', dataSet([
      ...imagePixel({ rows: 2, columns: 2, bitsAllocated: 16, signed: true, frames: 3 }).map((e) =>
        e.tag === 0x00080016 ? text(0x00080016, 'UI', enhanced) : e,
      ),
      text(0x0020000e, 'UI', '1.2.9.2'),
      sequence(0x52009229, [[
        sequence(0x00209116, [[text(0x00200037, 'DS', '1\\0\\0\\0\\1\\0')]]),
        sequence(0x00289110, [[text(0x00180050, 'DS', '2.5'), text(0x00280030, 'DS', '0.7\\0.7')]]),
      ]]),
      sequence(0x52009230, [
        [position(15), rescale(1, -1024)],
        [position(12.5), rescale(2, -1000)],
        [position(10), rescale(1, 0)],
      ]),
      raw(0x7fe00010, 'OW', new Uint8Array(pixels.buffer)),
    ]));
    const read = await readInstances([{ name: 'enhanced.dcm', blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }]);
    const [series] = assembleSeries(read.instances);
    expect(series!.slices.map((s) => s.frameIndex)).toEqual([2, 1, 0]);
    expect(series!.sliceSpacing).toBeCloseTo(2.5, 9);
    const { volume } = await loadVolume(series!, new SameThreadDecoder());
    // k=0 is frame 3 (z 10): 300·1 + 0; k=1 frame 2: 200·2 − 1000; k=2 frame 1: 100·1 − 1024
    expect(volume.sliceData.map((s) => Array.from(s))).toEqual([
      [300, 300, 300, 300],
      [-600, -600, -600, -600],
      [-924, -924, -924, -924],
    ]);
    const uid = read.instances[0]!.sopInstanceUID;
    expect(volume.sopInstanceUIDs).toEqual([`${uid}#3`, `${uid}#2`, `${uid}#1`]);
  });
});

const HIGHDICOM = '../shared/dicom/seg-highdicom-ct';
const DCMQI = '../shared/dicom/seg-dcmqi-liver-on-ct3slice';
const CT_SMALL = '../shared/dicom/pydicom-test-files/CT_small.dcm';
const haveSegs = existsSync(HIGHDICOM) && existsSync(DCMQI) && existsSync(CT_SMALL);

const blob = (name: string, bytes: Uint8Array): NamedBlob => ({ name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });

describe.skipIf(!haveSegs)('files that are valid but not a series to show (issue 17)', () => {
  const segFile = join(HIGHDICOM, 'seg', 'seg_image_ct_binary.dcm');

  it('REQ-HOSTILE-SEG-1: a SEG among the files is kept whole with the series and images it references, not skipped by name', async () => {
    const ct = blobsOf(join(HIGHDICOM, 'ct'));
    const segBytes = new Uint8Array(readFileSync(segFile));
    const read = await readInstances([...ct, blob('seg/liver.dcm', segBytes)]);
    expect(read.instances).toHaveLength(4);
    expect(read.skipped).toEqual([]);
    expect(read.segs!.map((s) => s.name)).toEqual(['seg/liver.dcm']);
    const seg = read.segs![0]!;
    expect(seg.bytes).toEqual(segBytes);
    // The SEG was made on these four images (README of ../shared/dicom): it names their series and their UIDs.
    const ctUids = read.instances.map((i) => i.sopInstanceUID);
    expect(seg.references.seriesInstanceUIDs).toEqual([read.instances[0]!.seriesInstanceUID]);
    expect([...seg.references.sopInstanceUIDs].sort()).toEqual([...ctUids].sort());
    const [series] = assembleSeries(read.instances);
    expect(segAnnotates(seg.references, series!)).toBe(true);
  });

  it('REQ-HOSTILE-SEG-2: a SEG beside a CT it was not made on does not annotate that series', async () => {
    const read = await readInstances([...blobsOf(join(DCMQI, 'ct')), blob('other.dcm', new Uint8Array(readFileSync(segFile)))]);
    const [series] = assembleSeries(read.instances);
    expect(series!.slices).toHaveLength(3);
    expect(read.segs).toHaveLength(1);
    expect(segAnnotates(read.segs![0]!.references, series!)).toBe(false);
  });

  it('REQ-HOSTILE-SEG-3: a SEG alone gives seg-without-series naming it, not a nameless no-images', async () => {
    const read = await readInstances([blob('only/seg.dcm', new Uint8Array(readFileSync(segFile)))]);
    expect(assembleSeries(read.instances)).toEqual([]);
    const error = noSeriesError(read);
    expect([error.code, error.file]).toEqual(['seg-without-series', 'only/seg.dcm']);
  });

  it('REQ-HOSTILE-LOCALIZER-1: a lone localizer gives localizer-only naming the file', async () => {
    const scout = editedDicom(new Uint8Array(readFileSync(CT_SMALL)), LOCALIZER);
    const read = await readInstances([blob('scout.dcm', scout)]);
    expect(read.instances.map((i) => i.imageType)).toEqual([['ORIGINAL', 'PRIMARY', 'LOCALIZER']]);
    expect(assembleSeries(read.instances)).toEqual([]);
    const error = noSeriesError(read);
    expect([error.code, error.file]).toEqual(['localizer-only', 'scout.dcm']);
  });

  it('REQ-HOSTILE-DUPLICATE-1: one image without geometry under two names is one slice, named in duplicate-instance, and does not outnumber a 1-slice CT', async () => {
    const flat = editedDicom(new Uint8Array(readFileSync(CT_SMALL)), NO_GEOMETRY);
    const other = blobsOf(SYNTAXES, (n) => n === 'CTImage.dcm');
    const read = await readInstances([blob('a/first.dcm', flat), blob('b/second.dcm', flat), ...other]);
    expect(read.instances).toHaveLength(3);
    const candidates = assembleSeries(read.instances);
    expect(candidates.map((c) => c.slices.length)).toEqual([1, 1]);
    const flatSeries = candidates.find((c) => !c.hasGeometry)!;
    const warning = flatSeries.warnings.find((w) => w.code === 'duplicate-instance')!;
    expect(warning.params!['count']).toBe(1);
    expect([...warning.files!].sort()).toEqual(['a/first.dcm', 'b/second.dcm']);
    expect(String(warning.params!['files'])).toContain('a/first.dcm');
    expect(String(warning.params!['files'])).toContain('b/second.dcm');
  });
});
