/**
 * Budgets over DICOMweb (issue 17), against the real Orthanc: a series over
 * the host's voxel budget is refused from its metadata, before any bulk data
 * (a frame, or the series retrieve of issue 19) is fetched; an instance over
 * the frame budget is refused alone, by its URL; past the byte budget the
 * read stops, in the series stream too; with the default limits the series
 * loads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { ErrorDetail, LoadDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { PACS_AUTH, ROOT, SAMPLE } from './support/dicomweb-pacs.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

/** Bulk data requests the page made since `since` (resource timing): WADO-RS frames, or the series retrieve (issue 19). */
function bulkRequests(since: number): number {
  return performance
    .getEntriesByType('resource')
    .filter((e) => e.startTime >= since && (e.name.includes('/frames/') || new URL(e.name).pathname.endsWith(`/series/${SAMPLE.seriesInstanceUID}`))).length;
}

async function load(a: SegmarkAnnotator): Promise<{ errors: ErrorDetail[]; loads: LoadDetail[] }> {
  const errors: ErrorDetail[] = [];
  const loads: LoadDetail[] = [];
  a.addEventListener('segmark-error', (e) => errors.push(e.detail));
  a.addEventListener('segmark-load', (e) => loads.push(e.detail));
  await a.loadDicomWeb({ root: ROOT, headers: PACS_AUTH, studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID });
  return { errors, loads };
}

describe('loadDicomWeb keeps the limits', () => {
  it('REQ-HOSTILE-PACS-1: a series over the voxel budget is refused from its metadata with input-too-large naming the series, and no frame is fetched', async () => {
    performance.setResourceTimingBufferSize(10_000);
    const since = performance.now();
    const a = mountAnnotator();
    a.limits = { seriesVoxels: 10_000 };
    const { errors, loads } = await load(a);
    expect(errors).toEqual([expect.objectContaining({ code: 'input-too-large' })]);
    expect(errors[0]!.file).toContain(`/series/${SAMPLE.seriesInstanceUID}`);
    expect(loads).toEqual([]);
    expect(bulkRequests(since)).toBe(0);
  });

  it('REQ-HOSTILE-PACS-2: instances over the frame budget are each refused by URL without being fetched', async () => {
    const since = performance.now();
    const a = mountAnnotator();
    a.limits = { frameVoxels: 16 * 16 };
    const { errors, loads } = await load(a);
    const refused = errors.filter((e) => e.code === 'input-too-large');
    expect(refused).toHaveLength(SAMPLE.slices);
    expect(refused.every((e) => e.file?.includes('/instances/'))).toBe(true);
    expect(loads).toEqual([]);
    expect(bulkRequests(since)).toBe(0);
  });

  it('REQ-HOSTILE-PACS-3: past the byte budget the read stops with one input-too-large, at the first image or in the series stream; the default limits load the series', async () => {
    const a = mountAnnotator();
    a.limits = { seriesBytes: 1000 };
    const stopped = await load(a);
    expect(stopped.errors.map((e) => e.code)).toEqual(['input-too-large']);
    expect(stopped.loads).toEqual([]);
    // Half the series' files: the first image passes, the stream stops partway.
    const half = (await sampleFiles()).reduce((n, f) => n + f.size, 0) / 2;
    const c = mountAnnotator();
    c.limits = { seriesBytes: half };
    const midway = await load(c);
    expect(midway.errors.map((e) => e.code)).toEqual(['input-too-large']);
    expect(midway.loads).toEqual([]);
    const b = mountAnnotator();
    const { errors, loads } = await load(b);
    expect(errors).toEqual([]);
    expect(loads[0]!.series.slices).toBe(SAMPLE.slices);
  });
});
