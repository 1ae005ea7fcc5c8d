/**
 * Opening series from a real PACS: Orthanc (scripts/orthanc.mjs) through vite's
 * proxy, nothing mocked. The sample series over WADO-RS (RLE frames passed
 * through to our decoder) equals the same files opened locally, slice for
 * slice; the JPEG 2000 series decodes to the pixels of its local files; after
 * the first image the series comes in one streamed retrieve (the per-frame
 * fallback and its bound on requests in flight: test/node/dicomweb-series-stream.test.ts);
 * cancel stops the load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { searchSeries, searchStudies } from '../../src/dicomweb/client.js';
import type { ErrorDetail, LoadDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { FIRST_IMAGE_MARK } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { J2K, ROOT, PACS_AUTH, SAMPLE, pacs } from './support/dicomweb-pacs.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

const volumeOf = (a: SegmarkAnnotator): Volume => a.session.volume!;

const siemens = import.meta.glob<string>('../../../shared/dicom/ct-series-totalsegmentator-siemens-abdomen/dicom/*', {
  query: '?url',
  import: 'default',
  eager: true,
});

afterEach(unmountAll);

/** Index of the first differing element, −1 when equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function expectSameVolume(remote: Volume, local: Volume): void {
  expect(remote.slices).toBe(local.slices);
  expect([remote.columns, remote.rows]).toEqual([local.columns, local.rows]);
  expect(remote.spacing).toEqual(local.spacing);
  expect(remote.locations).toEqual(local.locations);
  for (let k = 0; k < local.slices; k++) expect(firstDifference(remote.sliceData[k]!, local.sliceData[k]!), `slice ${k}`).toBe(-1);
}

async function seriesOf(patientID: string): Promise<{ studyInstanceUID: string; seriesInstanceUID: string }> {
  const [study] = await searchStudies(pacs(), { patientID });
  const [series] = await searchSeries(pacs(), study!.studyInstanceUID);
  return { studyInstanceUID: study!.studyInstanceUID, seriesInstanceUID: series!.seriesInstanceUID };
}

describe('loadDicomWeb against Orthanc', () => {
  it('opens the 70-slice sample series with every slice equal to loading its files locally, and reports timing like a local load', async () => {
    performance.clearMarks();
    const remote = mountAnnotator();
    const loads: LoadDetail[] = [];
    const errors: ErrorDetail[] = [];
    remote.addEventListener('segmark-load', (e) => loads.push(e.detail));
    remote.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await remote.loadDicomWeb({ root: ROOT, headers: PACS_AUTH, studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID });
    expect(errors).toEqual([]);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.series.slices).toBe(SAMPLE.slices);
    expect(loads[0]!.series.seriesInstanceUID).toBe(SAMPLE.seriesInstanceUID);
    const pacsMs = loads[0]!.elapsedMs;
    const firstImage = performance.getEntriesByName(FIRST_IMAGE_MARK).at(-1);
    const start = performance.getEntriesByName('segmark:load-start').at(-1);
    expect(firstImage && start && firstImage.startTime > start.startTime).toBe(true);

    const local = mountAnnotator();
    const localLoads: LoadDetail[] = [];
    local.addEventListener('segmark-load', (e) => localLoads.push(e.detail));
    await local.loadFiles(await sampleFiles());
    expectSameVolume(volumeOf(remote), volumeOf(local));
    expect(remote.series!.sopInstanceUIDs).toEqual(local.series!.sopInstanceUIDs);
    console.info(`[dicomweb] sample over Orthanc: first image ${(firstImage!.startTime - start!.startTime).toFixed(0)} ms, all slices ${pacsMs.toFixed(0)} ms; local ${localLoads[0]!.elapsedMs.toFixed(0)} ms`);
    // The toolbar offers Save to PACS for this series only.
    expect(remote.shadowRoot!.querySelector('[data-action="save-to-pacs"]')).not.toBeNull();
    expect(local.shadowRoot!.querySelector('[data-action="save-to-pacs"]')).toBeNull();
  });

  it.skipIf(Object.keys(siemens).length === 0)('decodes the JPEG 2000 series (frames passed through compressed) to the pixels of its local files', async () => {
    const remote = mountAnnotator();
    const errors: ErrorDetail[] = [];
    remote.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await remote.loadDicomWeb({ ...pacs(), ...(await seriesOf(J2K.patientID)) });
    expect(errors).toEqual([]);
    expect(volumeOf(remote).slices).toBe(J2K.slices);
    const local = mountAnnotator();
    const files = await Promise.all(Object.entries(siemens).map(async ([path, url]) => new File([await (await fetch(url)).blob()], path.split('/').pop()!)));
    await local.loadFiles(files);
    expectSameVolume(volumeOf(remote), volumeOf(local));
  });

  it('asks for the rest of the series in one streamed series retrieve after the first image: one frame request, no series metadata (issue 19)', async () => {
    const paths: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name.includes(`/series/${SAMPLE.seriesInstanceUID}`)) paths.push(new URL(e.name).pathname);
    });
    observer.observe({ type: 'resource' });
    const a = mountAnnotator();
    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    // The series retrieve on the page's thread (worker: false), where this page's resource timing sees it; the next test has it in the worker.
    await a.loadDicomWeb({ ...pacs({ concurrency: 3, worker: false }), ...SAMPLE });
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    expect(errors).toEqual([]);
    expect(volumeOf(a).slices).toBe(SAMPLE.slices);
    expect(paths.filter((p) => p.includes('/frames/'))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith(`/series/${SAMPLE.seriesInstanceUID}`))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith(`/series/${SAMPLE.seriesInstanceUID}/metadata`))).toHaveLength(0);
  });

  it('receives the series retrieve in a worker by default: none of the page’s own requests is the series retrieve, and the series still loads whole and equal to the page-read one (issue 19)', async () => {
    const paths: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) paths.push(new URL(e.name).pathname);
    });
    observer.observe({ type: 'resource' });
    const a = mountAnnotator();
    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await a.loadDicomWeb({ ...pacs(), ...SAMPLE });
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    expect(errors).toEqual([]);
    const inWorker = volumeOf(a);
    expect(inWorker.slices).toBe(SAMPLE.slices);
    expect(paths.filter((p) => p.endsWith(`/series/${SAMPLE.seriesInstanceUID}`))).toEqual([]);
    expect(paths.some((p) => p.includes('stream-worker'))).toBe(true);
    const b = mountAnnotator();
    await b.loadDicomWeb({ ...pacs({ worker: false }), ...SAMPLE });
    const onPage = volumeOf(b);
    const differing = onPage.sliceData.map((s, k) => k).filter((k) => onPage.sliceData[k]!.some((v, i) => v !== inWorker.sliceData[k]![i]));
    expect(onPage.sopInstanceUIDs).toEqual(inWorker.sopInstanceUIDs);
    expect(differing).toEqual([]);
  });

  it('cancel stops the load: it ends as `aborted`, with no further frame requests and nothing loaded', async () => {
    const a = mountAnnotator();
    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    let requested = 0;
    const observer = new PerformanceObserver((list) => (requested += list.getEntries().filter((e) => e.name.includes('/frames/')).length));
    observer.observe({ type: 'resource' });
    let cancelled = false;
    a.addEventListener('segmark-progress', (e) => {
      if (!cancelled && e.detail.phase === 'read' && e.detail.done >= 1) {
        cancelled = true;
        a.cancelLoad();
      }
    });
    await a.loadDicomWeb({ ...pacs({ concurrency: 2 }), ...SAMPLE });
    await new Promise((resolve) => setTimeout(resolve, 300));
    observer.disconnect();
    expect(cancelled).toBe(true);
    expect(errors.map((e) => e.code)).toEqual(['aborted']);
    expect(a.series).toBeUndefined();
    expect(requested).toBeLessThan(SAMPLE.slices);
  });
});
