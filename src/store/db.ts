/**
 * Opening the local store: versioned upgrades, and the three ways another tab
 * or the browser can interfere with an open connection.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { SegmarkError } from '../core/errors.js';
import { baseName, currentGeneration, existingGenerations, generationOf, withStoreLock } from './generations.js';
import { DB_NAME, DB_VERSION, type SegmarkSchema } from './schema.js';

export type SegmarkDb = IDBPDatabase<SegmarkSchema>;

export interface OpenOptions {
  /**
   * This connection holds an older version open while another tab wants a
   * newer one: the connection has already been closed (so the other tab can
   * upgrade) when this is called; the caller must stop using it and reopen or
   * reload.
   */
  onBlocking?(currentVersion: number, blockedVersion: number | null): void;
  /** Our upgrade waits because another tab still holds an older version open. */
  onBlocked?(currentVersion: number, blockedVersion: number | null): void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  onTerminated?(): void;
  /**
   * An erase (`erase.ts`, in this tab or another) copied the store into its
   * next generation and deleted this one: the connection is closed; the
   * caller opens the store again (it finds the new generation) and writes
   * there. Without this handler, that deletion is reported as `onBlocking`.
   */
  onMoved?(): void;
}

/**
 * Opens (creating or upgrading) the Segmark database: the current generation
 * of the store `name` (`generations.ts`). Failures become
 * `storage-unavailable` (no IndexedDB, private mode, disabled by policy).
 */
export async function openSegmarkDb(base: string = DB_NAME, options: OpenOptions = {}): Promise<SegmarkDb> {
  if (typeof indexedDB === 'undefined') throw new SegmarkError('storage-unavailable', 'IndexedDB is not available');
  let name = base;
  try {
    name = await currentGeneration(base);
    const db = await openDB<SegmarkSchema>(name, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, transaction) {
        upgradeSchema(database, oldVersion, transaction);
      },
      blocked(currentVersion, blockedVersion) {
        options.onBlocked?.(currentVersion, blockedVersion);
      },
      blocking(currentVersion, blockedVersion) {
        // Holding on would stall the other tab's upgrade (or the deletion) indefinitely.
        db.close();
        closed.add(db);
        if (blockedVersion !== null || !options.onMoved) {
          options.onBlocking?.(currentVersion, blockedVersion);
          return;
        }
        void movedOn(name).then(
          (moved) => (moved ? options.onMoved!() : options.onBlocking?.(currentVersion, blockedVersion)),
          () => options.onBlocking?.(currentVersion, blockedVersion),
        );
      },
      terminated() {
        closed.add(db);
        options.onTerminated?.();
      },
    });
    return db;
  } catch (error) {
    throw new SegmarkError('storage-unavailable', `cannot open database ${name}: ${String(error)}`, { cause: error });
  }
}

/** Connections closed by their `blocking` or `terminated` handler. */
const closed = new WeakSet<SegmarkDb>();

/** Whether `openSegmarkDb`'s connection was closed for another tab's upgrade, an erase, or by the browser. */
export function isClosed(db: SegmarkDb): boolean {
  return closed.has(db);
}

/**
 * Whether the database `name` is being deleted because an erase made a newer
 * generation of its store (rather than someone deleting the store). Waits for
 * the erase to finish first (it holds the store's lock exclusively).
 */
async function movedOn(name: string): Promise<boolean> {
  const base = baseName(name);
  return withStoreLock(base, 'shared', async () => (await existingGenerations(base)).some((n) => n > generationOf(name)));
}

/**
 * One step per version, run in order from the stored version. A chain of
 * `if (oldVersion < n)` rather than idb's fall-through `switch`, which
 * `noFallthroughCasesInSwitch` forbids; the effect is the same: a database at
 * version k runs steps k+1 … DB_VERSION. Steps never touch records of other
 * steps, and each one is tested from a stored fixture of its starting version.
 */
export function upgradeSchema(
  db: IDBPDatabase<SegmarkSchema>,
  oldVersion: number,
  _tx: IDBPTransaction<SegmarkSchema, StoreNames<SegmarkSchema>[], 'versionchange'>,
): void {
  if (oldVersion < 1) {
    db.createObjectStore('documents', { keyPath: 'id' });
    const regions = db.createObjectStore('regions', { keyPath: ['docId', 'labelId', 'slice'] });
    regions.createIndex('by-doc', 'docId');
    const revisions = db.createObjectStore('revisions', { keyPath: 'id', autoIncrement: true });
    revisions.createIndex('by-doc', 'docId');
  }
  if (oldVersion < 2) {
    db.createObjectStore('image-series', { keyPath: 'key' });
    const files = db.createObjectStore('image-files', { keyPath: ['seriesKey', 'index'] });
    files.createIndex('by-series', 'seriesKey');
  }
  if (oldVersion < 3) {
    db.createObjectStore('datasets', { keyPath: 'id' });
  }
  if (oldVersion < 4) {
    db.createObjectStore('meta', { keyPath: 'key' });
  }
}
