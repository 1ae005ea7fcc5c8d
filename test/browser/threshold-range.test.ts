/**
 * The threshold range in the interface, driven by the real mouse and keyboard
 * on the sample series: the numbers typed are the range the threshold brush
 * paints with, a drag on the histogram sets a range (and an edge dragged
 * moves only that edge), Fill fills a structure within the range, Escape
 * closes the popover, and the range follows the annotator across tools.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { fullestSlice, groundTruth, type Truth } from './support/ground-truth.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { floodRange } from '../../src/tools/fill.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import type { AnnotationToolId } from '../../src/tools/annotation-tool.js';
import { frames, sampleFiles } from './support/sample.js';

type Point = [number, number];
type Range = { min: number; max: number };

let filesCache: Promise<File[]> | undefined;
let el: SegmarkAnnotator | undefined;
afterEach(() => {
  el?.remove();
  el = undefined;
});

interface Internals {
  session: { volume: Volume | undefined; get(key: 'threshold'): Range & { partialVolume?: Range } };
  annotations: { tool(id: 'threshold-brush' | 'fill'): { range: Range } };
}

interface Opened {
  a: SegmarkAnnotator;
  root: ShadowRoot;
  truth: Truth;
  k: number;
  /** The disc's ground-truth mask on slice k. */
  disc: Uint8Array;
  /** HU of slice k. */
  values: Int16Array;
  internals: Internals;
  client(x: number, y: number): Point;
  /** Pixels of label 3 on slice k now. */
  painted(): Uint8Array;
}

/** The sample on the slice where L3/L4 (label 3) is fullest, label 3 active. */
async function open(options: { width?: number; theme?: 'light' | 'dark' } = {}): Promise<Opened> {
  const a = document.createElement('segmark-annotator');
  a.noAutosave = true;
  if (options.theme) a.setAttribute('theme', options.theme);
  el = a;
  a.style.cssText = `display:grid;width:${options.width ?? 1400}px;height:800px`;
  document.body.append(a);
  filesCache ??= sampleFiles();
  await a.loadFiles(await filesCache);
  const truth = await groundTruth();
  const { k, mask } = fullestSlice(truth, 3);
  a.slice = k;
  a.activeLabel = 3;
  a.applyPreset('spine');
  await a.updateComplete;
  await frames(3);
  const internals = a as unknown as Internals;
  const viewport = a.shadowRoot!.querySelector<SegmarkViewport>('segmark-viewport')!;
  return {
    a,
    root: a.shadowRoot!,
    truth,
    k,
    disc: mask,
    values: internals.session.volume!.sliceData[k]!,
    internals,
    client(x, y) {
      const p = viewport.imageToClient(x, y)!;
      return [p.x, p.y];
    },
    painted() {
      const r = a.getDocument()!.regions.find((e) => e.labelId === 3 && e.slice === k);
      return rasterizeToMask({ rings: r ? r.rings : [] }, truth.columns, truth.rows);
    },
  };
}

function centre(el: Element): Point {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}

async function pickTool(o: Opened, id: AnnotationToolId): Promise<void> {
  await commands.pointerClicks([centre(o.root.querySelector(`button[data-tool="${id}"]`)!)]);
  await o.a.updateComplete;
  expect(o.a.tool).toBe(id);
}

/** Opens the range's popover with the real mouse; the focus lands in its minimum. */
async function openPopover(o: Opened): Promise<void> {
  await commands.pointerClicks([centre(o.root.querySelector('.threshold-button')!)]);
  await o.a.updateComplete;
  await frames(1);
  expect(o.root.querySelector('.threshold-popover')).not.toBeNull();
}

/** The values of `mask`'s pixels, sorted. */
function valuesIn(o: Opened, mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(o.values[i]!);
  return out.sort((x, y) => x - y);
}

