/**
 * One atomic IndexedDB transaction, as every store module writes: the body's
 * requests are observed at once, any failure aborts the whole transaction
 * (so nothing half-written commits), and what IndexedDB throws becomes a
 * SegmarkError with a storage code.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { SegmarkError } from '../core/errors.js';
import type { SegmarkDb } from './db.js';
import { baseName, withStoreLock } from './generations.js';
import type { SegmarkSchema } from './schema.js';

export type Tx<S extends StoreNames<SegmarkSchema>[], M extends IDBTransactionMode> = IDBPTransaction<SegmarkSchema, S, M>;

/**
 * Requests issued in a batch. Each gets a handler at once: when a later request
 * throws and the transaction aborts, the earlier ones reject with AbortError,
 * which must not surface as unhandled rejections.
 */
export class Writes {
  readonly #pending: Promise<unknown>[] = [];
  add(request: Promise<unknown>): void {
    request.catch(() => {});
    this.#pending.push(request);
  }
  all(): Promise<unknown[]> {
    return Promise.all(this.#pending);
  }
}

/**
 * Runs `body` in one transaction and waits for it to commit. Any failure
 * aborts the transaction (a request that throws synchronously, e.g. a bad
 * key, would otherwise leave the earlier writes to commit) and is turned into
 * a SegmarkError with a storage code. A readwrite transaction holds the
 * store's lock shared, so it never runs while an erase copies the store
 * (`generations.ts`); it then fails on the closed connection, and the
 * caller's retry writes to the new generation.
 */
export async function run<S extends StoreNames<SegmarkSchema>[], M extends 'readonly' | 'readwrite', T>(
  db: SegmarkDb,
  stores: S,
  mode: M,
  body: (tx: Tx<S, M>) => Promise<T>,
): Promise<T> {
  if (mode === 'readonly') return runUnlocked(db, stores, mode, body);
  return withStoreLock(baseName(db.name), 'shared', () => runUnlocked(db, stores, mode, body));
}

/** `run` without the store's lock: for the erase itself, which holds it exclusively. */
export async function runUnlocked<S extends StoreNames<SegmarkSchema>[], M extends 'readonly' | 'readwrite', T>(
  db: SegmarkDb,
  stores: S,
  mode: M,
  body: (tx: Tx<S, M>) => Promise<T>,
): Promise<T> {
  let tx: Tx<S, M>;
  try {
    tx = db.transaction(stores, mode);
  } catch (error) {
    throw storageError(error);
  }
  const done = tx.done;
  done.catch(() => {}); // observed below; keeps an abort from surfacing as an unhandled rejection
  try {
    const result = await body(tx);
    await done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already committed or aborted
    }
    // The transaction's own error (e.g. QuotaExceededError at commit) says more than the AbortError of a request.
    throw storageError(tx.error ?? error);
  }
}

/** Maps what IndexedDB throws to our codes; SegmarkErrors (e.g. storage-corrupt) pass through. */
export function storageError(error: unknown): SegmarkError {
  if (error instanceof SegmarkError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const detail = error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)
    ? `${(error as Error).name}: ${(error as Error).message}`
    : String(error);
  if (name === 'QuotaExceededError') return new SegmarkError('storage-quota', detail, { cause: error });
  return new SegmarkError('storage-unavailable', detail, { cause: error });
}
