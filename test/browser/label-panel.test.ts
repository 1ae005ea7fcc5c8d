/**
 * <segmark-label-panel> driven like a user (clicks, typing, keys) in real
 * Chromium, over a real AnnotationDocument with the Clipper region ops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { AnnotationDocument, type RegionOps } from '../../src/core/annotation/document.js';
import { LABEL_PALETTE } from '../../src/core/annotation/labels.js';
import { differenceRegions, unionRegions } from '../../src/core/annotation/region-ops.js';
import { isEmptyRegion, type Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { define } from '../../src/elements/define.js';
import { LabelStats, sliceRanges } from '../../src/elements/segmark-label-panel/label-stats.js';
import { LABEL_SELECT, type LabelSelectDetail } from '../../src/elements/events.js';
import { SegmarkLabelPanel } from '../../src/elements/segmark-label-panel/segmark-label-panel.js';
import { strings, type StringKey } from '../../src/text/ui.js';

define('segmark-label-panel', SegmarkLabelPanel);

const ops: RegionOps = { union: unionRegions, difference: differenceRegions, isEmpty: isEmptyRegion };

function makeDoc(slices = 4, columns = 64, rows = 48): AnnotationDocument {
  const sopInstanceUIDs = Array.from({ length: slices }, (_, i) => `1.2.826.0.1.3680043.8.498.${i + 1}`);
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', sopInstanceUIDs, rows, columns, slices },
    ops,
  });
}

/** An axis-aligned rectangle `w` px wide (x, columns) and `h` px tall (y, rows). */
const rect = (x: number, y: number, w: number, h: number): Region => ({ rings: [[x, y, x + w, y, x + w, y + h, x, y + h]] });

let panel: SegmarkLabelPanel | undefined;
afterEach(() => {
  panel?.remove();
  panel = undefined;
});

async function mount(doc: AnnotationDocument | undefined, init: Partial<SegmarkLabelPanel> = {}): Promise<SegmarkLabelPanel> {
  panel = document.createElement('segmark-label-panel');
  panel.style.width = '280px';
  Object.assign(panel, { document: doc, ...init });
  document.body.append(panel);
  await panel.updateComplete;
  return panel;
}

const root = (p: SegmarkLabelPanel) => p.shadowRoot!;
const item = (p: SegmarkLabelPanel, id: number) => root(p).querySelector<HTMLElement>(`li[data-id="${id}"]`)!;
const control = <T extends HTMLElement = HTMLButtonElement>(p: SegmarkLabelPanel, id: number, name: string) =>
  item(p, id).querySelector<T>(`[data-control="${name}"]`)!;
const names = (p: SegmarkLabelPanel) => [...root(p).querySelectorAll('.name')].map((b) => b.textContent!.trim());
const stat = (p: SegmarkLabelPanel, id: number, name: string) => item(p, id).querySelector(`[data-stat="${name}"]`)!.textContent!.trim();
const settle = async (p: SegmarkLabelPanel) => {
  await p.updateComplete;
  await p.updateComplete;
};

