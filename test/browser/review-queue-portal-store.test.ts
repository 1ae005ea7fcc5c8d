/**
 * A portal that is the documents' only store (`no-autosave`) still gives its
 * reviewer a queue (issue 18, examples/review-portal): the Work tab, absent
 * while nothing is kept in the browser, appears once the host gives a queue,
 * with only For review in it (no dataset builder over a store that is not
 * used), and Open calls the host's own `open`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames } from './support/sample.js';

afterEach(unmountAll);

describe('the review queue of a portal that keeps nothing in the browser', () => {
  it('REQ-QUEUE-B3: with no-autosave the Work tab appears with the host’s queue only, and Open calls the host', async () => {
    const a = mountAnnotator();
    a.role = 'reviewer';
    a.sideTab = 'work';
    await frames(2);
    const root = a.shadowRoot!;
    const tabs = () => [...root.querySelectorAll('[role="tab"]')].map((t) => t.id);
    expect(tabs()).toEqual(['tab-labels', 'tab-review']);

    const opened: string[] = [];
    a.setReviewQueue([{ id: 'series-7/ana', title: 'LUMBAR CT', annotator: 'ana', submittedAt: '2026-03-04T10:00:00Z', labels: 3, outlines: 14, open: () => void opened.push('series-7/ana') }]);
    await a.updateComplete;
    await frames(2);
    expect(tabs()).toEqual(['tab-labels', 'tab-review', 'tab-work']);
    const work = root.querySelector<HTMLElement>('#panel-work')!;
    expect(work.hidden).toBe(false);
    expect(work.querySelector('segmark-dataset-panel')).toBeNull();
    const entry = work.querySelector('segmark-work-panel')!.shadowRoot!.querySelector<HTMLLIElement>('details.review-queue li[data-id="series-7/ana"]')!;
    expect(entry.querySelector('.meta')!.textContent).toContain('submitted by ana');
    entry.querySelector<HTMLButtonElement>('button.open')!.click();
    await frames(2);
    expect(opened).toEqual(['series-7/ana']);
  });
});
