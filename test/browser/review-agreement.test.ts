/**
 * The agreement review on a real annotator in real Chromium: two documents of
 * the sample series (one stored by a colleague in the real IndexedDB) with
 * overlaps computed by hand, the Compare panel's table, slices, jump,
 * overlay colours, adjudication and CSV; a DICOM SEG from ../shared/dicom as
 * the other side; another series refused with an error naming it; cancel;
 * and the panel in Simplified Chinese.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkAgreement } from '../../src/elements/segmark-agreement/segmark-agreement.js';
import type { ErrorDetail } from '../../src/elements/events.js';
import { frames, sampleFiles } from './support/sample.js';

// Globs, not plain imports: they yield nothing (rather than failing to load) when ../shared is absent.
const dcmqiCt = import.meta.glob<string>('../../../shared/dicom/seg-dcmqi-liver-on-ct3slice/ct/*.dcm', { query: '?url', import: 'default', eager: true });
const dcmqiSeg = import.meta.glob<string>('../../../shared/dicom/seg-dcmqi-liver-on-ct3slice/seg/liver_seg.dcm', { query: '?url', import: 'default', eager: true });
const highdicomSeg = import.meta.glob<string>('../../../shared/dicom/seg-highdicom-ct/seg/seg_image_ct_binary.dcm', { query: '?url', import: 'default', eager: true });

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

type Internals = { annotations: { document: AnnotationDocument } };
type Rect = [number, number, number, number];

async function open(files: File[], options: { user?: string; autosave?: boolean; lang?: string } = {}): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = options.user ?? '';
  a.noAutosave = !options.autosave;
  if (options.lang) a.lang = options.lang;
  a.style.cssText = 'display:grid;width:1000px;height:640px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(files);
  for (let i = 0; i < 200 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  expect(a.annotationReady).toBe(true);
  return a;
}

/** An axis-aligned square region: pixels c0 ≤ c < c1, r0 ≤ r < r1 (their centres are inside). */
function draw(a: SegmarkAnnotator, labelId: number, slice: number, [c0, r0, c1, r1]: Rect): void {
  (a as unknown as Internals).annotations.document.setRegion(labelId, slice, { rings: [[c0, r0, c1, r0, c1, r1, c0, r1]] }, { kind: 'draw' });
}

function panel(a: SegmarkAnnotator): SegmarkAgreement {
  return a.shadowRoot!.querySelector('segmark-agreement')!;
}

function q<T extends Element>(a: SegmarkAnnotator, selector: string): T {
  const el = panel(a).shadowRoot!.querySelector<T>(selector);
  if (!el) throw new Error(`no ${selector} in the agreement panel`);
  return el;
}

async function settle(a: SegmarkAnnotator): Promise<void> {
  await a.updateComplete;
  await panel(a)?.updateComplete;
}

/** Expands a label's slices in the panel (a click on its name, unless already expanded). */
async function selectLabel(a: SegmarkAnnotator, id: number): Promise<void> {
  const button = q<HTMLButtonElement>(a, `tr[data-label="${id}"] th button`);
  if (button.getAttribute('aria-expanded') !== 'true') button.click();
  await settle(a);
  expect(button.getAttribute('aria-expanded')).toBe('true');
}

function cell(a: SegmarkAnnotator, id: number, col: string): string {
  return q(a, `tr[data-label="${id}"] td[data-col="${col}"]`).textContent!.trim();
}

/** The viewport canvas's RGBA at the centre of image pixel (c, r). */
function pixelAt(a: SegmarkAnnotator, c: number, r: number): number[] {
  const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
  const view = (viewport as unknown as { view: { imageToCanvas(x: number, y: number): { x: number; y: number } } }).view;
  const p = view.imageToCanvas(c + 0.5, r + 0.5);
  const canvas = viewport.shadowRoot!.querySelector('canvas')!;
  return [...canvas.getContext('2d')!.getImageData(Math.floor(p.x), Math.floor(p.y), 1, 1).data];
}

/** Runs `act` and returns the files it hands to a download (an anchor click with a blob: URL). */
async function downloads(act: () => void): Promise<File[]> {
  const out: Promise<File>[] = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const name = this.download;
    out.push(fetch(this.href).then(async (r) => new File([await r.blob()], name)));
  };
  try {
    act();
  } finally {
    HTMLAnchorElement.prototype.click = click;
  }
  return Promise.all(out);
}

