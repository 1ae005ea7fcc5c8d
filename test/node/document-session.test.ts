/**
 * The document session (src/store/document-session.ts) driven through
 * failures in Node: a full disk, a blocked upgrade, a writer tab that never
 * answers, a writer that closes, the store deleted or closed under it, and a
 * stored record that is missing or corrupt.
 *
 * IndexedDB is fake-indexeddb (an in-memory implementation of the spec);
 * Web Locks, BroadcastChannel and the clock are the stand-ins of
 * ./support/fake-tabs.ts, because Node has no Web Locks and the session must
 * not wait for real seconds. Each "tab" is one DocumentSession with its own
 * connection and channel, sharing the locks and the database, as tabs of one
 * origin do. The browser tests cover the real parts with real IndexedDB and
 * real tabs: test/browser/tabs.test.ts, store.test.ts, store-upgrade.test.ts,
 * autosave.test.ts, work.test.ts and image-cache.test.ts.
 */
import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';
import { deleteDB, openDB, unwrap } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { SegmarkError } from '../../src/core/errors.js';
import type { SaveState } from '../../src/store/autosave.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import { DocumentSession } from '../../src/store/document-session.js';
import type { SessionSeries } from '../../src/store/session-series.js';
import { deleteDocument, listRevisions, loadDocument, saveDocument } from '../../src/store/documents.js';
import { DB_VERSION, documentId, type SegmarkSchema } from '../../src/store/schema.js';
import type { RoleReason, TabRole } from '../../src/store/tabs.js';
import { FakeBroadcast, FakeClock, FakeLocks } from './support/fake-tabs.js';

const SERIES: SessionSeries = {
  studyInstanceUID: '1.2.826.0.1.3680043.8.498.1',
  seriesInstanceUID: '1.2.826.0.1.3680043.8.498.1.1',
  sopInstanceUIDs: ['1.2.826.0.1.3680043.8.498.1.1.1', '1.2.826.0.1.3680043.8.498.1.1.2', '1.2.826.0.1.3680043.8.498.1.1.3', '1.2.826.0.1.3680043.8.498.1.1.4'],
  rows: 64,
  columns: 64,
  slices: 4,
  description: 'LSPINE SAG T2',
  geometry: '64|64|4|test',
};
const USER = 'reader-1';
const DOC_ID = documentId(SERIES.studyInstanceUID, SERIES.seriesInstanceUID, USER);

/** What the tab coordinator waits for a writer to answer a take-over (src/store/tabs.ts). */
const HANDOVER_TIMEOUT_MS = 3000;

/** One origin: its database, its locks, the channel between its tabs, and time. */
interface Origin {
  dbName: string;
  locks: FakeLocks;
  broadcast: FakeBroadcast;
  clock: FakeClock;
}

/** A tab: one document session, what it reported, and levers to break its storage. */
interface Tab {
  session: DocumentSession<SessionSeries>;
  /** Errors reported apart from saving (`onStorageError`). */
  errors: SegmarkError[];
  states: SaveState[];
  /** Errors that came with a save state (a refused write). */
  saveErrors: SegmarkError[];
  roles: [TabRole, RoleReason][];
  persistence: boolean[];
  /** While true, every write of this tab is refused for lack of space. */
  diskFull: boolean;
  /** This tab's current connection (the real one, not the session's view). */
  connection: SegmarkDb | undefined;
  /** The tab hangs: it hears nothing from the other tabs. */
  freeze(): void;
}

let origins = 0;
const tabs: Tab[] = [];
const names: string[] = [];

afterEach(async () => {
  for (const t of tabs.splice(0)) {
    await t.session.close();
    t.connection?.close();
  }
  for (const name of names.splice(0)) await deleteDB(name);
});

function origin(): Origin {
  const dbName = `segmark-session-${++origins}`;
  names.push(dbName);
  return { dbName, locks: new FakeLocks(), broadcast: new FakeBroadcast(), clock: new FakeClock() };
}

function fresh(series: SessionSeries): AnnotationDocument {
  return new AnnotationDocument({
    series: { ...series },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE, 'en'),
  });
}

/**
 * Refuses readwrite transactions while `full()` says so, as a browser over
 * its quota does (there the commit fails with QuotaExceededError; here the
 * transaction is refused up front: either way nothing is written).
 */
