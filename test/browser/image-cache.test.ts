/**
 * The image cache (`cache-images`) in real IndexedDB: cached files come back
 * with their names and exact bytes; the cache stays under its cap by evicting
 * the least recently used series; loading counts as use; a series bigger than
 * the cap is refused; "forget cached images" leaves no image bytes and no
 * document touched; a write that fails midway keeps what was cached before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { GENERIC_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SegmarkError } from '../../src/core/errors.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import { addRevision, listRevisions, loadDocument, saveDocument } from '../../src/store/documents.js';
import {
  cachedSeries,
  cacheSeries,
  cacheUsage,
  forgetAllImages,
  forgetSeries,
  loadCachedSeries,
  type FileToCache,
} from '../../src/store/image-cache.js';
import { documentId, seriesKey } from '../../src/store/schema.js';

const opened: SegmarkDb[] = [];
const names: string[] = [];

async function freshDb(): Promise<{ db: SegmarkDb; name: string }> {
  const name = `segmark-cache-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return { db: await reopen(name), name };
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

/** Distinct, reproducible bytes. */
function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7) & 255;
  return out;
}

/** `count` files of `size` bytes each, named IM-<seed>-<i>.dcm. */
function filesOf(seed: number, count: number, size: number): FileToCache[] {
  return Array.from({ length: count }, (_, i) => ({ name: `IM-${seed}-${i}.dcm`, bytes: new Blob([bytes(size, seed * 100 + i)]) }));
}

async function contents(files: readonly File[]): Promise<Uint8Array[]> {
  return Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
}

async function expected(files: readonly FileToCache[]): Promise<Uint8Array[]> {
  return Promise.all(files.map(async (f) => new Uint8Array(f.bytes instanceof Blob ? await f.bytes.arrayBuffer() : f.bytes)));
}

const A = seriesKey('1.2.3', '1.2.3.1');
const B = seriesKey('1.2.3', '1.2.3.2');
const C = seriesKey('1.2.3', '1.2.3.3');
const D = seriesKey('1.2.4', '1.2.4.1');
const E = seriesKey('1.2.4', '1.2.4.2');
const F = seriesKey('1.2.4', '1.2.4.3');