describe('label list', () => {
  it('shows the labels in document order with swatch, name, toggles, opacity and stats parts', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'Disc', color: [255, 0, 0] });
    doc.addLabel({ name: 'Canal', opacity: 0.3, display: 'outline', visible: false, locked: true });
    const p = await mount(doc, { activeLabel: 2 });
    expect(names(p)).toEqual(['Disc', 'Canal']);
    expect(control<HTMLInputElement>(p, 1, 'color').value).toBe('#ff0000');
    expect(control<HTMLInputElement>(p, 2, 'opacity').value).toBe('30');
    expect(control(p, 2, 'visible').getAttribute('aria-pressed')).toBe('false');
    expect(control(p, 2, 'lock').getAttribute('aria-pressed')).toBe('true');
    expect(control(p, 2, 'display').getAttribute('aria-pressed')).toBe('true');
    for (const part of ['item', 'swatch', 'name', 'stats']) expect(item(p, 1).querySelector(`[part~="${part}"]`)).not.toBeNull();
    expect(item(p, 2).querySelector('[part~="item"]')!.getAttribute('part')).toBe('item active');
    expect(control(p, 2, 'select').getAttribute('aria-pressed')).toBe('true');
    expect(control(p, 1, 'select').getAttribute('aria-pressed')).toBe('false');
  });

  it('picking a label fires sm-label-select {labelId}, bubbling but not composed (an internal event), and makes it active', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'A' });
    doc.addLabel({ name: 'B' });
    const p = await mount(doc, { activeLabel: 1 });
    const seen: CustomEvent<LabelSelectDetail>[] = [];
    document.body.addEventListener(LABEL_SELECT, (e) => seen.push(e), { once: true });
    await userEvent.click(control(p, 2, 'select'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.detail).toEqual({ labelId: 2 });
    expect(seen[0]!.bubbles).toBe(true);
    // Internal events never cross a shadow root; the annotator passes the pick on as segmark-label-select.
    expect(seen[0]!.composed).toBe(false);
    await p.updateComplete;
    expect(p.activeLabel).toBe(2);
    expect(p.getAttribute('active-label')).toBe('2');
  });

  it('a cancelled sm-label-select leaves the active label alone', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'A' });
    doc.addLabel({ name: 'B' });
    const p = await mount(doc, { activeLabel: 1 });
    p.addEventListener(LABEL_SELECT, (e) => e.preventDefault(), { once: true });
    control(p, 2, 'select').click();
    expect(p.activeLabel).toBe(1);
  });

  it('shows a hint without a document and without labels', async () => {
    const p = await mount(undefined);
    expect(root(p).textContent).toContain(strings('en').labelNoDocument);
    expect(root(p).querySelector<HTMLButtonElement>('[part="create"]')!.disabled).toBe(true);
    p.document = makeDoc();
    await p.updateComplete;
    expect(root(p).textContent).toContain(strings('en').labelNone);
  });
});