function withQuota(db: SegmarkDb, full: () => boolean): SegmarkDb {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') {
        return (...args: Parameters<SegmarkDb['transaction']>) => {
          if (full() && args[1] === 'readwrite') throw new DOMException('the origin is over its storage quota', 'QuotaExceededError');
          return target.transaction(...args);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function openTab(o: Origin, user = USER): Tab {
  const { channel, freeze } = o.broadcast.tab();
  const tab: Tab = { session: undefined!, errors: [], states: [], saveErrors: [], roles: [], persistence: [], diskFull: false, connection: undefined, freeze };
  tab.session = new DocumentSession<SessionSeries>(
    {
      openDb: async (handlers) => {
        const db = await openSegmarkDb(o.dbName, handlers);
        tab.connection = db;
        return withQuota(db, () => tab.diskFull);
      },
      channel,
      locks: o.locks,
      clock: o.clock,
      persistence: { persisted: async () => false, persist: async () => true },
    },
    {
      onDocument: () => {},
      onChange: () => {},
      onSaveState: (state, _lastSaved, error) => {
        tab.states.push(state);
        if (error) tab.saveErrors.push(error);
      },
      onStorageError: (error) => tab.errors.push(error),
      onPersistence: (granted) => tab.persistence.push(granted),
      onRole: (role, reason) => tab.roles.push([role, reason]),
    },
    fresh,
  );
  tab.session.user = user;
  tabs.push(tab);
  return tab;
}

/** Opens the series in the tab and waits until the stored document is looked up and the role decided. */
async function openSeries(tab: Tab, series: SessionSeries = SERIES): Promise<AnnotationDocument> {
  tab.session.open(series, series);
  await tab.session.restored;
  expect(tab.session.ready).toBe(true);
  return tab.session.document!;
}

function draw(document: AnnotationDocument, label: number, slice: number, x: number): void {
  document.setRegion(label, slice, { rings: [[x, 10, x + 20, 10, x + 20, 30, x, 30]] }, { kind: 'draw' });
}

const regionsOf = (document: AnnotationDocument | undefined) => document?.snapshot().regions.map((r) => [r.labelId, r.slice, r.rings[0]![0]]);

/** The stored document as another connection reads it now. */
async function stored(o: Origin, docId = DOC_ID) {
  const db = await openSegmarkDb(o.dbName);
  try {
    return await loadDocument(db, docId);
  } finally {
    db.close();
  }
}

/** Waits (in real time: IndexedDB, locks and channels run on real tasks) until `ok()`. */
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const codes = (tab: Tab) => tab.errors.map((e) => e.code);

describe('document session: open, autosave, restore', () => {
  it('opens a fresh document as the writer, autosaves an edit after the debounce, and a new session restores it', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    // Nothing was stored: the lookup says no work was restored.
    expect(await tab.session.restored).toBe(false);
    expect(tab.roles).toEqual([['writer', 'opened']]);
    expect(tab.session.writable).toBe(true);
    expect(tab.persistence).toEqual([true]);
    expect(await stored(o)).toBeUndefined();

    draw(document, 1, 2, 10);
    expect(tab.states.at(-1)).toBe('saving');
    // Nothing is written before the debounce ends.
    expect(await stored(o)).toBeUndefined();
    await o.clock.advance(200);
    await until('the edit to be stored', () => tab.states.at(-1) === 'saved');
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 2]]);

    await tab.session.close();
    const again = openTab(o);
    const restored = await openSeries(again);
    expect(await again.session.restored).toBe(true);
    expect(restored).not.toBe(document);
    expect(regionsOf(restored)).toEqual(regionsOf(document));
  });

  it('an explicit save keeps a revision, and restoring it is one undo step', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 1, 10);
    const id = await tab.session.save();
    expect(id).toBeTypeOf('number');
    draw(document, 2, 3, 40);
    expect(await tab.session.restoreRevision(id!)).toBe(true);
    expect(regionsOf(document)).toEqual([[1, 1, 10]]);
    expect(document.undo()).toBe(true);
    expect(regionsOf(document)).toEqual([[1, 1, 10], [2, 3, 40]]);
    // A revision that is not there restores nothing.
    expect(await tab.session.restoreRevision(id! + 1000)).toBe(false);
  });
});