describe('image cache', () => {
  it('gives back the cached files with their names and exact bytes, in order, after the database is reopened', async () => {
    const { db, name } = await freshDb();
    const files: FileToCache[] = [
      { name: 'IM-0001-0001.dcm', bytes: new Blob([bytes(1000, 1)]) },
      { name: '切片 0002.dcm', bytes: bytes(2500, 2).buffer },
      // A picked File: the name given here is the one kept.
      { name: 'IM-0001-0003.dcm', bytes: new File([bytes(700, 3)], 'renamed-by-host.dcm') },
      { name: 'empty.dcm', bytes: new ArrayBuffer(0) },
    ];
    expect(await cacheSeries(db, A, { description: 'CT L-SPINE' }, files, { capBytes: 1e6, now: 1000 })).toEqual([]);
    db.close();

    const again = await reopen(name);
    expect(await cachedSeries(again)).toEqual([
      { key: A, description: 'CT L-SPINE', fileCount: 4, totalBytes: 4200, lastUsed: 1000, createdAt: 1000 },
    ]);
    expect(await cacheUsage(again)).toBe(4200);
    const loaded = (await loadCachedSeries(again, A, 2000))!;
    expect(loaded.every((f) => f instanceof File)).toBe(true);
    expect(loaded.map((f) => f.name)).toEqual(files.map((f) => f.name));
    expect(await contents(loaded)).toEqual(await expected(files));
    expect((await again.get('image-series', A))!.fileNames).toEqual(files.map((f) => f.name));
    expect(await loadCachedSeries(again, B)).toBeUndefined();
  });

  it('evicts the least recently used other series to stay within the cap, never the one just written', async () => {
    const { db } = await freshDb();
    const cap = { capBytes: 100 };
    expect(await cacheSeries(db, A, {}, filesOf(1, 3, 10), { ...cap, now: 1 })).toEqual([]);
    expect(await cacheSeries(db, B, {}, filesOf(2, 3, 10), { ...cap, now: 2 })).toEqual([]);
    expect(await cacheSeries(db, C, {}, filesOf(3, 3, 10), { ...cap, now: 3 })).toEqual([]);
    await loadCachedSeries(db, A, 4); // A is now used more recently than B and C

    expect(await cacheSeries(db, D, {}, filesOf(4, 3, 10), { ...cap, now: 5 })).toEqual([B]);
    expect((await cachedSeries(db)).map((s) => s.key)).toEqual([D, A, C]);

    expect(await cacheSeries(db, E, {}, filesOf(5, 2, 30), { ...cap, now: 6 })).toEqual([C, A]);
    expect((await cachedSeries(db)).map((s) => s.key)).toEqual([E, D]);
    expect(await cacheUsage(db)).toBe(90);
    // The evicted series' files are gone, not only their records.
    expect(new Set((await db.getAll('image-files')).map((f) => f.seriesKey))).toEqual(new Set([E, D]));

    // A series exactly as big as the cap evicts everything else, and stays.
    expect(await cacheSeries(db, F, {}, filesOf(6, 1, 100), { ...cap, now: 7 })).toEqual([D, E]);
    expect((await cachedSeries(db)).map((s) => [s.key, s.totalBytes])).toEqual([[F, 100]]);
    expect(await db.count('image-files')).toBe(1);

    // Replacing a series does not count its old copy against the cap.
    expect(await cacheSeries(db, F, {}, filesOf(7, 2, 50), { ...cap, now: 8 })).toEqual([]);
    expect(await contents((await loadCachedSeries(db, F))!)).toEqual(await expected(filesOf(7, 2, 50)));
  });

  it('loading a series marks it used now, which moves it to the front of the list', async () => {
    const { db } = await freshDb();
    await cacheSeries(db, A, {}, filesOf(1, 2, 10), { capBytes: 1000, now: 10 });
    await cacheSeries(db, B, {}, filesOf(2, 2, 10), { capBytes: 1000, now: 20 });
    expect((await cachedSeries(db)).map((s) => s.key)).toEqual([B, A]);
    await loadCachedSeries(db, A, 30);
    const listed = await cachedSeries(db);
    expect(listed.map((s) => [s.key, s.lastUsed, s.createdAt])).toEqual([
      [A, 30, 10],
      [B, 20, 20],
    ]);
  });

  it('refuses a series bigger than the cap on its own with image-cache-cap, and changes nothing', async () => {
    const { db } = await freshDb();
    const kept = filesOf(1, 2, 30);
    await cacheSeries(db, A, {}, kept, { capBytes: 100, now: 1 });
    const error = await cacheSeries(db, B, {}, filesOf(2, 3, 50), { capBytes: 100, now: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('image-cache-cap');
    expect((error as SegmarkError).params).toEqual({ size: 0.00015, cap: 0.0001 });
    // Nor may a too-big new copy of a cached series drop the old one.
    const replacing = await cacheSeries(db, A, {}, filesOf(3, 1, 101), { capBytes: 100, now: 3 }).catch((e: unknown) => e);
    expect((replacing as SegmarkError).code).toBe('image-cache-cap');
    expect((await cachedSeries(db)).map((s) => [s.key, s.lastUsed])).toEqual([[A, 1]]);
    expect(await contents((await loadCachedSeries(db, A))!)).toEqual(await expected(kept));
  });

  it('"forget cached images" leaves no image record in the database and every document as it was', async () => {
    const { db } = await freshDb();
    const doc = new AnnotationDocument({
      series: { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.1', sopInstanceUIDs: ['a', 'b'], rows: 32, columns: 32, slices: 2 },
      ops: REGION_OPS,
      labels: labelsFromTemplate(GENERIC_TEMPLATE),
    });
    doc.setRegion(1, 1, { rings: [[2, 2, 20, 2, 20, 20, 2, 20]] }, { kind: 'draw' });
    const docId = documentId('1.2.3', '1.2.3.1', 'dr.a');
    await saveDocument(db, docId, doc.snapshot());
    await addRevision(db, docId, doc.snapshot(), 'checkpoint');
    const documentsBefore = { documents: await db.getAll('documents'), regions: await db.getAll('regions'), revisions: await db.getAll('revisions') };

    await cacheSeries(db, A, {}, filesOf(1, 3, 20), { capBytes: 1000 });
    await cacheSeries(db, B, {}, filesOf(2, 2, 20), { capBytes: 1000 });
    await forgetSeries(db, A);
    expect((await cachedSeries(db)).map((s) => s.key)).toEqual([B]);
    expect(new Set((await db.getAll('image-files')).map((f) => f.seriesKey))).toEqual(new Set([B]));

    await cacheSeries(db, C, {}, filesOf(3, 2, 20), { capBytes: 1000 });
    await forgetAllImages(db);
    // Read the raw stores: no record, so no bytes, is left.
    expect(await db.getAll('image-series')).toEqual([]);
    expect(await db.getAll('image-files')).toEqual([]);
    expect(await db.count('image-files')).toBe(0);
    expect(await cacheUsage(db)).toBe(0);
    expect(await loadCachedSeries(db, B)).toBeUndefined();

    expect({ documents: await db.getAll('documents'), regions: await db.getAll('regions'), revisions: await db.getAll('revisions') }).toEqual(
      documentsBefore,
    );
    expect(await loadDocument(db, docId)).toEqual(doc.snapshot());
    expect((await listRevisions(db, docId)).map((r) => r.summary)).toEqual(['checkpoint']);
  });
});

describe('image cache writes are atomic', () => {
  it('a value that cannot be stored midway through a replacement keeps the old copy intact', async () => {
    const { db } = await freshDb();
    const old = filesOf(1, 3, 20);
    await cacheSeries(db, A, { description: 'old' }, old, { capBytes: 1000, now: 1 });
    const bad = filesOf(2, 4, 20);
    // A name that structured clone refuses: the third file's put throws DataCloneError after the old copy's delete was issued.
    bad[2] = { ...bad[2]!, name: (() => 'x') as unknown as string };
    const error = await cacheSeries(db, A, { description: 'new' }, bad, { capBytes: 1000, now: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('storage-unavailable');
    expect((error as SegmarkError).cause).toMatchObject({ name: 'DataCloneError' });

    expect(await cachedSeries(db)).toEqual([{ key: A, description: 'old', fileCount: 3, totalBytes: 60, lastUsed: 1, createdAt: 1 }]);
    const loaded = (await loadCachedSeries(db, A))!;
    expect(loaded.map((f) => f.name)).toEqual(old.map((f) => f.name));
    expect(await contents(loaded)).toEqual(await expected(old));
  });

  it('a full disk midway (QuotaExceededError) keeps the old copy and the series it would have evicted, and reports storage-quota', async () => {
    const { db } = await freshDb();
    const oldA = filesOf(1, 2, 20);
    const oldB = filesOf(2, 2, 20);
    await cacheSeries(db, A, {}, oldA, { capBytes: 100, now: 1 });
    await cacheSeries(db, B, {}, oldB, { capBytes: 100, now: 2 });
    const newA = filesOf(3, 3, 25); // 75 bytes: with B's 40 over the cap, so B would be evicted

    const error = await cacheSeries(quotaExceededAtPut(db, 2), A, {}, newA, { capBytes: 100, now: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('storage-quota');
    expect((await cachedSeries(db)).map((s) => [s.key, s.totalBytes])).toEqual([[B, 40], [A, 40]]);
    expect(await contents((await loadCachedSeries(db, A))!)).toEqual(await expected(oldA));
    expect(await contents((await loadCachedSeries(db, B))!)).toEqual(await expected(oldB));

    // The same write, once there is room, replaces A and evicts B.
    expect(await cacheSeries(db, A, {}, newA, { capBytes: 100, now: 4 })).toEqual([B]);
    expect(await contents((await loadCachedSeries(db, A))!)).toEqual(await expected(newA));
    expect(await db.count('image-files')).toBe(3);
  });
});

/**
 * The connection, except that the nth put into `image-files` of each
 * transaction fails the way a full disk does: the request rejects with
 * QuotaExceededError and the transaction aborts. idb's objects are proxies whose
 * methods need their own `this`, hence the binding.
 */
function quotaExceededAtPut(db: SegmarkDb, n: number): SegmarkDb {
  const wrap = <T extends object>(target: T, override: (prop: string | symbol) => unknown): T =>
    new Proxy(target, {
      get(t, prop) {
        const own = override(prop);
        if (own !== undefined) return own;
        const value = Reflect.get(t, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  type AnyTx = { abort(): void; objectStore(name: string): { put(value: unknown): Promise<unknown> } };
  return wrap(db, (prop) => {
    if (prop !== 'transaction') return undefined;
    return (...args: Parameters<SegmarkDb['transaction']>) => {
      const tx = db.transaction(...args) as unknown as AnyTx;
      let puts = 0;
      return wrap(tx, (p) => {
        if (p !== 'objectStore') return undefined;
        return (name: string) => {
          const store = tx.objectStore(name);
          if (name !== 'image-files') return store;
          return wrap(store, (q) => {
            if (q !== 'put') return undefined;
            return (value: unknown) => {
              if (++puts !== n) return store.put(value);
              // Aborted once the batch is issued, as a failed commit is; aborting at once would make the next put throw instead.
              queueMicrotask(() => tx.abort());
              return Promise.reject(new DOMException('simulated: the disk is full', 'QuotaExceededError'));
            };
          });
        };
      });
    };
  });
}