function centroid(mask: Uint8Array, columns: number): Point {
  let [sx, sy, n] = [0, 0, 0];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    sx += (i % columns) + 0.5;
    sy += Math.floor(i / columns) + 0.5;
    n++;
  }
  return [sx / n, sy / n];
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v ? 1 : 0;
  return n;
}

describe('the threshold range in the tool bar', () => {
  it('REQ-THRESH-UI-1: the min and max typed are the range the threshold brush paints with; Shift+arrow steps by 10; Escape closes', async () => {
    const o = await open();
    await pickTool(o, 'threshold-brush');
    await openPopover(o);
    const [minInput, maxInput] = [...o.root.querySelectorAll<HTMLInputElement>('.threshold-popover input')];
    expect(o.root.activeElement).toBe(minInput);
    // A range that takes some of the disc and leaves the rest: its middle half of HU.
    const disc = valuesIn(o, o.disc);
    const lo = disc[Math.floor(disc.length * 0.25)]!;
    const hi = disc[Math.floor(disc.length * 0.75)]!;
    await commands.keyPress(['Control+a', ...String(lo).split(''), 'Tab', 'Control+a', ...String(hi).split(''), 'Shift+Tab']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toMatchObject({ min: lo, max: hi });
    expect(o.internals.annotations.tool('threshold-brush').range).toMatchObject({ min: lo, max: hi });
    expect(o.root.querySelector('.threshold-button')!.textContent).toBe(`${lo}…${hi} HU`);
    expect(o.root.querySelector<HTMLSelectElement>('select[data-action="threshold"]')!.value).toBe('');

    // Shift+ArrowUp in the maximum: +10; ArrowDown: −1.
    maxInput!.focus();
    await commands.keyPress(['Shift+ArrowUp', 'ArrowDown']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toMatchObject({ min: lo, max: hi + 9 });
    await commands.keyPress(['Shift+ArrowDown']);
    await commands.keyPress(['ArrowUp']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toMatchObject({ min: lo, max: hi });

    await commands.keyPress(['Escape']);
    await o.a.updateComplete;
    expect(o.root.querySelector('.threshold-popover')).toBeNull();
    expect(o.root.activeElement).toBe(o.root.querySelector('.threshold-button'));
    expect(o.a.tool).toBe('threshold-brush');

    // A stroke across the disc's middle with a big brush: only pixels within [lo, hi] are painted.
    await commands.keyPress([']', ']', ']']);
    const [cx, cy] = centroid(o.disc, o.truth.columns);
    await commands.pointerPath([o.client(cx - 12, cy), o.client(cx, cy), o.client(cx + 12, cy)]);
    await o.a.updateComplete;
    const painted = o.painted();
    const got = valuesIn(o, painted);
    expect(got.length).toBeGreaterThan(20);
    expect(got[0]).toBeGreaterThanOrEqual(lo);
    expect(got.at(-1)).toBeLessThanOrEqual(hi);
  });

  it('REQ-THRESH-UI-2: a drag on the histogram sets the range; a drag from an edge moves that edge only', async () => {
    const o = await open();
    await pickTool(o, 'fill');
    await openPopover(o);
    const chart = o.root.querySelector<SVGSVGElement>('.threshold-popover svg.histogram')!;
    expect(chart.getAttribute('aria-label')).toMatch(/histogram/i);
    const box = chart.getBoundingClientRect();
    const y = box.top + box.height / 2;
    const at = (f: number): Point => [box.left + f * box.width, y];
    await commands.pointerPath([at(0.3), at(0.4), at(0.55)]);
    await o.a.updateComplete;
    const first = o.internals.session.get('threshold');
    expect(first.min).toBeLessThan(first.max);
    expect(o.root.querySelector('.threshold-popover')).not.toBeNull();
    // The HU at 30 % and 55 % of the slice's span (its own minimum to maximum).
    let [vmin, vmax] = [Infinity, -Infinity];
    for (const v of o.values) [vmin, vmax] = [Math.min(vmin, v), Math.max(vmax, v)];
    const span = vmax - vmin;
    expect(Math.abs(first.min - (vmin + 0.3 * span))).toBeLessThan(span * 0.03);
    expect(Math.abs(first.max - (vmin + 0.55 * span))).toBeLessThan(span * 0.03);
    // The shaded range is drawn where the range is.
    const shade = chart.querySelector('rect.range')!.getBoundingClientRect();
    expect(Math.abs(shade.left - at(0.3)[0])).toBeLessThan(4);

    // Drag the maximum's edge to the right: the minimum stays.
    await commands.pointerPath([[shade.right - 1, y], at(0.7), at(0.8)]);
    await o.a.updateComplete;
    const second = o.internals.session.get('threshold');
    expect(second.min).toBe(first.min);
    expect(Math.abs(second.max - (vmin + 0.8 * span))).toBeLessThan(span * 0.03);
    expect(o.internals.annotations.tool('fill').range).toEqual(second);
  });

  it('REQ-THRESH-UI-3: Fill clicked inside a structure within the range fills its connected pixels in range, one undo step', async () => {
    const o = await open();
    await pickTool(o, 'fill');
    // A preset, then the range of the disc's own HU (2nd to 98th percentile), typed.
    const disc = valuesIn(o, o.disc);
    const lo = disc[Math.floor(disc.length * 0.02)]!;
    const hi = disc[Math.floor(disc.length * 0.98)]!;
    await openPopover(o);
    const maxInput = o.root.querySelectorAll<HTMLInputElement>('.threshold-popover input')[1]!;
    maxInput.focus();
    await commands.keyPress(['Control+a', ...String(hi).split(''), 'Shift+Tab', 'Control+a', ...String(lo).split(''), 'Escape']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toMatchObject({ min: lo, max: hi });

    const [cx, cy] = centroid(o.disc, o.truth.columns);
    const start = Math.floor(cy) * o.truth.columns + Math.floor(cx);
    expect(o.values[start]! >= lo && o.values[start]! <= hi, 'the click is within the range').toBe(true);
    await commands.pointerClicks([o.client(cx, cy)]);
    await o.a.updateComplete;
    const filled = o.painted();
    // What was filled is the 4-connected pixels within the range around the click.
    const expected = floodRange(o.values, o.truth.columns, o.truth.rows, start, { min: lo, max: hi })!;
    let differ = 0;
    for (let i = 0; i < filled.length; i++) if (!!filled[i] !== !!expected[i]) differ++;
    expect(differ).toBe(0);
    // … which covers most of the disc.
    let inDisc = 0;
    for (let i = 0; i < filled.length; i++) if (filled[i] && o.disc[i]) inDisc++;
    expect(inDisc / count(o.disc)).toBeGreaterThan(0.8);
    expect(o.a.getDocument()!.regions.some((r) => r.labelId === 3 && r.slice === o.k)).toBe(true);
    o.a.undo();
    await o.a.updateComplete;
    expect(count(o.painted())).toBe(0);
  });

  it('REQ-THRESH-UI-4: the range is one for the annotator: a preset picked with Fill is the threshold brush\'s; zh-CN names it', async () => {
    const o = await open();
    await pickTool(o, 'fill');
    const select = o.root.querySelector<HTMLSelectElement>('select[data-action="threshold"]')!;
    select.value = 'bone';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await o.a.updateComplete;
    await pickTool(o, 'threshold-brush');
    expect(o.internals.annotations.tool('threshold-brush').range).toEqual({ min: 200, max: 3000 });
    expect(o.root.querySelector('.threshold-button')!.textContent).toBe('200…3000 HU');
    await pickTool(o, 'brush');
    expect(o.root.querySelector('.threshold')).toBeNull();
    o.a.lang = 'zh-CN';
    await pickTool(o, 'threshold-brush');
    await openPopover(o);
    expect(o.root.querySelector('.threshold-popover')!.getAttribute('aria-label')).toContain('阈值范围');
    expect(o.root.querySelector('.threshold-popover')!.textContent).toContain('最小值');
    expect(o.root.querySelector('svg.histogram')!.getAttribute('aria-label')).toContain('直方图');
  });
});

describe('the partial-volume edge of the one-click region', () => {
  it('REQ-THRESH-UI-6: the one-click tool shows the range; the disc preset brings its edge, which can be turned off and set', async () => {
    const o = await open();
    await pickTool(o, 'one-click');
    await openPopover(o);
    const toggle = o.root.querySelector<HTMLInputElement>('.partial-volume input[data-action="partial-volume"]')!;
    const ends = () => [...o.root.querySelectorAll<HTMLInputElement>('.partial-volume input[data-pv]')];
    expect(toggle.checked).toBe(true);
    expect(ends().map((e) => e.value)).toEqual(['0', '570']);
    expect(o.internals.session.get('threshold')).toEqual({ min: 50, max: 150, partialVolume: { min: 0, max: 570 } });

    await commands.pointerClicks([centre(toggle)]);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toEqual({ min: 50, max: 150 });
    expect(ends().every((e) => e.disabled)).toBe(true);

    await commands.pointerClicks([centre(toggle)]);
    await o.a.updateComplete;
    ends()[1]!.focus();
    await commands.keyPress(['Control+a', '5', '0', '0', 'Enter']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toEqual({ min: 50, max: 150, partialVolume: { min: 0, max: 500 } });
    // The range's own ends keep the edge.
    o.root.querySelector<HTMLInputElement>('.threshold-popover input[data-edge="max"]')!.focus();
    await commands.keyPress(['Control+a', '1', '4', '0', 'Enter']);
    await o.a.updateComplete;
    expect(o.internals.session.get('threshold')).toEqual({ min: 50, max: 140, partialVolume: { min: 0, max: 500 } });
  });
});

/** axe violations (WCAG 2.1 A and AA) on the annotator, as "rule: target" lines. */
async function violations(root: Element): Promise<string[]> {
  const result = await axe.run(root, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

describe('the threshold range popover: accessibility and narrow widths', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`REQ-THRESH-UI-5 (${theme}): the open popover passes axe, on the bar and, at 480 px, inside the More menu`, async () => {
      const o = await open({ theme });
      await pickTool(o, 'threshold-brush');
      await openPopover(o);
      expect(await violations(o.a)).toEqual([]);
      await commands.keyPress(['Escape']);
      await o.a.updateComplete;

      o.a.style.width = '480px';
      await o.a.updateComplete;
      await frames(2);
      const button = o.root.querySelector<HTMLElement>('.threshold-button')!;
      expect(button.checkVisibility(), 'the range is in the closed More menu').toBe(false);
      await commands.pointerClicks([centre(o.root.querySelector('.more-button')!)]);
      await o.a.updateComplete;
      await frames(1);
      expect(button.checkVisibility()).toBe(true);
      await commands.pointerClicks([centre(button)]);
      await o.a.updateComplete;
      await frames(1);
      const popover = o.root.querySelector<HTMLElement>('.threshold-popover')!;
      const menu = o.root.querySelector<HTMLElement>('.menu-xs')!.getBoundingClientRect();
      const box = popover.getBoundingClientRect();
      // In the menu's flow: within its width, not clipped to nothing.
      expect(box.width).toBeGreaterThan(150);
      expect(box.left).toBeGreaterThanOrEqual(menu.left - 0.5);
      expect(box.right).toBeLessThanOrEqual(menu.right + 0.5);
      expect(o.root.querySelector('.more-button')!.getAttribute('aria-expanded')).toBe('true');
      expect(await violations(o.a)).toEqual([]);
      // Escape closes the popover first, and leaves the menu open.
      await commands.keyPress(['Escape']);
      await o.a.updateComplete;
      expect(o.root.querySelector('.threshold-popover')).toBeNull();
      expect(o.root.querySelector('.more-button')!.getAttribute('aria-expanded')).toBe('true');
    });
  }
});
