/**
 * The loader end to end in Node (same-thread decoder): sources → instances →
 * series → volume, with per-file errors, duplicates, lossy files and cancel.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import type { SegmarkError } from '../../src/core/errors.js';

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
    expect(series!.warnings.map((w) => w.code)).toEqual(['duplicate-position']);
    // the kept one is whichever sorts first; load only the lossy file to see the warning
    const lossy = await readInstances(sources.filter((s) => s.name.includes('4.50')));
    const [lossySeries] = assembleSeries(lossy.instances);
    const result = await loadVolume(lossySeries!, new SameThreadDecoder());
    expect(result.warnings.map((w) => w.code)).toContain('lossy-compression');
  });
});
