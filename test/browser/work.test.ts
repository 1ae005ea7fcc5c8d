/**
 * Stored work in real IndexedDB: versions (explicit and every few minutes of
 * editing) restore exact regions as one undoable step; the work panel lists
 * recent documents and versions and deletes with a confirming second click.
 * (A full disk is tested in test/node/quota.test.ts: Chromium only applies a
 * quota set before the origin's storage opens, so it needs a fresh browser.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { Checkpoints } from '../../src/store/checkpoints.js';
import { openSegmarkDb } from '../../src/store/db.js';
import { listRevisions, loadDocument, loadRevision, saveDocument } from '../../src/store/documents.js';
import { documentId } from '../../src/store/schema.js';
import { frames, sampleFiles } from './support/sample.js';
import { until } from './support/wait.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

type Internals = { annotations: { document: AnnotationDocument } };

async function open(user: string): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = user;
  a.style.cssText = 'display:grid;width:1000px;height:700px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(await sampleFiles(8));
  await until('the annotation to be ready', () => a.annotationReady && a.editable, 10000);
  return a;
}

function draw(a: SegmarkAnnotator, label: number, slice: number, x: number, size = 30): void {
  const ring = [x, 10, x + size, 10, x + size, 10 + size, x, 10 + size];
  (a as unknown as Internals).annotations.document.setRegion(label, slice, { rings: [ring] }, { kind: 'draw' });
}

/**
 * The region document as stored: `getDocument()` without its review record, which edits and restores add to
 * (audit, active time), and without the exchange form's envelope (format and revision, which counts every change).
 */
const regionDoc = (a: SegmarkAnnotator) => {
  const { review: _review, format: _format, formatVersion: _formatVersion, revision: _revision, baseRevision: _base, ...rest } = a.getDocument()!;
  return rest;
};

const docIdOf = (a: SegmarkAnnotator) => {
  const s = a.getDocument()!.series;
  return documentId(s.studyInstanceUID, s.seriesInstanceUID, a.user);
};
const panel = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector('segmark-work-panel')!;

