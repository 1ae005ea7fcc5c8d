/**
 * Dataset definitions in real IndexedDB (issue 16): a definition comes back
 * exactly after the database is reopened; changes are read-modify-write in
 * one transaction, so two concurrent additions both land with distinct
 * pseudonyms; a corrupt record is reported, not used; and a version-2
 * database (the version-1 fixture plus the image stores as version 2 made
 * them, with a cached file) upgrades to version 3 with everything kept and
 * an empty `datasets` store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import fixtureText from '../fixtures/segmark-db-v1.json?raw';
import { CATEGORY, LUMBAR_DISC } from '../../src/core/annotation/codes.js';
import { SegmarkError } from '../../src/core/errors.js';
import { addCases, createDefinition, type DatasetDefinition } from '../../src/core/formats/dataset-definition.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import { createDataset, deleteDataset, listDatasets, loadDataset, saveDataset, updateDataset } from '../../src/store/datasets.js';
import { loadDocument } from '../../src/store/documents.js';
import { loadCachedSeries } from '../../src/store/image-cache.js';
import { DB_VERSION, seriesKey } from '../../src/store/schema.js';

const opened: { close(): void }[] = [];
const names: string[] = [];

function uniqueName(): string {
  const name = `segmark-datasets-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}

async function open(name: string): Promise<SegmarkDb> {
  const db = await openSegmarkDb(name);
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const name of names.splice(0)) await deleteDB(name);
});

const disc = { category: CATEGORY.anatomicalStructure, type: LUMBAR_DISC['L4/L5'] };

function definition(id = 12): DatasetDefinition {
  const def = createDefinition({ id, name: 'Discs', seed: 'seed', secret: 'ab'.repeat(16), testFraction: 0.25 });
  return addCases(def, [
    { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.1', patientId: 'P1', docId: '1.2.3|1.2.3.1|ann', labels: [{ name: 'L4/L5 disc', code: disc }] },
  ]);
}

function seriesToAdd(n: number) {
  return { studyInstanceUID: `1.2.${n}`, seriesInstanceUID: `1.2.${n}.1`, patientId: `P${n}` };
}

describe('dataset definitions in IndexedDB', () => {
  it('come back exactly after the database is reopened, listed with their folder and counts', async () => {
    const name = uniqueName();
    const db = await open(name);
    const def = definition();
    await createDataset(db, def, 1000);
    db.close();
    const again = await open(name);
    expect(await loadDataset(again, 12)).toEqual(def);
    expect(await loadDataset(again, 13)).toBeUndefined();
    expect(await listDatasets(again)).toEqual([{ id: 12, name: 'Discs', folder: 'Dataset012_Discs', cases: 1, labels: 1, createdAt: 1000, updatedAt: 1000 }]);
  });

  it('refuse a second definition with a taken id, and save over one only when asked', async () => {
    const db = await open(uniqueName());
    await createDataset(db, definition(), 1000);
    const other = createDefinition({ id: 12, name: 'Other' });
    await expect(createDataset(db, other)).rejects.toMatchObject({ code: 'dataset-export-invalid', params: { field: 'id' } });
    expect((await loadDataset(db, 12))!.name).toBe('Discs');
    await saveDataset(db, other, 2000);
    expect((await loadDataset(db, 12))!.name).toBe('Other');
    expect((await listDatasets(db))[0]).toMatchObject({ createdAt: 1000, updatedAt: 2000 });
    await deleteDataset(db, 12);
    expect(await listDatasets(db)).toEqual([]);
  });

  it('two concurrent changes both land, with distinct pseudonyms', async () => {
    const name = uniqueName();
    const a = await open(name);
    const b = await open(name);
    await createDataset(a, definition());
    const [fromA, fromB] = await Promise.all([
      updateDataset(a, 12, (d) => addCases(d, [seriesToAdd(7)])),
      updateDataset(b, 12, (d) => addCases(d, [seriesToAdd(8)])),
    ]);
    expect(new Set([fromA.cases.at(-1)!.id, fromB.cases.at(-1)!.id]).size).toBe(2);
    const stored = (await loadDataset(a, 12))!;
    expect(stored.cases.map((c) => c.id)).toEqual(['Discs_0001', 'Discs_0002', 'Discs_0003']);
    expect(stored.nextCase).toBe(4);
  });

  it('a change that fails validation leaves the stored definition as it was', async () => {
    const db = await open(uniqueName());
    await createDataset(db, definition());
    await expect(updateDataset(db, 12, (d) => addCases(d, [{ ...seriesToAdd(9), patientId: '' }]))).rejects.toMatchObject({
      code: 'dataset-export-invalid',
      params: { field: 'cases[0].patientId' },
    });
    await expect(updateDataset(db, 12, (d) => ({ ...d, id: 13 }))).rejects.toMatchObject({ params: { field: 'id' } });
    await expect(updateDataset(db, 99, (d) => d)).rejects.toMatchObject({ code: 'dataset-export-invalid' });
    expect(await loadDataset(db, 12)).toEqual(definition());
  });

  it('a stored record that no longer validates is storage-corrupt, not a different label map', async () => {
    const db = await open(uniqueName());
    const def = structuredClone(definition()) as unknown as { labels: { value: number }[] };
    def.labels[0]!.value = 3;
    await db.put('datasets', { id: 12, definition: def as unknown as DatasetDefinition, createdAt: 1, updatedAt: 1 });
    const error = await loadDataset(db, 12).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('storage-corrupt');
    await expect(listDatasets(db)).rejects.toMatchObject({ code: 'storage-corrupt' });
  });
});

// ---------------------------------------------------------------------------

interface StoreFixture {
  keyPath: string | string[];
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  records: unknown[];
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

const v1 = JSON.parse(fixtureText, revive) as { version: number; stores: Record<string, StoreFixture>; expected: { docId: string; document: unknown } };
const CACHED = seriesKey('1.2.3', '1.2.3.9');
const CACHED_BYTES = new Uint8Array([68, 73, 67, 77, 1, 2, 3]);

/**
 * A version-2 database: the version-1 fixture's stores and records, then the
 * two image stores exactly as step 2 of `db.ts` creates them, with one cached
 * series of one file. The connection is closed when it resolves.
 */
