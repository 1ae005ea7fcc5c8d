/**
 * The first image from a PACS does not wait for the series' bulk request (the
 * series retrieve that brings every other instance, issue 19), and the
 * series' metadata is not asked for at all: Orthanc (scripts/orthanc.mjs,
 * behind nginx) answers that by reading every file of the series, which for a
 * large series takes seconds, and the streamed parts carry every header.
 *
 * To see the order without measuring time, the series retrieve is held back
 * in the page until the first instance has been handed over (or the read has
 * ended): `fetch` is wrapped to hold that one URL. Everything else, and that
 * request once released, goes to the real PACS. A read that waited for the
 * series before its first image would hand nothing over while it is held; the
 * guard releases it after a while so such a read still ends, and the test then
 * fails on the order, not on a timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DicomInstance } from '../../src/core/dicom/types.js';
import { readDicomWebSeries } from '../../src/dicomweb/read-series.js';
import { PACS_AUTH, ROOT, SAMPLE } from './support/dicomweb-pacs.js';

const realFetch = window.fetch;
afterEach(() => {
  window.fetch = realFetch;
});

/** Holds GETs of `suffix` until `release()`; says whether one was held, whether the guard had to let it go, and which paths were asked for. */
function holdRequests(suffix: string): { release: () => void; held: () => number; byGuard: () => boolean; paths: string[] } {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  let held = 0;
  let byGuard = false;
  const paths: string[] = [];
  // Only so that a read waiting on the held request ends at all; the test fails on the order then.
  const guard = setTimeout(() => {
    byGuard = true;
    open();
  }, 20_000);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    paths.push(url.pathname);
    if (url.pathname.endsWith(suffix)) {
      held++;
      await gate;
    }
    return realFetch(input, init);
  };
  return {
    release: () => {
      clearTimeout(guard);
      open();
    },
    held: () => held,
    byGuard: () => byGuard,
    paths,
  };
}

describe('the first image from a PACS', () => {
  it('is the middle slice, handed over while the series retrieve is still unanswered; no series metadata is asked for; the series then loads whole', async () => {
    const hold = holdRequests(`/series/${SAMPLE.seriesInstanceUID}`);
    const order: string[] = [];
    let first: DicomInstance | undefined;
    const read = await readDicomWebSeries(
      // On the page's thread (worker: false), where the wrapped fetch sees the series retrieve.
      { root: ROOT, headers: PACS_AUTH, worker: false },
      { studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID },
      {
        onInstance: (instance) => {
          if (first) return;
          first = instance;
          order.push(hold.byGuard() ? 'first image after the series retrieve' : 'first image while the series retrieve is held');
          hold.release();
        },
        afterFirst: async () => void order.push('afterFirst'),
      },
    ).finally(() => hold.release());
    expect(hold.held()).toBe(1);
    expect(order).toEqual(['first image while the series retrieve is held', 'afterFirst']);
    expect(hold.paths.filter((p) => p.endsWith('/metadata') && !p.includes('/instances/'))).toEqual([]);
    // The sample's instances are numbered 1…70: the middle of the sorted numbers is the 36th.
    expect(first?.instanceNumber).toBe(36);
    expect(read.failed).toBe(0);
    expect(read.instances).toHaveLength(SAMPLE.slices);
    expect(new Set(read.instances.map((i) => i.sopInstanceUID)).size).toBe(SAMPLE.slices);
  });

});
