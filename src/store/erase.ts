/**
 * Deleting that erases: documents and cached images are removed by copying
 * everything else into the store's next generation and deleting the old
 * database (`generations.ts` says why, and how a crash is survived).
 *
 * Measured in headless Chromium 156 on a persistent profile (a deleted record
 * planted among 200 kept ones, the profile's files searched for its text):
 * - a deleted record's value stays in the LevelDB `.log`, after 20 s idle, a
 *   browser close and a restart;
 * - deleting a small separate database writes the log into a table file (the
 *   value is then in an `.ldb`) and compacts only that database's key range;
 * - deleting the database that held the value, when it is already in table
 *   files, compacts its range through every level: the value is gone from the
 *   files once LevelDB removes the replaced tables (at its next flush, or the
 *   next open);
 * - so: copy, flush, delete the old generation, flush — and nothing of the
 *   deleted record is left in any file of the profile, before the browser
 *   closes. Blob values (cached image files) are separate files, removed with
 *   their record once no page holds them as a Blob.
 * What stays: LevelDB's text log (`LOG`) may name a compacted key (a
 * document id: study and series UID, user) until Chromium rotates it.
 */
import { openDB, type IDBPDatabase, type StoreNames } from 'idb';
import { SegmarkError } from '../core/errors.js';
import { upgradeSchema, type SegmarkDb } from './db.js';
import { deleteDocument } from './documents.js';
import { baseName, canListDatabases, dropGeneration, existingGenerations, generationName, generationOf, storeLocks, withStoreLock } from './generations.js';
import { forgetAllImages } from './image-cache.js';
import { DB_VERSION, type DocId, type SegmarkSchema } from './schema.js';
import { runUnlocked, storageError } from './transaction.js';

export interface EraseRequest {
  /** Documents to erase, with their regions and revisions. */
  documents?: readonly DocId[];
  /** Erase every cached image (series records and files). */
  images?: boolean;
}

export interface EraseResult {
  /** The records are gone from the store (always, when this resolves). */
  deleted: true;
  /**
   * Their bytes are gone from the browser's files too. False when the browser
   * cannot list databases or has no Web Locks (the records were deleted in
   * place), or another connection kept the old database open (it is erased
   * when that closes, or at the next open).
   */
  erased: boolean;
  /** The database that is the store now. */
  name: string;
}

/** Records read and written per transaction while copying. */
const BATCH = 256;

/**
 * Erases documents and/or the cached images: the store afterwards holds
 * everything else, unchanged, in a new database, and the old one is deleted
 * so that the browser compacts its bytes away. Connections to the old one
 * (`db` among them) are closed by their `blocking` handler and move to the
 * new generation through `onMoved` (`db.ts`); one without such a handler
 * holds the deletion up (`erased: false`) until it closes.
 *
 * The copy runs in a worker of its own, ended when it is done: copying the
 * cached images reads them as Blobs, and a Blob the page still holds keeps
 * its file on disk (Chromium deletes it when the Blob is let go, or at the
 * next start) — ending the worker lets go of all of them at once.
 */
export async function eraseFromStore(db: SegmarkDb, request: EraseRequest): Promise<EraseResult> {
  if (!canListDatabases() || !storeLocks()) return deleteInPlace(db, request);
  if (typeof Worker === 'undefined') return eraseStore(db.name, request);
  const worker = new Worker(new URL('./erase-worker.ts', import.meta.url), { type: 'module', name: 'segmark-erase' });
  try {
    const reply = await new Promise<EraseReply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<EraseReply>) => resolve(event.data);
      worker.onerror = (event) => reject(new SegmarkError('storage-unavailable', `the erase worker failed: ${event.message}`));
      worker.postMessage({ name: db.name, request } satisfies EraseMessage);
    });
    if (!reply.ok) throw new SegmarkError(reply.code, reply.message);
    return reply.result;
  } finally {
    worker.terminate();
  }
}

/** What the page asks the erase worker (`erase-worker.ts`). */
export interface EraseMessage {
  /** The database that is the store now. */
  name: string;
  request: EraseRequest;
}