describe('label edits through the UI are document edits, and undo restores them', () => {
  it('create: next free id and next palette colour, selected; undo removes it', async () => {
    const doc = makeDoc();
    doc.addLabel({ id: 2, name: 'Existing' });
    const p = await mount(doc);
    const selected: number[] = [];
    p.addEventListener(LABEL_SELECT, (e) => selected.push(e.detail.labelId));
    await userEvent.click(root(p).querySelector<HTMLButtonElement>('[part="create"]')!);
    await p.updateComplete;
    expect(doc.labels.map((l) => l.id)).toEqual([2, 1]);
    expect(doc.label(1)!.name).toBe('Label 1');
    expect(doc.label(1)!.color).toEqual(LABEL_PALETTE[1]); // palette[0] is taken by label 2
    expect(selected).toEqual([1]);
    expect(names(p)).toEqual(['Existing', 'Label 1']);
    expect(doc.undo()).toBe(true);
    await p.updateComplete;
    expect(names(p)).toEqual(['Existing']);
  });

  it('rename: the inline field commits on Enter, cancels on Escape; undo restores the name', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'Disc' });
    const p = await mount(doc, { activeLabel: 1 });
    await userEvent.click(control(p, 1, 'rename'));
    await settle(p);
    const input = item(p, 1).querySelector<HTMLInputElement>('.name-input')!;
    expect(root(p).activeElement).toBe(input);
    await userEvent.keyboard('{Control>}a{/Control}L4/L5 disc{Enter}');
    await settle(p);
    expect(doc.label(1)!.name).toBe('L4/L5 disc');
    expect(names(p)).toEqual(['L4/L5 disc']);
    expect(root(p).activeElement).toBe(control(p, 1, 'select'));

    control(p, 1, 'select').focus();
    await userEvent.keyboard('{F2}');
    await settle(p);
    await userEvent.keyboard('{Control>}a{/Control}Nope{Escape}');
    await settle(p);
    expect(doc.label(1)!.name).toBe('L4/L5 disc');
    expect(item(p, 1).querySelector('.name-input')).toBeNull();

    expect(doc.undo()).toBe(true);
    expect(doc.label(1)!.name).toBe('Disc');
    await p.updateComplete;
    expect(names(p)).toEqual(['Disc']);
  });

  it('recolour through the colour input; undo restores the colour', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'Disc', color: [230, 159, 0] });
    const p = await mount(doc);
    const input = control<HTMLInputElement>(p, 1, 'color');
    input.value = '#123456';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(doc.label(1)!.color).toEqual([0x12, 0x34, 0x56]);
    doc.undo();
    await p.updateComplete;
    expect(doc.label(1)!.color).toEqual([230, 159, 0]);
    expect(control<HTMLInputElement>(p, 1, 'color').value).toBe('#e69f00');
  });

  it('lock toggles and is undoable; a locked label cannot be deleted', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'Disc' });
    const p = await mount(doc);
    await userEvent.click(control(p, 1, 'lock'));
    await p.updateComplete;
    expect(doc.label(1)!.locked).toBe(true);
    expect(control(p, 1, 'lock').getAttribute('aria-pressed')).toBe('true');
    expect(control(p, 1, 'delete').disabled).toBe(true);
    doc.undo();
    await p.updateComplete;
    expect(doc.label(1)!.locked).toBe(false);
    expect(control(p, 1, 'delete').disabled).toBe(false);
  });

  it('visible, outline and opacity change the label look (announced, not undo steps by the document design)', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'Disc' });
    const changes: string[] = [];
    doc.subscribe((c) => changes.push(`${c.labelId}:${c.kind}`));
    const p = await mount(doc);
    const undoBefore = doc.undoLabel;
    await userEvent.click(control(p, 1, 'visible'));
    await userEvent.click(control(p, 1, 'display'));
    const slider = control<HTMLInputElement>(p, 1, 'opacity');
    slider.value = '20';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await p.updateComplete;
    expect(doc.label(1)).toMatchObject({ visible: false, display: 'outline', opacity: 0.2 });
    expect(changes).toEqual(['1:label', '1:label', '1:label']);
    expect(control(p, 1, 'visible').getAttribute('aria-pressed')).toBe('false');
    expect(control(p, 1, 'display').getAttribute('aria-pressed')).toBe('true');
    expect(doc.undoLabel).toBe(undoBefore); // still "Add label Disc"
    await userEvent.click(control(p, 1, 'visible'));
    expect(doc.label(1)!.visible).toBe(true);
  });

  it('delete needs a second click; leaving the button cancels; undo brings the label and its regions back', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'A' });
    doc.addLabel({ name: 'B' });
    doc.setRegion(1, 2, rect(4, 4, 8, 8), { kind: 'draw' });
    const p = await mount(doc, { activeLabel: 1 });
    const selected: number[] = [];
    p.addEventListener(LABEL_SELECT, (e) => selected.push(e.detail.labelId));
    await userEvent.click(control(p, 1, 'delete'));
    await p.updateComplete;
    expect(doc.labels).toHaveLength(2);
    expect(control(p, 1, 'delete').getAttribute('aria-label')).toBe(strings('en').labelConfirmDelete);
    control(p, 1, 'delete').dispatchEvent(new FocusEvent('blur'));
    await p.updateComplete;
    expect(control(p, 1, 'delete').getAttribute('aria-label')).toBe(strings('en').labelDelete);

    await userEvent.click(control(p, 1, 'delete'));
    await userEvent.click(control(p, 1, 'delete'));
    await p.updateComplete;
    expect(doc.labels.map((l) => l.name)).toEqual(['B']);
    expect(selected).toEqual([2]);
    expect(p.activeLabel).toBe(2);
    doc.undo();
    await p.updateComplete;
    expect(names(p)).toEqual(['A', 'B']);
    expect(doc.slicesOf(1)).toEqual([2]);
  });

  it('reorder with move buttons, Alt+Arrow and drag handles; undo restores the order', async () => {
    const doc = makeDoc();
    for (const name of ['A', 'B', 'C']) doc.addLabel({ name });
    const p = await mount(doc, { activeLabel: 1 });
    expect(control(p, 1, 'up').disabled).toBe(true);
    expect(control(p, 3, 'down').disabled).toBe(true);
    await userEvent.click(control(p, 1, 'down'));
    await settle(p);
    expect(names(p)).toEqual(['B', 'A', 'C']);
    expect(root(p).activeElement).toBe(control(p, 1, 'down')); // focus follows the moved label
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    await settle(p);
    expect(names(p)).toEqual(['B', 'C', 'A']);
    expect(root(p).activeElement).toBe(control(p, 1, 'up')); // 'down' is disabled at the end

    // Drag A (last) onto the top half of B (first).
    const transfer = new DataTransfer();
    item(p, 1).querySelector('.handle')!.dispatchEvent(new DragEvent('dragstart', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    const target = item(p, 2);
    const box = target.getBoundingClientRect();
    const at = { dataTransfer: transfer, bubbles: true, cancelable: true, clientX: box.left + 10, clientY: box.top + 2 };
    target.dispatchEvent(new DragEvent('dragover', at));
    await p.updateComplete;
    expect(target.classList.contains('drop-before')).toBe(true);
    target.dispatchEvent(new DragEvent('drop', at));
    await p.updateComplete;
    expect(names(p)).toEqual(['A', 'B', 'C']);

    doc.undo();
    doc.undo();
    doc.undo();
    await p.updateComplete;
    expect(names(p)).toEqual(['A', 'B', 'C']);
    expect(doc.canUndo).toBe(true); // the three adds remain
    doc.redo();
    await p.updateComplete;
    expect(names(p)).toEqual(['B', 'A', 'C']);
  });

  it('apply template from the menu: 11 lumbar labels in one undo step; again, all 11 are left out with a notice', async () => {
    const doc = makeDoc();
    const p = await mount(doc);
    const trigger = root(p).querySelector<HTMLButtonElement>('[data-control="template"]')!;
    await userEvent.click(trigger);
    await settle(p);
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    const first = root(p).querySelector<HTMLElement>('[role="menuitem"]')!;
    expect(root(p).activeElement).toBe(first);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}'); // wraps back to the first item (lumbar)
    expect(root(p).activeElement).toBe(first);
    await userEvent.keyboard('{Enter}');
    await settle(p);
    expect(doc.labels.map((l) => l.name)).toEqual(LUMBAR_SPINE_TEMPLATE.labels.map((l) => l.name));
    expect(doc.labels.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(root(p).querySelectorAll('li')).toHaveLength(11);
    expect(p.activeLabel).toBe(1);
    expect(root(p).querySelector('[role="menu"]')).toBeNull();

    await userEvent.click(trigger);
    await settle(p);
    await userEvent.click(root(p).querySelector<HTMLElement>('[data-template="lumbar-spine"]')!);
    await p.updateComplete;
    expect(doc.labels).toHaveLength(11);
    expect(root(p).querySelector('[part="notice"]')!.textContent).toBe(strings('en').labelTemplateSkipped.replace('{count}', '11'));

    expect(doc.undo()).toBe(true);
    await p.updateComplete;
    expect(doc.labels).toHaveLength(0);
  });

  it('the template menu closes on Escape and returns focus to its button', async () => {
    const p = await mount(makeDoc());
    const trigger = root(p).querySelector<HTMLButtonElement>('[data-control="template"]')!;
    trigger.focus();
    await userEvent.keyboard('{ArrowDown}');
    await settle(p);
    expect(root(p).activeElement?.getAttribute('role')).toBe('menuitem');
    await userEvent.keyboard('{Escape}');
    await settle(p);
    expect(root(p).querySelector('[role="menu"]')).toBeNull();
    expect(root(p).activeElement).toBe(trigger);
  });

  it('readonly disables every edit but keeps selection and the look', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'A' });
    doc.addLabel({ name: 'B' });
    const p = await mount(doc, { readonly: true, activeLabel: 1 });
    for (const sel of ['[part="create"]', '[data-control="template"]']) {
      expect(root(p).querySelector<HTMLButtonElement>(sel)!.disabled).toBe(true);
    }
    for (const c of ['color', 'lock', 'rename', 'up', 'down', 'delete']) expect(control(p, 1, c).disabled, c).toBe(true);
    control(p, 1, 'select').focus();
    await userEvent.keyboard('{F2}{Alt>}{ArrowDown}{/Alt}');
    await p.updateComplete;
    expect(item(p, 1).querySelector('.name-input')).toBeNull();
    expect(names(p)).toEqual(['A', 'B']);
    await userEvent.click(control(p, 2, 'visible'));
    expect(doc.label(2)!.visible).toBe(false);
    await userEvent.click(control(p, 2, 'select'));
    expect(p.activeLabel).toBe(2);
  });
});

