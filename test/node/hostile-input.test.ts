/**
 * Issue 17, "Availability": hostile files are refused by their budgets before
 * they are allocated, with `input-too-large` naming the file and the limit,
 * and a sequence bomb with `nesting-too-deep` instead of a stack overflow —
 * while real files, the deflated one included, still load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { SameThreadInflater } from '../../src/core/dicom/inflate-runner.js';
import { DEFAULT_LOAD_LIMITS } from '../../src/core/dicom/limits.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import { parseInstance } from '../../src/core/dicom/parse.js';
import { SegmarkError } from '../../src/core/errors.js';
import { instanceFromMetadata, type DicomJson } from '../../src/dicomweb/dicom-json.js';
import { deflatedBomb, deflatedPadding, nestedFile, rleSlice } from './support/hostile-dicom.js';

const SHARED = fileURLToPath(new URL('../../../shared/dicom/', import.meta.url));
const haveShared = existsSync(SHARED);
if (!haveShared && process.env.CI === 'true') throw new Error(`shared DICOM test data missing at ${SHARED}`);
const DEFLATED_CT = 'syntaxes-cornerstone-ctimage/CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm';

/** The SegmarkError `action` throws (failing when it throws none). */
function refusal(action: () => unknown): SegmarkError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmarkError);
    return error as SegmarkError;
  }
  return expect.fail('expected a SegmarkError');
}

/** Megabytes as the messages show them, for limits given in bytes. */
const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);

describe('per-frame budget (parse)', () => {
  it('REQ-HOSTILE-FRAME-1: a 16384² RLE slice (4 MB on disk) is refused at parse with input-too-large, naming the file and the 8192² limit', () => {
    const file = rleSlice(16384);
    expect(file.length).toBeLessThan(5e6);
    const error = refusal(() => parseInstance(file, 'bomb-rle.dcm'));
    expect(error.code).toBe('input-too-large');
    expect(error.file).toBe('bomb-rle.dcm');
    // 8192² pixels as 16-bit, against 16384² as 16-bit.
    expect(error.params).toMatchObject({ limit: mb(8192 * 8192 * 2), size: mb(16384 * 16384 * 2) });
  });

  it('REQ-HOSTILE-FRAME-2: the frame budget is the caller\'s: a lower one refuses a 512² frame, a higher one takes the 16384² header', () => {
    const small = rleSlice(512);
    expect(parseInstance(small, 'ok.dcm').pixel.rows).toBe(512);
    const error = refusal(() => parseInstance(small, 'small.dcm', { limits: { frameVoxels: 256 * 256 } }));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'small.dcm' });
    expect(parseInstance(rleSlice(16384), 'allowed.dcm', { limits: { frameVoxels: 16384 * 16384 } }).pixel.columns).toBe(16384);
  });
});

describe('inflate budget (parse, same thread)', () => {
  it('REQ-HOSTILE-INFLATE-1: a deflated file inflating to a 16384² slice (512 MB) is refused from its header, by the frame budget, naming the file', () => {
    const bomb = deflatedBomb(16384);
    expect(bomb.length).toBeLessThan(4e6);
    const error = refusal(() => parseInstance(bomb, 'bomb-deflate.dcm'));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'bomb-deflate.dcm', params: { limit: mb(8192 * 8192 * 2) } });
  });

  it('REQ-HOSTILE-INFLATE-1b: with the frame budget raised, its declared 512 MB of pixel data is over the 256 MiB inflate cap', () => {
    const error = refusal(() => parseInstance(deflatedBomb(16384), 'bomb-deflate.dcm', { limits: { frameVoxels: 16384 * 16384 } }));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'bomb-deflate.dcm', params: { limit: mb(256 * 2 ** 20) } });
  });

  it('REQ-HOSTILE-INFLATE-1c: 512 MB of zeros in a private element, which no header value gives away, is stopped at the 256 MiB cap while inflating', () => {
    const bomb = deflatedPadding(512 * 2 ** 20);
    expect(bomb.length).toBeLessThan(4e6);
    const error = refusal(() => parseInstance(bomb, 'padding.dcm'));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'padding.dcm', params: { limit: mb(256 * 2 ** 20) } });
    expect(Number(error.params.size)).toBeGreaterThan(256 * 2 ** 20 / 1e6);
  });

  it('REQ-HOSTILE-INFLATE-2: the inflate cap is the caller\'s; under it the generated file parses with its frame intact', () => {
    const file = deflatedBomb(1024);
    const error = refusal(() => parseInstance(file, 'capped.dcm', { limits: { inflateBytes: 1 << 20 } }));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'capped.dcm' });
    const instance = parseInstance(file, 'fits.dcm');
    expect([instance.pixel.rows, instance.pixel.columns, instance.pixelData?.length]).toEqual([1024, 1024, 1024 * 1024 * 2]);
  });

  it.skipIf(!haveShared)('REQ-HOSTILE-INFLATE-3: the real deflated CT is refused under a cap below its size, and loads with the default limits', async () => {
    const bytes = new Uint8Array(readFileSync(SHARED + DEFLATED_CT));
    const error = refusal(() => parseInstance(bytes, 'deflated.dcm', { limits: { inflateBytes: 100_000 } }));
    expect(error).toMatchObject({ code: 'input-too-large', file: 'deflated.dcm', params: { limit: '0.1' } });
    expect(parseInstance(bytes, 'deflated.dcm').pixel.rows).toBe(512);
    const read = await readInstances([{ name: 'deflated.dcm', blob: new Blob([bytes]) }]);
    const [series] = assembleSeries(read.instances);
    const { volume, failedSlices } = await loadVolume(series!, new SameThreadDecoder());
    expect(failedSlices).toEqual([]);
    expect([volume.columns, volume.rows, volume.slices]).toEqual([512, 512, 1]);
    expect(volume.range.max).toBeGreaterThan(volume.range.min);
  });
});

