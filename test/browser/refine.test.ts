/**
 * Issue 15, Refine in the interface: on the sample series, regions drawn
 * through the document, the Refine popover opened with the real mouse and
 * driven with the real keyboard runs Keep largest and Grow on the active
 * label in 3-D; the document holds what the operation gives (assisted,
 * unverified, with its method and parameters; `segmark-change` kind
 * 'assist'); Escape closes the popover and gives the focus back; axe passes
 * with it open; in zh-CN it speaks Chinese.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

type Point = [number, number];
const LABEL = 3;

interface Internals {
  session: { volume: Volume | undefined };
  annotations: { document: AnnotationDocument };
}

function centre(el: Element): Point {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}

/** A pixel-edged rectangle: columns c0 ≤ c < c1, rows r0 ≤ r < r1. */
function rect(c0: number, r0: number, c1: number, r1: number): number[] {
  return [c0, r0, c1, r0, c1, r1, c0, r1];
}

async function open(lang?: string) {
  const a = mountAnnotator({ width: 1400, height: 800, ...(lang ? { lang } : {}) });
  await a.loadFiles(await sampleFiles(12));
  const internals = a as unknown as Internals;
  const doc = internals.annotations.document;
  const volume = internals.session.volume!;
  // A large block on slices 3–6 and a small separate one on slice 9, of label 3.
  for (let k = 3; k <= 6; k++) doc.setRegion(LABEL, k, { rings: [rect(100, 120, 140, 150)] }, { kind: 'draw' });
  doc.setRegion(LABEL, 9, { rings: [rect(200, 200, 204, 204)] }, { kind: 'draw' });
  a.activeLabel = LABEL;
  a.slice = 4;
  await a.updateComplete;
  await frames(2);
  const changes: string[] = [];
  a.addEventListener('segmark-change', (e) => changes.push(e.detail.kind));
  return { a, root: a.shadowRoot!, doc, volume, changes };
}

async function openPopover(a: SegmarkAnnotator): Promise<HTMLElement> {
  const root = a.shadowRoot!;
  const button = root.querySelector<HTMLElement>('.refine-button')!;
  expect(button.getAttribute('aria-expanded')).toBe('false');
  await commands.pointerClicks([centre(button)]);
  await a.updateComplete;
  await frames(1);
  expect(button.getAttribute('aria-expanded')).toBe('true');
  return root.querySelector<HTMLElement>('.refine-popover')!;
}

/** Waits until `done` holds (the operation resolves after a microtask or two), at most ~2 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 120 && !done(); i++) await frames(1);
  expect(done()).toBe(true);
}

const pixels = (doc: AnnotationDocument, k: number, v: Volume) => rasterizeToMask(doc.regionAt(LABEL, k), v.columns, v.rows).reduce((n, x) => n + x, 0);

/** Pixels of a w × h rectangle grown by `mm` on slice offset dk, from the distance to the nearest pixel of the rectangle. */
function grownRect(w: number, h: number, mm: number, dk: number, [sx, sy, sz]: readonly [number, number, number]): number {
  let n = 0;
  const reach = Math.ceil(mm / Math.min(sx, sy)) + 1;
  for (let r = -reach; r < h + reach; r++) {
    for (let c = -reach; c < w + reach; c++) {
      const dc = c < 0 ? -c : c >= w ? c - w + 1 : 0;
      const dr = r < 0 ? -r : r >= h ? r - h + 1 : 0;
      if ((dc * sx) ** 2 + (dr * sy) ** 2 + (dk * sz) ** 2 <= mm * mm + 1e-9) n++;
    }
  }
  return n;
}