describe('keyboard', () => {
  it('ArrowUp/Down/Home/End move the active label and focus; only the active row is in the tab order', async () => {
    const doc = makeDoc();
    for (const name of ['A', 'B', 'C']) doc.addLabel({ name });
    const p = await mount(doc, { activeLabel: 1 });
    expect(control(p, 1, 'visible').tabIndex).toBe(0);
    expect(control(p, 2, 'visible').tabIndex).toBe(-1);
    const selected: number[] = [];
    p.addEventListener(LABEL_SELECT, (e) => selected.push(e.detail.labelId));
    control(p, 1, 'select').focus();
    await userEvent.keyboard('{ArrowDown}');
    await settle(p);
    expect(p.activeLabel).toBe(2);
    expect(root(p).activeElement).toBe(control(p, 2, 'select'));
    expect(control(p, 2, 'visible').tabIndex).toBe(0);
    expect(control(p, 1, 'visible').tabIndex).toBe(-1);
    await userEvent.keyboard('{End}');
    await settle(p);
    await userEvent.keyboard('{ArrowDown}'); // stays at the end
    await settle(p);
    control(p, 3, 'visible').focus();
    await userEvent.keyboard('{ArrowUp}'); // keeps focus on the same kind of control
    await settle(p);
    expect(root(p).activeElement).toBe(control(p, 2, 'visible'));
    await userEvent.keyboard('{Home}');
    await settle(p);
    expect(selected).toEqual([2, 3, 2, 1]);
    expect(root(p).activeElement).toBe(control(p, 1, 'visible'));
    // Tab walks through the active row's controls.
    await userEvent.keyboard('{Tab}');
    expect(root(p).activeElement).toBe(control(p, 1, 'lock'));
  });

  it('every control has an accessible name', async () => {
    const doc = makeDoc();
    doc.addLabel({ name: 'A' });
    const p = await mount(doc, { activeLabel: 1 });
    for (const el of root(p).querySelectorAll<HTMLElement>('button, input')) {
      const name = el.getAttribute('aria-label') ?? el.textContent!.trim();
      expect(name, el.outerHTML).not.toBe('');
    }
  });
});

