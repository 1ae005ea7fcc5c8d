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
