/**
 * Issue 14, responsive: the annotator fits any box from 480×360 to
 * 2560×1440. In each box every toolbar command is on the one-row tool bar or
 * in its More menu (which opens with the keyboard's focus inside and closes
 * on Escape), the side panel's labels and the Review tab's Submit button can
 * be reached (docked, or in the drawer the tool bar opens), the main view
 * keeps a usable image, and nothing is clipped outside the element.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

const SIZES: readonly (readonly [number, number])[] = [
  [480, 360],
  [512, 512],
  [900, 700],
  [1024, 768],
  [1280, 720],
  [2560, 1440],
];

function inside(inner: DOMRect, outer: DOMRect): boolean {
  return inner.left >= outer.left - 0.5 && inner.top >= outer.top - 0.5 && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;
}

/** Shown inside the element's box and not covered: what is at its centre is it (or something inside it). */
function reachable(el: Element, box: DOMRect): boolean {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || !inside(r, box)) return false;
  const hit = (el.getRootNode() as ShadowRoot).elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && (hit === el || el.contains(hit));
}

/** Scrolls the panels that hold `el` (never the element itself, see `notScrolled`) until it is in view. */
function reveal(el: Element): void {
  el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** The annotator's own box and frame were not scrolled to show something: nothing sticks out of them. */
function notScrolled(a: SegmarkAnnotator): void {
  const frame = a.shadowRoot!.querySelector<HTMLElement>('[part="frame"]')!;
  const main = a.shadowRoot!.querySelector<HTMLElement>('.main')!;
  for (const el of [a, frame, main]) expect([el.scrollLeft, el.scrollTop], el.localName + '.' + el.className).toEqual([0, 0]);
}

async function settle(a: SegmarkAnnotator): Promise<void> {
  await a.updateComplete;
  await frames(2);
}

async function open(width: number, height: number): Promise<SegmarkAnnotator> {
  await page.viewport(Math.max(1280, width + 40), Math.max(800, height + 40));
  const a = mountAnnotator({ width, height });
  await a.loadFiles(await sampleFiles(12));
  await settle(a);
  return a;
}

/**
 * The tool bar is one row inside the box, nothing overflows it, every
 * command button is named and either on the bar or in the More menu, which
 * opens from the keyboard with the focus inside and shows them all. Returns
 * the commands found in the menu (the menu is closed again).
 */
async function checkToolbar(a: SegmarkAnnotator, box: DOMRect, alsoInMenu?: () => void): Promise<string[]> {
  const root = a.shadowRoot!;
  const toolbar = root.querySelector<HTMLElement>('[part="toolbar"]')!;
  expect(inside(toolbar.getBoundingClientRect(), box)).toBe(true);
  expect(toolbar.scrollWidth, 'toolbar overflows').toBeLessThanOrEqual(toolbar.clientWidth);
  expect(toolbar.getBoundingClientRect().height, 'one row').toBeLessThan(48);

  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button[data-command]')];
  expect(buttons.length).toBeGreaterThanOrEqual(30);
  for (const b of buttons) {
    // Icon or text, every button is named: the command's name, also in its tooltip.
    expect(b.getAttribute('aria-label'), b.dataset.command).toBeTruthy();
    expect(b.title, b.dataset.command).toContain(b.getAttribute('aria-label')!);
  }
  const onBar = buttons.filter((b) => reachable(b, box));
  expect(onBar.length, 'buttons on the bar').toBeGreaterThanOrEqual(8);
  const tops = onBar.map((b) => Math.round(b.getBoundingClientRect().top));
  expect(Math.max(...tops) - Math.min(...tops), 'buttons in one row').toBeLessThanOrEqual(3);
  for (const b of onBar) expect(inside(b.getBoundingClientRect(), toolbar.getBoundingClientRect()), b.dataset.command).toBe(true);
  const rest = buttons.filter((b) => !onBar.includes(b));
  const more = toolbar.querySelector<HTMLButtonElement>('button[aria-haspopup]');
  if (rest.length === 0) {
    if (more) expect(reachable(more, box), 'a More button with nothing in it').toBe(false);
    return [];
  }
  expect(more, `${rest.length} buttons neither on the bar nor in a More menu`).not.toBeNull();
  expect(reachable(more!, box)).toBe(true);
  expect(more!.getAttribute('aria-label')).toBeTruthy();
  expect(more!.getAttribute('aria-expanded')).toBe('false');
  const menu = root.getElementById(more!.getAttribute('aria-controls') ?? '');
  expect(menu).not.toBeNull();
  more!.focus();
  await userEvent.keyboard('{Enter}');
  await settle(a);
  expect(more!.getAttribute('aria-expanded')).toBe('true');
  expect(menu!.contains(root.activeElement), 'focus moves into the menu').toBe(true);
  for (const b of rest) {
    expect(menu!.contains(b), b.dataset.command).toBe(true);
    reveal(b);
    expect(reachable(b, box), `${b.dataset.command} in the open menu`).toBe(true);
  }
  alsoInMenu?.();
  notScrolled(a);
  await userEvent.keyboard('{Escape}');
  await settle(a);
  expect(more!.getAttribute('aria-expanded')).toBe('false');
  return rest.map((b) => b.dataset.command!);
}

describe('the annotator in boxes from 480×360 to 2560×1440', () => {
  for (const [width, height] of SIZES) {
    it(`REQ-RESP-1 ${width}×${height}: the tool bar is one row; every command is on it or in the More menu, which the keyboard opens and Escape closes`, async () => {
      const a = await open(width, height);
      const box = a.getBoundingClientRect();
      expect([Math.round(box.width), Math.round(box.height)]).toEqual([width, height]);
      const rest = await checkToolbar(a, box);
      if (width >= 2000) expect(rest, 'in the More menu at 2000 px and wider').toEqual([]);
      if (rest.length === 0) return;
      const root = a.shadowRoot!;
      const more = root.querySelector<HTMLButtonElement>('[part="toolbar"] button[aria-haspopup]')!;
      const menu = root.getElementById(more.getAttribute('aria-controls')!)!;
      // Arrows move through the menu (and not through the slices); Escape closes it and gives the focus back.
      more.focus();
      await userEvent.keyboard('{Enter}');
      await settle(a);
      const slice = a.slice;
      const first = root.activeElement;
      await userEvent.keyboard('{ArrowDown}');
      expect(root.activeElement).not.toBe(first);
      expect(menu.contains(root.activeElement)).toBe(true);
      expect(a.slice).toBe(slice);
      await userEvent.keyboard('{Escape}');
      await settle(a);
      expect(more.getAttribute('aria-expanded')).toBe('false');
      expect(root.activeElement).toBe(more);
      const commandsOf = (buttons: HTMLButtonElement[]) => buttons.map((b) => b.dataset.command);
      const shown = [...root.querySelectorAll<HTMLButtonElement>('[part="toolbar"] button[data-command]')].filter((b) => reachable(b, box));
      expect(commandsOf(shown).filter((c) => rest.includes(c!))).toEqual([]);

      // A command run from the menu closes it.
      more.click();
      await settle(a);
      const pick = ['invert', 'preset.bone', 'shortcuts'].find((c) => rest.includes(c));
      const fromMenu = menu.querySelector<HTMLButtonElement>(`button[data-command="${pick}"]`)!;
      expect(reachable(fromMenu, box)).toBe(true);
      fromMenu.click();
      await settle(a);
      expect(more.getAttribute('aria-expanded')).toBe('false');
      expect(reachable(fromMenu, box)).toBe(false);
    });

    it(`REQ-RESP-3 ${width}×${height}: with the threshold brush's range list and both PACS buttons, the bar still fits and everything is reachable`, async () => {
      const a = await open(width, height);
      a.tool = 'threshold-brush';
      // As after loadDicomWeb: Save to PACS and the PACS segmentations join the files group.
      (a as unknown as { session: { set(key: 'pacs', value: unknown): void } }).session.set('pacs', {
        source: { root: '/dicom-web' },
        series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3' },
      });
      await settle(a);
      const box = a.getBoundingClientRect();
      const root = a.shadowRoot!;
      expect(root.querySelectorAll('[part="toolbar"] [data-command="save-to-pacs"], [part="toolbar"] [data-command="pacs-segmentations"]').length).toBe(2);
      const range = root.querySelector<HTMLSelectElement>('[part="toolbar"] select[data-action="threshold"]')!;
      expect(range).not.toBeNull();
      const onBar = reachable(range, box);
      const rest = await checkToolbar(a, box, () => {
        if (!onBar) {
          reveal(range);
          expect(reachable(range, box), 'the range list in the open menu').toBe(true);
        }
      });
      if (width >= 2000) expect(rest).toEqual([]);
    });

    it(`REQ-RESP-2 ${width}×${height}: the labels and the Review tab's Submit can be reached, docked or in the drawer; the main view keeps its image`, async () => {
      const a = await open(width, height);
      const box = a.getBoundingClientRect();
      const root = a.shadowRoot!;
      const toolbar = root.querySelector<HTMLElement>('[part="toolbar"]')!;

      const canvas = root.querySelector('[part="viewport"]')!.shadowRoot!.querySelector('canvas')!;
      const image = canvas.getBoundingClientRect();
      expect(image.width, 'image width').toBeGreaterThanOrEqual(200);
      expect(image.height, 'image height').toBeGreaterThanOrEqual(150);
      expect(inside(image, box)).toBe(true);
      expect(reachable(canvas, box), 'nothing lies over the closed-drawer image').toBe(true);

      const side = root.querySelector<HTMLElement>('[part="side"]')!;
      const labelsTab = side.querySelector<HTMLElement>('#tab-labels')!;
      let toggle: HTMLButtonElement | null = null;
      if (!reachable(labelsTab, box)) {
        // A drawer: the tool bar's button opens it, the focus goes into it.
        expect(side.id).not.toBe('');
        toggle = toolbar.querySelector<HTMLButtonElement>(`button[aria-controls="${side.id}"]`);
        expect(toggle, 'the side panel is hidden and no button opens it').not.toBeNull();
        expect(reachable(toggle!, box)).toBe(true);
        expect(toggle!.getAttribute('aria-label')).toBeTruthy();
        expect(toggle!.getAttribute('aria-expanded')).toBe('false');
        toggle!.click();
        await settle(a);
        expect(toggle!.getAttribute('aria-expanded')).toBe('true');
        expect(side.contains(root.activeElement), 'focus in the drawer').toBe(true);
        expect(reachable(labelsTab, box)).toBe(true);
        // It lies over the stage's right side.
        const drawer = side.getBoundingClientRect();
        expect(drawer.right).toBeCloseTo(box.right, 0);
        expect(drawer.width).toBeLessThan(box.width);
      } else {
        // Docked: the bar's drawer button is not shown.
        expect([...toolbar.querySelectorAll(`button[aria-controls="${side.id || '-'}"]`)].filter((b) => reachable(b, box))).toEqual([]);
      }
      if (width >= 1024) expect(toggle, 'docked from 1024 px on').toBeNull();
      if (width <= 512) expect(toggle, 'a drawer in a small box').not.toBeNull();
      if (width >= 2000) {
        // The views take the room: the side bar grows only a little.
        expect(side.getBoundingClientRect().width).toBeLessThanOrEqual(380.5);
        expect(image.width).toBeGreaterThan(width - 420);
      }

      const panel = side.querySelector('segmark-label-panel')!;
      const items = [...panel.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
      expect(items.length).toBeGreaterThanOrEqual(5);
      for (const item of items) {
        const name = item.querySelector<HTMLElement>('[part="name"]')!;
        reveal(name);
        expect(reachable(name, box), `label ${name.textContent}`).toBe(true);
      }

      side.querySelector<HTMLButtonElement>('#tab-review')!.click();
      await settle(a);
      const submit = side.querySelector('segmark-review-panel')!.shadowRoot!.querySelector<HTMLButtonElement>('button[data-status="submitted"]')!;
      expect(submit).not.toBeNull();
      reveal(submit);
      expect(reachable(submit, box), 'Submit').toBe(true);
      notScrolled(a);

      if (toggle) {
        // Escape in the drawer closes it and gives the focus back to its button.
        submit.focus();
        await userEvent.keyboard('{Escape}');
        await settle(a);
        expect(toggle.getAttribute('aria-expanded')).toBe('false');
        expect(root.activeElement).toBe(toggle);
        expect(reachable(submit, box)).toBe(false);
        expect(reachable(canvas, box)).toBe(true);
      }
    });
  }
});

describe('the tool bar at every width', () => {
  for (const lang of ['en', 'zh-CN']) {
    it(`REQ-RESP-4 (${lang}): from 480 to 2600 px, with and without the range list and the PACS buttons, the bar is one row and never overflows`, async () => {
      await page.viewport(2640, 800);
      const a = mountAnnotator({ width: 480, height: 600, lang });
      await a.loadFiles(await sampleFiles(4));
      await settle(a);
      const toolbar = a.shadowRoot!.querySelector<HTMLElement>('[part="toolbar"]')!;
      const session = (a as unknown as { session: { set(key: 'pacs', value: unknown): void } }).session;
      const overflows: string[] = [];
      for (const worst of [false, true]) {
        a.tool = worst ? 'threshold-brush' : 'window';
        session.set('pacs', worst ? { source: { root: '/dicom-web' }, series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3' } } : undefined);
        for (let width = 480; width <= 2600; width += 40) {
          a.style.width = `${width}px`;
          await settle(a);
          const bar = toolbar.getBoundingClientRect();
          const shown = [...toolbar.querySelectorAll<HTMLElement>('.group, .urls, .wl, .more-button, .side-toggle')].filter((el) => el.checkVisibility() && !el.closest('[data-open]'));
          const outside = shown.filter((el) => el.getBoundingClientRect().right > bar.right + 0.5).map((el) => el.className);
          if (toolbar.scrollWidth > toolbar.clientWidth || bar.height >= 48 || outside.length)
            overflows.push(`${width}${worst ? ' (range list, PACS)' : ''}: ${toolbar.scrollWidth} > ${toolbar.clientWidth}, height ${bar.height} ${outside.join(' ')}`);
        }
      }
      expect(overflows).toEqual([]);
    });
  }
});

/** axe violations (WCAG 2.1 A and AA) on the annotator, as "rule: target" lines. */
async function violations(el: Element): Promise<string[]> {
  const result = await axe.run(el, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

describe('accessibility of the narrow layout', () => {
  for (const theme of ['dark', 'light'] as const) {
    for (const lang of ['en', 'zh-CN']) {
      it(`REQ-RESP-5 (${theme}, ${lang}): at 480×360 the open More menu and the open drawer pass axe`, async () => {
        await page.viewport(1280, 800);
        const a = mountAnnotator({ width: 480, height: 360, lang });
        a.setAttribute('theme', theme);
        await a.loadFiles(await sampleFiles(4));
        await settle(a);
        const root = a.shadowRoot!;
        root.querySelector<HTMLButtonElement>('.more-button')!.click();
        await settle(a);
        expect(root.querySelector('.more-button')!.getAttribute('aria-expanded')).toBe('true');
        expect(await violations(a)).toEqual([]);
        root.querySelector<HTMLButtonElement>('.side-toggle')!.click();
        await settle(a);
        expect(root.querySelector('.side-toggle')!.getAttribute('aria-expanded')).toBe('true');
        expect(await violations(a)).toEqual([]);
      });
    }
  }
});
