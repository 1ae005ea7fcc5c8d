/**
 * Opening the local store: versioned upgrades, and the three ways another tab
 * or the browser can interfere with an open connection.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { SegmarkError } from '../core/errors.js';
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
}

/**
 * Opens (creating or upgrading) the Segmark database. Failures become
 * `storage-unavailable` (no IndexedDB, private mode, disabled by policy).
 */
export async function openSegmarkDb(name: string = DB_NAME, options: OpenOptions = {}): Promise<SegmarkDb> {
  if (typeof indexedDB === 'undefined') throw new SegmarkError('storage-unavailable', 'IndexedDB is not available');
  try {
    const db = await openDB<SegmarkSchema>(name, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, transaction) {
        upgrade(database, oldVersion, transaction);
      },
      blocked(currentVersion, blockedVersion) {
        options.onBlocked?.(currentVersion, blockedVersion);
      },
      blocking(currentVersion, blockedVersion) {
        // Holding on would stall the other tab's upgrade indefinitely.
        db.close();
        options.onBlocking?.(currentVersion, blockedVersion);
      },
      terminated() {
        options.onTerminated?.();
      },
    });
    return db;
  } catch (error) {
    throw new SegmarkError('storage-unavailable', `cannot open database ${name}: ${String(error)}`, { cause: error });
  }
}

/**
 * One step per version, run in order from the stored version. A chain of
 * `if (oldVersion < n)` rather than idb's fall-through `switch`, which
 * `noFallthroughCasesInSwitch` forbids; the effect is the same: a database at
 * version k runs steps k+1 … DB_VERSION. Steps never touch records of other
 * steps, and each one is tested from a stored fixture of its starting version.
 */
function upgrade(
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
}
