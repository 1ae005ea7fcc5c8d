/**
 * Generations of the local store. Deleting a record in IndexedDB does not
 * erase it: Chromium keeps every database of an origin in one LevelDB, where
 * a deletion only appends a tombstone, and the old value stays readable in the
 * `.log` and `.ldb` files until a compaction merges the two. What Chromium
 * compacts is the key range of a database it deletes (the experiments are in
 * `erase.ts`). So an erase copies what is kept into a new database — the next
 * generation, `segmark:g1`, `segmark:g2`, … after the first, `segmark` — and
 * deletes the old one.
 *
 * Crash safety: the copy writes a `generation` record into `meta` last. A
 * newer database without it is an interrupted copy and is dropped at the next
 * open; the older one is still whole. A newer one with it is the store, and
 * any older one left (the crash came before it was deleted) is deleted then.
 *
 * Tabs: every write of the store holds a shared Web Lock named after it
 * (`transaction.ts`), an erase holds it exclusively, so no tab writes the old
 * database after the copy read it. Other tabs' connections to the old one get
 * `versionchange` when it is deleted and move to the new one (`db.ts`).
 */
import { openDB, deleteDB } from 'idb';
import type { SegmarkSchema } from './schema.js';

const GENERATION = /^(.*):g(\d+)$/;

/** The name of generation `n` of the store named `base`. */
export function generationName(base: string, n: number): string {
  return n === 0 ? base : `${base}:g${n}`;
}

/** The store's name without its generation: what the locks and the generations are named after. */
export function baseName(name: string): string {
  return GENERATION.exec(name)?.[1] ?? name;
}

/** The generation a database name stands for. */
export function generationOf(name: string): number {
  const match = GENERATION.exec(name);
  return match ? Number(match[2]) : 0;
}

/** The small database created and deleted to make Chromium write its pending LevelDB log into table files. */
export function flushName(base: string): string {
  return `${base}:flush`;
}

/** The Web Lock every write holds shared and an erase holds exclusively. */
export function storeLockName(base: string): string {
  return `segmark:store:${base}`;
}

/** The page's Web Locks, when the browser has them. */
export function storeLocks(): LockManager | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}

/** Runs `body` holding the store's lock (`shared` for writes, `exclusive` for an erase); without Web Locks, at once. */
export async function withStoreLock<T>(base: string, mode: LockMode, body: () => Promise<T>): Promise<T> {
  const locks = storeLocks();
  if (!locks) return body();
  return locks.request(storeLockName(base), { mode }, body) as Promise<T>;
}

/** Whether this browser can list databases (needed to find generations). */
export function canListDatabases(): boolean {
  return typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function';
}

/** The generations of `base` that exist, newest first. */
export async function existingGenerations(base: string): Promise<number[]> {
  if (!canListDatabases()) return [];
  const infos = await indexedDB.databases();
  const found = new Set<number>();
  for (const info of infos) {
    if (info.name !== undefined && baseName(info.name) === base) found.add(generationOf(info.name));
  }
  return [...found].sort((a, b) => b - a);
}

/**
 * The name of the database that is the store `base` now. Usually the only
 * generation there is; when there are several (an erase runs in another tab,
 * or one was interrupted), waits for the erase, drops interrupted copies and
 * erases what older generations are left.
 */
export async function currentGeneration(base: string): Promise<string> {
  const found = await existingGenerations(base);
  if (found.length <= 1) return generationName(base, found[0] ?? 0);
  return withStoreLock(base, 'exclusive', async () => {
    const now = await existingGenerations(base);
    let current: number | undefined;
    for (const n of now) {
      if (current !== undefined) {
        await dropGeneration(base, n);
      } else if (n === 0 || (await isComplete(generationName(base, n)))) {
        current = n;
      } else {
        // An interrupted copy: the generation before it is whole.
        await deleteDB(generationName(base, n));
      }
    }
    return generationName(base, current ?? 0);
  });
}

/** Whether an erase finished copying into this database (its `generation` record is there). */
async function isComplete(name: string): Promise<boolean> {
  // No version: opened as it is, never upgraded here.
  const db = await openDB<SegmarkSchema>(name);
  try {
    if (!db.objectStoreNames.contains('meta')) return false;
    return (await db.get('meta', 'generation')) !== undefined;
  } finally {
    db.close();
  }
}

/** How long an erase waits for the old database to be deleted before it reports it still held open. */
export const DELETE_WAIT_MS = 10_000;

/**
 * Deletes an old generation so its bytes leave the disk: first a small
 * database is created and deleted, which makes Chromium write its pending
 * log into table files; then deleting the generation compacts its key range
 * through every level, dropping the old values with their tombstones; a last
 * flush lets LevelDB remove the table files that compaction replaced.
 * Resolves false when another connection keeps the generation open past
 * `DELETE_WAIT_MS` (it is deleted once that closes).
 */
export async function dropGeneration(base: string, n: number): Promise<boolean> {
  await flush(base);
  const deleted = deleteDB(generationName(base, n));
  const done = await Promise.race([
    deleted.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DELETE_WAIT_MS)),
  ]);
  if (done) await flush(base);
  return done;
}

async function flush(base: string): Promise<void> {
  const name = flushName(base);
  const db = await openDB(name, 1, {
    upgrade(database) {
      database.createObjectStore('flush');
    },
  });
  db.close();
  await deleteDB(name);
}
