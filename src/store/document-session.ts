/**
 * The document session: the stored side of the document an annotator shows.
 * It opens the stored document of a (series, user), restores it (or keeps the
 * fresh one it is given), autosaves every change, keeps revisions, decides
 * with the other tabs which one writes (a Web Lock per document; the others
 * read and follow the writer's saves over a BroadcastChannel), hands the
 * document over, and opens the store again when another tab or the browser
 * takes the connection away.
 *
 * Plain TypeScript: the store, the channel, the locks, the clock and the
 * persistence request are passed in, so Node tests can drive it through
 * failures (test/node/document-session.test.ts). It knows nothing of tools,
 * overlays or rendering: it reports through `DocumentSessionEvents`.
 */
import { AnnotationDocument } from '../core/annotation/document.js';
import { REGION_OPS } from '../core/annotation/region-ops.js';
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import type { ReviewRecord } from '../core/review/record.js';
import { Autosaver, type SaveState } from './autosave.js';
import { Checkpoints } from './checkpoints.js';
import { systemClock, type Clock } from './clock.js';
import { isClosed, type OpenOptions, type SegmarkDb } from './db.js';
import { addRevision, loadDocument, loadRevision } from './documents.js';
import { loadReview } from './review.js';
import { documentId, seriesKey, type DocId, type ReviewFields } from './schema.js';
import { imagesDocId, sameImages, type SessionSeries } from './session-series.js';
import { TabCoordinator, type ChannelConstructor, type LockManagerLike, type RoleReason, type TabRole } from './tabs.js';

/** The storage side of the browser's StorageManager (`navigator.storage`). */
export interface PersistenceLike {
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

/** Everything the session talks to, passed in. A missing part works as in a browser without it. */
export interface DocumentSessionEnvironment {
  /** Opens (creating or upgrading) the local store with these handlers, e.g. `(h) => openSegmarkDb(undefined, h)`. A rejection means no storage: annotating still works, unsaved. */
  openDb(handlers: OpenOptions): Promise<SegmarkDb>;
  /** BroadcastChannel: without it, readers only see the writer's changes when reopened. */
  channel?: ChannelConstructor | undefined;
  /** Web Locks: without them, every tab writes. */
  locks?: LockManagerLike | undefined;
  /** The autosave debounce and retries, checkpoints and the hand-over timeout run on it; default: the real one. */
  clock?: Clock | undefined;
  /** Asked once the store opens to keep it under disk pressure. */
  persistence?: PersistenceLike | undefined;
}

export interface StorageEvents {
  onSaveState(state: SaveState, lastSaved: number | undefined, error: SegmarkError | undefined): void;
  onStorageError(error: SegmarkError): void;
  /** Whether the browser granted persistent storage (stored work is then not evicted under disk pressure). */
  onPersistence(granted: boolean): void;
  /** This tab became the document's writer, or a reader because another tab holds it. */
  onRole(role: TabRole, reason: RoleReason): void;
}

export interface DocumentSessionEvents<K extends object = object> extends StorageEvents {
  /** Another document is shown now for the series opened with `key`: opened, restored from the store, or reloaded after another tab saved. */
  onDocument(document: AnnotationDocument, key: K): void;
  /** `ready` or `writable` changed. */
  onChange(): void;
}

/** The review record kept with the stored document (`review.ts`): loaded with it, stored by its autosave. */
export interface ReviewHooks {
  /** Another document is about to be shown: a fresh review, and nothing to store until the stored one is loaded. */
  reset(): void;
  /** The review of the document now shown: the stored one, or undefined for a new (or unstored) document. */
  loaded(record: ReviewRecord | undefined): void;
  /** The record to store with the document; undefined keeps the stored one. */
  record(): ReviewFields | undefined;
}

/** The shown document's link to its stored record: where it lives, who writes it, and its checkpoints. */
interface StoreLink<K extends object> {
  series: SessionSeries;
  key: K;
  db: SegmarkDb;
  docId: DocId;
  tabs: TabCoordinator;
  /** This tab edits the document: it holds the lock and shows what is stored. */
  editing: boolean;
  saver?: Autosaver;
  checkpoints?: Checkpoints;
}

/** One per annotator. `K` is the caller's key for an opened series (the annotator's loaded volume). */
export class DocumentSession<K extends object = object> {
  /** The document shown (and edited, when `writable`). */
  document: AnnotationDocument | undefined;
  /** False while a stored document is being looked up: editing waits so nothing stored can be overwritten. */
  ready = false;
  /** The user's name, part of the stored document's key, recorded with each region. */
  user = '';
  /**
   * Another user's stored document to open instead of the user's own (a
   * reviewer opening a submitted document from the queue): taken by the next
   * series opened, if it is that document's series; any other series opens
   * the user's own, and the request is dropped.
   */
  openAs: DocId | undefined;
  /** Off: nothing is written to or read from the store. */
  persist = true;
  /** Revisions kept per document. */
  revisionsKept: number | undefined;
  /** Loads and stores the document's review record with it. */
  review: ReviewHooks | undefined;
  /**
   * Settles when the latest lookup of the stored document (from `open`,
   * `resume` or a reconnect) is done: true when stored work was found and is
   * shown, false when there was none (or storage is off or failing).
   */
  restored: Promise<boolean> = Promise.resolve(false);
  private db: Promise<SegmarkDb | undefined> | undefined;
  private link: StoreLink<K> | undefined;
  private series: SessionSeries | undefined;
  private key: K | undefined;
  /** The stored document an opened series (by the caller's key) was opened as, when not the user's own (`openAs`). */
  private readonly openedAs = new WeakMap<K, DocId>();
  /** One document per opened series (by the caller's key), so switching series and back keeps the work. */
  private readonly documents = new WeakMap<K, AnnotationDocument>();
  /** Documents with changes that were not stored when the connection was lost: the next session writes them back. */
  private readonly unstored = new WeakSet<AnnotationDocument>();
  private readonly clock: Clock;

