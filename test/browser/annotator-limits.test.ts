/**
 * The annotator's `limits` property (issue 17): the host's budgets reach the
 * loader, a deflated bomb dropped among a real series is refused in the
 * inflate worker with input-too-large naming it while the series loads, and
 * a limit that is not a positive number is refused at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { DEFAULT_LOAD_LIMITS } from '../../src/index.js';
import { SegmarkError } from '../../src/core/errors.js';
import type { ErrorDetail, LoadDetail } from '../../src/elements/events.js';
import { deflatedBomb, rleSlice } from '../node/support/hostile-dicom.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

const file = (name: string, bytes: Uint8Array): File => new File([bytes as Uint8Array<ArrayBuffer>], name);

describe('<segmark-annotator> limits', () => {
  it('REQ-HOSTILE-ELEMENT-1: limits is {} until set, keeps what the host set, and refuses a value that is not a positive number', () => {
    const a = mountAnnotator();
    expect(a.limits).toEqual({});
    a.limits = { frameVoxels: 4096 * 4096, inflateBytes: 64e6 };
    expect(a.limits).toEqual({ frameVoxels: 4096 * 4096, inflateBytes: 64e6 });
    expect(() => (a.limits = { seriesVoxels: -5 })).toThrow(SegmarkError);
    expect(a.limits).toEqual({ frameVoxels: 4096 * 4096, inflateBytes: 64e6 });
    expect(Object.isFrozen(DEFAULT_LOAD_LIMITS)).toBe(true);
    expect(DEFAULT_LOAD_LIMITS.frameVoxels).toBeLessThan(16384 * 16384);
  });

  it('REQ-HOSTILE-ELEMENT-2: a lower frame budget set by the host refuses each sample file by name, and nothing opens', async () => {
    const a = mountAnnotator();
    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    a.limits = { frameVoxels: 64 * 64 };
    const files = await sampleFiles(3);
    await a.loadFiles(files);
    const refused = errors.filter((e) => e.code === 'input-too-large');
    expect(refused.map((e) => e.file).sort()).toEqual(files.map((f) => f.name).sort());
    expect(a.series).toBeUndefined();
  });

  it('REQ-HOSTILE-ELEMENT-3: a deflated bomb and a 16384² RLE slice among the sample series fail alone with input-too-large; the series loads', async () => {
    const a = mountAnnotator();
    const errors: ErrorDetail[] = [];
    const loads: LoadDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    const files = await sampleFiles(6);
    await a.loadFiles([...files, file('bomb-deflate.dcm', deflatedBomb(16384)), file('bomb-rle.dcm', rleSlice(16384))]);
    expect(errors.map((e) => [e.code, e.file]).sort()).toEqual([
      ['input-too-large', 'bomb-deflate.dcm'],
      ['input-too-large', 'bomb-rle.dcm'],
    ]);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.series.slices).toBe(6);
  });
});