describe('document session: a full disk', () => {
  it('keeps the work when a write is refused for quota, says so, retries with back-off and recovers', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    await tab.session.flush();
    expect(tab.states.at(-1)).toBe('saved');

    tab.diskFull = true;
    draw(document, 2, 1, 30);
    await o.clock.advance(200);
    await until('the refused write to be reported', () => tab.states.at(-1) === 'error');
    expect(tab.saveErrors.map((e) => e.code)).toEqual(['storage-quota']);
    // The work stays on screen; the stored document is the one before the refused edit.
    expect(regionsOf(document)).toEqual([[1, 0, 10], [2, 1, 30]]);
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0]]);

    // Still full at the first retry (1 s later): still an error, nothing stored.
    await o.clock.advance(1000);
    await until('the retry to fail', () => tab.saveErrors.length === 2);
    expect(tab.states.at(-1)).toBe('error');
    expect((await stored(o))?.regions).toHaveLength(1);
    // An explicit save cannot keep a version of work that is not stored.
    expect(await tab.session.save()).toBeUndefined();
    expect(tab.saveErrors.map((e) => e.code)).toEqual(['storage-quota', 'storage-quota', 'storage-quota']);

    // Room again: the next retry (back-off: 5 s after three failures) stores everything that was refused.
    tab.diskFull = false;
    await o.clock.advance(4999);
    expect(tab.states.at(-1)).toBe('error');
    await o.clock.advance(1);
    await until('saving to recover', () => tab.states.at(-1) === 'saved');
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0], [2, 1]]);
    expect(await tab.session.save()).toBeTypeOf('number');
  });
});

describe('document session: two tabs on one document', () => {
  it('the second tab reads and follows the writer’s saves; it cannot write', async () => {
    const o = origin();
    const writer = openTab(o);
    const reader = openTab(o);
    const written = await openSeries(writer);
    await openSeries(reader);
    expect(reader.roles).toEqual([['reader', 'opened']]);
    expect(reader.session.writable).toBe(false);
    expect(await reader.session.restoreRevision(1)).toBe(false);

    draw(written, 1, 2, 10);
    await writer.session.flush();
    await until('the reader to reload the stored document', () => JSON.stringify(regionsOf(reader.session.document)) === JSON.stringify(regionsOf(written)));
    expect(reader.session.writable).toBe(false);
  });

  it('take-over: the writer stores its pending edit and steps down; the reader writes with everything', async () => {
    const o = origin();
    const first = openTab(o);
    const second = openTab(o);
    const document = await openSeries(first);
    await openSeries(second);
    // Inside the autosave delay: not stored yet.
    draw(document, 2, 3, 50);
    expect(await stored(o)).toBeUndefined();

    await second.session.takeOver();
    await until('the roles to swap', () => second.session.writable && !first.session.writable);
    expect(first.roles.at(-1)).toEqual(['reader', 'handed-over']);
    expect(second.roles.at(-1)).toEqual(['writer', 'promoted']);
    expect(regionsOf(second.session.document)).toEqual([[2, 3, 50]]);
    expect(first.errors).toEqual([]);
  });

  it('a writer that never answers a take-over loses the lock after the hand-over timeout; its later edits are not written', async () => {
    const o = origin();
    const hung = openTab(o);
    const other = openTab(o);
    const mine = await openSeries(hung);
    draw(mine, 1, 0, 10);
    await hung.session.flush();
    await openSeries(other);
    expect(other.session.writable).toBe(false);

    hung.freeze();
    const taking = other.session.takeOver();
    // The request goes unanswered: nothing changes until the timeout.
    await new Promise((r) => setTimeout(r, 20));
    expect(other.session.writable).toBe(false);
    expect(hung.session.writable).toBe(true);
    await o.clock.advance(HANDOVER_TIMEOUT_MS - 1);
    expect(other.session.writable).toBe(false);
    await o.clock.advance(1);
    await taking;
    await until('the other tab to write', () => other.session.writable);
    expect(other.roles.at(-1)).toEqual(['writer', 'promoted']);
    expect(regionsOf(other.session.document)).toEqual([[1, 0, 10]]);

    // The hung tab learns from its lock that it lost the document; what it does now is refused, not written.
    await until('the hung tab to step down', () => !hung.session.writable);
    expect(hung.roles.at(-1)).toEqual(['reader', 'lost']);
    draw(mine, 3, 1, 70);
    await hung.session.flush();
    expect(hung.saveErrors.map((e) => e.code)).toEqual(['storage-other-tab']);
    expect(regionsOf(mine)).toEqual([[1, 0, 10], [3, 1, 70]]);
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0]]);

    // The new writer's work is stored as usual.
    draw(other.session.document!, 2, 2, 30);
    await other.session.flush();
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0], [2, 2]]);
  });

  it('when the writer closes, the reader is promoted and shows what was stored', async () => {
    const o = origin();
    const writer = openTab(o);
    const reader = openTab(o);
    const document = await openSeries(writer);
    await openSeries(reader);
    // The reader hears no save (it is deaf), so only the promotion can bring the work to it.
    reader.freeze();
    draw(document, 1, 1, 10);
    draw(document, 4, 2, 40);
    expect(regionsOf(reader.session.document)).toEqual([]);

    // Closing stores what is pending before it lets go of the document.
    await writer.session.close();
    await until('the reader to write', () => reader.session.writable);
    expect(reader.roles.at(-1)).toEqual(['writer', 'promoted']);
    expect(regionsOf(reader.session.document)).toEqual(regionsOf(document));
    expect((await stored(o))?.regions).toHaveLength(2);
  });
});