  /** @param fresh makes the document shown when nothing is stored (or before the stored one is read). */
  constructor(
    private readonly env: DocumentSessionEnvironment,
    private readonly events: DocumentSessionEvents<K>,
    private readonly fresh: (series: SessionSeries, key: K) => AnnotationDocument,
  ) {
    this.clock = env.clock ?? systemClock;
  }

  /**
   * Shows the series' document: this session's own from earlier for the same
   * `key` (e.g. the loaded volume), else a fresh one; then looks up the stored
   * one for this series and user (see `restored`) and autosaves from then on.
   */
  open(series: SessionSeries, key: K): AnnotationDocument {
    const document = this.documents.get(key) ?? this.fresh(series, key);
    this.series = series;
    this.key = key;
    this.adopt(key, document);
    this.ready = !this.persist;
    this.review?.reset();
    this.restored = this.ready ? Promise.resolve(false) : this.restore(series, key, document);
    return document;
  }

  /** Starts the session again after `close` (the annotator is back on the page). */
  resume(): void {
    if (this.series && this.key && this.document && this.persist && !this.link) {
      this.ready = false;
      this.restored = this.restore(this.series, this.key, this.document);
    }
  }

  /** Stores what is pending, then lets the document go (other tabs may write it). */
  async close(): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.link = undefined;
    await link.saver?.flush();
    link.saver?.dispose();
    link.checkpoints?.dispose();
    link.tabs.dispose();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    await this.link?.saver?.flush();
  }

  /** The review record changed: store the document record soon. */
  touchRecord(): void {
    this.link?.saver?.touch();
  }

  /** False while another tab edits this document (this one shows it read-only). */
  get writable(): boolean {
    return !this.link || (this.link.editing && this.link.tabs.canWrite);
  }

  /** This tab's role for the stored document; undefined while none is open or decided. */
  get role(): TabRole | undefined {
    return this.link?.tabs.role;
  }

  /** The stored document's key, once the document is stored. */
  get documentKey(): DocId | undefined {
    return this.link?.docId;
  }

  /** The store, when storage is on and available. */
  storedDb(): Promise<SegmarkDb | undefined> {
    return this.persist ? this.database() : Promise.resolve(undefined);
  }

  /** Makes this tab the document's writer (the other tab stores its work and steps down). */
  async takeOver(): Promise<void> {
    await this.link?.tabs.takeOver();
  }

  /** An explicit save: writes now and keeps a checkpoint. Returns the revision id, or undefined when nothing could be stored. */
  async save(note = 'Saved'): Promise<number | undefined> {
    const link = this.link;
    if (!link?.saver || !link.checkpoints) return undefined;
    await link.saver.flush();
    if (link.saver.dirty || link.saver.state === 'error') return undefined;
    return link.checkpoints.take(note);
  }

  /**
   * Puts a stored revision back into the open document as one undo step (so
   * the restore itself can be undone). Returns false when there is no such revision.
   */
  async restoreRevision(id: number): Promise<boolean> {
    const link = this.link;
    const document = this.document;
    if (!link || !document || !link.tabs.canWrite) return false;
    const snapshot = await loadRevision(link.db, id);
    if (!snapshot || snapshot.series.seriesInstanceUID !== document.series.seriesInstanceUID) return false;
    document.restore(snapshot, 'Restore version');
    return true;
  }

