/**
 * A reviewer's queue in the Work panel, with real IndexedDB and the image
 * cache: documents two annotators submitted in this browser are listed
 * oldest submission first with who submitted them, label and outline counts
 * and the verified share; the host's documents are merged into the list and
 * opened through their own callback; a stored one opens as its submitter's
 * document; after an approval, Next document opens the next one, and an
 * empty queue says so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { mountWorking, submitWork, unmountAll } from './support/mount.js';
import { frames, sampleFiles } from './support/sample.js';
import { emptyStore } from './support/store.js';
import { until } from './support/wait.js';

afterEach(unmountAll);

// The queue lists every submitted document of this browser: start from an empty store, not with what
// other test files (run before this one in the same browser) submitted, and leave none for those after it.
beforeAll(emptyStore);
afterAll(emptyStore);


const panel = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector('segmark-work-panel')!;
// Null until the annotator and its panel have rendered.
const section = (a: SegmarkAnnotator) => a.shadowRoot?.querySelector('segmark-work-panel')?.shadowRoot?.querySelector<HTMLDetailsElement>('details.review-queue') ?? null;
const queued = (a: SegmarkAnnotator) => [...(section(a)?.querySelectorAll('li') ?? [])].map((li) => li.dataset.id!);
const entry = (a: SegmarkAnnotator, id: string) => section(a)!.querySelector<HTMLLIElement>(`li[data-id="${CSS.escape(id)}"]`)!;

describe('the review queue', () => {
  it('REQ-QUEUE-B1: the reviewer sees submitted documents oldest first with counts, merged with the host’s; approve → Next document opens the next; an empty queue says so', async () => {
    const stamp = Date.now();
    const alice = `queue-alice-${stamp}`;
    const bob = `queue-bob-${stamp}`;
    // Alice submits first (2 labels, 2 outlines, both verified), Bob later (1 label, 3 outlines, 1 verified).
    const first = await submitWork(alice, [[1, 2, true], [4, 3, true]]);
    await new Promise((r) => setTimeout(r, 30));
    const second = await submitWork(bob, [[2, 1, true], [2, 2, false], [2, 3, false]]);

    const carol = mountWorking(`queue-carol-${stamp}`, 'reviewer');
    carol.sideTab = 'work';
    await until('both submitted documents in For review', () => queued(carol).includes(first.id) && queued(carol).includes(second.id));
    // For review comes first in the Work panel, and the longest waiting first in it.
    expect(panel(carol).shadowRoot!.querySelector('details')!.classList.contains('review-queue')).toBe(true);
    expect(queued(carol).indexOf(first.id)).toBeLessThan(queued(carol).indexOf(second.id));
    const aliceMeta = entry(carol, first.id).querySelector('.meta')!.textContent!;
    expect(aliceMeta).toContain(`submitted by ${alice}`);
    expect(aliceMeta).toContain('2 labels · 2 outlines · 100% verified');
    expect(entry(carol, second.id).querySelector('.meta')!.textContent).toContain(`submitted by ${bob}`);
    expect(entry(carol, second.id).querySelector('.meta')!.textContent).toContain('1 label · 3 outlines · 33% verified');

    // The portal's document, submitted before both, is merged in first; Open calls the portal's own callback.
    const opened: string[] = [];
    carol.setReviewQueue([{ id: 'portal-7', title: 'PORTAL LUMBAR CT', annotator: 'dave', submittedAt: new Date(stamp - 3_600_000).toISOString(), labels: 5, outlines: 12, open: async () => void opened.push('portal-7') }]);
    await until('the portal’s document in the list', () => queued(carol).includes('portal-7'));
    expect(queued(carol).indexOf('portal-7')).toBeLessThan(queued(carol).indexOf(first.id));
    expect(entry(carol, 'portal-7').textContent).toContain('PORTAL LUMBAR CT');
    expect(entry(carol, 'portal-7').querySelector('.meta')!.textContent).toContain('submitted by dave');
    expect(entry(carol, 'portal-7').querySelector('.meta')!.textContent).toContain('5 labels · 12 outlines');
    entry(carol, 'portal-7').querySelector<HTMLButtonElement>('button.open')!.click();
    await until('the portal to be asked to open it', () => opened.length === 1);
    // The portal reviewed it elsewhere and gives its new (empty) list.
    carol.setReviewQueue([]);
    await until('the portal’s document to leave', () => !queued(carol).includes('portal-7'));

    // Alice's document opens from the cached images, as Alice's work (not the reviewer's own of that series).
    entry(carol, first.id).querySelector<HTMLButtonElement>('button.open')!.click();
    await until('Alice’s document to open', () => carol.annotationReady && carol.series !== undefined && carol.getStatus() === 'submitted');
    expect(JSON.stringify(carol.getDocument()!.regions)).toBe(first.regions);
    await until('the queue to mark it open', () => entry(carol, first.id)?.textContent!.includes('(open)'));

    // Approved: the panel offers Next document, and Shift+O (the same) opens Bob's.
    carol.setStatus('approved');
    const next = () => section(carol)!.querySelector<HTMLButtonElement>('button.next-document');
    await until('the Next document button', () => next() !== null);
    expect(next()!.textContent).toBe('Next document');
    carol.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();
    await commands.keyPress(['Shift+O']);
    await until('Bob’s document to open', () => carol.annotationReady && carol.getStatus() === 'submitted' && JSON.stringify(carol.getDocument()!.regions) === second.regions);
    await until('Alice’s approved document to leave the queue', () => !queued(carol).includes(first.id));

    // The last one approved (with a note: one outline is still unverified): the queue is done.
    carol.setStatus('approved', 'spot-checked');
    await until('the done message', () => section(carol)!.querySelector('.done')?.textContent === 'No more documents for review.');
    expect(next()).toBeNull();
    // Shift+O with nothing waiting says so where the reviewer is, not only in the Work tab.
    carol.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();
    await commands.keyPress(['Shift+O']);
    await until('the notice', () => carol.shadowRoot!.querySelector('.notices')?.textContent?.includes('No more documents for review.') === true);
    await until('the empty queue', () => queued(carol).length === 0);
    expect(section(carol)!.querySelector('.empty')!.textContent).toBe('Nothing is waiting for review.');
    carol.lang = 'zh-CN';
    await frames(2);
    expect(section(carol)!.querySelector('summary')!.textContent).toBe('待审核');
    expect(section(carol)!.querySelector('.done')!.textContent).toBe('没有更多待审核的文档。');

    // The reviewer opening the series herself afterwards gets her own document, not Bob's.
    await carol.loadFiles(await sampleFiles(8));
    await until('the reviewer’s own document', () => carol.annotationReady && carol.getStatus() === 'draft');
    expect(carol.getDocument()!.regions).toEqual([]);
  });

  it('REQ-QUEUE-B2: an annotator’s Work panel has no For review section unless the host gives a queue', async () => {
    const a = mountWorking(`queue-annotator-${Date.now()}`, 'annotator');
    a.sideTab = 'work';
    await frames(3);
    expect(section(a)).toBeNull();
    a.setReviewQueue([{ id: 'portal-9', title: 'PORTAL CT', open: () => undefined }]);
    await until('the host’s queue to show', () => queued(a).includes('portal-9'));
  });
});
