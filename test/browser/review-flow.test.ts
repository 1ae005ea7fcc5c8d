/**
 * The reviewer's flow without holes (issue 18), on a real annotator in real
 * Chromium with real keys and clicks: readable notices in the light theme,
 * and (below) the keys, focus and approval steps the issue names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

async function open(options: { theme?: string; user?: string; role?: string } = {}): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = options.user ?? 'Dr Lin';
  if (options.role) a.setAttribute('role', options.role);
  a.noAutosave = true;
  if (options.theme) a.setAttribute('theme', options.theme);
  a.style.cssText = 'display:grid;width:1100px;height:760px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(await sampleFiles());
  for (let i = 0; i < 300 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  expect(a.annotationReady).toBe(true);
  await frames(2);
  return a;
}

// ── colours ──

type Rgba = [number, number, number, number];

function parseColour(css: string): Rgba {
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  const parts = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

/** `top` painted over the opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + under[i]! * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2.1 relative luminance and contrast ratio. */
function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The opaque colour behind `el`: its own background over its ancestors' (through the shadow root to the host). */
function groundOf(el: Element): Rgba {
  const chain: Element[] = [];
  for (let e: Element | null = el; e; e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host ?? null)) chain.push(e);
  let ground: Rgba = [255, 255, 255, 1];
  for (const e of chain.reverse()) {
    const bg = parseColour(getComputedStyle(e).backgroundColor);
    if (bg[3] > 0) ground = over(bg, ground);
  }
  return ground;
}

