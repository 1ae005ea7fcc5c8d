/**
 * Erasing by generations (issue 17), in real IndexedDB: an erase keeps every
 * other record exactly; a crash mid-copy leaves the old generation as the
 * store, and a crash after the copy leaves the new one, each found at the
 * next open; connections move to the new generation; a write waiting for the
 * erase never lands in the deleted database; an open annotator goes on
 * saving after another document is erased. (That the bytes leave the disk is
 * test/node/erase-profile.test.ts: it needs a profile on disk.)
 */
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { GENERIC_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SegmarkError } from '../../src/core/errors.js';
import { openSegmarkDb, upgradeSchema, type SegmarkDb } from '../../src/store/db.js';
import { addRevision, listDocuments, listRevisions, loadDocument, saveDocument } from '../../src/store/documents.js';
import { eraseFromStore } from '../../src/store/erase.js';
import { generationName, storeLockName } from '../../src/store/generations.js';
import { cachedSeries, cacheSeries, loadCachedSeries } from '../../src/store/image-cache.js';
import { DB_NAME, DB_VERSION, documentId, seriesKey, type SegmarkSchema } from '../../src/store/schema.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { framePage, removeFramePages } from './support/frame-page.js';
import { until } from './support/wait.js';

const bases: string[] = [];
const opened: SegmarkDb[] = [];

afterEach(async () => {
  removeFramePages();
  for (const db of opened.splice(0)) db.close();
  for (const base of bases.splice(0)) for (let n = 0; n < 4; n++) await deleteDB(generationName(base, n));
});