describe('nesting depth', () => {
  it('REQ-HOSTILE-NEST-1: sequences nested 100,000 deep are refused with nesting-too-deep and the depth, not a stack overflow', () => {
    for (const implicit of [false, true]) {
      const error = refusal(() => parseInstance(nestedFile(100_000, { implicit }), 'nested.dcm'));
      expect(error.code, implicit ? 'implicit VR' : 'explicit VR').toBe('nesting-too-deep');
      expect(error.file).toBe('nested.dcm');
      expect(error.params.depth).toBe(100_000);
    }
  });

  it('REQ-HOSTILE-NEST-4: nesting behind a value of undefined length (which ends at an item delimiter) is found and refused with its depth', () => {
    const error = refusal(() => parseInstance(nestedFile(100_000, { behindUndefinedValue: true }), 'hidden.dcm'));
    expect(error).toMatchObject({ code: 'nesting-too-deep', file: 'hidden.dcm', params: { depth: 100_000 } });
  });

  it('REQ-HOSTILE-NEST-2: 65 levels are refused, while 20 levels (deeper than real files) parse', () => {
    expect(refusal(() => parseInstance(nestedFile(65), 'deep.dcm'))).toMatchObject({ code: 'nesting-too-deep', params: { depth: 65 } });
    expect(parseInstance(nestedFile(20), 'fine.dcm').pixel.rows).toBe(8);
    expect(parseInstance(nestedFile(20, { implicit: true }), 'fine.dcm').pixel.rows).toBe(8);
  });
});

describe('budgets through the loader', () => {
  const blob = (name: string, bytes: Uint8Array) => ({ name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });

  it('REQ-HOSTILE-LOAD-1: among normal files, a deflated bomb and a 16384² RLE slice each fail alone with input-too-large naming them; the rest loads', async () => {
    const errors: SegmarkError[] = [];
    const normal = [1, 2, 3].map((i) => blob(`ok-${i}.dcm`, rleSlice(64, `1.2.826.0.1.3680043.2.1143.17.9.${i}`)));
    const read = await readInstances([normal[0]!, blob('bomb-deflate.dcm', deflatedBomb(16384)), normal[1]!, blob('bomb-rle.dcm', rleSlice(16384)), normal[2]!], {
      onError: (e) => errors.push(e),
    });
    expect(errors.map((e) => [e.code, e.file]).sort()).toEqual([
      ['input-too-large', 'bomb-deflate.dcm'],
      ['input-too-large', 'bomb-rle.dcm'],
    ]);
    expect(read.instances.map((i) => i.fileName).sort()).toEqual(['ok-1.dcm', 'ok-2.dcm', 'ok-3.dcm']);
  });

  it('REQ-HOSTILE-LOAD-2: the caller\'s limits reach parsing (frame, inflate) through readInstances', async () => {
    const errors: SegmarkError[] = [];
    const read = await readInstances([blob('frame.dcm', rleSlice(512)), blob('deflated.dcm', deflatedBomb(512))], {
      limits: { frameVoxels: 256 * 256, inflateBytes: 100_000 },
      onError: (e) => errors.push(e),
    });
    expect(read.instances).toEqual([]);
    expect(errors.map((e) => [e.code, e.file, e.params.limit]).sort()).toEqual([
      ['input-too-large', 'deflated.dcm', '0.1'],
      ['input-too-large', 'frame.dcm', ((256 * 256 * 2) / 1e6).toPrecision(1)],
    ]);
  });

  it('REQ-HOSTILE-SERIES-2: a series whose files hold more bytes than the series byte budget is refused before allocating; the default takes it', async () => {
    const files = [1, 2, 3, 4].map((i) => blob(`s-${i}.dcm`, deflatedBomb(128, `1.2.826.0.1.3680043.2.1143.17.8.${i}`, { series: '1.2.826.0.1.3680043.2.1143.17.8', z: i })));
    const read = await readInstances(files);
    const [series] = assembleSeries(read.instances);
    expect(series!.slices).toHaveLength(4);
    const stored = read.instances.reduce((sum, i) => sum + i.bytes.byteLength, 0);
    const allocated: number[] = [];
    const error = (await loadVolume(series!, new SameThreadDecoder(), { limits: { seriesBytes: stored - 1 }, onAllocated: () => allocated.push(1) }).catch((e: unknown) => e)) as SegmarkError;
    expect(error).toMatchObject({ code: 'input-too-large', file: series!.slices[0]!.instance.fileName });
    expect(allocated).toEqual([]);
    expect(DEFAULT_LOAD_LIMITS.seriesBytes).toBeGreaterThanOrEqual(2000 * 512 * 512 * 2);
    const { volume } = await loadVolume(series!, new SameThreadDecoder());
    expect(volume.slices).toBe(4);
  });

  it('REQ-HOSTILE-SERIES-3: the series voxel budget comes from limits.seriesVoxels too', async () => {
    const read = await readInstances([1, 2].map((i) => blob(`v-${i}.dcm`, rleSlice(64, `1.2.826.0.1.3680043.2.1143.17.7.${i}`, { series: '1.2.826.0.1.3680043.2.1143.17.7', z: i }))));
    const [series] = assembleSeries(read.instances);
    const error = (await loadVolume(series!, new SameThreadDecoder(), { limits: { seriesVoxels: 64 * 64 * 2 - 1 } }).catch((e: unknown) => e)) as SegmarkError;
    expect(error).toMatchObject({ code: 'input-too-large', params: { size: ((64 * 64 * 2 * 2) / 1e6).toPrecision(1) } });
  });

  it('REQ-HOSTILE-LIMITS-1: a limit that is not a positive number is refused with bad-argument, not ignored', async () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      const error = (await readInstances([], { limits: { frameVoxels: bad } }).catch((e: unknown) => e)) as SegmarkError;
      expect(error.code, String(bad)).toBe('bad-argument');
    }
  });
});

