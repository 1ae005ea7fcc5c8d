/**
 * Schema upgrades, tested from a stored fixture of every earlier version
 * (issue 4, "Storage"): a database that version 1 of the store wrote
 * (test/fixtures/segmark-db-v1.json, see its `about`) is rebuilt with the raw
 * IndexedDB API, then opened by the current code. Its document and revisions
 * must come back exactly, the new stores must exist and be empty, and a tab
 * still on the old version must not stall the upgrade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import fixtureText from '../fixtures/segmark-db-v1.json?raw';
import type { DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import { addRevision, listDocuments, listRevisions, loadDocument, loadRevision } from '../../src/store/documents.js';
import { DB_VERSION, type DocId } from '../../src/store/schema.js';

interface StoreFixture {
  keyPath: string | string[];
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  records: unknown[];
}

interface DatabaseFixture {
  about: string;
  version: number;
  stores: Record<string, StoreFixture>;
  expected: {
    docId: DocId;
    document: DocumentSnapshot;
    /** Oldest first. */
    revisions: { id: number; time: number; summary: string; snapshot: DocumentSnapshot }[];
  };
}

/** The fixture writes ArrayBuffers as `{ "$arrayBuffer": base64 }`. */
function revive(_key: string, value: unknown): unknown {
  const base64 = (value as { $arrayBuffer?: unknown } | null)?.$arrayBuffer;
  if (typeof base64 !== 'string') return value;
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

const v1 = JSON.parse(fixtureText, revive) as DatabaseFixture;

const names: string[] = [];
const connections: { close(): void }[] = [];

afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  for (const name of names.splice(0)) await deleteDB(name);
});

