/**
 * Two pages on one document (two same-origin iframes, each its own document
 * with its own copy of Segmark, real Web Locks, BroadcastChannel and
 * IndexedDB): one writes, the other shows the document read-only and follows
 * the writer's saves; taking over makes the writer store its work and step
 * down; closing the writer's page lets the reader write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { framePage, removeFramePages } from './support/frame-page.js';
import { until } from './support/wait.js';

afterEach(removeFramePages);

type Internals = { annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } } };

/** A page of its own with one annotator for `user`, on the first slices of the sample. */
const page = async (user: string) => (await framePage(user, 12)).annotator;

function draw(a: SegmarkAnnotator, label: number, slice: number, x: number): void {
  (a as unknown as Internals).annotations.document.setRegion(label, slice, { rings: [[x, 10, x + 30, 10, x + 30, 40, x, 40]] }, { kind: 'draw' });
}

const regions = (a: SegmarkAnnotator) => JSON.stringify(a.getDocument()!.regions);
const banner = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector('.other-tab');

describe('one document in two pages', () => {
  it('one page writes, the other reads and follows; take-over hands the document over without losing work', async () => {
    const user = `tabs-${Date.now()}`;
    const first = await page(user);
    expect(first.editable).toBe(true);
    expect(banner(first)).toBeNull();

    const second = await page(user);
    expect(second.editable).toBe(false);
    expect(banner(second)).not.toBeNull();
    // The reader refuses edits through the API as well as through its tools.
    expect(second.undo()).toBe(false);
    expect(second.interpolate(1)).toEqual([]);

    // The writer's stored edits appear in the reader.
    draw(first, 1, 2, 10);
    await until('the reader to show the writer’s edit', () => regions(second) === regions(first));
    expect(second.getDocument()!.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 2]]);

    // Take-over: an edit the writer has not stored yet (inside the autosave delay) must survive it.
    draw(first, 2, 3, 50);
    const expected = regions(first);
    await second.takeOver();
    await until('the roles to swap', () => second.editable && !first.editable);
    expect(regions(second)).toBe(expected);
    expect(banner(first)).not.toBeNull();
    expect(banner(second)).toBeNull();

    // Now the second page writes and the first follows.
    draw(second, 3, 4, 90);
    await until('the first page to follow', () => regions(first) === regions(second));

    // Closing the writer's page lets the reader write, with everything stored.
    await second.flushSave();
    const final = regions(second);
    second.ownerDocument.defaultView!.frameElement!.remove();
    await until('the first page to become the writer', () => first.editable);
    expect(regions(first)).toBe(final);
    expect(banner(first)).toBeNull();
  });
});