describe('notices are readable in both themes', () => {
  for (const theme of ['light', 'dark']) {
    it(`${theme}: the text of an error, a warning and an info notice has a contrast of at least 4.5:1 on its ground`, async () => {
      const a = await open(theme === 'light' ? { theme } : {});
      for (const kind of ['error', 'warning', 'info'] as const) a.session.notify(kind, `A ${kind} notice`);
      await a.updateComplete;
      const notices = [...a.shadowRoot!.querySelectorAll<HTMLElement>('.notice')];
      expect(notices.map((n) => [...n.classList].find((c) => c !== 'notice'))).toEqual(['error', 'warning', 'info']);
      for (const n of notices) {
        const text = n.querySelector('span')!;
        const ratio = contrast(parseColour(getComputedStyle(text).color), groundOf(n));
        expect(ratio, `${n.className}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
      }
    });
  }
});

/** The centre of `el` in the test page's CSS pixels, for the real mouse. */
function centreOf(el: Element): [number, number] {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}

function labelPanel(a: SegmarkAnnotator) {
  return a.shadowRoot!.querySelector('segmark-label-panel')!;
}

async function settle(a: SegmarkAnnotator): Promise<void> {
  await a.updateComplete;
  await labelPanel(a).updateComplete;
  await frames(1);
}

describe('keys reach the slice wherever the reviewer is', () => {
  it('after the page loads, with the body focused and no click inside, ↓ and ↑ change the slice', async () => {
    const a = await open();
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    const start = a.slice;
    await userEvent.keyboard('{ArrowDown}');
    await settle(a);
    const after = a.slice;
    expect(after).not.toBe(start);
    await userEvent.keyboard('{ArrowUp}');
    await settle(a);
    expect(a.slice).toBe(start);
    // Ctrl shortcuts from the body stay the browser's and the page's.
    const ctrl = new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ctrl);
    expect(ctrl.defaultPrevented).toBe(false);
  });

  it('after a click on a label, ↑/↓ change the slice, not the label; reached by keyboard, the list takes them', async () => {
    const a = await open();
    const doc = (a as unknown as { annotations: { document: { addLabel(l: { name: string }): { id: number } } } }).annotations.document;
    doc.addLabel({ name: 'L1' });
    doc.addLabel({ name: 'L2' });
    await settle(a);
    const panel = labelPanel(a);
    const ids = [...panel.shadowRoot!.querySelectorAll<HTMLElement>('li[data-id]')].map((li) => Number(li.dataset.id));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const name = panel.shadowRoot!.querySelector<HTMLElement>(`li[data-id="${ids[0]}"] button.name`)!;
    await commands.pointerClicks([centreOf(name)]);
    await settle(a);
    expect(a.activeLabel).toBe(ids[0]);
    expect(panel.shadowRoot!.activeElement).toBe(name);

    const start = a.slice;
    await userEvent.keyboard('{ArrowDown}');
    await settle(a);
    expect(a.activeLabel).toBe(ids[0]);
    expect(a.slice).not.toBe(start);
    await userEvent.keyboard('{ArrowUp}');
    await settle(a);
    expect(a.slice).toBe(start);

    // Tab then Shift+Tab: the label's name button again, now with visible focus; ↓ moves to the next label.
    await userEvent.keyboard('{Tab}');
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    await settle(a);
    expect(panel.shadowRoot!.activeElement).toBe(name);
    expect(name.matches(':focus-visible')).toBe(true);
    await userEvent.keyboard('{ArrowDown}');
    await settle(a);
    expect(a.activeLabel).toBe(ids[1]);
    expect(a.slice).toBe(start);
  });

  it('Escape closes the shortcut sheet while the focus is on the image', async () => {
    const a = await open();
    const viewport = a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!;
    viewport.focus();
    await userEvent.keyboard('?');
    await settle(a);
    expect(a.shadowRoot!.querySelector('.sheet')).not.toBeNull();
    viewport.focus();
    await userEvent.keyboard('{Escape}');
    await settle(a);
    expect(a.shadowRoot!.querySelector('.sheet')).toBeNull();
  });
});

describe('pinning a comment', () => {
  it('after M and a click on the image, the comment box has the focus and is in view; typed text becomes the comment', async () => {
    const a = await open({ user: 'Dr Wu' });
    // A short annotator, so the comments sit below the side panel's fold.
    a.style.height = '480px';
    await settle(a);
    const viewport = a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!;
    viewport.focus();
    await userEvent.keyboard('m');
    await settle(a);
    await commands.pointerClicks([centreOf(viewport)]);
    await settle(a);
    await new Promise((r) => setTimeout(r, 50));
    await settle(a);
    const comments = a.shadowRoot!.querySelector('segmark-comments')!;
    const box = comments.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea.new')!;
    expect(a.shadowRoot!.activeElement).toBe(comments);
    expect(comments.shadowRoot!.activeElement).toBe(box);
    // In view: the point at the box's centre hits the box (not clipped by a scrolled panel, not off screen).
    const [x, y] = centreOf(box);
    expect(y).toBeLessThan(window.innerHeight);
    expect(comments.shadowRoot!.elementFromPoint(x, y)).toBe(box);

    await userEvent.keyboard('Disc bulge at L4');
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await settle(a);
    const thread = a.getDocument()!.review.comments.at(-1)!;
    expect(thread.text).toBe('Disc bulge at L4');
    expect(thread.slice).toBe(a.slice);
  });
});

type Doc = {
  labels: readonly { id: number }[];
  setRegion(labelId: number, slice: number, region: { rings: number[][] }, options: { kind: 'draw' | 'import' }): void;
};
const docOf = (a: SegmarkAnnotator) => (a as unknown as { annotations: { document: Doc } }).annotations.document;
const sq = (c0: number, r0: number, size: number) => ({ rings: [[c0, r0, c0 + size, r0, c0 + size, r0 + size, c0, r0 + size]] });
const verifyBar = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector<HTMLElement>('.verify')!;

/** A real click on `el`, scrolled into view first (the side panel scrolls). */
async function click(el: Element): Promise<void> {
  el.scrollIntoView({ block: 'center' });
  await frames(1);
  await commands.pointerClicks([centreOf(el)]);
}

describe('a missed structure can be flagged', () => {
  it('R on a slice where the active label has no outline flags it as missed (kept in the review record), shown on the bar; drawing there clears it; the flag can be cleared by hand', async () => {
    const a = await open({ user: 'Dr Ma' });
    const doc = docOf(a);
    const [l1, l2] = [doc.labels[0]!.id, doc.labels[1]!.id];
    doc.setRegion(l1, 10, sq(100, 100, 20), { kind: 'import' });
    a.activeLabel = l2;
    a.slice = 10;
    await settle(a);
    const viewport = a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!;
    viewport.focus();
    await userEvent.keyboard('r');
    await settle(a);
    const picker = a.shadowRoot!.querySelector<HTMLElement>('.reject-picker')!;
    expect(picker.dataset.mode).toBe('missed');
    expect(picker.querySelector<HTMLInputElement>('input[type="radio"]:checked')!.value).toBe('missed-structure');
    await userEvent.keyboard('{Enter}');
    await settle(a);
    expect(a.shadowRoot!.querySelector('.reject-picker')).toBeNull();
    const flags = a.getDocument()!.review.missed as { labelId: number; slice: number; user: string; reason: string }[];
    expect(flags.map((f) => [f.labelId, f.slice, f.user, f.reason])).toEqual([[l2, 10, 'Dr Ma', 'missed-structure']]);
    expect(verifyBar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('missed');
    // In the review side's list of missed structures too.
    expect(a.shadowRoot!.querySelectorAll('.missed-list li').length).toBe(1);

    // An outline drawn there: the flag has done its work.
    doc.setRegion(l2, 10, sq(60, 60, 16), { kind: 'draw' });
    await settle(a);
    expect(a.getDocument()!.review.missed ?? []).toEqual([]);
    expect(a.getDocument()!.review.audit.map((e: { action: string }) => e.action)).toEqual(['missed', 'missed-cleared']);

    // Flag slice 11 and clear it with the bar's button (real click).
    a.slice = 11;
    await settle(a);
    viewport.focus();
    await userEvent.keyboard('r');
    await settle(a);
    await userEvent.keyboard('{Enter}');
    await settle(a);
    expect(a.getDocument()!.review.missed).toHaveLength(1);
    a.sideTab = 'review';
    await settle(a);
    await click(verifyBar(a).querySelector('[data-action="clear-missed"]')!);
    await settle(a);
    expect(a.getDocument()!.review.missed ?? []).toEqual([]);
    expect(verifyBar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('none');
  });
});

describe('approve asks while anything is open', () => {
  it('Approve lists rejected, unverified and missed with counts and a way to each; Approve anyway records them; the host API refuses without a note', async () => {
    const a = await open({ user: 'Dr Qian' });
    const doc = docOf(a);
    const [l1, l2] = [doc.labels[0]!.id, doc.labels[1]!.id];
    for (const k of [5, 6, 7]) doc.setRegion(l1, k, sq(100, 100, 20), { kind: 'import' });
    a.rejectRegion(l1, 6, 'boundary-wrong');
    a.setStatus('submitted');
    // A missed structure flagged with R on slice 20 of the second label.
    a.activeLabel = l2;
    a.slice = 20;
    await settle(a);
    a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();
    await userEvent.keyboard('r');
    await settle(a);
    await userEvent.keyboard('{Enter}');
    await settle(a);

    // The host API: refused with the counts, nothing changes.
    const errors: { code: string; params?: Record<string, unknown> }[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail as never));
    expect(() => a.setStatus('approved')).toThrow();
    expect(errors.at(-1)).toMatchObject({ code: 'review-open-items' });
    expect(a.getStatus()).toBe('submitted');

    // The panel's Approve (real click): the check, not an approval.
    a.sideTab = 'review';
    await settle(a);
    const panel = a.shadowRoot!.querySelector('segmark-review-panel')!;
    await panel.updateComplete;
    await click(panel.shadowRoot!.querySelector('button.step[data-status="approved"]')!);
    await settle(a);
    expect(a.getStatus()).toBe('submitted');
    const check = a.shadowRoot!.querySelector<HTMLElement>('.approve-check')!;
    expect(check).not.toBeNull();
    const count = (kind: string) => check.querySelector(`li[data-kind="${kind}"] .count`)!.textContent!.trim();
    expect([count('rejected'), count('unverified'), count('missed')]).toEqual(['1', '2', '1']);

    // Show the first rejected one: its label and slice.
    a.activeLabel = l2;
    await settle(a);
    await click(check.querySelector('button.show[data-kind="rejected"]')!);
    await settle(a);
    expect([a.activeLabel, a.slice]).toEqual([l1, 6]);
    await click(a.shadowRoot!.querySelector('.approve-check button.show[data-kind="missed"]')!);
    await settle(a);
    expect([a.activeLabel, a.slice]).toEqual([l2, 20]);

    // Approve anyway, with a reason: approved; the audit entry keeps the counts and the note.
    const note = a.shadowRoot!.querySelector<HTMLTextAreaElement>('.approve-check textarea.approve-note')!;
    note.focus();
    await userEvent.keyboard('model misses are tracked separately');
    await click(a.shadowRoot!.querySelector('.approve-check .approve-anyway')!);
    await settle(a);
    expect(a.getStatus()).toBe('approved');
    expect(a.shadowRoot!.querySelector('.approve-check')).toBeNull();
    expect(a.getDocument()!.review.audit.at(-1)).toMatchObject({
      action: 'status',
      to: 'approved',
      note: 'model misses are tracked separately',
      open: { rejected: 1, unverified: 2, missed: 1 },
    });
  });
});

describe('next unverified centres and zooms to the region', () => {
  async function jump(zoom: string | null) {
    const a = await open({ user: 'Dr Zhao' });
    if (zoom !== null) a.setAttribute('review-zoom', zoom);
    const doc = docOf(a);
    const l1 = doc.labels[0]!.id;
    // A 20-pixel region off the centre of a 512-pixel image, as a small structure of a model's output.
    doc.setRegion(l1, 12, sq(60, 80, 20), { kind: 'import' });
    a.activeLabel = l1;
    a.slice = 0;
    await settle(a);
    const viewport = a.shadowRoot!.querySelector<SegmarkViewportLike>('segmark-viewport[data-plane="axial"]')!;
    const sizeBefore = viewport.imageToClient(80, 100)!.x - viewport.imageToClient(60, 80)!.x;
    viewport.focus();
    await userEvent.keyboard('n');
    await settle(a);
    await frames(2);
    expect(a.slice).toBe(12);
    const p0 = viewport.imageToClient(60, 80)!;
    const p1 = viewport.imageToClient(80, 100)!;
    const box = viewport.getBoundingClientRect();
    return { sizeBefore, size: p1.x - p0.x, centre: [(p0.x + p1.x) / 2, (p0.y + p1.y) / 2], viewCentre: [box.left + box.width / 2, box.top + box.height / 2], short: Math.min(box.width, box.height) };
  }
  type SegmarkViewportLike = HTMLElement & { imageToClient(x: number, y: number): { x: number; y: number } | undefined };

  it('by default (review-zoom on): the region is in the middle of the view and fills a large share (aimed at half) of its shorter side', async () => {
    const r = await jump(null);
    expect(Math.abs(r.centre[0]! - r.viewCentre[0]!)).toBeLessThan(3);
    expect(Math.abs(r.centre[1]! - r.viewCentre[1]!)).toBeLessThan(3);
    expect(r.size / r.short).toBeGreaterThan(0.35);
    expect(r.size / r.short).toBeLessThan(0.6);
    expect(r.size).toBeGreaterThan(r.sizeBefore * 2);
  });

  it('review-zoom="off": centred, at the zoom it had', async () => {
    const r = await jump('off');
    expect(Math.abs(r.centre[0]! - r.viewCentre[0]!)).toBeLessThan(3);
    expect(Math.abs(r.centre[1]! - r.viewCentre[1]!)).toBeLessThan(3);
    expect(Math.abs(r.size - r.sizeBefore)).toBeLessThan(0.5);
  });
});