describe('document session: the store fails under it', () => {
  /** A tab of an older Segmark: the store at version 1, held open; it does not close when a newer version asks. */
  async function olderTab(o: Origin) {
    return openDB<SegmarkSchema>(o.dbName, 1, {
      upgrade(db) {
        db.createObjectStore('documents', { keyPath: 'id' });
        db.createObjectStore('regions', { keyPath: ['docId', 'labelId', 'slice'] }).createIndex('by-doc', 'docId');
        db.createObjectStore('revisions', { keyPath: 'id', autoIncrement: true }).createIndex('by-doc', 'docId');
      },
    });
  }

  it('an upgrade blocked by an older tab is reported; editing waits, and the stored work opens once that tab lets go', async () => {
    const o = origin();
    const old = await olderTab(o);
    const before = fresh(SERIES);
    draw(before, 3, 2, 20);
    await saveDocument(old as unknown as SegmarkDb, DOC_ID, before.snapshot());

    const tab = openTab(o);
    tab.session.open(SERIES, SERIES);
    await until('the blocked upgrade to be reported', () => codes(tab).includes('storage-blocked'));
    await new Promise((r) => setTimeout(r, 20));
    expect(tab.session.ready).toBe(false);
    expect(tab.roles).toEqual([]);

    old.close();
    await tab.session.restored;
    expect(tab.session.ready).toBe(true);
    expect(tab.session.writable).toBe(true);
    expect(regionsOf(tab.session.document)).toEqual([[3, 2, 20]]);
    expect(codes(tab)).toEqual(['storage-blocked']);
  });

  it('the store deleted under an open document: the loss is said, the store opens again and the work on screen is written back', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    await tab.session.flush();
    // An edit still inside the autosave delay.
    draw(document, 2, 1, 40);

    await deleteDB(o.dbName);
    expect(codes(tab)).toEqual(['storage-unavailable']);
    await tab.session.restored;
    await until('the work to be written back', async () => (await stored(o))?.regions.length === 2);
    expect(tab.session.document).toBe(document);
    expect(tab.session.writable).toBe(true);

    // Autosave goes on with the new connection.
    draw(document, 3, 2, 70);
    await tab.session.flush();
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0], [2, 1], [3, 2]]);
  });

  it('the browser closes the connection: the loss is said, the store opens again and an edit not yet stored is written back', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    await tab.session.flush();
    draw(document, 2, 1, 40);

    forceCloseDatabase(unwrap(tab.connection!) as unknown as Parameters<typeof forceCloseDatabase>[0]);
    await until('the loss to be reported', () => codes(tab).includes('storage-unavailable'));
    await tab.session.restored;
    await until('the edit to be written back', async () => (await stored(o))?.regions.length === 2);
    expect(regionsOf(tab.session.document)).toEqual([[1, 0, 10], [2, 1, 40]]);
    expect(tab.session.writable).toBe(true);
    // Still undoable: the document on screen is the same one, history and all.
    expect(tab.session.document).toBe(document);
    expect(document.undo()).toBe(true);
    await tab.session.flush();
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 0]]);
  });

  it('a writer that loses its connection with an unstored edit while another tab waits: that tab writes now, the edit is kept as a revision', async () => {
    const o = origin();
    const first = openTab(o);
    const second = openTab(o);
    const document = await openSeries(first);
    draw(document, 1, 0, 10);
    await first.session.flush();
    await openSeries(second);
    draw(document, 2, 1, 40);

    forceCloseDatabase(unwrap(first.connection!) as unknown as Parameters<typeof forceCloseDatabase>[0]);
    await until('the waiting tab to write', () => second.session.writable);
    await until('the first tab to reconnect as a reader', () => first.session.ready && first.roles.at(-1)?.[0] === 'reader');
    await first.session.restored;
    expect(regionsOf(second.session.document)).toEqual([[1, 0, 10]]);
    expect(regionsOf(first.session.document)).toEqual([[1, 0, 10]]);
    const db = (await second.session.storedDb())!;
    const [kept] = await listRevisions(db, DOC_ID);
    expect(kept?.summary).toBe('Unsaved changes of a tab that lost the document to another tab');
    expect(kept?.regionCount).toBe(2);
  });

  it('a newer Segmark upgrading the store takes it away: the loss is said, the work stays on screen, nothing more is written', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    await tab.session.flush();

    const newer = await openDB<SegmarkSchema>(o.dbName, DB_VERSION + 1);
    try {
      expect(codes(tab)).toEqual(['storage-upgraded']);
      expect(tab.session.documentKey).toBeUndefined();
      draw(document, 2, 1, 40);
      await tab.session.flush();
      expect(regionsOf(document)).toEqual([[1, 0, 10], [2, 1, 40]]);
      expect((await loadDocument(newer as unknown as SegmarkDb, DOC_ID))?.regions).toHaveLength(1);
    } finally {
      newer.close();
    }
  });
});

