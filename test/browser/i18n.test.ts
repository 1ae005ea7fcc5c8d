/**
 * Every element in zh-CN: no English text anywhere in the rendered UI (text
 * nodes, ARIA names, titles, placeholders), across the annotator's panels,
 * dialogs and sheets. Words that are the same in both languages (format and
 * unit names, DICOM terms) are allowed by name below; data from the files
 * (series descriptions, file names) is marked `translate="no"` and skipped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

/** Labels of the template left empty block an export (issue 16): these exports accept that, as "Export anyway" does. */
const ANYWAY = { acceptFindings: ['empty-label'] };

/** Words written the same way in Chinese UI text: names of formats, standards, units, modalities, keys. */
const SAME_IN_BOTH = new Set(
  'CT MR PT CR DX US MG NM XA RF OT HU DICOM DICOMweb NIfTI SEG PNG COCO JSON CSV RLE nnU Net PACS SOP UID ID mm mL cm px MB GB kB Dice Jaccard HD HD95 Ctrl Shift Alt Esc Tab Enter Home End PageUp PageDown Segmark SNOMED https http int uint RAS LPS WW WL zip gz nii'.split(' '),
);

interface Finding {
  where: string;
  text: string;
}

/** English-looking text in `root` and every shadow root below it. */
function englishIn(root: ParentNode, where = ''): Finding[] {
  const found: Finding[] = [];
  const check = (text: string | null, at: string): void => {
    if (!text) return;
    // File names and extensions (labels.json, .nii.gz) are names, not prose.
    const words = text.replace(/[\w-]*(\.[A-Za-z]\w*)+/g, ' ').match(/[A-Za-z][A-Za-z-]*[A-Za-z]/g) ?? [];
    const english = words.filter((w) => !w.split('-').every((p) => SAME_IN_BOTH.has(p) || /^[A-Z]\d*$/.test(p)));
    if (english.length) found.push({ where: at, text: text.trim().slice(0, 80) });
  };
  const walk = (node: ParentNode, path: string): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        const parent = child.parentElement;
        if (parent && parent.closest('style, script, [translate="no"]')) continue;
        if (parent && isHidden(parent)) continue;
        check(child.textContent, path);
      } else if (child instanceof Element) {
        if (child.matches('style, script, [translate="no"]')) continue;
        const at = `${path} > ${child.localName}${child.getAttribute('part') ? `[part=${child.getAttribute('part')}]` : ''}`;
        for (const a of ['aria-label', 'title', 'placeholder', 'aria-description', 'alt']) check(child.getAttribute(a), `${at}@${a}`);
        if (child.shadowRoot) walk(child.shadowRoot, `${at}::shadow`);
        walk(child, at);
      }
    }
  };
  walk(root, where);
  return found;
}

/** Not rendered: display none on it or on any ancestor, across shadow roots (a closed tab, a closed details). */
/** Opens every `<details>` under `root`, through shadow roots, so their content is checked too. */
function openAllDetails(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el instanceof HTMLDetailsElement) el.open = true;
    if (el.shadowRoot) openAllDetails(el.shadowRoot);
  }
}

function isHidden(el: Element): boolean {
  return !el.checkVisibility();
}

async function open(): Promise<SegmarkAnnotator> {
  const el = mountAnnotator({ width: 1280, height: 860, lang: 'zh-CN' });
  await el.loadFiles(await sampleFiles(12));
  await frames(2);
  return el;
}