describe('DICOMweb metadata nesting', () => {
  it('REQ-HOSTILE-NEST-3: metadata whose sequences nest 10,000 deep is refused with nesting-too-deep naming the instance', () => {
    let nested: DicomJson = {};
    for (let i = 0; i < 10_000; i++) nested = { '00081115': { vr: 'SQ', Value: [nested] } };
    const meta: DicomJson = {
      ...nested,
      '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
      '00280010': { vr: 'US', Value: [2] },
      '00280011': { vr: 'US', Value: [2] },
      '00280100': { vr: 'US', Value: [16] },
      '00280101': { vr: 'US', Value: [16] },
    };
    const error = refusal(() => instanceFromMetadata(meta, [new Uint8Array(8)], '1.2.840.10008.1.2.1', 'pacs/instances/1'));
    expect(error).toMatchObject({ code: 'nesting-too-deep', file: 'pacs/instances/1' });
  });
});

describe('deflated files inside a zip', () => {
  it('REQ-HOSTILE-ZIP-2: a deflated bomb inside a zip goes through the inflater like a loose file and fails alone, naming the entry; the other entries load', async () => {
    const calls: string[] = [];
    class CountedInflater extends SameThreadInflater {
      override inflate(...args: Parameters<SameThreadInflater['inflate']>): Promise<Uint8Array> {
        calls.push(args[3]);
        return super.inflate(...args);
      }
    }
    const place = (z: number) => ({ series: '1.2.826.0.1.3680043.2.1143.17.6', z });
    const zip = zipSync(
      {
        'case/a.dcm': rleSlice(64, '1.2.826.0.1.3680043.2.1143.17.6.1', place(1)),
        'case/bomb.dcm': deflatedPadding(64 << 20),
        'case/b.dcm': deflatedBomb(64, '1.2.826.0.1.3680043.2.1143.17.6.2', place(2)),
      },
      { level: 0 },
    );
    const errors: SegmarkError[] = [];
    const read = await readInstances([{ name: 'case.zip', blob: new Blob([zip as Uint8Array<ArrayBuffer>]) }], {
      inflater: new CountedInflater(),
      // A lower cap than the default keeps the test quick; the default cap is checked above.
      limits: { inflateBytes: 16 << 20 },
      onError: (e) => errors.push(e),
    });
    expect(calls.sort()).toEqual(['case.zip/case/b.dcm', 'case.zip/case/bomb.dcm']);
    expect(errors.map((e) => [e.code, e.file])).toEqual([['input-too-large', 'case.zip/case/bomb.dcm']]);
    expect(read.instances.map((i) => i.fileName).sort()).toEqual(['case.zip/case/a.dcm', 'case.zip/case/b.dcm']);
  });
});
