/**
 * Recent work holding another user's document (issue 18), with real
 * IndexedDB and the image cache: a reviewer who picks a document an
 * annotator submitted opens that document to review it, not an empty one of
 * her own; an annotator who picks another user's document is asked first —
 * that user's document, or their own of the series — and gets what they
 * chose. Each item says whose document it is.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { mountWorking, submitWork, unmountAll } from './support/mount.js';
import { frames } from './support/sample.js';
import { emptyStore } from './support/store.js';
import { until } from './support/wait.js';

afterEach(unmountAll);

// Other test files in this browser store documents too: start from an empty store and leave it empty.
beforeAll(emptyStore);
afterAll(emptyStore);


const recent = (a: SegmarkAnnotator) =>
  a.shadowRoot?.querySelector('segmark-work-panel')?.shadowRoot?.querySelector<HTMLDetailsElement>('details.recent') ?? null;
const queue = (a: SegmarkAnnotator) =>
  a.shadowRoot?.querySelector('segmark-work-panel')?.shadowRoot?.querySelector<HTMLDetailsElement>('details.review-queue') ?? null;
const item = (a: SegmarkAnnotator, id: string) => recent(a)?.querySelector<HTMLLIElement>(`li[data-id="${CSS.escape(id)}"]`) ?? null;

/** A real click on `el`, scrolled into view first. */
async function click(el: Element): Promise<void> {
  el.scrollIntoView({ block: 'center' });
  await frames(1);
  const r = el.getBoundingClientRect();
  await commands.pointerClicks([[r.left + r.width / 2, r.top + r.height / 2]]);
}

/** The Work tab with Recent work opened by the user, showing `id`. */
async function showRecent(a: SegmarkAnnotator, id: string): Promise<HTMLLIElement> {
  a.sideTab = 'work';
  await until('the Recent work section', () => recent(a) !== null);
  // A reviewer's For review section sits above and fills in as it is read: click once it is there.
  if (a.role === 'reviewer') await until('For review to list it', () => queue(a)?.querySelector(`li[data-id="${CSS.escape(id)}"]`) != null);
  await frames(2);
  // Opening the section reads the list.
  await click(recent(a)!.querySelector('summary')!);
  await until('Recent work to open', () => recent(a)!.open);
  await until('the document in Recent work', () => item(a, id) !== null);
  await frames(2);
  return item(a, id)!;
}

describe('another user\'s document in Recent work', () => {
  it('a reviewer opens a document an annotator submitted as that document, to review it — not an empty one of her own', async () => {
    const stamp = Date.now();
    const alice = `recent-alice-${stamp}`;
    const submitted = await submitWork(alice, [[1, 2, false], [4, 3, true]]);
    const carol = mountWorking(`recent-carol-${stamp}`, 'reviewer');
    const li = await showRecent(carol, submitted.id);
    expect(li.querySelector('.owner')!.textContent).toContain(alice);
    await click(li.querySelector('button.open')!);
    await until('a document to open', () => carol.annotationReady && carol.series !== undefined);
    expect(carol.getStatus()).toBe('submitted');
    expect(JSON.stringify(carol.getDocument()!.regions)).toBe(submitted.regions);
    await until('the item to be marked open', () => item(carol, submitted.id)?.textContent?.includes('(open)') === true);
  });

  it('an annotator who picks another user\'s document is asked first — that user\'s document or their own of the series — and gets what they chose', async () => {
    const stamp = Date.now();
    const alice = `recent-alice-${stamp}`;
    const submitted = await submitWork(alice, [[1, 2, false], [4, 3, true]]);

    const dan = mountWorking(`recent-dan-${stamp}`, 'annotator');
    const li = await showRecent(dan, submitted.id);
    expect(li.querySelector('.owner')!.textContent).toContain(alice);
    await click(li.querySelector('button.open')!);
    await until('the choice', () => item(dan, submitted.id)!.querySelector('.choice') !== null);
    // Nothing opens before the choice; it names whose document it is, and the keyboard is on it.
    await frames(3);
    expect(dan.series).toBeUndefined();
    const choice = item(dan, submitted.id)!.querySelector('.choice')!;
    expect(choice.textContent).toContain(alice);
    expect(item(dan, submitted.id)!.querySelector('button.open')!.getAttribute('aria-expanded')).toBe('true');
    expect((dan.shadowRoot!.querySelector('segmark-work-panel')!.shadowRoot!.activeElement as HTMLElement).className).toBe('open-theirs');
    await click(choice.querySelector('button.open-theirs')!);
    await until('Alice’s document to open', () => dan.annotationReady && dan.series !== undefined);
    expect(dan.getStatus()).toBe('submitted');
    expect(JSON.stringify(dan.getDocument()!.regions)).toBe(submitted.regions);

    // Another annotator chooses their own: the series opens with their own (new) document.
    const erin = mountWorking(`recent-erin-${stamp}`, 'annotator');
    const other = await showRecent(erin, submitted.id);
    await click(other.querySelector('button.open')!);
    await until('the choice', () => item(erin, submitted.id)!.querySelector('.choice') !== null);
    await click(item(erin, submitted.id)!.querySelector('.choice button.open-mine')!);
    await until('Erin’s own document to open', () => erin.annotationReady && erin.series !== undefined);
    expect(erin.getStatus()).toBe('draft');
    expect(erin.getDocument()!.regions).toEqual([]);
    // Alice's stays hers, not the one open here.
    expect(item(erin, submitted.id)!.textContent).not.toContain('(open)');

    // Without the image cache, Open mine asks for the images, naming the series (not a document id).
    const fay = mountWorking(`recent-fay-${stamp}`, 'annotator');
    fay.cacheImages = false;
    const hers = await showRecent(fay, submitted.id);
    const description = hers.querySelector('.name [translate="no"]')!.textContent!.trim();
    await click(hers.querySelector('button.open')!);
    await until('the choice', () => item(fay, submitted.id)!.querySelector('.choice') !== null);
    await click(item(fay, submitted.id)!.querySelector('.choice button.open-mine')!);
    await until('the notice asking for the images', () => fay.session.notices.some((n) => n.text.startsWith('To continue, open the images of:')));
    const asked = fay.session.notices.find((n) => n.text.startsWith('To continue, open the images of:'))!.text;
    expect(asked).toBe(`To continue, open the images of: ${description}`);
  });
});