describe('document session: what is stored is missing or corrupt', () => {
  it('a record deleted while the document was closed: reopening writes the document on screen back', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    await tab.session.close();
    const db = await openSegmarkDb(o.dbName);
    await deleteDocument(db, DOC_ID);
    db.close();

    // The same series again in this tab: its own document comes back, and the store gets it again.
    expect(tab.session.open(SERIES, SERIES)).toBe(document);
    await tab.session.restored;
    await until('the document to be written back', async () => (await stored(o))?.regions.length === 1);
    expect(tab.errors).toEqual([]);
  });

  it('nothing stored and nothing drawn: a fresh document, and nothing is written', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    expect(document.labels.length).toBeGreaterThan(0);
    expect(regionsOf(document)).toEqual([]);
    await tab.session.flush();
    expect(await stored(o)).toBeUndefined();
  });

  it('a corrupt record is reported; a fresh document opens and the tab still writes', async () => {
    const o = origin();
    const db = await openSegmarkDb(o.dbName);
    const earlier = fresh(SERIES);
    draw(earlier, 2, 1, 30);
    await saveDocument(db, DOC_ID, earlier.snapshot());
    // Regions of labels the record no longer lists (a half-written record of some older build).
    const record = (await db.get('documents', DOC_ID))!;
    await db.put('documents', { ...record, labels: [] });
    db.close();

    const tab = openTab(o);
    const document = await openSeries(tab);
    expect(codes(tab)).toEqual(['storage-corrupt']);
    expect(regionsOf(document)).toEqual([]);
    expect(tab.session.writable).toBe(true);
    draw(document, 1, 0, 10);
    await tab.session.flush();
    expect(tab.states.at(-1)).toBe('saved');
  });

  it('the same series opened with other images gets a document of its own; the stored one stays intact', async () => {
    const o = origin();
    const full = openTab(o);
    draw(await openSeries(full), 1, 3, 10);
    await full.session.close();

    const subset = openTab(o);
    const fewer: SessionSeries = { ...SERIES, sopInstanceUIDs: SERIES.sopInstanceUIDs.slice(0, 3), slices: 3, geometry: '64|64|3|test' };
    const document = await openSeries(subset, fewer);
    expect(regionsOf(document)).toEqual([]);
    expect(subset.session.documentKey).toMatch(new RegExp(`^${DOC_ID.replace(/[.|]/g, '\\$&')}\\|[0-9a-f]{8}$`));
    draw(document, 2, 1, 30);
    await subset.session.flush();
    expect((await stored(o))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 3]]);
    expect((await stored(o, subset.session.documentKey))?.regions.map((r) => [r.labelId, r.slice])).toEqual([[2, 1]]);
  });

  it('a revision of another series is not restored', async () => {
    const o = origin();
    const tab = openTab(o);
    const document = await openSeries(tab);
    draw(document, 1, 0, 10);
    const id = await tab.session.save();
    expect((await listRevisions((await tab.session.storedDb())!, DOC_ID)).map((r) => r.id)).toEqual([id]);

    const other = openTab(o, 'reader-2');
    const series = { ...SERIES, seriesInstanceUID: `${SERIES.seriesInstanceUID}.9` };
    await openSeries(other, series);
    expect(await other.session.restoreRevision(id!)).toBe(false);
  });
});