  /** The stored document of an opened series: the one it was opened as, else `openAs` (once, for its series), else the user's own. */
  private storedId(series: SessionSeries, key: K): DocId {
    const kept = this.openedAs.get(key);
    if (kept) return kept;
    const asked = this.openAs;
    this.openAs = undefined;
    if (asked?.startsWith(`${seriesKey(series.studyInstanceUID, series.seriesInstanceUID)}|`)) {
      this.openedAs.set(key, asked);
      return asked;
    }
    return documentId(series.studyInstanceUID, series.seriesInstanceUID, this.user);
  }

  /** Makes `document` the one shown and edited for `key`. */
  private adopt(key: K, document: AnnotationDocument): void {
    this.documents.set(key, document);
    this.document = document;
    // Who draws, edits and reviews is recorded with each region.
    document.user = this.user;
    this.events.onDocument(document, key);
  }

  /** The open store; opened again when the connection was closed meanwhile (an erase moved the store). */
  private async database(): Promise<SegmarkDb | undefined> {
    const current = this.openStore();
    const db = await current;
    if (!db || !isClosed(db)) return db;
    if (this.db === current) this.db = undefined;
    return this.openStore();
  }

  private openStore(): Promise<SegmarkDb | undefined> {
    this.db ??= this.env
      .openDb({
        // A newer version elsewhere wants an upgrade, or (no new version) the database is being deleted.
        onBlocking: (_current, newer) =>
          newer === null
            ? this.connectionLost('storage-unavailable', 'the local store was deleted')
            : this.connectionLost('storage-upgraded', 'a newer Segmark in another tab upgrades the local store'),
        onTerminated: () => this.connectionLost('storage-unavailable', 'the browser closed the local store (storage cleared or failing)'),
        // An erase copied the store into its next generation: carry on there, nothing to tell.
        onMoved: () => void this.moved(),
        // Our upgrade waits for a tab still holding the older version open: say so; it proceeds once that tab lets go.
        onBlocked: () => this.events.onStorageError(new SegmarkError('storage-blocked', 'another tab holds the local store open at an older version')),
      })
      .then(
        (db) => {
          void this.askPersistence();
          return db;
        },
        (error: unknown) => {
          this.events.onStorageError(toSegmarkError(error, 'storage-unavailable'));
          return undefined;
        },
      );
    return this.db;
  }

  /**
   * The database connection is gone (another tab upgrades the store, or the
   * browser closed it). The work stays on screen; the user is told; the store
   * is opened again, and what is on screen is written back where the record
   * is missing or this tab had changes it had not stored yet (an upgrade
   * blocked by this tab fails again, and says so).
   */
  private connectionLost(code: 'storage-upgraded' | 'storage-unavailable', detail: string): void {
    this.events.onStorageError(new SegmarkError(code, detail));
    this.db = undefined;
    const link = this.link;
    this.link = undefined;
    if (link) {
      if (link.saver?.dirty && this.document) this.unstored.add(this.document);
      link.saver?.dispose();
      link.checkpoints?.dispose();
      link.tabs.dispose();
    }
    if (code === 'storage-upgraded') return;
    if (this.series && this.key && this.document && this.persist) this.restored = this.restore(this.series, this.key, this.document);
  }

  /**
   * An erase (this tab's or another's) moved the store to a new database
   * and deleted the one this session wrote to. The document stays linked
   * (this tab keeps its role): autosave and checkpoints start again on the
   * new database, and writes that were waiting are made there, all at once.
   */
  private async moved(): Promise<void> {
    const link = this.link;
    const db = await this.database();
    if (!link || this.link !== link || !this.document) return;
    if (!db) {
      this.connectionLost('storage-unavailable', 'the local store could not be opened again after an erase');
      return;
    }
    const pending = link.saver?.dirty ?? false;
    link.db = db;
    this.track(link, this.document);
    if (pending && link.tabs.canWrite) void link.saver?.saveAll();
  }

  /** Asks the browser to keep our storage under disk pressure, and reports the answer. */
  private async askPersistence(): Promise<void> {
    const storage = this.env.persistence;
    if (!storage?.persist) return;
    try {
      const granted = (await storage.persisted?.()) || (await storage.persist());
      this.events.onPersistence(granted);
    } catch {
      this.events.onPersistence(false);
    }
  }