function createVersion2(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const [storeName, store] of Object.entries(v1.stores)) {
        const created = db.createObjectStore(storeName, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
        for (const index of store.indexes) created.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
        for (const record of store.records) created.add(record);
      }
      const series = db.createObjectStore('image-series', { keyPath: 'key' });
      const files = db.createObjectStore('image-files', { keyPath: ['seriesKey', 'index'] });
      files.createIndex('by-series', 'seriesKey');
      series.add({ key: CACHED, description: 'CT', fileCount: 1, totalBytes: CACHED_BYTES.length, lastUsed: 5, createdAt: 5, fileNames: ['IM-1.dcm'] });
      files.add({ seriesKey: CACHED, index: 0, name: 'IM-1.dcm', bytes: new Blob([CACHED_BYTES]) });
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

describe('schema upgrade from version 2', () => {
  it('keeps the documents and the cached images, and adds an empty datasets store that then holds definitions', async () => {
    const name = uniqueName();
    await createVersion2(name);
    const db = await open(name);
    expect(db.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(4);
    expect([...db.objectStoreNames].sort()).toEqual(['datasets', 'documents', 'image-files', 'image-series', 'meta', 'regions', 'revisions']);
    expect(await db.count('datasets')).toBe(0);
    expect(db.transaction('datasets').store.keyPath).toBe('id');
    expect(await loadDocument(db, v1.expected.docId)).toEqual(v1.expected.document);
    const files = await loadCachedSeries(db, CACHED, 10);
    expect(files!.map((f) => f.name)).toEqual(['IM-1.dcm']);
    expect(new Uint8Array(await files![0]!.arrayBuffer())).toEqual(CACHED_BYTES);
    await createDataset(db, definition());
    expect(await loadDataset(db, 12)).toEqual(definition());
  });
});
