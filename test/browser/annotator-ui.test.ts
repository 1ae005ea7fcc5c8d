/** The annotator's annotation chrome: shortcut sheet, paint mode, tool buttons and status messages. */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { SEGMARK_LABEL_SELECT } from '../../src/elements/events.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

async function open(lang = 'en'): Promise<SegmarkAnnotator> {
  const el = mountAnnotator({ width: 1100, height: 760, lang });
  await el.loadFiles(await sampleFiles(12));
  await frames(2);
  return el;
}

const key = (a: SegmarkAnnotator, k: string) => a.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));

describe('annotation chrome of <segmark-annotator>', () => {
  it('? opens the shortcut sheet listing every tool with its key; Escape closes it', async () => {
    const a = await open();
    key(a, '?');
    await a.updateComplete;
    const sheet = a.shadowRoot!.querySelector('[role="dialog"]')!;
    expect(sheet).not.toBeNull();
    const text = sheet.textContent!;
    for (const name of ['Freehand', 'Polygon', 'Livewire', 'Edit', 'Brush', 'Eraser', 'Threshold brush', 'Fill', 'Undo']) expect(text).toContain(name);
    sheet.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector('[role="dialog"]')).toBeNull();
  });

  it('the sheet speaks Chinese when lang is zh-CN', async () => {
    const a = await open('zh-CN');
    a.toggleShortcuts(true);
    await a.updateComplete;
    const text = a.shadowRoot!.querySelector('[role="dialog"]')!.textContent!;
    expect(text).toContain('键盘与鼠标');
    expect(text).toContain('画笔');
    expect(text).not.toContain('Previous / next slice');
  });

  it('tool buttons and keys pick tools; annotation tools are off while readonly', async () => {
    const a = await open();
    a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-tool="polygon"]')!.click();
    expect(a.tool).toBe('polygon');
    key(a, 'b');
    expect(a.tool).toBe('brush');
    key(a, 'w');
    expect(a.tool).toBe('window');
    a.readonly = true;
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-tool="brush"]')!.disabled).toBe(true);
    key(a, 'b');
    expect(a.tool).toBe('window');
  });

  it('"Background only" switches the document between painting over others and only over background', async () => {
    const a = await open();
    const button = a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="background-only"]')!;
    expect(button.getAttribute('aria-pressed')).toBe('false');
    button.click();
    await a.updateComplete;
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(a.getDocument()!.settings.paintMode).toBe('background-only');
    button.click();
    await a.updateComplete;
    expect(a.getDocument()!.settings.paintMode).toBe('over-others');
  });

  it('a fill on an open area outside the threshold range tells the user nothing was filled', async () => {
    const a = await open();
    a.tool = 'fill';
    // An open area is filled within the threshold range: one no pixel of the sample's body reaches.
    a.setThresholdRange({ min: 3000, max: 3071 });
    await frames(2);
    const host = a.shadowRoot!.querySelector('segmark-viewport')!.shadowRoot!.querySelector<HTMLElement>('.canvas-host')!;
    const r = host.getBoundingClientRect();
    const at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, button: 0, pointerId: 1, isPrimary: true };
    host.dispatchEvent(new PointerEvent('pointerdown', at));
    host.dispatchEvent(new PointerEvent('pointerup', at));
    await a.updateComplete;
    const notices = [...a.shadowRoot!.querySelectorAll('.notice.warning')].map((n) => n.textContent);
    expect(notices.some((t) => t?.includes('Nothing filled'))).toBe(true);
    expect(a.getDocument()!.regions).toEqual([]);
  });

  it('the threshold brush shows its HU range presets, and picking one sets the range it paints', async () => {
    const a = await open();
    expect(a.shadowRoot!.querySelector('select[data-action="threshold"]')).toBeNull();
    a.tool = 'threshold-brush';
    await a.updateComplete;
    const select = a.shadowRoot!.querySelector<HTMLSelectElement>('select[data-action="threshold"]')!;
    expect(select.value).toBe('disc');
    expect(select.textContent).toContain('50…150 HU');
    select.value = 'bone';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await a.updateComplete;
    const internals = a as unknown as { annotations: { tool(id: string): { range: { min: number; max: number } } } };
    expect(internals.annotations.tool('threshold-brush').range).toEqual({ min: 200, max: 3000 });
    a.setThresholdRange({ min: 60, max: 120 });
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector<HTMLSelectElement>('select[data-action="threshold"]')!.textContent).toContain('60…120 HU');
  });

  it('picking a label in the panel fires segmark-label-select {labelId} to the host page; cancelling it keeps the active label', async () => {
    const a = await open();
    const panel = a.shadowRoot!.querySelector('segmark-label-panel')!;
    await panel.updateComplete;
    const pick = (id: number) => panel.shadowRoot!.querySelector<HTMLButtonElement>(`li[data-id="${id}"] [data-control="select"]`)!.click();
    const [first, second, third] = a.getDocument()!.labels.map((l) => l.id);
    expect(a.activeLabel).toBe(first);
    const seen: CustomEvent<{ labelId: number }>[] = [];
    // On the page, outside the annotator: the event leaves its shadow root.
    const record = (e: HTMLElementEventMap[typeof SEGMARK_LABEL_SELECT]) => seen.push(e);
    document.body.addEventListener(SEGMARK_LABEL_SELECT, record);
    try {
      pick(second!);
      await a.updateComplete;
      expect(seen.map((e) => e.detail)).toEqual([{ labelId: second }]);
      expect(seen[0]!.target).toBe(a);
      expect([seen[0]!.bubbles, seen[0]!.composed, seen[0]!.cancelable]).toEqual([true, true, true]);
      expect(a.activeLabel).toBe(second);

      a.addEventListener(SEGMARK_LABEL_SELECT, (e) => e.preventDefault(), { once: true });
      pick(third!);
      await a.updateComplete;
      await panel.updateComplete;
      expect(seen.map((e) => e.detail.labelId)).toEqual([second, third]);
      expect(a.activeLabel).toBe(second);
      expect(panel.activeLabel).toBe(second);
    } finally {
      document.body.removeEventListener(SEGMARK_LABEL_SELECT, record);
    }
  });
});