function freshBase(): string {
  const base = `segmark-erase-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  bases.push(base);
  return base;
}

async function open(base: string, onMoved?: () => void): Promise<SegmarkDb> {
  const db = await openSegmarkDb(base, onMoved ? { onMoved } : {});
  opened.push(db);
  return db;
}

async function names(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name!).sort();
}

function doc(n: number): { id: string; document: AnnotationDocument } {
  const series = { studyInstanceUID: `2.25.${n}`, seriesInstanceUID: `2.25.${n}.1`, sopInstanceUIDs: [`2.25.${n}.1.1`, `2.25.${n}.1.2`], rows: 32, columns: 32, slices: 2 };
  const document = new AnnotationDocument({ series, ops: REGION_OPS, labels: labelsFromTemplate(GENERIC_TEMPLATE) });
  document.setRegion(1, 0, { rings: [[2, 2, 9 + n, 2, 9 + n, 9, 2, 9]] }, { kind: 'draw' });
  document.setRegion(1, 1, { rings: [[3, 3, 8, 3, 8, 8 + n, 3, 8]] }, { kind: 'draw', verified: true });
  return { id: documentId(series.studyInstanceUID, series.seriesInstanceUID, 'ann'), document };
}

/** A database of generation `n` of `base`, as an erase leaves it mid-copy (`complete: false`) or finished. */
async function makeGeneration(base: string, n: number, complete: boolean, fill: (db: SegmarkDb) => Promise<void>): Promise<void> {
  const db = await openDB<SegmarkSchema>(generationName(base, n), DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      upgradeSchema(database, oldVersion, transaction);
    },
  });
  await fill(db);
  if (complete) await db.put('meta', { key: 'generation', generation: n, completedAt: Date.now() });
  db.close();
}

describe('erasing by generations', () => {
  it('keeps every other record exactly: documents, regions, revisions with their ids, cached images, and moves to the next generation', async () => {
    const base = freshBase();
    const db = await open(base);
    const [a, b] = [doc(1), doc(2)];
    await saveDocument(db, a.id, a.document.snapshot(), undefined, { description: 'A' });
    await saveDocument(db, b.id, b.document.snapshot(), undefined, { description: 'B' });
    const revA = await addRevision(db, a.id, a.document.snapshot(), 'first');
    const revB = await addRevision(db, b.id, b.document.snapshot(), 'first');
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 250]);
    await cacheSeries(db, seriesKey('2.25.2', '2.25.2.1'), { description: 'B' }, [{ name: 'b.dcm', bytes: new Blob([bytes]) }], { capBytes: 1e6 });

    const result = await eraseFromStore(db, { documents: [a.id] });
    expect(result).toEqual({ deleted: true, erased: true, name: generationName(base, 1) });
    expect((await names()).filter((n) => n.startsWith(base))).toEqual([generationName(base, 1)]);

    const after = await open(base);
    expect(after.name).toBe(generationName(base, 1));
    expect((await listDocuments(after)).map((d) => d.id)).toEqual([b.id]);
    expect(await loadDocument(after, b.id)).toEqual(b.document.snapshot());
    expect(await loadDocument(after, a.id)).toBeUndefined();
    expect((await listRevisions(after, b.id)).map((r) => r.id)).toEqual([revB]);
    expect(await listRevisions(after, a.id)).toEqual([]);
    expect(revA).toBeLessThan(revB);
    // New revisions go on numbering after the copied ones.
    expect(await addRevision(after, b.id, b.document.snapshot(), 'next')).toBeGreaterThan(revB);
    const files = await loadCachedSeries(after, seriesKey('2.25.2', '2.25.2.1'));
    expect(files!.map((f) => f.name)).toEqual(['b.dcm']);
    expect(new Uint8Array(await files![0]!.arrayBuffer())).toEqual(bytes);

    // Forgetting the images: the next generation holds the documents and no image.
    expect((await eraseFromStore(after, { images: true })).name).toBe(generationName(base, 2));
    const last = await open(base);
    expect(await cachedSeries(last)).toEqual([]);
    expect(await loadDocument(last, b.id)).toEqual(b.document.snapshot());
  });

  it('a copy interrupted by a crash (no generation record) is dropped at the next open; the old generation, whole, is the store', async () => {
    const base = freshBase();
    const [a, b] = [doc(1), doc(2)];
    const db = await open(base);
    await saveDocument(db, a.id, a.document.snapshot());
    await saveDocument(db, b.id, b.document.snapshot());
    db.close();
    // The crash came after the first document was copied.
    await makeGeneration(base, 1, false, (g) => saveDocument(g, b.id, b.document.snapshot()));

    const reopened = await open(base);
    expect(reopened.name).toBe(base);
    expect((await listDocuments(reopened)).map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect((await names()).filter((n) => n.startsWith(base))).toEqual([base]);
  });

  it('a crash after the copy finished (the old generation still there) opens the copy and deletes the old one', async () => {
    const base = freshBase();
    const [a, b] = [doc(1), doc(2)];
    const db = await open(base);
    await saveDocument(db, a.id, a.document.snapshot());
    await saveDocument(db, b.id, b.document.snapshot());
    db.close();
    await makeGeneration(base, 1, true, (g) => saveDocument(g, b.id, b.document.snapshot()));

    const reopened = await open(base);
    expect(reopened.name).toBe(generationName(base, 1));
    expect((await listDocuments(reopened)).map((d) => d.id)).toEqual([b.id]);
    expect((await names()).filter((n) => n.startsWith(base))).toEqual([generationName(base, 1)]);
  });

  it('other connections are told the store moved; a write that waited for the erase fails on the old connection, never lands in the deleted database', async () => {
    const base = freshBase();
    const [a, b, c] = [doc(1), doc(2), doc(3)];
    let moved = 0;
    const other = await open(base, () => moved++);
    await saveDocument(other, a.id, a.document.snapshot());
    await saveDocument(other, b.id, b.document.snapshot());
    const eraser = await open(base);

    const erasing = eraseFromStore(eraser, { documents: [a.id] });
    // Issued once the erase holds the store: it waits, then finds its connection closed.
    await expect.poll(async () => (await navigator.locks.query()).held?.some((l) => l.name === storeLockName(base) && l.mode === 'exclusive'), { interval: 1 }).toBe(true);
    // Observed at once: it may fail before the erase has answered.
    const late = saveDocument(other, c.id, c.document.snapshot()).then(() => undefined, (e: unknown) => e);
    await erasing;
    const error = await late;
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('storage-unavailable');
    await expect.poll(() => moved).toBe(1);

    const now = await open(base);
    expect((await listDocuments(now)).map((d) => d.id)).toEqual([b.id]);
    // The writer, told it moved, writes again where the store is now.
    await saveDocument(now, c.id, c.document.snapshot());
    expect(await loadDocument(now, c.id)).toEqual(c.document.snapshot());
  });
});

type Internals = { annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } } };

function draw(a: SegmarkAnnotator, label: number, slice: number, x: number): void {
  (a as unknown as Internals).annotations.document.setRegion(label, slice, { rings: [[x, 10, x + 30, 10, x + 30, 40, x, 40]] }, { kind: 'draw' });
}

const regions = (a: SegmarkAnnotator) => JSON.stringify(a.getDocument()!.regions);

describe('an erase with the document open in two pages', () => {
  it('both pages move to the new database and keep their roles; an edit made while it ran is stored, and the reader follows', async () => {
    const user = `erase-tabs-${Date.now()}`;
    const writer = (await framePage(user, 12)).annotator;
    const reader = (await framePage(user, 12)).annotator;
    expect([writer.editable, reader.editable]).toEqual([true, false]);
    draw(writer, 1, 2, 10);
    await writer.flushSave();
    await until('the reader to follow', () => regions(reader) === regions(writer));

    const errors: string[] = [];
    for (const a of [writer, reader]) a.addEventListener('segmark-error', (e) => errors.push(e.detail.code));
    // Another document of the default store, erased from this page while the writer has an edit pending.
    const db = await openSegmarkDb();
    const other = doc(Date.now() % 1000);
    await saveDocument(db, other.id, other.document.snapshot());
    draw(writer, 2, 3, 50);
    const result = await eraseFromStore(db, { documents: [other.id] });
    expect(result.erased).toBe(true);

    draw(writer, 3, 4, 90);
    await until('the reader to follow the edits made during and after the erase', () => regions(reader) === regions(writer), 10_000);
    expect([writer.editable, reader.editable], 'the roles stay').toEqual([true, false]);
    expect(errors, 'the move is no storage error to the user').toEqual([]);
    await writer.flushSave();
    const now = await open(DB_NAME);
    const s = writer.getDocument()!.series;
    const stored = await loadDocument(now, documentId(s.studyInstanceUID, s.seriesInstanceUID, user));
    expect(JSON.stringify(stored!.regions)).toBe(regions(writer));
    expect(await loadDocument(now, other.id)).toBeUndefined();
  });
});