describe('stats', () => {
  // A 10 × 20 px rectangle (10 columns wide, 20 rows tall) at PixelSpacing [Δrow 0.5, Δcol 0.8] mm:
  // area 200 px × 0.4 mm² = 80 mm²; perimeter 2 × (10 × 0.8 + 20 × 0.5) = 36 mm;
  // pixel centres (c + 0.5) inside: exactly 10 × 20 = 200 px per slice;
  // two slices at 2.5 mm: 400 voxels × (0.5 × 0.8 × 2.5 = 1 mm³) = 400 mm³ = 0.40 mL.
  async function measured() {
    const doc = makeDoc(6);
    doc.addLabel({ name: 'Disc' });
    doc.addLabel({ name: 'Other' });
    doc.setRegion(1, 1, rect(5, 5, 10, 20), { kind: 'draw' });
    doc.setRegion(1, 2, rect(5, 5, 10, 20), { kind: 'draw' });
    const p = await mount(doc, { activeLabel: 1, slice: 1, pixelSpacing: [0.5, 0.8], sliceSpacing: 2.5 });
    return { doc, p };
  }

  it('area and perimeter on the slice, volume (voxel count × voxel volume) and slices over the series', async () => {
    const { p } = await measured();
    expect(stat(p, 1, 'area')).toBe('80.0 mm²');
    expect(stat(p, 1, 'perimeter')).toBe('36.0 mm');
    expect(stat(p, 1, 'volume')).toBe('0.40 mL');
    expect(stat(p, 1, 'slices')).toBe('2 (2–3)');
    expect(stat(p, 2, 'volume')).toBe('0.00 mL');
    expect(stat(p, 2, 'slices')).toBe('0');
    p.slice = 4;
    await p.updateComplete;
    expect(stat(p, 1, 'area')).toBe('0.0 mm²');
    expect(stat(p, 1, 'volume')).toBe('0.40 mL');
  });

  it('recomputes the labels a change touches, including labels cut by the overlap rule, and after undo', async () => {
    const { doc, p } = await measured();
    doc.setRegion(1, 4, rect(0, 0, 10, 10), { kind: 'draw' }); // +100 voxels = 0.1 mL
    await p.updateComplete;
    expect(stat(p, 1, 'volume')).toBe('0.50 mL');
    expect(stat(p, 1, 'slices')).toBe('3 (2–3, 5)');
    // Label 2 paints the left half of the rectangle on slice 1 (5 columns × 20 rows), cutting it from label 1.
    doc.setRegion(2, 1, rect(5, 5, 5, 20), { kind: 'draw' });
    await p.updateComplete;
    expect(stat(p, 2, 'area')).toBe('40.0 mm²');
    expect(stat(p, 2, 'volume')).toBe('0.10 mL');
    expect(stat(p, 1, 'area')).toBe('40.0 mm²');
    expect(stat(p, 1, 'perimeter')).toBe(`${(2 * (5 * 0.8 + 20 * 0.5)).toFixed(1)} mm`);
    expect(stat(p, 1, 'volume')).toBe('0.40 mL');
    doc.undo();
    await p.updateComplete;
    expect(stat(p, 1, 'area')).toBe('80.0 mm²');
    expect(stat(p, 1, 'volume')).toBe('0.50 mL');
    expect(stat(p, 2, 'volume')).toBe('0.00 mL');
  });

  it('without spacing, measurements show a dash rather than made-up millimetres', async () => {
    const { p } = await measured();
    p.pixelSpacing = undefined;
    await p.updateComplete;
    expect(stat(p, 1, 'area')).toBe('–');
    expect(stat(p, 1, 'volume')).toBe('–');
    expect(stat(p, 1, 'slices')).toBe('2 (2–3)');
  });

  it('unsubscribes on disconnect and when the document is replaced, and catches up on reconnect', async () => {
    const { doc, p } = await measured();
    let updates = 0;
    const request = p.requestUpdate.bind(p);
    p.requestUpdate = ((...args: Parameters<SegmarkLabelPanel['requestUpdate']>) => {
      updates++;
      request(...args);
    }) as SegmarkLabelPanel['requestUpdate'];
    p.remove();
    doc.setRegion(1, 3, rect(0, 0, 10, 10), { kind: 'draw' });
    expect(updates).toBe(0);
    document.body.append(p);
    await p.updateComplete;
    expect(stat(p, 1, 'volume')).toBe('0.50 mL');

    const other = makeDoc();
    other.addLabel({ name: 'Fresh' });
    p.document = other;
    await p.updateComplete;
    updates = 0;
    doc.addLabel({ name: 'Ignored' });
    expect(updates).toBe(0);
    other.addLabel({ name: 'Seen' });
    expect(updates).toBeGreaterThan(0);
    await p.updateComplete;
    expect(names(p)).toEqual(['Fresh', 'Seen']);
  });
});