describe('the Refine popover', () => {
  it('REQ-ASSIST-REFINE-UI-1: opened with the mouse, Keep largest (Enter) and Grow by 2 mm (typed) act on the active label in 3-D; Escape closes it and the focus goes back', async () => {
    const { a, root, doc, volume, changes } = await open();
    const popover = await openPopover(a);
    expect(popover.getAttribute('role')).toBe('dialog');
    // The focus moved to the first operation: Keep largest.
    expect((root.activeElement as HTMLElement).dataset.command).toBe('refine.keep-largest');
    await commands.keyPress(['Enter']);
    await until(() => doc.slicesOf(LABEL).length === 4);
    expect(doc.slicesOf(LABEL)).toEqual([3, 4, 5, 6]);
    expect(changes).toContain('assist');
    expect(doc.canUndo).toBe(true);

    // The margin: type 2 mm, then Grow.
    const input = root.querySelector<HTMLInputElement>('.refine-popover input[name="marginMm"]')!;
    await commands.pointerClicks([centre(input)]);
    await commands.keyPress(['Control+a', '2']);
    await a.updateComplete;
    const before = pixels(doc, 4, volume);
    expect(before).toBe(40 * 30);
    await commands.pointerClicks([centre(root.querySelector('[data-command="refine.grow"]')!)]);
    await until(() => pixels(doc, 4, volume) > before);
    const spacing = volume.spacing;
    expect(pixels(doc, 4, volume)).toBe(grownRect(40, 30, 2, 0, spacing));
    const across = spacing[2] <= 2 ? [2, 3, 4, 5, 6, 7] : [3, 4, 5, 6];
    expect(doc.slicesOf(LABEL)).toEqual(across);
    for (const k of doc.slicesOf(LABEL)) {
      expect(doc.flagsAt(LABEL, k)).toEqual({ origin: 'assisted', verified: false });
      expect(doc.metaAt(LABEL, k)?.provenance).toMatchObject({ algorithm: 'margin', parameters: { mm: 2 } });
    }
    // One undo step per operation.
    expect(a.undo()).toBe(true);
    expect(pixels(doc, 4, volume)).toBe(before);

    // Escape closes the popover; the focus is back on its button.
    root.querySelector<HTMLElement>('[data-command="refine.grow"]')!.focus();
    await commands.keyPress(['Escape']);
    await a.updateComplete;
    expect(root.querySelector('.refine-popover')).toBeNull();
    expect(root.activeElement).toBe(root.querySelector('.refine-button'));
    expect(root.querySelector('.refine-button')!.getAttribute('aria-expanded')).toBe('false');
  });

  it('REQ-ASSIST-REFINE-UI-5: Keep clicked waits for a click on a view and keeps the island under it; Escape stops waiting', async () => {
    const { a, root, doc, changes } = await open();
    await openPopover(a);
    const keep = () => root.querySelector<HTMLElement>('[data-command="refine.keep-clicked"]')!;
    await commands.pointerClicks([centre(keep())]);
    await a.updateComplete;
    expect(keep().getAttribute('aria-pressed')).toBe('true');
    // Escape stops waiting (the popover stays open).
    await commands.keyPress(['Escape']);
    await a.updateComplete;
    expect(keep().getAttribute('aria-pressed')).toBe('false');
    await commands.pointerClicks([centre(keep())]);
    await a.updateComplete;
    // The small block on slice 9: its island is the one kept, though the large one is bigger.
    a.slice = 9;
    await a.updateComplete;
    await frames(2);
    const view = root.querySelector<SegmarkViewport>('segmark-viewport')!;
    const at = view.imageToClient(202, 202)!;
    await commands.pointerClicks([[at.x, at.y]]);
    await until(() => doc.slicesOf(LABEL).length === 1);
    expect(doc.slicesOf(LABEL)).toEqual([9]);
    expect(changes).toContain('assist');
    expect(a.undo()).toBe(true);
    expect(doc.slicesOf(LABEL)).toEqual([3, 4, 5, 6, 9]);
  });

  it('REQ-ASSIST-REFINE-UI-2: a locked label is refused with a notice; read-only disables the button', async () => {
    const { a, root, doc } = await open();
    doc.updateLabel(LABEL, { locked: true });
    const errors: string[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail.code));
    await openPopover(a);
    await commands.pointerClicks([centre(root.querySelector('[data-command="refine.median"]')!)]);
    await until(() => errors.length > 0);
    expect(errors).toEqual(['label-locked']);
    expect(doc.slicesOf(LABEL)).toEqual([3, 4, 5, 6, 9]);
    a.readonly = true;
    await a.updateComplete;
    expect(root.querySelector<HTMLButtonElement>('.refine-button')!.disabled).toBe(true);
    expect(root.querySelector('.refine-popover')).toBeNull();
  });

  it('REQ-ASSIST-REFINE-UI-4: at 900 px Refine is in the More menu; its popover opens in the menu’s flow, runs from there, and Escape closes only the popover', async () => {
    const { a, root, doc } = await open();
    a.style.width = '900px';
    await a.updateComplete;
    await frames(2);
    const button = root.querySelector<HTMLElement>('.refine-button')!;
    expect(button.checkVisibility(), 'in the closed More menu').toBe(false);
    await commands.pointerClicks([centre(root.querySelector('.more-button')!)]);
    await a.updateComplete;
    await frames(1);
    const popover = await openPopover(a);
    // The menu's popup is the outermost step not dissolved into the bar (.menu-s at this width).
    const popup = ['.menu-xs', '.menu-s', '.menu-m'].map((q) => root.querySelector<HTMLElement>(q)!).find((el) => getComputedStyle(el).display !== 'contents')!;
    expect(popup.contains(popover)).toBe(true);
    const menu = popup.getBoundingClientRect();
    const box = popover.getBoundingClientRect();
    expect(box.width).toBeGreaterThan(150);
    expect(box.left).toBeGreaterThanOrEqual(menu.left - 0.5);
    expect(box.right).toBeLessThanOrEqual(menu.right + 0.5);
    await commands.keyPress(['Enter']);
    await until(() => doc.slicesOf(LABEL).length === 4);
    await commands.keyPress(['Escape']);
    await a.updateComplete;
    expect(root.querySelector('.refine-popover')).toBeNull();
    expect(root.querySelector('.more-button')!.getAttribute('aria-expanded')).toBe('true');
    expect(root.activeElement).toBe(button);
  });

  it('REQ-ASSIST-REFINE-UI-3: axe passes with the popover open; in zh-CN the popover speaks Chinese', async () => {
    const { a, root } = await open('zh-CN');
    const popover = await openPopover(a);
    const result = await axe.run(a, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    expect(result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`))).toEqual([]);
    expect(root.querySelector('.refine-button')!.getAttribute('aria-label')).toBe('精修');
    expect(popover.getAttribute('aria-label')).toBe('三维精修当前标签');
    for (const text of ['孤岛', '平滑', '边距', '保留最大', '移除小块', '闭运算', '开运算', '中值', '扩大', '缩小', '最小孤岛（mm³）']) expect(popover.textContent).toContain(text);
    expect(popover.textContent).not.toMatch(/Keep|Grow|Shrink|Radius/);
  });
});