/** axe's WCAG 2.1 AA violations in the agreement panel, as "rule: target" lines (empty when clean). */
async function violations(a: SegmarkAnnotator): Promise<string[]> {
  const result = await axe.run(panel(a), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

function next<K extends keyof HTMLElementEventMap>(a: SegmarkAnnotator, type: K): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve) => a.addEventListener(type, resolve, { once: true }));
}

// The two documents, by hand. Label 1: slice 10 squares 40 px wide, B shifted 20 px right (overlap 20 × 40);
// slice 11 the same square on both. Label 2: slice 12 only in A (20 × 20).
const A1: Rect = [40, 40, 80, 80];
const B1: Rect = [60, 40, 100, 80];
const A2: Rect = [200, 200, 220, 220];

describe('agreement review', () => {
  it('REQ-AGREE-UI-1: compares with a colleague\'s stored document: table, slices, jump, overlay, CSV, adjudication', async () => {
    const files = await sampleFiles();
    const stamp = Date.now();
    const colleague = `colleague-${stamp}`;
    const reviewer = `reviewer-${stamp}`;

    // The colleague's document, stored by autosave.
    const b = await open(files, { user: colleague, autosave: true });
    draw(b, 1, 10, B1);
    draw(b, 1, 11, A1);
    await b.flushSave();
    const storedB = JSON.stringify(b.getDocument());
    b.remove();

    const a = await open(files, { user: reviewer, autosave: true });
    draw(a, 1, 10, A1);
    draw(a, 1, 11, A1);
    draw(a, 2, 12, A2);
    await a.flushSave();
    const docA = a.getDocument()!;
    const docB = JSON.parse(storedB) as DocumentSnapshot;
    const rings = (doc: DocumentSnapshot, labelId: number, slice: number) => doc.regions.find((r) => r.labelId === labelId && r.slice === slice)!.rings;

    // Toolbar → panel, which lists the colleague's document.
    a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="compare"]')!.click();
    for (let i = 0; i < 100 && !panel(a)?.candidates.length; i++) await new Promise((r) => setTimeout(r, 10));
    await settle(a);
    expect(q<HTMLSelectElement>(a, '#candidate').value).toBe(colleague);
    const done = next(a, 'segmark-agreement');
    q<HTMLButtonElement>(a, 'button[data-action="compare"]').click();
    const { detail } = await done;
    await settle(a);
    expect([detail.sideA, detail.sideB]).toEqual([reviewer, colleague]);

    // By hand: label 1 has |A| = |B| = 2 × 1600 px, |A ∩ B| = 800 + 1600 → Dice 4800 / 6400, Jaccard 2400 / 4000.
    expect(cell(a, 1, 'dice')).toBe('0.750');
    expect(cell(a, 1, 'jaccard')).toBe('0.600');
    expect(cell(a, 2, 'dice')).toBe('0.000');
    expect(cell(a, 2, 'hd95')).toBe('—');
    const [dCol, dRow, dSlice] = a.series!.spacing;
    const ml = (px: number) => (px * dCol * dRow * dSlice) / 1000;
    expect(cell(a, 1, 'volume-a')).toBe(ml(3200).toFixed(2));
    expect(cell(a, 1, 'volume-b')).toBe(ml(3200).toFixed(2));
    expect(cell(a, 2, 'volume-difference')).toBe((-ml(400)).toFixed(2));
    // HD95 of label 1: on slice 10 the two squares are 20 px apart at their left and right edges.
    expect(Number(cell(a, 1, 'hd95'))).toBeGreaterThan(0);
    expect(cell(a, 1, 'slices')).toBe('1');
    a.setAttribute('theme', 'light');
    await settle(a);
    expect(await violations(a)).toEqual([]);

    // Label 1's disagreeing slices: only slice 10 (shown 1-based), 800 px each way; Show jumps there.
    await selectLabel(a, 1);
    const items = [...panel(a).shadowRoot!.querySelectorAll('li[data-slice]')].map((li) => li.getAttribute('data-slice'));
    expect(items).toEqual(['10']);
    expect(q(a, 'li[data-slice="10"]').textContent).toContain('800');
    a.slice = 0;
    await a.updateComplete;
    q<HTMLButtonElement>(a, 'li[data-slice="10"] button[data-action="goto"]').click();
    await a.updateComplete;
    expect(a.slice).toBe(10);
    expect(a.activeLabel).toBe(1);

    // Overlay: A only, both and B only in three colours; outside both, the grey image.
    const overlay = q<HTMLInputElement>(a, 'input[data-action="overlay"]');
    overlay.click();
    await settle(a);
    await frames(3);
    const aOnly = pixelAt(a, 50, 60);
    const both = pixelAt(a, 70, 60);
    const bOnly = pixelAt(a, 90, 60);
    const outside = pixelAt(a, 150, 20);
    expect(aOnly[0]! - aOnly[2]!).toBeGreaterThan(60);
    expect(bOnly[2]! - bOnly[0]!).toBeGreaterThan(60);
    expect(both[1]! - both[0]!).toBeGreaterThan(60);
    expect(both[1]!).toBeGreaterThan(both[2]!);
    expect(outside[0]).toBe(outside[2]);
    const legend = [...panel(a).shadowRoot!.querySelectorAll('[part="legend"] .swatch')].map((el) => getComputedStyle(el).backgroundColor);
    expect(legend).toEqual(['rgb(0, 158, 115)', 'rgb(230, 159, 0)', 'rgb(86, 180, 233)']);
    overlay.click();
    await settle(a);
    await frames(3);
    const plain = pixelAt(a, 90, 60);
    expect(plain[0]).toBe(plain[2]);

    // CSV: named after both sides (and the series where 64 characters leave room: here they do not); parses; label 1's row has Dice 0.7500.
    const [csv] = await downloads(() => q<HTMLButtonElement>(a, 'button[data-action="csv"]').click());
    expect(csv!.name).toBe(`${reviewer}_vs_${colleague}_agreement.csv`);
    const rows = (await csv!.text()).trimEnd().split('\r\n').map((line) => line.split(','));
    const header = rows[0]!;
    const row1 = rows.find((r) => r[0] === '1')!;
    expect(row1[header.indexOf('dice')]).toBe('0.7500');
    expect(row1[header.indexOf('jaccard')]).toBe('0.6000');
    expect(row1[header.indexOf('slices_with_disagreement')]).toBe('1');

    // Adjudication: B on label 1 slice 10, B (nothing) for all of label 2; A elsewhere.
    q<HTMLInputElement>(a, 'li[data-slice="10"] input[value="b"]').click();
    await selectLabel(a, 2);
    q<HTMLButtonElement>(a, 'button[data-action="all-b"]').click();
    await settle(a);
    const adjudicated = next(a, 'segmark-adjudicate');
    q<HTMLButtonElement>(a, 'button[data-action="adjudicate"]').click();
    const adj = (await adjudicated).detail;
    expect([adj.sideB, adj.fromA, adj.fromB]).toEqual([colleague, 0, 2]);
    expect(adj.revision).toBeTypeOf('number');
    const regions = (doc: DocumentSnapshot) => doc.regions.map((r) => [r.labelId, r.slice, r.rings]);
    expect(regions(a.getDocument()!)).toEqual([[1, 10, rings(docB, 1, 10)], [1, 11, rings(docA, 1, 11)]]);
    // The original A is one undo away; B's stored document is untouched.
    expect(a.undo()).toBe(true);
    expect(regions(a.getDocument()!)).toEqual(regions(docA));
    a.remove();
    const again = await open(files, { user: colleague, autosave: true });
    expect(JSON.stringify(again.getDocument())).toBe(storedB);
  });

  it('REQ-AGREE-UI-2: a DICOM SEG from ../shared/dicom as the other side; a SEG or snapshot of another series is refused, naming it', async ({ skip }) => {
    const ctUrls = Object.values(dcmqiCt);
    const segUrl = Object.values(dcmqiSeg)[0];
    const otherUrl = Object.values(highdicomSeg)[0];
    if (ctUrls.length !== 3 || !segUrl || !otherUrl) skip('../shared/dicom is absent');
    const fetchFile = async (url: string, name: string) => new File([await (await fetch(url)).blob()], name);
    const a = await open(await Promise.all(ctUrls.map((u, i) => fetchFile(u, `ct${i}.dcm`))));
    const seg = await fetchFile(segUrl!, 'liver_seg.dcm');
    // A: the same SEG imported into the open document; B: the file. They must agree exactly.
    await a.importMask(seg);
    const liver = a.getDocument()!.regions;
    expect(liver.length).toBeGreaterThan(0);
    const labelId = liver[0]!.labelId;
    const before = JSON.stringify(a.getDocument());
    const result = await a.compareWith(seg);
    await settle(a);
    expect(JSON.stringify(a.getDocument())).toBe(before);
    const row = result.labels.find((l) => l.ids.a === labelId)!;
    expect(row.ids.b).toBe(labelId);
    expect(row.voxels.a).toBeGreaterThan(0);
    expect(row.voxels.b).toBe(row.voxels.a);
    expect(cell(a, labelId, 'dice')).toBe('1.000');
    expect(cell(a, labelId, 'slices')).toBe('0');
    expect(panel(a).shadowRoot!.querySelector('[data-side="b"]')!.textContent).toBe('liver_seg.dcm');

    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    // highdicom's SEG annotates a 16 × 16 series: refused by the importer's geometry check.
    await expect(a.compareWith(await fetchFile(otherUrl!, 'other_series_seg.dcm'))).rejects.toMatchObject({ code: 'import-geometry' });
    expect(errors.at(-1)).toMatchObject({ code: 'import-geometry', file: 'other_series_seg.dcm' });
    expect(errors.at(-1)!.message).toContain('other_series_seg.dcm');

    const foreign: DocumentSnapshot = { ...a.getDocument()!, series: { ...a.getDocument()!.series, seriesInstanceUID: '1.2.3.4' } };
    await expect(a.compareWith(foreign)).rejects.toMatchObject({ code: 'agreement-other-series' });
    expect(errors.at(-1)).toMatchObject({ code: 'agreement-other-series', file: 'snapshot' });
    expect(errors.at(-1)!.message).toContain('1.2.3.4');
  });

  it('REQ-AGREE-UI-3: shows progress while comparing and cancels', async () => {
    const a = await open(await sampleFiles());
    // Every label on every slice, on both sides (B shifted): enough work to be under way when cancelled.
    const b = structuredClone(a.getDocument()!);
    const slices = a.series!.slices;
    for (const label of b.labels) {
      for (let k = 0; k < slices; k++) {
        const o = label.id * 20;
        draw(a, label.id, k, [o, o, o + 150, o + 150]);
        b.regions.push({ labelId: label.id, slice: k, rings: [[o + 5, o, o + 155, o, o + 155, o + 150, o + 5, o + 150]], origin: 'drawn', verified: false });
      }
    }
    const running = a.compareWith(b);
    const errors: ErrorDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await settle(a);
    expect(panel(a).shadowRoot!.querySelector('[part="progress"] progress')).not.toBeNull();
    q<HTMLButtonElement>(a, 'button[data-action="cancel"]').click();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    expect(errors.map((e) => e.code)).toEqual(['aborted']);
    await settle(a);
    expect(panel(a).shadowRoot!.querySelector('[part="progress"]')).toBeNull();
    expect(panel(a).shadowRoot!.querySelector('table')).toBeNull();
  });

  it('REQ-AGREE-UI-4: under zh-CN the Compare button and panel speak Chinese, numbers formatted for zh-CN', async () => {
    const a = await open(await sampleFiles(), { lang: 'zh-CN' });
    draw(a, 1, 10, A1);
    const b = structuredClone(a.getDocument()!);
    b.regions = [{ labelId: 1, slice: 10, rings: [[60, 40, 100, 40, 100, 80, 60, 80]], origin: 'drawn', verified: false }];
    const button = a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="compare"]')!;
    expect(button.textContent).toBe('比较…');
    await a.compareWith(b);
    await settle(a);
    const text = panel(a).shadowRoot!.textContent!;
    for (const zh of ['比较', '标签', 'Dice 系数', '在图像上显示一致性', '下载 CSV', '生成裁定文档', '仅 A', '仅 B']) expect(text).toContain(zh);
    for (const en of ['Compare', 'Label', 'Download', 'adjudicated', 'Show agreement', 'only']) expect(text).not.toContain(en);
    // Half overlap of equal squares: Dice 0.5.
    expect(cell(a, 1, 'dice')).toBe(new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 3 }).format(0.5));
    expect(q(a, '[part="table"]').getAttribute('aria-label')).toBe('各标签的一致性');
    expect(await violations(a)).toEqual([]);
    // Keyboard: the panel has focus once opened; Tab reaches its controls; Escape closes it.
    expect(panel(a).shadowRoot!.activeElement?.classList.contains('panel')).toBe(true);
    await userEvent.keyboard('{Tab}');
    expect(panel(a).shadowRoot!.activeElement?.getAttribute('data-action')).toBe('close');
    await userEvent.keyboard('{Escape}');
    await a.updateComplete;
    expect(panel(a)).toBeNull();
  });
});