describe('zh-CN interface', () => {
  it('REQ-I18N-1: the annotator with a series, labels and regions shows no English', async () => {
    const a = await open();
    expect(englishIn(a.shadowRoot!)).toEqual([]);
  });

  it('REQ-I18N-2: the shortcut sheet, export dialog and work panel show no English', async () => {
    const a = await open();
    a.toggleShortcuts(true);
    await a.updateComplete;
    expect(englishIn(a.shadowRoot!)).toEqual([]);
    a.toggleShortcuts(false);
    a.openExportDialog();
    await frames(3);
    expect(englishIn(a.shadowRoot!)).toEqual([]);
  });

  it('REQ-I18N-3: an error notice speaks Chinese and names the file; the label template menu and the study browser show no English', async () => {
    const a = await open();
    const errors: string[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail.code));
    await a.loadFiles([new File([new Uint8Array(300).fill(7)], 'not-dicom.bin')]);
    await frames(2);
    expect(errors.length).toBeGreaterThan(0);
    const notices = a.shadowRoot!.querySelector('.notices');
    expect(notices?.textContent ?? '').toContain('not-dicom.bin');
    expect(englishIn(a.shadowRoot!)).toEqual([]);

    const panel = a.shadowRoot!.querySelector('segmark-label-panel')!;
    panel.shadowRoot!.querySelector<HTMLButtonElement>('[data-control="template"]')!.click();
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector('[role="menu"]')).not.toBeNull();
    expect(englishIn(panel.shadowRoot!)).toEqual([]);

    const browser = document.createElement('segmark-study-browser');
    browser.lang = 'zh-CN';
    document.body.append(browser);
    try {
      await browser.updateComplete;
      expect(browser.shadowRoot!.textContent!.trim().length).toBeGreaterThan(0);
      expect(englishIn(browser.shadowRoot!)).toEqual([]);
    } finally {
      browser.remove();
    }
  });

  it('REQ-I18N-4: each tab of the side bar (labels, review with status, comments and time, work) shows no English', async () => {
    const a = mountAnnotator({ width: 1280, height: 860, lang: 'zh-CN', autosave: true });
    a.user = 'i18n-check';
    await a.loadFiles(await sampleFiles(12));
    await frames(2);
    const tabs = [...a.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    expect(tabs.map((b) => b.id)).toEqual(['tab-labels', 'tab-review', 'tab-work']);
    for (const tab of tabs) {
      tab.click();
      await a.updateComplete;
      await frames(2);
      const panel = a.shadowRoot!.getElementById(tab.getAttribute('aria-controls')!)!;
      expect(panel.hidden).toBe(false);
      openAllDetails(panel);
      await frames(2);
      expect(panel.textContent!.trim().length + panel.querySelectorAll('*').length).toBeGreaterThan(0);
      expect({ tab: tab.id, english: englishIn(a.shadowRoot!) }).toEqual({ tab: tab.id, english: [] });
    }
  });

  it('REQ-I18N-5: lang changed after load renames the template labels the user has not renamed, in the label panel, getDocument() and exports', async () => {
    const a = mountAnnotator({ width: 1280, height: 860 });
    await a.loadFiles(await sampleFiles(12));
    await frames(2);
    const panel = a.shadowRoot!.querySelector('segmark-label-panel')!;
    const shown = () => [...panel.shadowRoot!.querySelectorAll('button.name')].map((b) => b.textContent!.trim());
    expect(shown().slice(0, 2)).toEqual(['L1/L2 disc', 'L2/L3 disc']);

    // The user renames one label: that name stays, whatever the language.
    const name = panel.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.name')[1]!;
    name.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    await panel.updateComplete;
    const input = panel.shadowRoot!.querySelector<HTMLInputElement>('.name-input')!;
    input.value = 'Disc two';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await panel.updateComplete;

    a.lang = 'zh-CN';
    await a.updateComplete;
    await panel.updateComplete;
    expect(shown().slice(0, 3)).toEqual(['L1/L2 椎间盘', 'Disc two', 'L3/L4 椎间盘']);
    expect(shown()[10]).toBe('椎管');
    const labels = a.getDocument()!.labels;
    expect(labels.map((l) => l.name).slice(0, 3)).toEqual(['L1/L2 椎间盘', 'Disc two', 'L3/L4 椎间盘']);
    const coco = JSON.parse(await (await a.export('coco', ANYWAY)).text()) as { categories: { id: number; name: string }[] };
    expect(coco.categories.find((c) => c.id === 1)!.name).toBe('L1/L2 椎间盘');
    expect(coco.categories.find((c) => c.id === 2)!.name).toBe('Disc two');

    a.lang = 'en';
    await a.updateComplete;
    await panel.updateComplete;
    expect(shown().slice(0, 3)).toEqual(['L1/L2 disc', 'Disc two', 'L3/L4 disc']);
    expect(a.getDocument()!.labels[10]!.name).toBe('Spinal canal');
  });
});