/** What the erase worker answers. */
export type EraseReply = { ok: true; result: EraseResult } | { ok: false; code: SegmarkError['code']; message: string };

/** The erase itself, on its own connection to the store's database `name` (in the worker, or here without workers). */
export async function eraseStore(name: string, request: EraseRequest): Promise<EraseResult> {
  const base = baseName(name);
  const from = generationOf(name);
  const drop = new Set(request.documents ?? []);
  return withStoreLock(base, 'exclusive', async () => {
    const newest = (await existingGenerations(base))[0] ?? from;
    if (newest !== from) {
      // Another tab erased first: the caller's connection is about to be told; nothing was copied from it.
      throw new SegmarkError('storage-unavailable', `the store moved to generation ${newest} while erasing from ${from}`);
    }
    const to = from + 1;
    let source: IDBPDatabase<SegmarkSchema> | undefined;
    let target: IDBPDatabase<SegmarkSchema> | undefined;
    try {
      // No version: the store as it is (the page opened it at this version).
      source = await openDB<SegmarkSchema>(name);
      target = await openDB<SegmarkSchema>(generationName(base, to), DB_VERSION, {
        upgrade(database, oldVersion, _newVersion, transaction) {
          upgradeSchema(database, oldVersion, transaction);
        },
      });
      await copy(source, target, 'documents', (r) => !drop.has(r.id));
      await copy(source, target, 'regions', (r) => !drop.has(r.docId));
      await copy(source, target, 'revisions', (r) => !drop.has(r.docId));
      if (!request.images) {
        await copy(source, target, 'image-series', () => true);
        await copy(source, target, 'image-files', () => true);
      }
      await copy(source, target, 'datasets', () => true);
      // Last: from this commit on, the new generation is the store.
      await runUnlocked(target, ['meta'], 'readwrite', (tx) => tx.objectStore('meta').put({ key: 'generation', generation: to, completedAt: Date.now() }));
    } catch (error) {
      source?.close();
      target?.close();
      // An interrupted copy is dropped here, or at the next open if this fails too.
      await deleteIncomplete(generationName(base, to));
      throw storageError(error);
    }
    source.close();
    target.close();
    // Every other connection to the old generation closes on the deletion's versionchange and moves on.
    const erased = await dropGeneration(base, from);
    return { deleted: true, erased, name: generationName(base, to) };
  });
}

type CopiedStore = Exclude<StoreNames<SegmarkSchema>, 'meta'>;

/** Copies the records of one store that `keep` accepts, a batch per transaction, in key order. */
async function copy<S extends CopiedStore>(
  from: IDBPDatabase<SegmarkSchema>,
  to: IDBPDatabase<SegmarkSchema>,
  store: S,
  keep: (record: SegmarkSchema[S]['value']) => boolean,
): Promise<void> {
  let after: SegmarkSchema[S]['key'] | undefined;
  for (;;) {
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const [keys, values] = await runUnlocked(from, [store], 'readonly', (tx) =>
      Promise.all([tx.objectStore(store).getAllKeys(range, BATCH), tx.objectStore(store).getAll(range, BATCH)]),
    );
    if (keys.length === 0) return;
    const kept = values.filter(keep);
    if (kept.length) {
      await runUnlocked(to, [store], 'readwrite', async (tx) => {
        // Every store has an inline key (keyPath), so `put` keeps it (revision ids too).
        await Promise.all(kept.map((value) => tx.objectStore(store).put(value)));
      });
    }
    if (keys.length < BATCH) return;
    after = keys[keys.length - 1];
  }
}

async function deleteIncomplete(name: string): Promise<void> {
  try {
    const request = indexedDB.deleteDatabase(name);
    await new Promise<void>((resolve) => {
      request.onsuccess = request.onerror = () => resolve();
    });
  } catch {
    // The next open drops it: it has no generation record.
  }
}

/** Without database listing or Web Locks: the records are deleted, their bytes may stay. */
async function deleteInPlace(db: SegmarkDb, request: EraseRequest): Promise<EraseResult> {
  for (const id of request.documents ?? []) await deleteDocument(db, id);
  if (request.images) await forgetAllImages(db);
  return { deleted: true, erased: false, name: db.name };
}