  /**
   * Looks up the stored document and starts autosave; without storage,
   * annotating still works, unsaved. `shown` is the document on screen: a
   * fresh one, or this tab's own from earlier (kept, with its undo history,
   * when the store holds the same; the stored one wins when another tab
   * changed it since, unless this tab lost its connection with changes not
   * yet stored: then its own is kept and written back, or kept as a revision
   * when another tab writes the document now).
   */
  private async restore(series: SessionSeries, key: K, shown: AnnotationDocument): Promise<boolean> {
    const db = await this.database();
    await this.close();
    let docId = this.storedId(series, key);
    let document = shown;
    /** Read without error and not there (new, deleted, or evicted by the browser). */
    let missing = false;
    let review: ReviewRecord | undefined;
    /** A stored record was read. */
    let found = false;
    const unstored = this.unstored.has(shown);
    if (db) {
      try {
        let stored = await loadDocument(db, docId, { revision: true });
        // The same series opened with other images (a subset, another reconstruction): its own
        // document, so neither is restored onto the wrong slices or overwritten.
        if (stored && !sameImages(stored.series, series)) {
          docId = imagesDocId(docId, series);
          stored = await loadDocument(db, docId, { revision: true });
        }
        missing = stored === undefined;
        review = await loadReview(db, docId);
        found = !missing;
        if (stored && !unstored && JSON.stringify(stored) !== JSON.stringify({ ...shown.snapshot(), revision: shown.revision })) {
          document = AnnotationDocument.fromSnapshot(stored, REGION_OPS);
        }
      } catch (error) {
        this.events.onStorageError(toSegmarkError(error, 'storage-corrupt'));
      }
    }
    if (this.key !== key || this.documents.get(key) !== shown || this.link) return false;
    if (document !== shown) this.adopt(key, document);
    this.review?.loaded(review);
    if (db) {
      this.unstored.delete(shown);
      const link: StoreLink<K> = { series, key, db, docId, tabs: undefined!, editing: false };
      link.tabs = new TabCoordinator(
        docId,
        {
          onRole: (role, reason) => void this.roleChanged(link, role, reason),
          onRemoteSaved: () => void this.reload(link),
        },
        () => link.saver?.flush() ?? Promise.resolve(),
        { channel: this.env.channel, locks: this.env.locks, clock: this.clock },
      );
      this.link = link;
      this.track(link, this.document!);
      const role = await link.tabs.start();
      // Work on screen that the store does not have (its record was evicted or deleted meanwhile,
      // or the connection was lost before it was written): store all of it.
      if (role === 'writer' && (unstored || (missing && document.regionCounts().regions > 0))) void link.saver?.saveAll();
      // Another tab writes the document now: it is shown, and this tab's unstored changes are kept as a revision.
      else if (unstored) await this.reload(link, true);
    }
    this.ready = true;
    this.events.onChange();
    return found;
  }

  /** Autosave and checkpoints for the document now shown. */
  private track(link: StoreLink<K>, document: AnnotationDocument): void {
    link.saver?.dispose();
    link.checkpoints?.dispose();
    const checkpoints = new Checkpoints(link.db, link.docId, document, { keep: this.revisionsKept, now: this.clock.now });
    link.checkpoints = checkpoints;
    link.saver = new Autosaver(
      link.db,
      link.docId,
      document,
      { description: link.series.description, geometry: link.series.geometry },
      {
        onState: (state, lastSaved, error) => this.events.onSaveState(state, lastSaved, error),
        onSaved: () => {
          link.tabs.announceSaved();
          checkpoints.saved().catch((error: unknown) => this.events.onStorageError(toSegmarkError(error, 'storage-unavailable')));
        },
        canWrite: () => link.tabs.canWrite,
        review: () => this.review?.record(),
      },
      this.clock,
    );
  }

  private async roleChanged(link: StoreLink<K>, role: TabRole, reason: RoleReason): Promise<void> {
    if (this.link !== link) return;
    // A writer that comes back (or starts) reads what the previous writer stored; editing waits for it.
    link.editing = false;
    if (role === 'writer' && reason === 'promoted') await this.reload(link);
    link.editing = role === 'writer' && link.tabs.canWrite;
    this.events.onRole(role, reason);
    this.events.onChange();
  }

  /**
   * Replaces the shown document by the stored one (another tab wrote it). Work
   * this tab could not store (it lost the document while editing) is kept
   * first as a revision, so nothing is dropped silently.
   */
  private async reload(link: StoreLink<K>, unstored = false): Promise<void> {
    if (this.link !== link) return;
    try {
      if ((unstored || link.saver?.dirty) && this.document) {
        await addRevision(link.db, link.docId, this.document.snapshot(), 'Unsaved changes of a tab that lost the document to another tab', undefined, this.clock.now());
      }
      const stored = await loadDocument(link.db, link.docId, { revision: true });
      const review = await loadReview(link.db, link.docId);
      if (!stored || this.link !== link) return;
      const document = AnnotationDocument.fromSnapshot(stored, REGION_OPS);
      this.adopt(link.key, document);
      this.review?.loaded(review);
      this.track(link, document);
    } catch (error) {
      this.events.onStorageError(toSegmarkError(error, 'storage-corrupt'));
    }
  }
}