describe('LabelStats (the panel\'s measurement cache)', () => {
  it('refreshes only invalidated labels and recounts only changed slices', () => {
    const doc = makeDoc(6);
    doc.addLabel({ name: 'A' });
    doc.addLabel({ name: 'B' });
    doc.setRegion(1, 0, rect(0, 0, 4, 4), { kind: 'draw' });
    doc.setRegion(2, 0, rect(20, 20, 3, 3), { kind: 'draw' });
    const stats = new LabelStats();
    stats.setImageSize(64, 48);
    const a = stats.summary(doc, 1);
    const b = stats.summary(doc, 2);
    expect([a.voxels, b.voxels]).toEqual([16, 9]);
    doc.setRegion(1, 3, rect(0, 0, 2, 5), { kind: 'draw' });
    expect(stats.summary(doc, 1)).toBe(a); // not invalidated: the cached summary, untouched
    stats.invalidate(1);
    const a2 = stats.summary(doc, 1);
    expect(a2).not.toBe(a);
    expect(a2).toEqual({ voxels: 26, slices: [0, 3] });
    expect(stats.summary(doc, 2)).toBe(b);
  });

  it('settles in steps after an edit: until then the last counts, marked stale; a change during the count starts it again', () => {
    // 64 × 48 image: a 40 × 40 rectangle spans two 32-row bands, so one region takes two steps.
    const doc = makeDoc(6);
    doc.addLabel({ name: 'A' });
    doc.setRegion(1, 0, rect(4, 4, 40, 40), { kind: 'draw' });
    const stats = new LabelStats();
    stats.setImageSize(64, 48);
    expect(stats.peek(1)).toEqual({ summary: { voxels: 0, slices: [] }, stale: true });
    const past = () => performance.now() - 1; // a deadline already passed: one step per call
    let steps = 0;
    while (!stats.settle(doc, past())) steps++;
    expect(steps).toBeGreaterThanOrEqual(2);
    expect(stats.peek(1)).toEqual({ summary: { voxels: 1600, slices: [0] }, stale: false });

    doc.setRegion(1, 2, rect(0, 0, 10, 40), { kind: 'draw' });
    stats.invalidate(1);
    expect(stats.settle(doc, past())).toBe(false);
    expect(stats.peek(1)).toEqual({ summary: { voxels: 1600, slices: [0] }, stale: true });
    // Changed again while that count is under way: the count restarts and sees the new region.
    doc.setRegion(1, 2, rect(0, 0, 10, 20), { kind: 'draw' });
    stats.invalidate(1);
    while (!stats.settle(doc, past()));
    expect(stats.peek(1)).toEqual({ summary: { voxels: 1800, slices: [0, 2] }, stale: false });

    // Area and perimeter: asked for, not measured on the spot, then measured by settle.
    const spacing = [1, 1] as const;
    expect(stats.peekMeasure(doc, 1, 2, spacing)).toEqual({ value: undefined, stale: true });
    expect(stats.pending).toBe(true);
    while (!stats.settle(doc, past()));
    expect(stats.peekMeasure(doc, 1, 2, spacing)).toEqual({ value: { areaMm2: 200, perimeterMm: 60 }, stale: false });
  });

  it('writes slices as 1-based ranges', () => {
    expect(sliceRanges([])).toBe('');
    expect(sliceRanges([0])).toBe('1');
    expect(sliceRanges([2, 3, 4, 8, 10, 11])).toBe('3–5, 9, 11–12');
  });
});