function uniqueName(): string {
  const name = `segmark-upgrade-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}

/** The fixture's database, object stores and indexes created exactly as it lists them; the connection is left open. */
function createFromFixture(name: string, fixture: DatabaseFixture): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, fixture.version);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const [storeName, store] of Object.entries(fixture.stores)) {
        const created = db.createObjectStore(storeName, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
        for (const index of store.indexes) {
          created.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
        }
        for (const record of store.records) created.add(record);
      }
    };
    request.onsuccess = () => {
      connections.push(request.result);
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

async function open(name: string, options?: Parameters<typeof openSegmarkDb>[1]): Promise<SegmarkDb> {
  const db = await openSegmarkDb(name, options);
  connections.push(db);
  return db;
}

describe('schema upgrade from version 1', () => {
  it('the fixture is a version-1 database with a document, its regions and two revisions', () => {
    expect(v1.version).toBe(1);
    expect(Object.keys(v1.stores).sort()).toEqual(['documents', 'regions', 'revisions']);
    expect(v1.stores.regions!.records.length).toBe(v1.expected.document.regions.length);
    expect(v1.expected.revisions.length).toBe(2);
    expect(v1.about).toMatch(/throwaway/);
  });

  it('opens a version-1 database at the current version with its document unchanged: labels, exact coordinates, origins, verified flags', async () => {
    const name = uniqueName();
    (await createFromFixture(name, v1)).close();
    const db = await open(name);
    expect(db.version).toBe(DB_VERSION);

    const loaded = await loadDocument(db, v1.expected.docId);
    expect(loaded).toEqual(v1.expected.document);
    // Spelled out for the cases the fixture was made for.
    const region = (labelId: number, slice: number) => loaded!.regions.find((r) => r.labelId === labelId && r.slice === slice)!;
    expect(region(1, 2).rings.length).toBe(2); // outer ring and its hole
    expect(region(1, 2)).toMatchObject({ origin: 'drawn', verified: true });
    expect(region(1, 3)).toMatchObject({ origin: 'interpolated', verified: false });
    expect(region(2, 0)).toMatchObject({ origin: 'imported', verified: true });
    expect(region(3, 5).rings).toEqual([[12.1, 40.3, 25.7, 41.9, 19.35, 55.05]]); // stored as Float64
    expect(loaded!.labels.map((l) => [l.id, l.name, l.visible, l.locked])).toEqual([
      [1, 'Lesion', true, false],
      [2, 'Tissue', false, false],
      [3, 'Cyst', true, true],
    ]);
    expect(await listDocuments(db)).toEqual([
      expect.objectContaining({ id: v1.expected.docId, description: 'CT L-SPINE', regionCount: loaded!.regions.length }),
    ]);

    // The upgrade step left every version-1 record as it was.
    for (const store of ['documents', 'regions', 'revisions'] as const) {
      expect(await db.getAll(store)).toEqual(v1.stores[store]!.records);
    }
  });

  it('lists and loads the revisions of a version-1 database, and new revisions follow them', async () => {
    const name = uniqueName();
    (await createFromFixture(name, v1)).close();
    const db = await open(name);
    const { docId, revisions } = v1.expected;
    const listed = await listRevisions(db, docId);
    expect(listed.map((r) => [r.id, r.time, r.summary])).toEqual(revisions.map((r) => [r.id, r.time, r.summary]).reverse());
    for (const r of revisions) expect(await loadRevision(db, r.id)).toEqual(r.snapshot);
    // The auto-increment key generator survived: a new revision sorts after the old ones.
    const id = await addRevision(db, docId, v1.expected.document, 'after upgrade');
    expect(id).toBeGreaterThan(Math.max(...revisions.map((r) => r.id)));
    expect((await listRevisions(db, docId))[0]!.summary).toBe('after upgrade');
  });

  it('adds the image stores, empty, with their index', async () => {
    const name = uniqueName();
    (await createFromFixture(name, v1)).close();
    const db = await open(name);
    expect([...db.objectStoreNames].sort()).toEqual(['datasets', 'documents', 'image-files', 'image-series', 'meta', 'regions', 'revisions']);
    expect(await db.count('image-series')).toBe(0);
    expect(await db.count('image-files')).toBe(0);
    const files = db.transaction('image-files').store;
    expect(files.keyPath).toEqual(['seriesKey', 'index']);
    expect([...files.indexNames]).toEqual(['by-series']);
  });
});

describe('another tab during the upgrade', () => {
  it('a tab still on version 1 is asked to close (as its blocking hook does), and the upgrade then runs without waiting', async () => {
    const name = uniqueName();
    (await createFromFixture(name, v1)).close();
    // The old tab, opened the way version 1 of openSegmarkDb opened it: on `blocking` it closes.
    const asked: [number, number | null][] = [];
    const old = await openDB(name, 1, {
      blocking(currentVersion, blockedVersion) {
        old.close();
        asked.push([currentVersion, blockedVersion]);
      },
    });
    connections.push(old);
    let blocked = 0;
    const db = await open(name, { onBlocked: () => blocked++ });
    expect(asked).toEqual([[1, DB_VERSION]]);
    expect(blocked).toBe(0);
    expect(db.version).toBe(DB_VERSION);
    expect(await loadDocument(db, v1.expected.docId)).toEqual(v1.expected.document);
  });

  it('a version-1 tab that does not close makes the upgrade wait and says so through onBlocked; it runs once that tab closes', async () => {
    const name = uniqueName();
    const old = await createFromFixture(name, v1); // no versionchange handler: it keeps the connection
    let reportBlocked!: (versions: [number, number | null]) => void;
    const blocked = new Promise<[number, number | null]>((resolve) => (reportBlocked = resolve));
    let opened = false;
    const opening = open(name, { onBlocked: (current, wanted) => reportBlocked([current, wanted]) }).then((db) => {
      opened = true;
      return db;
    });
    expect(await blocked).toEqual([1, DB_VERSION]);
    expect(opened).toBe(false);
    old.close();
    const db = await opening;
    expect(db.version).toBe(DB_VERSION);
    expect(await loadDocument(db, v1.expected.docId)).toEqual(v1.expected.document);
  });

  it('the current version, in its turn, closes and reports onBlocking when a newer version is opened', async () => {
    const name = uniqueName();
    (await createFromFixture(name, v1)).close();
    const blocking: [number, number | null][] = [];
    const mine = await open(name, { onBlocking: (current, wanted) => blocking.push([current, wanted]) });
    const newer = await openDB(name, DB_VERSION + 1);
    connections.push(newer);
    expect(blocking).toEqual([[DB_VERSION, DB_VERSION + 1]]);
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(() => mine.transaction('documents')).toThrow(); // closed
  });
});
