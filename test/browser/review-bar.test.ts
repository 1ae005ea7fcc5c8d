/**
 * The review bar's remaining pieces (issue 18), on a real annotator in real
 * Chromium with real clicks: review zoom as the `reviewZoom` property,
 * reflected both ways with `review-zoom`, and the Review tab's checkbox that
 * changes it and is remembered per user; and the bar's Next open item, which
 * goes through what approval asks about — unverified, rejected and not
 * corrected, missed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => {
  mounted.splice(0).forEach((a) => a.remove());
  localStorage.clear();
});

let files: Promise<File[]> | undefined;

/** An annotator on the page, not yet loaded; `before` runs before it is connected (as a host page's markup would set attributes). */
function mount(user: string, before: (a: SegmarkAnnotator) => void = () => {}): SegmarkAnnotator {
  const a = document.createElement('segmark-annotator');
  a.noAutosave = true;
  a.style.cssText = 'display:grid;width:1100px;height:760px';
  before(a);
  document.body.append(a);
  a.user = user;
  mounted.push(a);
  return a;
}

async function open(user: string, before?: (a: SegmarkAnnotator) => void): Promise<SegmarkAnnotator> {
  const a = mount(user, before);
  files ??= sampleFiles();
  await a.loadFiles(await files);
  for (let i = 0; i < 300 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  expect(a.annotationReady).toBe(true);
  a.sideTab = 'review';
  await settle(a);
  return a;
}

async function settle(a: SegmarkAnnotator): Promise<void> {
  await a.updateComplete;
  await frames(2);
}

type Doc = {
  labels: readonly { id: number }[];
  setRegion(labelId: number, slice: number, region: { rings: number[][] }, options: { kind: 'draw' | 'import' }): void;
};
const docOf = (a: SegmarkAnnotator) => (a as unknown as { annotations: { document: Doc } }).annotations.document;
const sq = (c0: number, r0: number, size: number) => ({ rings: [[c0, r0, c0 + size, r0, c0 + size, r0 + size, c0, r0 + size]] });
const bar = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector<HTMLElement>('.verify')!;
const zoomBox = (a: SegmarkAnnotator) => bar(a).querySelector<HTMLInputElement>('input[data-action="review-zoom"]')!;

/** A real click on `el`, scrolled into view first (the side panel scrolls). */
async function click(el: Element): Promise<void> {
  el.scrollIntoView({ block: 'center' });
  await frames(1);
  const r = el.getBoundingClientRect();
  await commands.pointerClicks([[r.left + r.width / 2, r.top + r.height / 2]]);
}

describe('reviewZoom is a property reflected both ways with review-zoom', () => {
  it('on by default without the attribute; the property writes review-zoom="off" and removes it again; the attribute sets the property ("off", "false", "0" are off)', async () => {
    const a = mount('Dr Zhou');
    await a.updateComplete;
    expect(a.reviewZoom).toBe(true);
    expect(a.hasAttribute('review-zoom')).toBe(false);
    a.reviewZoom = false;
    await a.updateComplete;
    expect(a.getAttribute('review-zoom')).toBe('off');
    a.reviewZoom = true;
    await a.updateComplete;
    expect(a.hasAttribute('review-zoom')).toBe(false);
    for (const [value, on] of [['off', false], ['on', true], ['FALSE', false], ['', true], ['0', false], ['1', true]] as const) {
      a.setAttribute('review-zoom', value);
      expect(a.reviewZoom, value).toBe(on);
    }
    a.removeAttribute('review-zoom');
    expect(a.reviewZoom).toBe(true);
  });
});

describe('the Review tab has a review-zoom checkbox, remembered per user', () => {
  it('the checkbox shows the setting; a click turns it off here and for the same user\'s next annotator, not another\'s; a host-set value wins', async () => {
    const a = await open('Dr Zhou');
    expect(zoomBox(a).checked).toBe(true);
    await click(zoomBox(a));
    await settle(a);
    expect(zoomBox(a).checked).toBe(false);
    expect(a.reviewZoom).toBe(false);
    expect(a.getAttribute('review-zoom')).toBe('off');

    // The host changes it: the checkbox follows.
    a.reviewZoom = true;
    await settle(a);
    expect(zoomBox(a).checked).toBe(true);
    a.reviewZoom = false;
    await settle(a);

    // Remembered for Dr Zhou (set after connecting, as a host page does), not for Dr Sun.
    const again = mount('Dr Zhou');
    await again.updateComplete;
    expect(again.reviewZoom).toBe(false);
    expect(again.getAttribute('review-zoom')).toBe('off');
    const other = mount('Dr Sun');
    await other.updateComplete;
    expect(other.reviewZoom).toBe(true);
    // The host's attribute, set before the user: the remembered choice does not replace it.
    const hosted = mount('Dr Zhou', (el) => el.setAttribute('review-zoom', 'on'));
    await hosted.updateComplete;
    expect(hosted.reviewZoom).toBe(true);
  });

  it('with the box cleared, Next unverified centres the outline at the zoom it had; ticked again, it zooms', async () => {
    const a = await open('Dr Zhou');
    const doc = docOf(a);
    const l1 = doc.labels[0]!.id;
    // A 20-pixel outline off the centre, on two slices.
    for (const k of [12, 16]) doc.setRegion(l1, k, sq(60, 80, 20), { kind: 'import' });
    a.activeLabel = l1;
    a.slice = 0;
    await settle(a);
    const view = a.shadowRoot!.querySelector<HTMLElement & { imageToClient(x: number, y: number): { x: number } | undefined }>('segmark-viewport[data-plane="axial"]')!;
    const width = () => view.imageToClient(80, 100)!.x - view.imageToClient(60, 80)!.x;
    const before = width();
    await click(zoomBox(a));
    await settle(a);
    await click(bar(a).querySelector('[data-action="next"]')!);
    await settle(a);
    expect(a.slice).toBe(12);
    expect(Math.abs(width() - before)).toBeLessThan(0.5);
    await click(zoomBox(a));
    await settle(a);
    await click(bar(a).querySelector('[data-action="next"]')!);
    await settle(a);
    expect(a.slice).toBe(16);
    expect(width()).toBeGreaterThan(before * 2);
  });
});

describe('the review bar\'s Next open item', () => {
  it('a click goes to the next place approval would ask about — unverified, rejected and not corrected, flagged as missed — in label then slice order, wrapping, and says when nothing is open', async () => {
    const a = await open('Dr Tang');
    const doc = docOf(a) as Doc & { setReview(labelId: number, slice: number, review: { state: 'verified' }): void };
    const [l1, l2] = [doc.labels[0]!.id, doc.labels[1]!.id];
    // Label 1: slice 5 unverified, 6 rejected, 7 verified; label 2: no outline on 20, flagged as missed.
    for (const k of [5, 6, 7]) doc.setRegion(l1, k, sq(100, 100, 20), { kind: 'import' });
    a.rejectRegion(l1, 6, 'boundary-wrong');
    doc.setReview(l1, 7, { state: 'verified' });
    a.session.review.flagMissed({ user: 'Dr Tang', role: 'reviewer' }, l2, 20, 'missed-structure');
    a.activeLabel = l1;
    a.slice = 0;
    await settle(a);

    const next = bar(a).querySelector<HTMLButtonElement>('[data-action="next-open"]')!;
    // Its accessible name starts with the text it shows and names the three kinds it goes through.
    const name = next.getAttribute('aria-label')!;
    expect(name.startsWith(next.textContent!.trim())).toBe(true);
    for (const kind of ['verified', 'rejected', 'missed']) expect(name).toContain(kind);
    const visited: [number, number][] = [];
    for (let i = 0; i < 4; i++) {
      await click(bar(a).querySelector('[data-action="next-open"]')!);
      await settle(a);
      visited.push([a.activeLabel, a.slice]);
    }
    expect(visited).toEqual([[l1, 5], [l1, 6], [l2, 20], [l1, 5]]);
    // On the missed place the bar shows the flag.
    a.activeLabel = l2;
    a.slice = 20;
    await settle(a);
    expect(bar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('missed');

    // Everything settled: the bar says so and stays where it is.
    doc.setReview(l1, 5, { state: 'verified' });
    doc.setRegion(l1, 6, sq(100, 100, 22), { kind: 'draw' });
    doc.setReview(l1, 6, { state: 'verified' });
    a.session.review.clearMissed({ user: 'Dr Tang', role: 'reviewer' }, l2, 20);
    await settle(a);
    await click(bar(a).querySelector('[data-action="next-open"]')!);
    await settle(a);
    expect([a.activeLabel, a.slice]).toEqual([l2, 20]);
    expect(bar(a).querySelector('.verify-notice')!.textContent).toMatch(/nothing/i);
  });

  it('in zh-CN the button and the checkbox speak Chinese, with the glossary\'s terms for verify (核验) and missed (漏标)', async () => {
    const a = await open('Dr Tang');
    a.lang = 'zh-CN';
    await settle(a);
    const next = bar(a).querySelector<HTMLButtonElement>('[data-action="next-open"]')!;
    const name = next.getAttribute('aria-label')!;
    expect(name.startsWith(next.textContent!.trim())).toBe(true);
    expect(name).toContain('核验');
    expect(name).toContain('漏标');
    for (const text of [name, zoomBox(a).parentElement!.textContent!]) expect(text).not.toMatch(/[A-Za-z]/);
  });
});
