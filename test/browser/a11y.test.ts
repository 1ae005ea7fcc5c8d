/**
 * Accessibility of the annotator, checked by axe-core (the checker browsers'
 * own audits build on) in real Chromium: names for every control, valid ARIA,
 * and text contrast in the light and the dark (reading room) theme; and
 * keyboard use: every control is reachable with Tab and shows a visible focus.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

async function open(theme: 'light' | 'dark', lang = 'en'): Promise<SegmarkAnnotator> {
  const el = mountAnnotator({ width: 1280, height: 860, lang });
  el.setAttribute('theme', theme);
  await el.loadFiles(await sampleFiles(12));
  await frames(2);
  return el;
}

/** axe violations on the annotator, as "rule: target" lines (empty when clean). */
async function violations(el: Element): Promise<string[]> {
  const result = await axe.run(el, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`));
}

/** The element that has focus, through shadow roots. */
function deepActive(): Element | null {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

describe('accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`REQ-A11Y-1: axe finds no WCAG 2.1 AA violation in the ${theme} theme (names, ARIA, contrast)`, async () => {
      const a = await open(theme);
      expect(await violations(a)).toEqual([]);
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`the mpr-3d layout (three plane views and the 3D view) passes axe in the ${theme} theme, in zh-CN too`, async () => {
      const a = await open(theme, theme === 'dark' ? 'zh-CN' : 'en');
      a.layout = 'mpr-3d';
      await a.updateComplete;
      await frames(3);
      expect(a.shadowRoot!.querySelectorAll('segmark-viewport')).toHaveLength(3);
      expect(await violations(a)).toEqual([]);
    });
  }

  it('REQ-A11Y-2: the export dialog and the shortcut sheet pass axe in zh-CN', async () => {
    const a = await open('dark', 'zh-CN');
    a.openExportDialog();
    await frames(3);
    expect(await violations(a)).toEqual([]);
    a.toggleShortcuts(true);
    await a.updateComplete;
    expect(await violations(a)).toEqual([]);
  });

  it('REQ-A11Y-3: Tab reaches every enabled toolbar and label-panel control, each with a visible focus indicator', async () => {
    const a = await open('dark');
    const controls = new Set<Element>();
    const collect = (root: ParentNode): void => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.matches('button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled])') && !el.closest('[hidden]')) {
          const box = el.getBoundingClientRect();
          if (box.width > 0 && box.height > 0 && (el as HTMLElement).tabIndex >= 0) controls.add(el);
        }
        if (el.shadowRoot) collect(el.shadowRoot);
      }
    };
    collect(a.shadowRoot!);
    expect(controls.size).toBeGreaterThan(15);

    const reached = new Set<Element>();
    const noFocusRing: string[] = [];
    (a.shadowRoot!.querySelector('button') as HTMLElement).focus();
    for (let i = 0; i < controls.size * 2 + 20 && reached.size < controls.size; i++) {
      const el = deepActive();
      if (el && controls.has(el) && !reached.has(el)) {
        reached.add(el);
        const style = getComputedStyle(el);
        const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        if (!ring) noFocusRing.push(`${el.localName}${el.getAttribute('aria-label') ? ` "${el.getAttribute('aria-label')}"` : ` "${el.textContent?.trim()}"`}`);
      }
      await userEvent.keyboard('{Tab}');
    }
    const missed = [...controls].filter((c) => !reached.has(c)).map((c) => `${c.localName} "${c.getAttribute('aria-label') ?? c.textContent?.trim()}"`);
    expect({ missed, noFocusRing }).toEqual({ missed: [], noFocusRing: [] });
  });

  it('REQ-A11Y-4: the side bar tabs follow the ARIA tab pattern (arrows move and show), and the Review and Work tabs pass axe', async () => {
    const a = mountAnnotator({ width: 1280, height: 860, autosave: true });
    a.user = 'a11y-check';
    await a.loadFiles(await sampleFiles(12));
    await frames(2);
    const tab = (id: string) => a.shadowRoot!.getElementById(`tab-${id}`)!;
    tab('labels').focus();
    await userEvent.keyboard('{ArrowRight}');
    await a.updateComplete;
    expect(deepActive()).toBe(tab('review'));
    expect(tab('review').getAttribute('aria-selected')).toBe('true');
    expect(a.shadowRoot!.getElementById('panel-review')!.hidden).toBe(false);
    expect(a.shadowRoot!.getElementById('panel-labels')!.hidden).toBe(true);
    expect(await violations(a)).toEqual([]);
    await userEvent.keyboard('{ArrowRight}');
    await a.updateComplete;
    expect(a.sideTab).toBe('work');
    expect(await violations(a)).toEqual([]);
    // From the last tab the arrow wraps to the first; the slice did not move while arrows went to the tabs.
    const slice = a.slice;
    await userEvent.keyboard('{ArrowRight}');
    await a.updateComplete;
    expect(a.sideTab).toBe('labels');
    expect(a.slice).toBe(slice);
  });
});
