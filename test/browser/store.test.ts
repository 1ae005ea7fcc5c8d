/**
 * The local store (issue 4, "Storage") in real IndexedDB: a saved document
 * reopens exactly; an incremental save writes only the changed regions; a
 * failed save leaves the stored document as it was; revisions are pruned and
 * restore exact regions; deleting a document deletes its regions; `blocking`
 * closes the connection so another tab can upgrade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB, openDB, type IDBPTransaction } from 'idb';
import { AnnotationDocument, type AnnotationChange, type DocumentSnapshot } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { GENERIC_TEMPLATE } from '../../src/core/annotation/templates.js';
import { REGION_OPS, differenceRegions, strokeToRegion } from '../../src/core/annotation/region-ops.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import {
  addRevision,
  deleteDocument,
  listDocuments,
  listRevisions,
  loadDocument,
  loadRevision,
  saveDocument,
} from '../../src/store/documents.js';
import { DB_VERSION, documentId, type SegmarkSchema } from '../../src/store/schema.js';
import { SegmarkError } from '../../src/core/errors.js';

const SLICES = 12;
const opened: SegmarkDb[] = [];
const names: string[] = [];
let counter = 0;

async function freshDb(): Promise<{ db: SegmarkDb; name: string }> {
  const name = `segmark-test-${Date.now()}-${counter++}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  const db = await openSegmarkDb(name);
  opened.push(db);
  return { db, name };
}

async function reopen(name: string): Promise<SegmarkDb> {
  const db = await openSegmarkDb(name);
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const name of names.splice(0)) await deleteDB(name);
});

function makeDocument(): AnnotationDocument {
  const doc = new AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.3',
      seriesInstanceUID: '1.2.3.4',
      sopInstanceUIDs: Array.from({ length: SLICES }, (_, i) => `1.2.3.4.${i + 1}`),
      rows: 64,
      columns: 64,
      slices: SLICES,
    },
    ops: REGION_OPS,
    labels: labelsFromTemplate(GENERIC_TEMPLATE),
  });
  const [first, second] = doc.labels;
  for (let s = 0; s < SLICES; s += 2) {
    doc.setRegion(first!.id, s, strokeToRegion([5 + s, 5, 30, 20 + s, 40, 40], 3 + s / 4), { kind: 'draw' });
  }
  const mask = new Uint8Array(64 * 64);
  for (let i = 0; i < mask.length; i++) mask[i] = (i * 7919) % 13 < 5 ? 1 : 0;
  doc.setRegion(second!.id, 3, maskToRegion(mask, 64, 64), { kind: 'import' });
  doc.setRegion(second!.id, 4, differenceRegions(strokeToRegion([10, 10, 50, 50], 6), strokeToRegion([30, 0, 30, 64], 2)), {
    kind: 'interpolate',
  });
  doc.setVerified(second!.id, 4, true);
  return doc;
}

const ID = documentId('1.2.3', '1.2.3.4', 'dr.a');

/** Counts region writes by wrapping the connection (idb objects are proxies; we bind through them). */
function spy(db: SegmarkDb, onRegionPut?: (value: unknown, n: number) => unknown): { db: SegmarkDb; puts: number; deletes: number } {
  const counts = { db, puts: 0, deletes: 0 };
  const bindAll = <T extends object>(target: T, override: (prop: string | symbol) => unknown): T =>
    new Proxy(target, {
      get(t, prop) {
        const own = override(prop);
        if (own !== undefined) return own;
        const value = Reflect.get(t, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  counts.db = bindAll(db, (prop) =>
    prop === 'transaction'
      ? (...args: Parameters<SegmarkDb['transaction']>) => {
          const tx = db.transaction(...args);
          return bindAll(tx, (p) =>
            p === 'objectStore'
              ? (name: 'documents' | 'regions' | 'revisions') => {
                  if (name !== 'regions') return tx.objectStore(name);
                  const store = (tx as unknown as IDBPTransaction<SegmarkSchema, ['regions'], 'readwrite'>).objectStore('regions');
                  return bindAll(store, (q) => {
                    if (q === 'put') {
                      return (value: Parameters<typeof store.put>[0]) => {
                        counts.puts++;
                        const replaced = onRegionPut?.(value, counts.puts) ?? value;
                        return store.put(replaced as typeof value);
                      };
                    }
                    if (q === 'delete') {
                      return (key: Parameters<typeof store.delete>[0]) => {
                        counts.deletes++;
                        return store.delete(key);
                      };
                    }
                    return undefined;
                  });
                }
              : undefined,
          );
        }
      : undefined,
  );
  return counts;
}

describe('local document store', () => {
  it('saves a document, and after closing and reopening the database loads it back exactly', async () => {
    const { db, name } = await freshDb();
    const snapshot = makeDocument().snapshot();
    expect(snapshot.regions.length).toBe(SLICES / 2 + 2);
    await saveDocument(db, ID, snapshot, undefined, { description: 'CT LUMBAR', geometry: 'g1', now: 1000 });
    db.close();
    const again = await reopen(name);
    const loaded = await loadDocument(again, ID);
    expect(loaded).toEqual(snapshot);
    // …and it is a document the annotation model accepts as is.
    expect(AnnotationDocument.fromSnapshot(loaded!, REGION_OPS).snapshot()).toEqual(snapshot);
    expect(await loadDocument(again, documentId('9', '9', 'x'))).toBeUndefined();
    expect(await listDocuments(again)).toEqual([
      {
        id: ID,
        description: 'CT LUMBAR',
        updatedAt: 1000,
        labelCount: snapshot.labels.length,
        regionCount: snapshot.regions.length,
        verifiedCount: snapshot.regions.filter((r) => r.verified).length,
      },
    ]);
  });

  it('an incremental save writes only the changed (label, slice) regions and deletes removed ones', async () => {
    const { db } = await freshDb();
    const doc = makeDocument();
    await saveDocument(db, ID, doc.snapshot());
    const changes: AnnotationChange[] = [];
    doc.subscribe((c) => changes.push(c));
    const first = doc.labels[0]!.id;
    doc.setRegion(first, 2, strokeToRegion([0, 0, 60, 60], 4), { kind: 'draw' });
    doc.setRegion(first, 4, { rings: [] }, { kind: 'erase' }); // removes (first, 4)
    expect(changes.map((c) => [c.labelId, c.slice])).toEqual([[first, 2], [first, 4]]);

    const counted = spy(db);
    await saveDocument(counted.db, ID, doc.snapshot(), changes);
    expect(counted.puts).toBe(1);
    expect(counted.deletes).toBe(1);
    expect(await loadDocument(db, ID)).toEqual(doc.snapshot());

    // A full save of an unchanged document rewrites every region but deletes nothing.
    const full = spy(db);
    await saveDocument(full.db, ID, doc.snapshot());
    expect(full.puts).toBe(doc.snapshot().regions.length);
    expect(full.deletes).toBe(0);
  });

  it('a save that fails midway leaves the previously stored document intact', async () => {
    const { db, name } = await freshDb();
    const before = makeDocument().snapshot();
    await saveDocument(db, ID, before, undefined, { now: 1 });

    const edited = makeDocument();
    edited.updateLabel(edited.labels[0]!.id, { name: 'Renamed' });
    edited.setRegion(edited.labels[0]!.id, 0, strokeToRegion([1, 1, 63, 63], 8), { kind: 'draw' });
    edited.setRegion(edited.labels[1]!.id, 3, { rings: [] }, { kind: 'erase' });
    // The third region write carries an invalid key (NaN slice): IndexedDB throws DataError mid-transaction.
    const failing = spy(db, (value, n) => (n === 3 ? { ...(value as object), slice: Number.NaN } : undefined));
    const error = await saveDocument(failing.db, ID, edited.snapshot(), undefined, { now: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('storage-unavailable');
    expect(failing.puts).toBe(3);

    db.close();
    const again = await reopen(name);
    expect(await loadDocument(again, ID)).toEqual(before);
    expect((await listDocuments(again))[0]!.updatedAt).toBe(1);
  });

  it('keeps the last N revisions, lists them newest first, and a loaded revision equals the saved snapshot', async () => {
    const { db } = await freshDb();
    const doc = makeDocument();
    const first = doc.labels[0]!.id;
    const saved: { id: number; snapshot: DocumentSnapshot }[] = [];
    for (let i = 0; i < 7; i++) {
      doc.setRegion(first, 11, strokeToRegion([i, i, 50 - i, 30], 2 + i), { kind: 'draw' });
      const snapshot = doc.snapshot();
      saved.push({ id: await addRevision(db, ID, snapshot, `edit ${i}`, 3, 100 + i), snapshot });
    }
    await addRevision(db, documentId('1.2.3', '1.2.3.4', 'dr.b'), doc.snapshot(), 'other user', 3);
    const listed = await listRevisions(db, ID);
    expect(listed.map((r) => r.summary)).toEqual(['edit 6', 'edit 5', 'edit 4']);
    expect(listed.map((r) => r.time)).toEqual([106, 105, 104]);
    expect(listed[0]!.regionCount).toBe(saved[6]!.snapshot.regions.length);
    for (const { id, snapshot } of saved.slice(4)) expect(await loadRevision(db, id)).toEqual(snapshot);
    expect(await loadRevision(db, saved[0]!.id)).toBeUndefined();
  });

  it('deleting a document removes its regions and revisions, and leaves other documents alone', async () => {
    const { db } = await freshDb();
    const snapshot = makeDocument().snapshot();
    const other = documentId('1.2.3', '1.2.3.4', 'dr.b');
    await saveDocument(db, ID, snapshot);
    await saveDocument(db, other, snapshot);
    await addRevision(db, ID, snapshot, 'checkpoint');
    await deleteDocument(db, ID);
    expect(await loadDocument(db, ID)).toBeUndefined();
    expect(await listRevisions(db, ID)).toEqual([]);
    const regionDocs = (await db.getAll('regions')).map((r) => r.docId);
    expect(regionDocs.length).toBe(snapshot.regions.length);
    expect(new Set(regionDocs)).toEqual(new Set([other]));
    expect(await loadDocument(db, other)).toEqual(snapshot);
  });

  it('a corrupt stored region is reported as storage-corrupt, not returned', async () => {
    const { db } = await freshDb();
    const snapshot = makeDocument().snapshot();
    await saveDocument(db, ID, snapshot);
    const record = (await db.getAll('regions'))[0]!;
    await db.put('regions', { ...record, bytes: new ArrayBuffer(3) });
    const error = await loadDocument(db, ID).catch((e: unknown) => e);
    expect((error as SegmarkError).code).toBe('storage-corrupt');
  });

  it('closes a connection that blocks another tab\'s upgrade and says so', async () => {
    const { name } = await freshDb();
    opened.splice(0).forEach((d) => d.close());
    let blocking = 0;
    const mine = await openSegmarkDb(name, { onBlocking: () => blocking++ });
    opened.push(mine);
    const newer = await openDB(name, DB_VERSION + 1); // "another tab" with a later version
    expect(blocking).toBe(1);
    expect(newer.version).toBe(DB_VERSION + 1);
    newer.close();
  });
});