describe('zh-CN', () => {
  it('shows no English interface text, and formats the stats with Chinese units', async () => {
    const doc = makeDoc(6);
    const p = await mount(doc, { lang: 'zh-CN', pixelSpacing: [0.5, 0.8], sliceSpacing: 2.5, slice: 1 });
    await userEvent.click(root(p).querySelector<HTMLButtonElement>('[part="create"]')!);
    await userEvent.click(root(p).querySelector<HTMLButtonElement>('[part="create"]')!);
    await p.updateComplete;
    expect(doc.labels.map((l) => l.name)).toEqual(['标签 1', '标签 2']);
    doc.setRegion(1, 1, rect(5, 5, 10, 20), { kind: 'draw' });
    await userEvent.click(control(p, 1, 'delete')); // the confirm state shows its own text
    await userEvent.click(root(p).querySelector<HTMLButtonElement>('[data-control="template"]')!); // and the menu
    await settle(p);
    expect(root(p).querySelector('[role="menu"]')).not.toBeNull();

    const texts: string[] = [];
    const walker = document.createTreeWalker(root(p), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent!.trim()) texts.push(n.textContent!.trim());
    for (const el of root(p).querySelectorAll('*')) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'aria-valuetext']) {
        const v = el.getAttribute(attr);
        if (v) texts.push(v);
      }
    }
    const en = strings('en');
    const zh = strings('zh-CN');
    const english = (Object.keys(en) as StringKey[])
      .filter((k) => en[k] !== zh[k])
      .map((k) => en[k].split('{')[0]!.trim())
      .filter((v) => v.length > 1);
    for (const text of texts) for (const e of english) expect(text, `"${text}" contains "${e}"`).not.toContain(e);
    expect(texts.some((t) => /[A-Za-z]{2,}/.test(t)), texts.join(' | ')).toBe(false);
    expect(stat(p, 1, 'area')).toBe('80.0 平方毫米');
    expect(stat(p, 1, 'volume')).toBe('0.20 毫升'); // one slice: 200 voxels × 1 mm³
  });
});