describe('versions', () => {
  it('a saved version restores exactly, as one step that undo reverses; the panel lists it', async () => {
    const a = await open(`versions-${Date.now()}`);
    draw(a, 1, 2, 10);
    draw(a, 4, 3, 60);
    const atSave = regionDoc(a);
    const id = await a.saveVersion();
    expect(id).toBeTypeOf('number');

    draw(a, 4, 3, 100, 50);
    draw(a, 2, 5, 20);
    const later = regionDoc(a);
    const versions = await a.listVersions();
    expect(versions[0]!.id).toBe(id);
    expect(versions[0]!.summary).toMatch(/^Saved · 2 slices: L1\/L2 disc, L4\/L5 disc$/);

    expect(await a.restoreVersion(id!)).toBe(true);
    expect(regionDoc(a)).toEqual(atSave);
    expect(a.undo()).toBe(true);
    expect(regionDoc(a)).toEqual(later);
    expect(a.redo()).toBe(true);
    expect(regionDoc(a)).toEqual(atSave);

    // The stored document follows the restore, and the version itself is untouched.
    await a.flushSave();
    const db = await openSegmarkDb();
    expect(await loadDocument(db, docIdOf(a))).toEqual(atSave);
    expect(await loadRevision(db, id!)).toEqual(atSave);
    db.close();

    // The panel shows it: open the Versions section, then Restore from there.
    draw(a, 5, 6, 30);
    const versionsSection = panel(a).shadowRoot!.querySelector('details.versions') as HTMLDetailsElement;
    versionsSection.open = true;
    await until('the versions list', () => panel(a).shadowRoot!.querySelectorAll('details.versions li').length > 0);
    (panel(a).shadowRoot!.querySelector(`details.versions li[data-id="${id}"] button.restore`) as HTMLButtonElement).click();
    await until('the restore from the panel', () => JSON.stringify(regionDoc(a)) === JSON.stringify(atSave));
  });

  it('a checkpoint is kept after minutes of editing, with what changed; the oldest go beyond the limit', async () => {
    const db = await openSegmarkDb();
    const series = { studyInstanceUID: '1.9', seriesInstanceUID: `1.9.${Date.now()}`, sopInstanceUIDs: ['1.9.1', '1.9.2', '1.9.3'], rows: 64, columns: 64, slices: 3 };
    const doc = new AnnotationDocument({ series, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
    const docId = documentId(series.studyInstanceUID, series.seriesInstanceUID, 'checkpoints');
    let now = 1_000_000;
    const checkpoints = new Checkpoints(db, docId, doc, { keep: 2, intervalMs: 60_000, now: () => now });
    expect(await checkpoints.saved()).toBeUndefined(); // nothing changed yet
    doc.setRegion(11, 1, { rings: [[5, 5, 20, 5, 20, 20, 5, 20]] }, { kind: 'draw' });
    now += 30_000;
    expect(await checkpoints.saved()).toBeUndefined(); // too soon
    now += 31_000;
    const first = await checkpoints.saved();
    expect(first).toBeTypeOf('number');
    for (let k = 0; k < 3; k++) {
      doc.setRegion(6, k, { rings: [[40, 40, 50, 40, 50, 50, 40, 50]] }, { kind: 'draw' });
      now += 61_000;
      await checkpoints.saved();
    }
    const kept = await listRevisions(db, docId);
    expect(kept.length).toBe(2);
    expect(kept.map((r) => r.summary)).toEqual(['1 slice: L1 vertebral body', '1 slice: L1 vertebral body']);
    expect(kept.some((r) => r.id === first)).toBe(false);
    expect(await loadRevision(db, kept[0]!.id)).toEqual(doc.snapshot());
    checkpoints.dispose();
    db.close();
  });
});

describe('recent work', () => {
  it('lists stored documents with their progress and deletes one after a second click', async () => {
    const user = `recent-${Date.now()}`;
    const db = await openSegmarkDb();
    const otherSeries = { studyInstanceUID: '2.1', seriesInstanceUID: `2.1.${Date.now()}`, sopInstanceUIDs: ['2.1.1', '2.1.2'], rows: 32, columns: 32, slices: 2 };
    const other = new AnnotationDocument({ series: otherSeries, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
    other.setRegion(1, 0, { rings: [[2, 2, 9, 2, 9, 9, 2, 9]] }, { kind: 'draw' });
    other.setRegion(1, 1, { rings: [[2, 2, 9, 2, 9, 9, 2, 9]] }, { kind: 'draw', verified: true });
    const otherId = documentId(otherSeries.studyInstanceUID, otherSeries.seriesInstanceUID, user);
    await saveDocument(db, otherId, other.snapshot(), undefined, { description: 'OTHER SERIES' });

    const a = await open(user);
    draw(a, 1, 2, 10);
    await a.flushSave();
    const recent = panel(a).shadowRoot!.querySelector('details.recent') as HTMLDetailsElement;
    recent.open = true;
    const item = () => panel(a).shadowRoot!.querySelector(`details.recent li[data-id="${CSS.escape(otherId)}"]`);
    await until('the other document in the list', () => item() !== null);
    expect(item()!.textContent).toContain('OTHER SERIES');
    expect(item()!.textContent).toContain('50% verified');
    const mine = () => panel(a).shadowRoot!.querySelector(`details.recent li[data-id="${CSS.escape(docIdOf(a))}"]`);
    await until('the open document in the list', () => mine() !== null);
    expect(mine()!.textContent).toContain('(open)');
    expect((mine()!.querySelector('button.delete') as HTMLButtonElement).disabled).toBe(true); // never the open one

    const del = () => item()!.querySelector('button.delete') as HTMLButtonElement;
    del().click();
    await frames(1);
    expect(await loadDocument(db, otherId)).toBeDefined(); // one click only arms it
    expect(del().textContent).toBe('Really delete?');
    del().click();
    await until('the item to go', () => item() === null);
    // Erasing moved the store to a new database and closed this connection to the old one.
    const after = await openSegmarkDb();
    expect(await loadDocument(after, otherId)).toBeUndefined();
    // The open document moved with the store: its next edit is saved there, and this tab still writes it.
    draw(a, 2, 4, 40);
    await a.flushSave();
    expect(a.editable).toBe(true);
    expect(await loadDocument(after, docIdOf(a))).toEqual(regionDoc(a));
    after.close();
  });
});

describe('the image cache', () => {
  it('with cache-images on, recent work reopens from the browser without picking files; forgetting removes every image', async () => {
    const user = `cache-${Date.now()}`;
    const files = await sampleFiles(8);
    const first = document.createElement('segmark-annotator');
    first.user = user;
    first.cacheImages = true;
    first.style.cssText = 'display:grid;width:1000px;height:700px';
    document.body.append(first);
    mounted.push(first);
    await first.loadFiles(files);
    await until('the annotation to be ready', () => first.annotationReady && first.editable, 10000);
    draw(first, 4, 3, 60);
    await first.flushSave();
    const expected = regionDoc(first);
    const uids = first.series!.sopInstanceUIDs;
    const id = docIdOf(first);
    first.remove();

    // A new annotator (as after a reload) with nothing loaded: open the work from the panel.
    const second = document.createElement('segmark-annotator');
    second.user = user;
    second.cacheImages = true;
    second.style.cssText = 'display:grid;width:1000px;height:700px';
    document.body.append(second);
    mounted.push(second);
    await frames(2);
    const recent = panel(second).shadowRoot!.querySelector('details.recent') as HTMLDetailsElement;
    recent.open = true;
    const item = () => panel(second).shadowRoot!.querySelector(`details.recent li[data-id="${CSS.escape(id)}"]`);
    await until('the work in the list', () => item() !== null);
    expect(item()!.textContent).toContain('images cached');
    const cacheLine = () => panel(second).shadowRoot!.querySelector('.cache')!.textContent!;
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    expect(cacheLine()).toContain(`${(bytes / 1e6).toFixed(1)} MB`);
    (item()!.querySelector('button.open') as HTMLButtonElement).click();
    await until('the series to reopen from the cache', () => second.annotationReady && second.series !== undefined, 15000);
    expect(second.series!.sopInstanceUIDs).toEqual(uids);
    expect(regionDoc(second)).toEqual(expected);

    // Forget cached images: two clicks, then nothing of the images is left in the browser.
    const forget = () => panel(second).shadowRoot!.querySelector('button.forget') as HTMLButtonElement;
    forget().click();
    await frames(1);
    forget().click();
    await until('the cache to be empty', () => cacheLine().includes('0.0 MB'));
    const db = await openSegmarkDb();
    expect(await db.count('image-files')).toBe(0);
    expect(await db.count('image-series')).toBe(0);
    expect(await loadDocument(db, id)).toEqual(expected); // the work itself stays
    db.close();
  });
});
